"""In and out marks on a take (I / O), as in an NLE: an out before the in (or an in after the out)
drops the other mark, and a note without marks sits at the current frame."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InOut:
    start: float | None = None
    end: float | None = None

    def mark_in(self, position: float) -> "InOut":
        end = self.end if self.end is not None and self.end > position else None
        return InOut(position, end)

    def mark_out(self, position: float) -> "InOut":
        start = self.start if self.start is not None and self.start < position else None
        return InOut(start, position)

    @property
    def empty(self) -> bool:
        return self.start is None and self.end is None

    def note_range(self, position: float) -> tuple[float, float | None]:
        """Where a note goes: the marked range (an out alone runs from the top), else the frame."""
        if self.empty:
            return position, None
        return (self.start or 0.0), self.end

    def loop_range(self) -> tuple[float, float] | None:
        return ((self.start or 0.0), self.end) if self.end is not None else None
