"""The NLE files a hand-off can write, and the `--nle` choice of them (no I/O here: the CLI parses
it before any heavy module is loaded)."""
from __future__ import annotations

from soundon.core.errors import SoundOnError

NLE_FORMATS = ("fcpxml", "xmeml", "edl", "otio")
SUFFIXES = {"fcpxml": ".fcpxml", "xmeml": ".xml", "edl": ".edl", "otio": ".otio"}


class FormatChoiceError(SoundOnError, ValueError):
    """An --nle value that names no format."""


def parse_formats(text: str) -> tuple[str, ...]:
    """'fcpxml,edl' → ('fcpxml', 'edl'); 'none' → (); 'all' → every format."""
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    if words in (["none"], []):
        return ()
    if words == ["all"]:
        return NLE_FORMATS
    unknown = [w for w in words if w not in NLE_FORMATS]
    if unknown:
        raise FormatChoiceError(f"--nle takes {', '.join(NLE_FORMATS)} (comma-separated), all or none; "
                                f"not {', '.join(unknown)}.")
    return tuple(f for f in NLE_FORMATS if f in words)
