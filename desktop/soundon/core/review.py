"""Review decisions an editor makes about a take."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from soundon.core.errors import SoundOnError


class Flag(str, Enum):
    PICK = "pick"
    REJECT = "reject"
    NONE = "none"


class AudioVerdict(str, Enum):
    KEEP = "keep"
    REPLACE = "replace"
    UNDECIDED = "undecided"


MIN_RATING = 0
MAX_RATING = 5


class ReviewError(SoundOnError, ValueError):
    """A review decision that can't be stored as given."""


def check_rating(rating: int) -> int:
    if not isinstance(rating, int) or isinstance(rating, bool) or not MIN_RATING <= rating <= MAX_RATING:
        raise ReviewError(f"A rating is a whole number from {MIN_RATING} to {MAX_RATING}; got {rating!r}.")
    return rating


@dataclass(frozen=True)
class Note:
    """A reviewer's note, optionally tied to a time range of the take (seconds)."""

    text: str
    start: float | None = None
    end: float | None = None

    def __post_init__(self) -> None:
        if not self.text.strip():
            raise ReviewError("A note needs some text.")
        if self.start is not None and self.start < 0:
            raise ReviewError("A note can't start before the take does.")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ReviewError("A note's out point comes before its in point.")
