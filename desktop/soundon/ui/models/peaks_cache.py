"""The waveform overviews the scrub bars draw, read from the library's cache files and kept for the
last few dozen takes (skimming back and forth reads each file once)."""
from __future__ import annotations

from soundon.core.take import Take
from soundon.media.overview import load_peaks

KEEP = 64


class PeaksCache:
    def __init__(self, model):
        self._model = model
        self._peaks: dict[str, object] = {}

    def peaks(self, take: Take):
        path = self._model.waveform_path(take)
        if not path:
            return None
        if path not in self._peaks:
            try:
                self._peaks[path] = load_peaks(path)
            except (OSError, ValueError):
                self._peaks[path] = None
            if len(self._peaks) > KEEP:
                self._peaks.pop(next(iter(self._peaks)))
        return self._peaks[path]
