"""Keeping the on-screen take's listening renders made and attached to the player.

When a take comes on screen, the renders every nearby listening setup needs (core.listening
.renders_to_prepare: each profile at the current place and phone volume, and one press of N or of
the volume away) are made in the background (jobs.listening_job) — from the take's own audio and,
when the take has one, from its post track placed as its swap spec says. Once they are all there,
they are attached to the player in one go (it re-opens the take once, at the same frame); from then
on M, N, [ ], Shift+M and Shift+A only switch tracks. A setting outside the attached set is
attached as soon as its renders are made; until then the switch says what is really heard.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from soundon.core.listening import ListeningSetup, renders_to_prepare
from soundon.jobs.listening_job import ListeningRenderJob
from soundon.media.listening_renders import RenderCache, RenderSource
from soundon.ui.listening import ListeningState, render_key


def sources_of(take: dict) -> list[RenderSource]:
    """The take's own audio (if any) and its post track (if it has one that exists)."""
    sources = []
    if take.get("has_audio"):
        sources.append(RenderSource.native(take))
    track = take.get("post_track")
    if track and Path(track).is_file():
        spec = take.get("swap_spec") or {}
        try:
            offset = float(spec.get("offset", 0.0) or 0.0)
        except (TypeError, ValueError):
            offset = 0.0
        fit = str(spec.get("fit", "trim") or "trim")
        try:
            sources.append(RenderSource.post_track(take, track, offset_s=offset, fit=fit))
        except OSError:
            pass  # unreadable now: heard as the take's own audio, the switch says so
    return sources


def key_of(source: RenderSource, setup: ListeningSetup) -> str:
    return render_key(setup, post=source.kind == "post")


class ListeningRenders(QObject):
    attached = Signal(int, dict)      # take id, {render key: file} handed to the player
    problem = Signal(str)             # a render failed: a sentence for the status bar
    _ready = Signal(object, object, object)
    _failed = Signal(object, object, str)

    def __init__(self, cache_dir: Path, deck, state: ListeningState, parent: QObject | None = None):
        super().__init__(parent)
        self.deck = deck
        self.state = state
        self.cache = RenderCache(cache_dir)
        # The job calls back on its worker threads; queued signals bring the results here.
        self._ready.connect(self._on_ready, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self.job = ListeningRenderJob(self.cache, self._ready.emit, self._failed.emit)
        self._take: dict | None = None
        self._sources: list[RenderSource] = []
        self._available: dict[str, str] = {}
        self._wanted: set[str] = set()
        self._broken: set[str] = set()
        self._attached: dict[str, str] = {}

    # -- what the window tells us ----------------------------------------------------------------------

    def show_take(self, take: dict | None) -> None:
        if take is not None and self._take is not None and take["id"] == self._take["id"]:
            return
        self._take = take
        self._sources = sources_of(take) if take else []
        self._available, self._attached, self._broken = {}, {}, set()
        self.state.set_post_available(any(s.kind == "post" for s in self._sources))
        self.refresh()

    def refresh(self) -> None:
        """The setting changed (or a take came on screen): make what is missing, attach when ready."""
        if not self._sources:
            self._wanted = set()
            return
        setups = renders_to_prepare(self.state.setup)
        self._wanted = {key_of(s, u) for s in self._sources for u in setups}
        for source, setup, path in self.job.prepare(self._sources, self.state.setup):
            self._available[key_of(source, setup)] = str(path)
        self._maybe_attach()

    def attached_renders(self) -> dict[str, str]:
        return dict(self._attached)

    def shutdown(self) -> None:
        self.job.shutdown()

    # -- results ------------------------------------------------------------------------------------

    def _on_ready(self, source: RenderSource, setup: ListeningSetup, path: Path) -> None:
        if source not in self._sources:
            return  # made for a take that is no longer on screen: it stays in the cache
        self._available[key_of(source, setup)] = str(path)
        self._maybe_attach()

    def _on_failed(self, source: RenderSource, setup: ListeningSetup, reason: str) -> None:
        if source not in self._sources:
            return
        self._broken.add(key_of(source, setup))
        self.problem.emit(f"The {setup.label()} render could not be made: {reason}")
        self._maybe_attach()

    def _maybe_attach(self) -> None:
        if self._take is None or self.state.render_key in self._attached:
            return  # what is wanted is already switchable
        if self._wanted - set(self._available) - self._broken:
            return  # attach once, when the whole set is there: every nearby switch is then instant
        mapping = {key: self._available[key] for key in sorted(self._wanted & set(self._available))}
        if not mapping or mapping == self._attached:
            return
        self._attached = mapping
        self.deck.set_audio_renders(self._take["id"], mapping)
        self.attached.emit(self._take["id"], mapping)
