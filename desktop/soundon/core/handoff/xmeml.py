"""FCP7 XML (xmeml) for Premiere Pro and DaVinci Resolve: a sequence of the picks, each clip with a
marker per note. Written by OpenTimelineIO's fcp_xml adapter, from the same timeline as the .otio
file; it writes rates as timebase + ntsc (24 + TRUE for 23.976) and markers in source frames."""
from __future__ import annotations

import opentimelineio as otio

from soundon.core.handoff import otio_timeline
from soundon.core.handoff.selects import Selects


def write(selects: Selects) -> str:
    return otio.adapters.write_to_string(otio_timeline.build(selects), "fcp_xml")
