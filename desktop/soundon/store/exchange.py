"""Review decisions as a portable JSON document, so several reviewers can work offline and combine
their decisions. Takes are matched by content fingerprint, so the document works across machines
and folder layouts.

Merge rules: for each take, the decision (flag, rating, audio verdict) with the later `updated_at`
wins as a whole; notes are added unless the same note (text, in, out) is already there. Takes the
library doesn't have are reported, never invented.
"""
from __future__ import annotations

from soundon.core.review import AudioVerdict, Flag, check_rating

FORMAT = "soundon-decisions"
FORMAT_VERSION = 1


class ExchangeError(ValueError):
    pass


def export_decisions(library, batch: str | None = None) -> dict:
    takes = library.takes(batch)
    rows = {r["take_id"]: r for r in library.db.query("SELECT * FROM reviews")}
    out = []
    for take in takes:
        review = rows.get(take["id"], {})
        out.append({
            "fingerprint": take["fingerprint"],
            "file": take["rel_path"],
            "batch": take["batch"],
            "flag": take["flag"],
            "rating": take["rating"],
            "audio_verdict": take["audio_verdict"],
            "updated_at": review.get("updated_at", ""),
            "notes": [{"text": n["text"], "start": n["start"], "end": n["end"], "author": n["author"],
                       "created_at": n["created_at"]} for n in library.notes(take["id"])],
        })
    return {"format": FORMAT, "version": FORMAT_VERSION, "takes": out}


def merge_decisions(library, document: dict) -> dict:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ExchangeError("This file is not a Sound-On decisions file.")
    if int(document.get("version", 0)) > FORMAT_VERSION:
        raise ExchangeError("This decisions file comes from a newer Sound-On; update to merge it.")
    updated = notes_added = 0
    unknown: list[str] = []
    for entry in document.get("takes", []):
        take = library.take_by_fingerprint(str(entry.get("fingerprint", "")))
        if take is None:
            unknown.append(str(entry.get("file", "?")))
            continue
        try:
            flag = Flag(entry.get("flag", "none")).value
            rating = check_rating(int(entry.get("rating", 0)))
            verdict = AudioVerdict(entry.get("audio_verdict", "undecided")).value
        except (ValueError, TypeError) as exc:
            raise ExchangeError(f"The decision for {entry.get('file', '?')} is not valid ({exc}).") from None
        if library.apply_decision_if_newer(take["id"], flag, rating, verdict, str(entry.get("updated_at", ""))):
            updated += 1
        existing = {(n["text"], n["start"], n["end"]) for n in library.notes(take["id"])}
        for note in entry.get("notes", []):
            key = (note.get("text", ""), note.get("start"), note.get("end"))
            if key[0] and key not in existing:
                library.insert_note_record(take["id"], note)
                existing.add(key)
                notes_added += 1
    return {"updated": updated, "notes_added": notes_added, "unknown_takes": unknown}
