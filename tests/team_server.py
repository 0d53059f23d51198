"""An in-process team server for the sync engine's tests: it keeps each batch's comments in memory
the way Kitsu keeps a shot task's comments, and can be told to stop answering part-way (the faults
a real server shows only when its network or process goes away)."""
from __future__ import annotations

import copy
from pathlib import Path

from soundon.store.team_sync import ServerUnreachable


class FakeTeamServer:
    def __init__(self):
        self.places: dict[str, list[dict]] = {}
        self.previews: list[Path] = []
        self.posts_before_stop: int | None = None   # stop answering after this many posts
        self.lose_answer_of_post: int | None = None  # the n-th post is stored, but its answer never arrives
        self.answer_override = None                 # what `entries` returns instead, once set
        self._posts = 0

    def find_batch(self, name: str) -> str | None:
        return name if name in self.places else None

    def open_batch(self, name: str) -> str:
        self.places.setdefault(name, [])
        return name

    def entries(self, place: str) -> list:
        if self.answer_override is not None:
            return self.answer_override
        return copy.deepcopy(self.places[place])

    def post(self, place: str, entry: dict, preview: Path | None = None) -> None:
        if self.posts_before_stop is not None and self._posts >= self.posts_before_stop:
            raise ServerUnreachable("The Kitsu server stopped answering.")
        self._posts += 1
        self.places[place].append(copy.deepcopy(entry))
        if preview is not None:
            self.previews.append(preview)
        if self.lose_answer_of_post == self._posts:
            raise ServerUnreachable("The Kitsu server stopped answering.")

    def comments(self, kind: str | None = None) -> list[dict]:
        return [e for entries in self.places.values() for e in entries if kind is None or e["kind"] == kind]
