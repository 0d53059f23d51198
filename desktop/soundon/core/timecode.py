"""Timecode and frame arithmetic for a take (plain functions, no Qt).

Takes are short renders without embedded timecode, so the timecode counts from 00:00:00:00 at the
first frame. Non-integer rates (23.976, 29.97) are counted as non-drop-frame at the rounded rate (24,
30), which is what NLEs show for such clips when drop-frame is off; over a take of a few seconds the
difference from wall-clock time is a fraction of a frame.
"""
from __future__ import annotations

import math

DEFAULT_FPS = 25.0


def usable_fps(fps: float | None) -> float:
    """The take's frame rate, or a sane default when the probe found none (audio-less stills, odd files)."""
    return fps if fps and math.isfinite(fps) and 1.0 <= fps <= 240.0 else DEFAULT_FPS


def frame_duration(fps: float | None) -> float:
    return 1.0 / usable_fps(fps)


def frame_index(seconds: float, fps: float | None) -> int:
    """The frame shown at `seconds` (a small epsilon keeps exact frame starts on their own frame)."""
    return max(0, math.floor(seconds * usable_fps(fps) + 1e-6))


def snap_to_frame(seconds: float, fps: float | None) -> float:
    """The start of the frame shown at `seconds`."""
    return frame_index(seconds, fps) / usable_fps(fps)


def last_frame_start(length: float, fps: float | None) -> float:
    """The start of the last frame of a take `length` seconds long. A length a few milliseconds
    short of a whole frame (players round it to the millisecond) still counts that frame."""
    rate = usable_fps(fps)
    return max(0, math.floor(length * rate - 1 + 0.05)) / rate


def format_timecode(seconds: float, fps: float | None) -> str:
    """HH:MM:SS:FF (non-drop-frame) for the frame shown at `seconds`."""
    rate = round(usable_fps(fps))
    whole_seconds, ff = divmod(frame_index(seconds, fps), rate)
    hh, rest = divmod(whole_seconds, 3600)
    mm, ss = divmod(rest, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}:{ff:02d}"


def format_duration(seconds: float) -> str:
    """A take's length as the browser shows it: 4.0 s, 1:05.2."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"
