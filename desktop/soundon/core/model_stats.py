"""Learning from the picks: how each model's takes fared in this library, per audio need.

Per audio need (of the take's prompt) and per model: takes, picked, rejected, average rating (of the
rated takes), the share whose native audio was kept rather than replaced, and the translation
verdicts of the analysed takes. With enough decisions for a need (MIN_DECISIONS picks and rejects,
MIN_PER_MODEL of them for the leading model) the library's own leader takes precedence over the dated
guidance; every recommendation says which of the two it comes from.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from soundon.core.audio_need import NEEDS, advice, audio_need, guidance, need_label
from soundon.core.prompt_check import PromptCheck, check_prompt
from soundon.core.take import Take
from soundon.core.translation import verdict

MIN_DECISIONS = 10
MIN_PER_MODEL = 3
UNKNOWN_MODEL = "unknown model"
NOT_ANALYSED = "not_analysed"


class DecidedTake(NamedTuple):
    """What the figures read of a take (a library of 50,000 is counted from these, not from whole takes)."""
    model: str
    prompt: str
    duration: float
    flag: str
    rating: int
    audio_verdict: str
    analysis_flags: tuple[str, ...] | None


@dataclass
class ModelFigures:
    model: str
    takes: int = 0
    picked: int = 0
    rejected: int = 0
    ratings: list[int] = field(default_factory=list)
    kept: int = 0
    replaced: int = 0
    verdicts: Counter = field(default_factory=Counter)

    def add(self, take: Take | DecidedTake) -> None:
        self.takes += 1
        self.picked += take.flag == "pick"
        self.rejected += take.flag == "reject"
        if take.rating:
            self.ratings.append(take.rating)
        self.kept += take.audio_verdict == "keep"
        self.replaced += take.audio_verdict == "replace"
        flags = take.analysis_flags
        self.verdicts[NOT_ANALYSED if flags is None else verdict(list(flags))] += 1

    @property
    def decisions(self) -> int:
        return self.picked + self.rejected

    @property
    def pick_rate(self) -> float | None:
        return self.picked / self.decisions if self.decisions else None

    @property
    def average_rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    @property
    def audio_kept_share(self) -> float | None:
        decided = self.kept + self.replaced
        return self.kept / decided if decided else None

    def as_dict(self) -> dict:
        def rounded(value):
            return None if value is None else round(value, 2)
        return {"model": self.model, "takes": self.takes, "picked": self.picked, "rejected": self.rejected,
                "pick_rate": rounded(self.pick_rate), "average_rating": rounded(self.average_rating),
                "audio_kept": self.kept, "audio_replaced": self.replaced,
                "audio_kept_share": rounded(self.audio_kept_share), "translation": dict(sorted(self.verdicts.items()))}


@dataclass(frozen=True)
class Recommendation:
    need: str
    model: str
    source: str          # library or guidance
    why: str

    def as_dict(self) -> dict:
        return {"model": self.model, "source": self.source, "why": self.why}


@dataclass
class NeedFigures:
    need: str
    models: dict[str, ModelFigures] = field(default_factory=dict)

    @property
    def decisions(self) -> int:
        return sum(m.decisions for m in self.models.values())

    def recommendation(self) -> Recommendation:
        ready = [m for m in self.models.values() if m.decisions >= MIN_PER_MODEL]
        if self.decisions >= MIN_DECISIONS and ready:
            best = max(ready, key=lambda m: (m.pick_rate, m.average_rating or 0, m.audio_kept_share or 0))
            return Recommendation(self.need, best.model, "library",
                                  f"picked {best.picked} of its {best.decisions} decided takes of this need "
                                  f"in this library ({self.decisions} decisions in all)")
        entry = guidance()["needs"][self.need]
        short = MIN_DECISIONS - self.decisions
        return Recommendation(self.need, entry["model"], "guidance",
                              f"{entry['why']} (guidance of {guidance()['as_of']}; the library's own figures "
                              f"lead after {short} more pick or reject decision{'s' if short != 1 else ''})"
                              if short > 0 else
                              f"{entry['why']} (guidance of {guidance()['as_of']}; no model has "
                              f"{MIN_PER_MODEL} decisions of this need yet)")

    def as_dict(self) -> dict:
        return {"audio_need": self.need, "label": need_label(self.need), "decisions": self.decisions,
                "recommended": self.recommendation().as_dict(),
                "models": [m.as_dict() for m in sorted(self.models.values(), key=lambda m: m.model.casefold())]}


@dataclass
class PickStatistics:
    needs: dict[str, NeedFigures]
    models: dict[str, ModelFigures]
    unjudged: int = 0          # takes whose prompt's need can't be told (no prompt, another language)

    def as_dict(self) -> dict:
        return {"guidance_date": guidance()["as_of"], "min_decisions": MIN_DECISIONS,
                "needs": [self.needs[n].as_dict() for n in NEEDS],
                "models": [m.as_dict() for m in sorted(self.models.values(), key=lambda m: m.model.casefold())],
                "takes_without_need": self.unjudged}


class CheckCache:
    """One check per prompt and clip length: a prompt group's takes share their prompt."""

    def __init__(self):
        self._checks: dict[tuple[str, float], PromptCheck] = {}
        self._needs: dict[tuple[str, float], str | None] = {}

    @staticmethod
    def key(prompt: str, duration: float | None) -> tuple[str, float]:
        return (prompt, round(duration or 0.0, 1))

    def check(self, prompt: str, duration: float | None) -> PromptCheck:
        key = self.key(prompt, duration)
        if key not in self._checks:
            self._checks[key] = check_prompt(prompt, duration or None)
        return self._checks[key]

    def need(self, prompt: str, duration: float | None) -> str | None:
        key = self.key(prompt, duration)
        if key not in self._needs:
            self._needs[key] = audio_need(self.check(prompt, duration))
        return self._needs[key]

    def unknown(self, takes) -> list[tuple[str, float]]:
        """The (prompt, length) of these takes whose need is not known yet, each once."""
        return list(dict.fromkeys(k for k in (self.key(t.prompt, t.duration) for t in takes) if k not in self._needs))

    def needs(self) -> dict[tuple[str, float], str | None]:
        """Every need known so far (for a count in another process)."""
        return dict(self._needs)

    def learn(self, needs: dict[tuple[str, float], str | None]) -> None:
        """Needs worked out elsewhere (another process, by `audio_needs`)."""
        self._needs.update(needs)


