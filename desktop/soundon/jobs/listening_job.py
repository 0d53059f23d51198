"""Keeping the selected take's listening renders coming, in the background.

When the editor selects a take (or changes the listening setup), `prepare` replaces whatever was
still waiting with the renders that take needs now, most urgent first (core.listening
.renders_to_prepare): the profile being heard, then every other profile, then what one press of
N or of the volume control reaches. Each finished render is announced through `on_ready(source,
setup, path)` — called on a worker thread; the UI turns it into a queued Qt signal.

A render already running for a take that is no longer selected finishes (they take a fraction of a
second) but nothing more is started for it.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from soundon.core.listening import ListeningSetup, renders_to_prepare
from soundon.media.listening import ListeningError
from soundon.media.listening_renders import RenderCache, RenderSource

Ready = Callable[[RenderSource, ListeningSetup, Path], None]
Failed = Callable[[RenderSource, ListeningSetup, str], None]


class ListeningRenderJob:
    def __init__(self, cache: RenderCache, on_ready: Ready, on_failed: Failed | None = None, workers: int = 2):
        self.cache = cache
        self.on_ready = on_ready
        self.on_failed = on_failed
        self._queue: deque[tuple[RenderSource, ListeningSetup]] = deque()
        self._wake = threading.Condition()
        self._stopping = False
        self._busy = 0
        self._in_use: set[Path] = set()
        self._threads = [threading.Thread(target=self._work, name=f"listening-render-{i}", daemon=True)
                         for i in range(workers)]
        for thread in self._threads:
            thread.start()

    def prepare(self, sources: list[RenderSource], current: ListeningSetup) -> list[tuple[RenderSource, ListeningSetup, Path]]:
        """Queue what these sources need for `current`; returns the renders already in the cache."""
        ready, missing = [], []
        for setup in renders_to_prepare(current):
            for source in sources:
                path = self.cache.cached(source, setup)
                if path:
                    ready.append((source, setup, path))
                else:
                    missing.append((source, setup))
        with self._wake:
            self._queue.clear()
            self._queue.extend(missing)
            self._in_use = {path for _, _, path in ready} | {self.cache.path_for(s, u) for s, u in missing}
            self._wake.notify_all()
        return ready

    def idle(self) -> bool:
        with self._wake:
            return not self._queue and self._busy == 0

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or running (tests and the CLI); False on timeout."""
        with self._wake:
            return self._wake.wait_for(lambda: not self._queue and self._busy == 0, timeout)

    def shutdown(self) -> None:
        with self._wake:
            self._stopping = True
            self._queue.clear()
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout=10)

    def _work(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._queue or self._stopping)
                if self._stopping:
                    return
                source, setup = self._queue.popleft()
                self._busy += 1
            try:
                path = self.cache.ensure(source, setup)
            except (ListeningError, OSError) as exc:
                if self.on_failed:
                    self.on_failed(source, setup, str(exc))
            else:
                self.on_ready(source, setup, path)
            finally:
                with self._wake:
                    self._busy -= 1
                    keep = set(self._in_use)
                    self._wake.notify_all()
                self.cache.trim(keep)
