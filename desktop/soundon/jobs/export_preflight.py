"""The export's pre-flight: what is said about each take before anything is written.

Refused (the take is not exported, the others are):
- `missing`: the take's file is gone (a moved batch: relink it);
- `changed`: the file no longer matches the fingerprint it was imported with — another clip saved
  under its name — so the decisions made on the reviewed content are not laid on it;
- `no_track`: the verdict is replace but no post track is attached, or the track's file is gone,
  or its stored spec can't be read.
Warned (exported, the editor may want to look first):
- `wont_translate`: a pick whose stored analysis says it won't survive a phone speaker (for a
  replace take, the analysis of the post mix as the export writes it);
- `off_target`: a take delivered with its native audio whose loudness is off the batch's delivery
  target, when the kept audio is not being normalised (the dialog and `--normalize-keep` do that).

Plain Python, used by the export job (so `soundon export` and the app list the same findings) and
by the app's export dialog before it starts.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from soundon.core.take import Take
from soundon.core.targets import DEFAULT_TARGET, TARGETS
from soundon.core.translation import FLAG_TEXT, LEVEL_FLAGS, verdict
from soundon.jobs.swap_job import check_unchanged
from soundon.media.swap_errors import SwapError

REFUSING = ("missing", "changed", "no_track")


@dataclass(frozen=True)
class Finding:
    take_id: int
    name: str               # the take's file name
    kind: str
    message: str

    @property
    def refused(self) -> bool:
        return self.kind in REFUSING

    def as_dict(self) -> dict:
        return {"take_id": self.take_id, "name": self.name, "kind": self.kind, "refused": self.refused,
                "message": self.message}

    def line(self) -> str:
        return f"{'✗' if self.refused else '!'} {self.name}: {self.message}"


def check_take(take: Take, normalize_keep: bool) -> list[Finding]:
    name = Path(take.rel_path).name

    def found(kind: str, message: str) -> Finding:
        return Finding(take.id, name, kind, message)

    source = Path(take.path)
    if not source.is_file():
        return [found("missing", f"refused: the file {source} is missing; if its batch moved, run "
                                 f"soundon relink {take.batch!r} NEW_FOLDER.")]
    try:
        check_unchanged(source, take.fingerprint)
    except SwapError as exc:
        return [found("changed", f"refused: {exc}")]
    findings = []
    if take.audio_verdict == "replace":
        swap = take.delivered_swap()
        if swap is None:
            return [found("no_track", "refused: marked replace but has no post track; attach one (Review › "
                                      "Attach Post Track…) or: "
                                      f"soundon review {take.id} --audio replace --track FILE")]
        if swap.problem:
            return [found("no_track", f"refused: its stored swap spec can't be used ({swap.problem}).")]
        if not Path(swap.path).is_file():
            return [found("no_track", f"refused: its post track {swap.path} is missing.")]
    flags = _current_flags(take)
    if take.flag == "pick" and flags is not None and verdict(flags) == "problem":
        problems = [FLAG_TEXT[f] for f in flags if f not in LEVEL_FLAGS]
        where = " (measured on the post mix)" if take.audio_verdict == "replace" else ""
        findings.append(found("wont_translate", f"won't translate{where}: {', '.join(problems)}."))
    if take.audio_verdict != "replace" and not normalize_keep and take.integrated_lufs is not None \
            and flags is not None and {"too_quiet", "too_loud"} & set(flags):
        target = TARGETS.get(take.batch_target) or TARGETS[DEFAULT_TARGET]
        off = take.integrated_lufs - target.integrated_lufs
        findings.append(found("off_target", f"its native audio is at {take.integrated_lufs:.1f} LUFS, {off:+.1f} LU "
                                            f"from the batch's {target.name} target, and goes out as it is; "
                                            "normalise kept audio to bring it there."))
    return findings


def _current_flags(take: Take) -> list[str] | None:
    """The stored flags when the analysis measured what this take will deliver, else None."""
    if take.analysis_flags is None or not take.analysis_current:
        return None
    return list(take.analysis_flags)


def preflight(takes: list[Take], normalize_keep: bool) -> list[Finding]:
    return [f for take in takes for f in check_take(take, normalize_keep)]
