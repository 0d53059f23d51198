"""Writing the NLE files for a batch: FCPXML 1.10, FCP7 XML (xmeml), a CMX3600 EDL and OTIO, beside
the media they point at.

`soundon export` hands off the files it delivered (their final audio); `soundon handoff` hands off
the original takes, for an editor who wants the selects in the NLE before the post audio is ready.
The bin (the FCPXML event) holds every take given; the timelines hold the picks in order. A batch
with no picks writes nothing. A timeline whose picks have mixed rates is refused for the formats
that are only a timeline (xmeml, EDL, OTIO), while the FCPXML keeps its event. Variable-frame-rate
takes are placed at their average rate, and a warnings file beside the NLE files says so.
Files are written under a temporary name and renamed into place; an existing file is never
replaced (a name clash gets a suffix).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from soundon.core.handoff import edl, fcpxml, otio_timeline, xmeml
from soundon.core.handoff.formats import NLE_FORMATS, SUFFIXES
from soundon.core.handoff.selects import MixedRates, NothingToHandOff, Selects, select_clip
from soundon.core.take import Take
from soundon.media import destination
from soundon.media.nle_timing import read_timing
from soundon.media.probe import ProbeError
from soundon.store.library import Library

@dataclass
class HandoffResult:
    files: dict[str, str] = field(default_factory=dict)       # format → path written
    refused: dict[str, str] = field(default_factory=dict)     # format → why it wasn't written
    notes: list[str] = field(default_factory=list)            # written, with something left out
    skipped: list[dict] = field(default_factory=list)         # takes left out: {"take", "reason"}
    warnings: list[str] = field(default_factory=list)
    warnings_file: str = ""
    error: str = ""                                           # why nothing was written

    @property
    def complete(self) -> bool:
        return not (self.error or self.refused or self.skipped)

    def sentence(self) -> str:
        """The NLE files in a sentence or two, for the editor: what was written, what was not and
        why, and what a written file leaves out."""
        if self.error:
            return f"No NLE files: {self.error}"
        text = f"NLE files: {', '.join(Path(p).name for p in self.files.values())}." if self.files else ""
        text += "".join(f" No {name} file: {why}" for name, why in self.refused.items())
        text += "".join(f" {note}" for note in self.notes)
        if self.warnings_file:
            text += f" Variable frame rate: see {Path(self.warnings_file).name}."
        return text.strip()

    def as_dict(self) -> dict:
        return {"files": self.files, "refused": self.refused, "notes": self.notes, "skipped": self.skipped,
                "warnings": self.warnings, "warnings_file": self.warnings_file, "error": self.error}


def original_media(library: Library, batch: str) -> list[tuple[Take, str]]:
    """Every take of the batch on its original file (what `soundon handoff` hands off)."""
    return [(t, t.path) for t in library.takes(batch)]


def hand_off(library: Library, batch: str, media: list[tuple[Take, str]], to: Path,
             formats: tuple[str, ...] = NLE_FORMATS, among: str = "") -> HandoffResult:
    """Write the chosen NLE files in `to` for these takes on these files. NothingToHandOff (and
    nothing written) when no pick is among them; `among` says which files those were, for its
    message ("among the files written")."""
    result = HandoffResult()
    if not formats:
        return result
    clips = []
    for take, path in media:
        try:
            timing = read_timing(path)
        except ProbeError as exc:
            result.skipped.append({"take": Path(path).name, "reason": str(exc)})
            continue
        clips.append(select_clip(take, path, timing, library.notes(take.id)))
    selects = Selects(batch, clips)
    if not selects.picks:
        among = f" {among}" if among else ""
        if result.skipped:
            among += " that could be read"
        raise NothingToHandOff(f"Batch {batch!r} has no picks{among}, so no NLE files were written; "
                               "pick takes first (P, or soundon review TAKE --pick).")
    to = Path(to).expanduser().absolute()
    try:
        to.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise destination.describe_write_error(exc, to) from None
    base = to / (re.sub(r"[^\w.-]+", "-", batch).strip("-.") or "batch")
    for name in formats:
        try:
            text = _document(name, selects, result)
        except MixedRates as exc:
            result.refused[name] = str(exc)
            continue
        result.files[name] = str(destination.write_text(base.with_name(f"{base.name}-selects{SUFFIXES[name]}"), text))
    result.warnings = selects.warnings()
    if result.warnings and result.files:
        result.warnings_file = str(destination.write_text(base.with_name(f"{base.name}-selects-warnings.txt"),
                                               "\n".join(result.warnings) + "\n"))
    return result


def _document(name: str, selects: Selects, result: HandoffResult) -> str:
    if name == "fcpxml":
        text, left_out = fcpxml.write(selects)
        if left_out:
            result.notes.append(left_out)
        return text
    if name == "xmeml":
        return xmeml.write(selects)
    if name == "edl":
        return edl.write(selects)
    return otio_timeline.write(selects)

