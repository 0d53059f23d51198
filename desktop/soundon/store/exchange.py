"""Review decisions as a portable JSON document, so several reviewers can work offline and combine
their decisions. Takes are matched by content fingerprint, so the document works across machines
and folder layouts.

Merge rules: for each take, the decision (flag, rating, audio verdict) with the later `updated_at`
wins as a whole (times are compared as times; one more than a day ahead of this computer's clock is
refused); notes are added unless the same note (text, in, out) is already there. Takes the library
doesn't have are reported, never invented. A merge is all or nothing: every entry is checked first,
and one refused entry leaves the library as it was.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from soundon.core.decision_time import DecisionTimeError, parse_decision_time
from soundon.core.errors import SoundOnError
from soundon.core.review import MAX_RATING, MIN_RATING, AudioVerdict, Flag, Note, ReviewError
from soundon.core.take import kind_of_value

FORMAT = "soundon-decisions"
FORMAT_VERSION = 1


class ExchangeError(SoundOnError, ValueError):
    pass


def export_decisions(library, batch: str | None = None) -> dict:
    takes = library.takes(batch)
    rows = {r["take_id"]: r for r in library.db.query("SELECT * FROM reviews")}
    out = []
    for take in takes:
        review = rows.get(take.id, {})
        out.append({
            "fingerprint": take.fingerprint,
            "file": take.rel_path,
            "batch": take.batch,
            "flag": take.flag,
            "rating": take.rating,
            "audio_verdict": take.audio_verdict,
            "updated_at": review.get("updated_at", ""),
            "notes": [{"text": n["text"], "start": n["start"], "end": n["end"], "author": n["author"],
                       "created_at": n["created_at"]} for n in library.notes(take.id)],
        })
    return {"format": FORMAT, "version": FORMAT_VERSION, "takes": out}


@dataclass
class MergedDecision:
    """One checked entry of a decisions file, ready to write."""

    fingerprint: str
    file: str
    flag: str
    rating: int
    verdict: str
    updated_at: datetime | None      # None: no decision recorded (it never wins)
    notes: list[dict]


def merge_decisions(library, document: dict, now: datetime | None = None) -> dict:
    """Check the whole document, then write it in one transaction; nothing is written when any entry
    is refused. The outcome lists every refused entry (1-based `entry`, `file`, `reason`)."""
    entries = _document_entries(document)
    checked: list[MergedDecision] = []
    refused: list[dict] = []
    for number, entry in enumerate(entries, start=1):
        try:
            checked.append(_checked_entry(entry, now))
        except ExchangeError as exc:
            file = entry.get("file") if isinstance(entry, dict) else None
            refused.append({"entry": number, "file": file if isinstance(file, str) else "", "reason": str(exc)})
    outcome = {"updated": 0, "notes_added": 0, "unknown_takes": [], "refused": refused}
    if refused:
        return outcome
    known = []
    for decision in checked:
        take = library.take_by_fingerprint(decision.fingerprint)
        if take is None:
            outcome["unknown_takes"].append(decision.file or decision.fingerprint)
        else:
            known.append((take.id, decision))
    outcome["updated"], outcome["notes_added"] = library.merge_reviews(known)
    return outcome


def _document_entries(document) -> list:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ExchangeError("This file is not a Sound-On decisions file.")
    version = document.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ExchangeError(f"This decisions file's version ({version!r}) is not a number.")
    if version > FORMAT_VERSION:
        raise ExchangeError("This decisions file comes from a newer Sound-On; update to merge it.")
    entries = document.get("takes", [])
    if not isinstance(entries, list):
        raise ExchangeError(f"This decisions file's 'takes' is {kind_of_value(entries)}, not a list; nothing was merged.")
    return entries


def _checked_entry(entry, now: datetime | None) -> MergedDecision:
    if not isinstance(entry, dict):
        raise ExchangeError(f"it is {kind_of_value(entry)}, not an object")
    fingerprint = entry.get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint:
        raise ExchangeError("it has no fingerprint, so its take can't be found")
    file = entry.get("file", "")
    flag = entry.get("flag", Flag.NONE.value)
    if flag not in _values(Flag):
        raise ExchangeError(f"its flag {flag!r} is not one of {', '.join(_values(Flag))}")
    rating = entry.get("rating", 0)
    if not isinstance(rating, int) or isinstance(rating, bool) or not MIN_RATING <= rating <= MAX_RATING:
        raise ExchangeError(f"its rating {rating!r} is not a whole number from {MIN_RATING} to {MAX_RATING}")
    verdict = entry.get("audio_verdict", AudioVerdict.UNDECIDED.value)
    if verdict not in _values(AudioVerdict):
        raise ExchangeError(f"its audio verdict {verdict!r} is not one of {', '.join(_values(AudioVerdict))}")
    updated_at = entry.get("updated_at")
    if updated_at in (None, ""):
        # An exported take nobody reviewed has no time; a decision without one can't be ordered.
        if (flag, rating, verdict) != (Flag.NONE.value, 0, AudioVerdict.UNDECIDED.value):
            raise ExchangeError("it has a decision but no updated_at time, so it can't be ordered")
        moment = None
    else:
        try:
            moment = parse_decision_time(updated_at, now)
        except DecisionTimeError as exc:
            raise ExchangeError(f"its updated_at {exc}") from None
    return MergedDecision(fingerprint, file if isinstance(file, str) else "", flag, rating, verdict, moment,
                          _checked_notes(entry.get("notes", [])))


def _checked_notes(notes) -> list[dict]:
    if not isinstance(notes, list):
        raise ExchangeError(f"its notes are {kind_of_value(notes)}, not a list of notes")
    checked = []
    for number, note in enumerate(notes, start=1):
        if not isinstance(note, dict):
            raise ExchangeError(f"its note {number} is {kind_of_value(note)}, not an object")
        text, start, end = note.get("text"), note.get("start"), note.get("end")
        author, created_at = note.get("author", ""), note.get("created_at", "")
        if not isinstance(text, str) or not text.strip():
            raise ExchangeError(f"its note {number} has no text")
        for name, value in (("start", start), ("end", end)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or not math.isfinite(value)):
                raise ExchangeError(f"its note {number} has a {name} ({value!r}) that is not a time in seconds")
        try:
            Note(text, start, end)
        except ReviewError as exc:
            raise ExchangeError(f"its note {number}: {exc}") from None
        for name, value in (("author", author), ("created_at", created_at)):
            if not isinstance(value, str):
                raise ExchangeError(f"its note {number} has a {name} that is {kind_of_value(value)}, not text")
        checked.append({"text": text, "start": start, "end": end, "author": author, "created_at": created_at})
    return checked


def _values(enum) -> tuple[str, ...]:
    return tuple(member.value for member in enum)
