"""A prompt's audio need (what its sound is mostly about) and which model is usually strongest for it.

The guidance is data with its date (resources/prompts/model_guidance.json), to be updated as models
change; core/model_stats.py sets a library's own figures beside it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from soundon.core.prompt_check import PromptCheck
from soundon.resources import resource_path

NEEDS = ("dialogue", "atmosphere", "effects", "music", "fast_iteration")
FAST_ITERATION_BELOW = 30     # a prompt with this little audio direction is still a sketch


@lru_cache(maxsize=1)
def guidance() -> dict:
    return json.loads(resource_path("prompts", "model_guidance.json").read_text(encoding="utf-8"))


def need_label(need: str | None) -> str:
    if need is None:
        return "Unknown"
    return guidance()["needs"][need]["label"]


def audio_need(check: PromptCheck) -> str | None:
    """dialogue, atmosphere, effects, music or fast_iteration; None when the prompt can't be judged."""
    if check.score is None:
        return None
    f = check.facts
    spoken = bool(f.speech or f.lines)
    if f.fast_iteration or (check.score < FAST_ITERATION_BELOW and not spoken and not f.music):
        return "fast_iteration"
    if spoken:
        return "dialogue"
    if f.music:
        return "music"
    if f.impacts:
        return "effects"
    return "atmosphere"


def _refinement(check: PromptCheck, need: str) -> str:
    f = check.facts
    if need != "dialogue":
        return ""
    if f.multilingual or check.language != "en":
        return "multilingual"
    if f.delivery.get("emotion") and f.multi_shot:
        return "emotional_multi_shot"
    return ""


@dataclass(frozen=True)
class Advice:
    need: str | None
    label: str
    model: str
    why: str
    as_of: str

    @property
    def text(self) -> str:
        if self.need is None:
            return "No advice: the prompt's audio need can't be told."
        return f"{self.label}: {self.model} ({self.why}; guidance of {self.as_of})."

    def as_dict(self) -> dict:
        return {"audio_need": self.need, "label": self.label, "model": self.model or None, "why": self.why,
                "source": "guidance", "guidance_date": self.as_of}


def advice(check: PromptCheck) -> Advice:
    data = guidance()
    need = audio_need(check)
    if need is None:
        return Advice(None, "Unknown", "", "the prompt can't be judged", data["as_of"])
    entry = data["needs"][need]
    model, why = entry["model"], entry["why"]
    refinement = _refinement(check, need)
    for rule in data.get("refinements", ()):
        if rule["need"] == need and rule["when"] == refinement:
            model, why = rule["model"], rule["why"]
    return Advice(need, entry["label"], model, why, data["as_of"])
