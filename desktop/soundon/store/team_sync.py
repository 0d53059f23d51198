"""Sync with a team server: push this library's queued changes, pull the other reviewers'.

No network here: the server is a `TeamServer` (jobs/kitsu_client.py talks to Kitsu; tests use an
in-process one). For each batch, in this order:
1. read the batch's entries from the server and check them all (core/team_entries.py) — a bad
   answer leaves the batch alone, nothing pushed or merged;
2. push its queued changes, each with the time it was made; a change already on the server (same
   key: it got there before a sync stopped) is not posted again; a take is posted before the first
   change about it; each change leaves the queue as soon as the server has it;
3. merge the other reviewers' entries in one transaction, with the decisions-merge rules: the newer
   decision wins, the newer swap spec wins, a note is added once. A take decided here since the last
   sync and, differently, by someone else is a conflict (listed with the winner).
A server that stops answering ends the sync where it is: what was not pushed stays queued, what
was not merged is pulled again next time.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from soundon.core.decision_time import stored_time
from soundon.core.errors import SoundOnError
from soundon.core.team_entries import ENTRY_VERSION, CheckedEntry, HostileAnswer, check_answer, entry_key
from soundon.store.exchange import MergedDecision


class TeamServerError(SoundOnError, RuntimeError):
    """The server refused or could not be used; the message says which and what to do."""


class ServerUnreachable(TeamServerError):
    """The server stopped answering (network down, server stopped) in the middle of a sync."""


class TeamServer(Protocol):
    def find_batch(self, name: str) -> str | None:
        """The batch's place on the server (its shot task), or None when nobody posted it yet."""

    def open_batch(self, name: str) -> str:
        """The batch's place on the server, made when it isn't there."""

    def entries(self, place: str) -> list:
        """The `data` of every comment at that place, oldest first."""

    def post(self, place: str, entry: dict, preview: Path | None = None) -> None:
        """One comment carrying the entry (created at entry["at"] when it has one)."""


@dataclass
class SyncOutcome:
    pushed: list[dict] = field(default_factory=list)      # {"batch", "file", "kind"}
    pulled: list[dict] = field(default_factory=list)      # {"batch", "file", "kind"}
    conflicts: list[dict] = field(default_factory=list)   # {"batch", "file", "ours", "theirs", "kept"}
    unknown_takes: list[dict] = field(default_factory=list)   # {"batch", "file"}: not in this library
    refused: list[dict] = field(default_factory=list)     # {"batch", "reason"}
    stopped: str = ""                                     # why the sync ended early, if it did
    queued: int = 0                                       # changes still waiting

    def to_dict(self) -> dict:
        return {"pushed": self.pushed, "pulled": self.pulled, "conflicts": self.conflicts,
                "unknown_takes": self.unknown_takes, "refused": self.refused, "stopped": self.stopped,
                "queued": self.queued}

    @property
    def complete(self) -> bool:
        return not self.stopped and not self.refused


Report = Callable[[str], None]


def sync(library, server: TeamServer, *, previews: bool = False, report: Report | None = None,
         cancelled: Callable[[], bool] = lambda: False, now: datetime | None = None) -> SyncOutcome:
    outcome = SyncOutcome()
    queued: dict[str, list[dict]] = {}
    for change in library.queued_changes():
        queued.setdefault(change["batch"], []).append(change)
    names = sorted({b["name"] for b in library.batches()} | set(queued), key=str.casefold)
    try:
        for name in names:
            if cancelled():
                outcome.stopped = "The sync was stopped; what was not sent stays queued for the next one."
                break
            if report:
                report(name)
            _sync_batch(library, server, name, queued.get(name, []), outcome, previews, now)
    except ServerUnreachable as exc:
        outcome.stopped = f"{exc} What was not sent stays queued; sync again to go on."
    outcome.queued = len(library.queued_changes())
    return outcome


def _sync_batch(library, server: TeamServer, name: str, changes: list[dict], outcome: SyncOutcome,
                previews: bool, now: datetime | None) -> None:
    place = server.open_batch(name) if changes else server.find_batch(name)
    if place is None:
        return
    try:
        remote = check_answer(server.entries(place), now)
    except HostileAnswer as exc:
        outcome.refused.append({"batch": name, "reason": f"The server's answer for {name} was refused: "
                                f"{exc}. Nothing of this batch was sent or merged."})
        return
    on_server = {entry.key for entry in remote}
    seen_before = library.seen_on_server()
    decided_here = {c["take_id"] for c in changes if c["kind"] == "decision"}
    pushed_keys = set()
    for change in changes:
        entry = _entry_for(library, change)
        if entry is None:        # the note was deleted since: nothing to send
            library.drop_queued(change["id"])
            continue
        key = entry_key(entry)
        if key not in on_server:
            take_key = f"take:{change['fingerprint']}"
            if take_key not in on_server:
                take = library.take(change["take_id"])
                server.post(place, _take_entry(take), Path(take.path) if previews and Path(take.path).is_file() else None)
                on_server.add(take_key)
                pushed_keys.add(take_key)
                outcome.pushed.append({"batch": name, "file": change["rel_path"], "kind": "take"})
            server.post(place, entry)
            on_server.add(key)
            outcome.pushed.append({"batch": name, "file": change["rel_path"], "kind": change["kind"]})
        pushed_keys.add(key)
        library.drop_queued(change["id"])
    _merge(library, name, remote, seen_before, decided_here, pushed_keys, outcome)


