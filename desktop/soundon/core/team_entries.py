"""What Sound-On writes on a team server (Kitsu): one entry per comment, kept in the comment's data,
and the checks an entry read back from the server must pass before anything of it is merged.

Entries, all with `"soundon": 1`, `kind` and `take` (the take's content fingerprint):
- take:     file, model, prompt                    (a preview revision of the batch's shot task)
- decision: flag, rating, audio_verdict, at        (a comment with the status of the flag)
- note:     text, start, end, author, at           (a comment with the note's timecode range)
- swap:     track, spec, at                        (a comment carrying the swap spec)
`at` is when the change was made on the reviewer's machine; merges are ordered by it.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime

from soundon.core.decision_time import DecisionTimeError, parse_decision_time
from soundon.core.errors import SoundOnError
from soundon.core.review import MAX_RATING, MIN_RATING, AudioVerdict, Flag, Note, ReviewError
from soundon.core.swap_spec import SwapSpec
from soundon.core.take import kind_of_value

ENTRY_VERSION = 1
KINDS = ("take", "decision", "note", "swap")

# An answer beyond these is not what a team's review of a batch looks like: it is refused whole
# rather than held in memory and written into the library.
MAX_ENTRIES = 100_000
MAX_TEXT = 20_000          # characters of a prompt or a note
MAX_PATH = 4_096
MAX_SPEC = 10_000          # characters of a swap spec as JSON


class HostileAnswer(SoundOnError, ValueError):
    """The server's answer can't be trusted; nothing of it was merged."""


@dataclass(frozen=True)
class CheckedEntry:
    kind: str
    take: str                  # fingerprint
    fields: dict               # the entry's own values, checked
    at: datetime | None        # None for a take entry

    @property
    def key(self) -> str:
        return entry_key({"kind": self.kind, "take": self.take, **self.fields})


def entry_key(entry: dict) -> str:
    """The same change has the same key on every machine, so a comment that reached the server
    before a sync stopped is recognised and not posted again."""
    kind, take = entry["kind"], entry["take"]
    if kind == "take":
        return f"take:{take}"
    if kind == "note":
        return "note:" + json.dumps([take, entry["text"], entry["start"], entry["end"]], ensure_ascii=False)
    if kind == "decision":
        return "decision:" + json.dumps([take, entry["flag"], entry["rating"], entry["audio_verdict"], entry["at"]])
    return "swap:" + json.dumps([take, entry["track"], entry["spec"], entry["at"]], sort_keys=True)


def check_answer(datas: list, now: datetime | None = None) -> list[CheckedEntry]:
    """Every Sound-On entry of a batch's comments, checked; raises HostileAnswer on the first bad one.
    Comments that are not Sound-On's (`data` without "soundon") are people's own and are skipped."""
    if not isinstance(datas, list):
        raise HostileAnswer(f"the list of comments is {kind_of_value(datas)}")
    if len(datas) > MAX_ENTRIES:
        raise HostileAnswer(f"it has {len(datas):,} comments, more than the {MAX_ENTRIES:,} a batch can have")
    checked = []
    for number, data in enumerate(datas, start=1):
        if not isinstance(data, dict) or "soundon" not in data:
            continue
        try:
            checked.append(_checked(data, now))
        except HostileAnswer as exc:
            raise HostileAnswer(f"comment {number} {exc}") from None
    announced = {entry.take for entry in checked if entry.kind == "take"}
    for entry in checked:
        if entry.take not in announced:
            raise HostileAnswer(f"a {entry.kind} names take {entry.take[:12]}…, which was never posted to this shot")
    return checked


def _checked(data: dict, now: datetime | None) -> CheckedEntry:
    if data.get("soundon") != ENTRY_VERSION:
        raise HostileAnswer(f"was written by a Sound-On format {data.get('soundon')!r} this version doesn't read")
    kind, take = data.get("kind"), data.get("take")
    if kind not in KINDS:
        raise HostileAnswer(f"has an unknown kind {_short(kind)}")
    if not isinstance(take, str) or not 8 <= len(take) <= 128:
        raise HostileAnswer("has no usable take fingerprint")
    if kind == "take":
        fields = {name: _text(data, name, MAX_TEXT) for name in ("file", "model", "prompt")}
        return CheckedEntry(kind, take, fields, None)
    at_text = data.get("at")
    try:
        at = parse_decision_time(at_text, now)
    except DecisionTimeError as exc:
        raise HostileAnswer(f"has a time that {exc}") from None
    fields = {"at": at_text}
    if kind == "decision":
        flag, rating, verdict = data.get("flag"), data.get("rating"), data.get("audio_verdict")
        if flag not in [f.value for f in Flag]:
            raise HostileAnswer(f"has a flag {_short(flag)} that is not pick, reject or none")
        if not isinstance(rating, int) or isinstance(rating, bool) or not MIN_RATING <= rating <= MAX_RATING:
            raise HostileAnswer(f"has a rating {_short(rating)} that is not a whole number from {MIN_RATING} to {MAX_RATING}")
        if verdict not in [v.value for v in AudioVerdict]:
            raise HostileAnswer(f"has an audio verdict {_short(verdict)} that is not keep, replace or undecided")
        fields.update(flag=flag, rating=rating, audio_verdict=verdict)
    elif kind == "note":
        text = _text(data, "text", MAX_TEXT)
        start, end = data.get("start"), data.get("end")
        for name, value in (("in", start), ("out", end)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or not math.isfinite(value)):
                raise HostileAnswer(f"has a note {name} point {_short(value)} that is not a time in seconds")
        try:
            Note(text, start, end)
        except ReviewError as exc:
            raise HostileAnswer(f"has a note that can't be stored ({exc})") from None
        fields.update(text=text, start=start, end=end, author=_text(data, "author", 200))
    else:
        track, spec = _text(data, "track", MAX_PATH), data.get("spec")
        if not isinstance(spec, dict) or len(json.dumps(spec)) > MAX_SPEC:
            raise HostileAnswer("has a swap spec that is not a small object")
        try:
            SwapSpec.from_dict(spec)
        except (ValueError, TypeError) as exc:
            raise HostileAnswer(f"has a swap spec that can't be used ({exc})") from None
        fields.update(track=track, spec=spec)
    return CheckedEntry(kind, take, fields, at)


def _text(data: dict, name: str, limit: int) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise HostileAnswer(f"has a {name} that is {kind_of_value(value)}, not text")
    if len(value) > limit:
        raise HostileAnswer(f"has a {name} of {len(value):,} characters, more than {limit:,}")
    return value


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def comment_text(entry: dict) -> str:
    """What people read of an entry in Kitsu."""
    kind = entry["kind"]
    if kind == "take":
        lines = [f"Take {entry['file']}"]
        if entry.get("model"):
            lines.append(f"Model: {entry['model']}")
        if entry.get("prompt"):
            lines.append(f"Prompt: {entry['prompt']}")
        return "\n".join(lines)
    name = entry.get("file") or entry["take"][:12]
    if kind == "decision":
        stars = f", {entry['rating']}★" if entry["rating"] else ""
        return f"{name}: {entry['flag'] if entry['flag'] != 'none' else 'undecided'}{stars}, audio {entry['audio_verdict']}"
    if kind == "note":
        return f"{name} {_range(entry['start'], entry['end'])}{entry['text']}"
    return f"{name}: post track {entry['track'] or '(none: native audio nudged)'}"


def _range(start, end) -> str:
    if start is None:
        return ""
    return f"[{_clock(start)}–{_clock(end)}] " if end is not None else f"[{_clock(start)}] "


def _clock(seconds: float) -> str:
    hours, rest = divmod(float(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:05.2f}"
