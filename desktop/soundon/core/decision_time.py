"""When a review decision was made. Merged decisions are ordered by this time, so it is parsed and
compared as a time, never as text: "2026-03-01T12:00+02:00" is earlier than "2026-03-01T11:00Z"."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from soundon.core.errors import SoundOnError

# Clocks of reviewers' machines disagree a little; a time further ahead than this is a typo or a
# trick, and would beat every later decision.
CLOCK_SKEW = timedelta(days=1)


class DecisionTimeError(SoundOnError, ValueError):
    """The message says what is wrong with the time, in a few words."""


def parse_time(value) -> datetime:
    """An ISO 8601 time as an aware UTC datetime; a time without a zone is UTC."""
    if not isinstance(value, str) or not value.strip():
        raise DecisionTimeError(f"{value!r} is not an ISO 8601 time")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise DecisionTimeError(f"{value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def parse_decision_time(value, now: datetime | None = None) -> datetime:
    """parse_time, refusing a time further in the future than CLOCK_SKEW."""
    moment = parse_time(value)
    now = now or datetime.now(timezone.utc)
    if moment > now + CLOCK_SKEW:
        raise DecisionTimeError(f"{value!r} is in the future (more than a day ahead of this computer's clock)")
    return moment


def stored_time(value) -> datetime | None:
    """A time read back from the library; None (older than any time) when there is none or it is
    unreadable, so a real decision can always replace it."""
    try:
        return parse_time(value)
    except DecisionTimeError:
        return None


def spelled(moment: datetime) -> str:
    """How the library writes a time: UTC, microseconds (the same form as its own clock's)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
