"""Frame rates as exact fractions, and frame counts as timecode.

NLEs name rates by their exact ratio: 23.976 is 24000/1001, 29.97 is 30000/1001, 59.94 is
60000/1001. A rate read as text (ffprobe's "24000/1001") or as a rounded number (the library's
23.976) comes out as that ratio. Timecode is counted non-drop-frame at the nominal (rounded) rate,
as core/timecode.py counts it in the app; a drop-frame start timecode read from a file is turned
into its frame count.
"""
from __future__ import annotations

import re
from fractions import Fraction

from soundon.core.errors import SoundOnError

# The rates an NLE offers for a timeline; a measured rate this close to one of them is that rate.
STANDARD_RATES = tuple(Fraction(n * 1000, 1001) for n in (24, 30, 48, 60, 120)) + tuple(
    Fraction(n) for n in (24, 25, 30, 48, 50, 60, 100, 120))
# Relative: 23.976 (three decimals) is 24000/1001; 30 is not 30000/1001 (0.1 % away).
SNAP_TOLERANCE = 0.0002


class RateError(SoundOnError, ValueError):
    """A frame rate no timeline can be made at (or takes of several rates in one)."""


def exact_rate(value: str | float | Fraction) -> Fraction:
    """The exact rate for ffprobe's text ("30000/1001"), a rounded number (29.97) or a Fraction.
    A rate near a standard one is that one; any other is kept to a thousandth of a frame."""
    try:
        rate = Fraction(value) if not isinstance(value, float) else Fraction(value).limit_denominator(100000)
    except (ValueError, ZeroDivisionError):
        raise RateError(f"{value!r} is not a frame rate") from None
    if rate <= 0:
        raise RateError(f"{value!r} is not a frame rate")
    nearest = min(STANDARD_RATES, key=lambda standard: abs(rate - standard))
    if abs(rate - nearest) / nearest <= SNAP_TOLERANCE:
        return nearest
    return rate.limit_denominator(1000)


def nominal(rate: Fraction) -> int:
    """The frames counted per timecode second: 24 for 24000/1001."""
    return max(1, round(rate))


def is_ntsc(rate: Fraction) -> bool:
    """A 1000/1001 rate (what xmeml calls ntsc)."""
    return rate.denominator == 1001


def label(rate: Fraction) -> str:
    """23.976, 25, 29.97: how an editor names the rate."""
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")


def seconds_to_frames(seconds: float, rate: Fraction) -> int:
    """The frame shown at `seconds` (an epsilon keeps an exact frame start on its own frame)."""
    return max(0, int(seconds * rate + Fraction(1, 10**6)))


def to_timecode(frames: int, rate: Fraction) -> str:
    """HH:MM:SS:FF, non-drop-frame at the nominal rate."""
    base = nominal(rate)
    seconds, ff = divmod(max(0, frames), base)
    hh, rest = divmod(seconds, 3600)
    mm, ss = divmod(rest, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}:{ff:02d}"


_TIMECODE = re.compile(r"^(\d{1,2}):(\d\d):(\d\d)([:;.,])(\d\d)$")


def timecode_to_frames(text: str, rate: Fraction) -> int:
    """A timecode as its frame count; `;` (or `.`/`,`) before the frames marks drop-frame."""
    match = _TIMECODE.match(text.strip())
    if not match:
        raise RateError(f"{text!r} is not a timecode (HH:MM:SS:FF)")
    hh, mm, ss, sep, ff = match.groups()
    hh, mm, ss, ff = int(hh), int(mm), int(ss), int(ff)
    base = nominal(rate)
    frames = ((hh * 60 + mm) * 60 + ss) * base + ff
    if sep != ":" and is_ntsc(rate) and base in (30, 60):
        # Drop-frame skips 2 (4 at 60) frame numbers each minute except every tenth minute.
        dropped = 2 * base // 30
        minutes = hh * 60 + mm
        frames -= dropped * (minutes - minutes // 10)
    return frames
