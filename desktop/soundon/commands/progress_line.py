"""A one-line progress display on stderr for long verbs (swap, export).

Only drawn on a terminal: in a pipe or a log it would be noise, so there the verbs print one line
per finished file instead. Redrawn at most once per percent."""
from __future__ import annotations

import sys


class ProgressLine:
    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = ""

    def update(self, text: str) -> None:
        if not self.enabled or text == self._last:
            return
        self._last = text
        self.stream.write("\r\033[K" + text)
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled and self._last:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._last = ""


def bar(fraction: float, width: int = 20) -> str:
    filled = int(round(max(0.0, min(1.0, fraction)) * width))
    return "█" * filled + "·" * (width - filled)