def audio_needs(keys: list[tuple[str, float]]) -> dict[tuple[str, float], str | None]:
    """The audio need of each (prompt, length) key of CheckCache."""
    return {key: audio_need(check_prompt(key[0], key[1] or None)) for key in keys}


def pick_statistics(takes: list[Take] | list[DecidedTake], cache: CheckCache | None = None) -> PickStatistics:
    cache = cache or CheckCache()
    needs = {n: NeedFigures(n) for n in NEEDS}
    models: dict[str, ModelFigures] = {}
    unjudged = 0
    for take in takes:
        model = take.model or UNKNOWN_MODEL
        models.setdefault(model, ModelFigures(model)).add(take)
        need = cache.need(take.prompt, take.duration)
        if need is None:
            unjudged += 1
            continue
        needs[need].models.setdefault(model, ModelFigures(model)).add(take)
    return PickStatistics(needs, models, unjudged)


def advice_with_library(check: PromptCheck, stats: PickStatistics | None) -> dict:
    """The advice for a prompt: the library's leader for its need when it has enough decisions,
    else the guidance's model. Says which."""
    base = advice(check)
    document = base.as_dict()
    if base.need is None or stats is None:
        return document
    found = stats.needs[base.need].recommendation()
    if found.source == "library":
        document.update({"model": found.model, "why": found.why, "source": "library",
                         "guidance_model": base.model})
    return document
