"""A CMX3600 EDL of the picks: one event per pick, `* FROM CLIP NAME:` with the clip's name, the
media's path (`* FROM CLIP:` as OpenTimelineIO reads it, `* SOURCE FILE:` as Premiere and Resolve
read it), and a `* LOC:` line per note at its source timecode.

Written here rather than with OpenTimelineIO's cmx_3600 adapter, which writes 29.97 and 59.94 as
drop-frame with no FCM line to say so, upper-cases the note text of every LOC line, and makes reel
names from file names (a name with spaces breaks the event's columns). Reels are `AX` (an auxiliary
source, found by its clip name and file), timecode is non-drop-frame at the nominal rate, the record
side starts at 01:00:00:00. Text is UTF-8; line breaks in names and notes become spaces.
"""
from __future__ import annotations

from soundon.core.handoff.rates import to_timecode
from soundon.core.handoff.selects import Selects

REEL = "AX"
LOC_COLOR = "YELLOW"


def write(selects: Selects) -> str:
    rate = selects.timeline_rate()
    lines = [f"TITLE: {_one_line(selects.batch)} selects", "FCM: NON-DROP FRAME", ""]
    record = selects.timeline_start(rate)
    for number, clip in enumerate(selects.picks, start=1):
        source_in = clip.timing.start_frame
        channels = "AA/V" if clip.timing.has_audio else "V"
        lines.append(f"{number:03d}  {REEL:<8} {channels:<5} C        {to_timecode(source_in, rate)} "
                     f"{to_timecode(source_in + clip.frames, rate)} {to_timecode(record, rate)} "
                     f"{to_timecode(record + clip.frames, rate)}")
        lines.append(f"* FROM CLIP NAME: {_one_line(clip.name)}")
        lines.append(f"* FROM CLIP: {_one_line(clip.path)}")
        lines.append(f"* SOURCE FILE: {_one_line(clip.path)}")
        for marker in clip.markers:
            lines.append(f"* LOC: {to_timecode(source_in + marker.start, rate)} {LOC_COLOR:<7} {_one_line(marker.text)}")
        lines.append("")
        record += clip.frames
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())