def _merge(library, name: str, remote: list[CheckedEntry], seen_before: set[str], decided_here: set[int],
           pushed_keys: set[str], outcome: SyncOutcome) -> None:
    files = {e.take: e.fields["file"] for e in remote if e.kind == "take"}
    takes = {}
    for fingerprint in files:
        take = library.take_by_fingerprint(fingerprint)
        if take is None:
            if any(e.take == fingerprint and e.kind != "take" for e in remote):
                outcome.unknown_takes.append({"batch": name, "file": files[fingerprint]})
        else:
            takes[fingerprint] = take
    newest: dict[str, CheckedEntry] = {}
    newest_swap: dict[str, CheckedEntry] = {}
    notes: dict[str, list[dict]] = {}
    unseen_decisions: dict[str, list[CheckedEntry]] = {}
    for entry in remote:
        if entry.take not in takes:
            continue
        if entry.kind == "decision":
            if entry.take not in newest or entry.at > newest[entry.take].at:
                newest[entry.take] = entry
            if entry.key not in seen_before and entry.key not in pushed_keys:
                unseen_decisions.setdefault(entry.take, []).append(entry)
        elif entry.kind == "swap":
            if entry.take not in newest_swap or entry.at > newest_swap[entry.take].at:
                newest_swap[entry.take] = entry
        elif entry.kind == "note":
            f = entry.fields
            notes.setdefault(entry.take, []).append(
                {"text": f["text"], "start": f["start"], "end": f["end"], "author": f["author"], "created_at": f["at"]})
    for fingerprint, entries in unseen_decisions.items():
        take = takes[fingerprint]
        if take.id not in decided_here:
            continue
        ours = _decision_of(take)
        theirs = max(entries, key=lambda e: e.at)
        if _values(theirs.fields) != _values(ours):
            mine_at = stored_time(library.review_updated_at(take.id))
            kept = "theirs" if mine_at is None or theirs.at > mine_at else "ours"
            outcome.conflicts.append({"batch": name, "file": take.rel_path, "ours": _values(ours),
                                      "theirs": _values(theirs.fields), "kept": kept})
    decisions = []
    for fingerprint, take in takes.items():
        decision = newest.get(fingerprint)
        if decision is None and fingerprint not in notes:
            continue
        fields = decision.fields if decision else {"flag": "none", "rating": 0, "audio_verdict": "undecided"}
        decisions.append((take.id, MergedDecision(fingerprint, take.rel_path, fields["flag"], fields["rating"],
                                                  fields["audio_verdict"], decision.at if decision else None,
                                                  notes.get(fingerprint, []))))
    swaps = [(takes[fp].id, e.fields["track"], e.fields["spec"], e.at) for fp, e in newest_swap.items()]
    taken, added, swapped = library.merge_pulled(decisions, swaps, {e.key for e in remote} | pushed_keys)
    by_id = {take.id: take.rel_path for take in takes.values()}
    for kind, ids in (("decision", taken), ("note", added), ("swap", swapped)):
        for take_id in ids:
            outcome.pulled.append({"batch": name, "file": by_id[take_id], "kind": kind})


def _values(fields: dict) -> dict:
    return {"flag": fields["flag"], "rating": fields["rating"], "audio_verdict": fields["audio_verdict"]}


def _decision_of(take) -> dict:
    return {"flag": take.flag, "rating": take.rating, "audio_verdict": take.audio_verdict}


def _take_entry(take) -> dict:
    return {"soundon": ENTRY_VERSION, "kind": "take", "take": take.fingerprint, "file": take.rel_path,
            "model": take.model, "prompt": take.prompt}


def _entry_for(library, change: dict) -> dict | None:
    """The queued change as it now stands in the library (the latest decision, not every one)."""
    base = {"soundon": ENTRY_VERSION, "kind": change["kind"], "take": change["fingerprint"], "file": change["rel_path"]}
    take_id = change["take_id"]
    if change["kind"] == "decision":
        take = library.take(take_id)
        return {**base, **_decision_of(take), "at": library.review_updated_at(take_id)}
    if change["kind"] == "note":
        found = [n for n in library.notes(take_id) if n["id"] == change["note_id"]]
        if not found:
            return None
        note = found[0]
        return {**base, "text": note["text"], "start": note["start"], "end": note["end"],
                "author": note["author"], "at": note["created_at"]}
    row = library.swap_row(take_id)
    if row is None:
        return None
    return {**base, "track": row["track_path"], "spec": json.loads(row["spec"] or "{}"),
            "at": row["updated_at"]}

