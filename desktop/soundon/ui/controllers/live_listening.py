"""What the editor hears through the live audio graph: the listening setting, and the take on
screen's post track and match-loudness gain.

A setting change goes to the graph at once (heard from the next device buffer). What depends on the
take, its post track decoded and placed by its swap spec and the gain that matches each profile's
loudness to the headphones', is prepared by a background job (jobs.qt_jobs) when the take comes on
screen; until it is there, the switch says what is heard instead. A take whose native audio is
kept and nudged is heard at its nudge: its audio is decoded once in the background when it first has
one (media/audio_graph.py `nudged_native`), and every later nudge is a new placement of those
samples, heard from the next block. Quit waits for a preparation in
progress (see qt_jobs.cancel_all): one stopped inside the DSP library at exit aborts the process.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from soundon.core.listening import PROFILE_NAMES
from soundon.core.swap_spec import SwapSpec, SwapSpecError
from soundon.core.take import Take
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.ui.models.listening_state import ListeningState
from soundon.ui.player import live_audio


class TakeSound:
    """What one take brings to the graph: its post track (or None) and a match gain per profile."""

    def __init__(self, post=None, match_gains: dict[str, float] | None = None, problem: str = "",
                 *, post_tried: bool = False, gains_tried: bool = False):
        self.post = post
        self.match_gains = match_gains or {}
        self.problem = problem
        # Prepared, or found impossible (the problem says why): nothing more is coming.
        self.post_tried = post_tried
        self.gains_tried = gains_tried


def prepare(take: Take, match_gains: bool) -> TakeSound:
    """Decode what the take needs: its post track, and with match_gains the gain of each profile
    (a decode of the take and a pass through the graph per profile: only made while match loudness
    is on). Runs in a background job, its processes at a lower priority; never raises."""
    from soundon.media.audio_graph import match_gain  # noqa: PLC0415 — the audio graph on first use
    from soundon.media.dsp.decode import decode  # noqa: PLC0415
    from soundon.media.post_source import PostSource  # noqa: PLC0415

    problem = ""
    post = None
    swap = take.delivered_swap()     # as the export lays it: the same spec, the same level default
    if swap and swap.problem:
        problem = f"The post track {Path(swap.path).name} can't be heard: its swap spec can't be used ({swap.problem})."
    elif swap and Path(swap.path).is_file():
        try:
            post = PostSource.load(swap.path, swap.spec, take.duration)
        except Exception as exc:  # noqa: BLE001 — any failure is a sentence; the native audio plays on
            problem = f"The post track {Path(swap.path).name} can't be heard: {exc}"
    gains = {}
    if match_gains and take.has_audio:
        try:
            native = decode(take.path, max(1, take.audio_channels or 2), background=True)
            gains = {name: match_gain(native, name) for name in PROFILE_NAMES}
        except Exception as exc:  # noqa: BLE001
            problem = problem or f"Match loudness is not available for this take: {exc}"
    return TakeSound(post, gains, problem, post_tried=True, gains_tried=match_gains)


def _track_of(take: Take) -> str | None:
    return take.swap.path if take.swap else None


def _nudge_heard(take: Take | None) -> float:
    """The nudge the export gives this take's native audio (none when its post track replaces it)."""
    if take is None or not take.has_audio or take.audio_verdict == "replace":
        return 0.0
    return take.nudge_ms


def decode_nudged(take: Take):
    """The take's native audio decoded and placed at its nudge (background job)."""
    from soundon.media.audio_graph import nudged_native  # noqa: PLC0415 — the audio graph on first use
    from soundon.media.dsp.decode import decode  # noqa: PLC0415
    return nudged_native(decode(take.path, max(1, take.audio_channels or 2), background=True), take.nudge_ms)


class LiveListening(QObject):
    problem = Signal(str)
    _device_problem = Signal(str)     # from PortAudio's thread, queued

    def __init__(self, state: ListeningState, parent: QObject | None = None):
        super().__init__(parent)
        self.state = state
        self._take: Take | None = None
        self._sound = TakeSound()
        self._gains_asked = False   # the match gains of the take on screen are made or being made
        self._nudged = None         # the take on screen's native audio at its nudge, once decoded
        self._nudge_asked = False
        self._nudge_problem = False
        self._for_now: SwapSpec | None = None   # heard, not saved: the post track being dragged
        self._device_problem.connect(self._on_device_problem, Qt.ConnectionType.QueuedConnection)
        listener = self._device_problem.emit
        live_audio.watch(listener)
        self.destroyed.connect(lambda *_: live_audio.unwatch(listener))
        state.changed.connect(self.refresh)

    def show_take(self, take: Take | None) -> None:
        """The take on screen, or the same take again with what the library now holds of it."""
        if take is not None and self._take is not None and take.id == self._take.id \
                and _track_of(take) == _track_of(self._take):
            if take.delivered_swap() != self._take.delivered_swap() or take.audio_verdict != self._take.audio_verdict \
                    or take.nudge_ms != self._take.nudge_ms:
                nudge_was = _nudge_heard(self._take)
                self._take = take
                self._place_post()
                self._meter_delivered()
                self._place_nudge()
                if bool(_nudge_heard(take)) != bool(nudge_was):
                    self.refresh()   # the switch says when a first nudge is not heard yet
            return
        self._take = take
        self._sound = TakeSound()
        self._gains_asked = False
        self._nudged, self._nudge_asked, self._nudge_problem = None, False, False
        self._for_now = None
        self._place_nudge()
        has_post = bool(take and take.swap and Path(take.swap.path).is_file())
        self.state.set_post_available(has_post)
        if has_post and not self.state.match_loudness:
            self._start(take, match_gains=False)
        self.refresh()   # with match loudness on, this asks for the gains (and the post track with them)

    def _start(self, take: Take, match_gains: bool) -> None:
        self._gains_asked = self._gains_asked or match_gains
        job = BackgroundJob(lambda _job: (take.id, prepare(take, match_gains)), what="listening preparation")
        job.finished.connect(self._on_prepared)
        job.start()

    def _on_prepared(self, prepared: tuple[int, TakeSound]) -> None:
        take_id, sound = prepared
        if self._take is None or self._take.id != take_id:
            return   # prepared for a take that has left the screen
        if not sound.gains_tried and self._sound.gains_tried:
            # a post-only result keeps the gains already made
            sound.match_gains, sound.gains_tried = self._sound.match_gains, True
        self._sound = sound
        if sound.problem:
            self.problem.emit(sound.problem)
        self._place_post()   # the spec may have changed while the track was being decoded
        self.refresh()

    def hear_for_now(self, spec: SwapSpec | None) -> None:
        """Place the take's post track by this spec without it being saved, heard from the next
        block (the lane while its track is dragged); None goes back to the spec the library holds."""
        self._for_now = spec
        self._place_post()

    def _place_post(self) -> None:
        """Place the decoded post track by the take's current swap spec, heard from the next block: a
        new offset, fit, fade, level or bed is a new placement of the same samples, never a decode."""
        post = self._sound.post
        if post is None or self._take is None:
            return   # still being prepared: placed when it comes
        swap = self._take.delivered_swap()
        if swap is None:
            return
        if swap.problem:
            self.problem.emit(f"The post track can't be placed that way, so it plays as before: {swap.problem}")
            return
        spec = swap.spec if self._for_now is None else self._for_now.with_level_default(self._take.batch_target)
        try:
            if spec != post.spec:
                post.set_spec(spec)
        except SwapSpecError as exc:
            if self._for_now is None:   # a drag past where the track can sit: the lane says so itself
                self.problem.emit(f"The post track can't be placed that way, so it plays as before: {exc}")

    def _place_nudge(self) -> None:
        """Hear the take's native audio at its nudge from the next block (its first nudge once its
        audio is decoded; until then, and with no nudge, as libVLC decodes it)."""
        take = self._take
        nudge = _nudge_heard(take)
        if nudge and self._nudged is None and not self._nudge_asked:
            self._nudge_asked = True
            job = BackgroundJob(lambda _job: (take.id, decode_nudged(take)), what="nudged native audio")
            job.finished.connect(self._on_nudged)
            job.failed.connect(lambda message: self._nudge_failed(take.id, message))
            job.start()
        if self._nudged is not None:
            from soundon.media.audio_graph import nudge_spec  # noqa: PLC0415
            spec = nudge_spec(nudge)
            if spec != self._nudged.spec:
                self._nudged.set_spec(spec)
        if live_audio.is_open():
            live_audio.live_output().graph.set_nudged(self._nudged if nudge else None)

    def _nudge_failed(self, take_id: int, message: str) -> None:
        if self._take is not None and self._take.id == take_id:
            self._nudge_problem = True
            self.problem.emit(f"The nudge can't be heard, so the native audio plays as it is: {message}")
            self.refresh()

    def _on_nudged(self, prepared) -> None:
        take_id, nudged = prepared
        if self._take is None or self._take.id != take_id:
            return
        self._nudged = nudged
        self._place_nudge()
        self.refresh()

    def _meter_delivered(self) -> None:
        """The meters read what the export will deliver: the post track for a replace take (heard
        or not), else the native audio; nothing while a replace take's track is being decoded."""
        if not live_audio.is_open():
            return
        take = self._take
        replace = take is not None and take.audio_verdict == "replace" and take.swap is not None
        pending = replace and self._sound.post is None and not self._sound.post_tried
        live_audio.live_output().graph.set_delivered(self._sound.post if replace else None, ready=not pending)

    def _on_device_problem(self, message: str) -> None:
        self.problem.emit(f"{message[0].upper()}{message[1:]}: the picture plays on without sound.")
        self.state.output_changed()

    def refresh(self) -> None:
        if not live_audio.is_open():
            live_audio.when_open(self.refresh)   # the device (and the graph) a moment from now
            return
        state = self.state
        if state.match_loudness and self._take is not None and not self._gains_asked \
                and self._take.has_audio:
            self._start(self._take, match_gains=True)
        gain = self._sound.match_gains.get(state.profile, 0.0)
        live_audio.hear(state.setup, match_gain_db=gain)
        graph = live_audio.live_output().graph
        post = self._sound.post if state.post else None
        graph.set_post(post)
        graph.set_mix(state.source if post is not None else "native")
        self._meter_delivered()
        graph.set_nudged(self._nudged if _nudge_heard(self._take) else None)
        if state.post and post is None:
            state.set_preparing("original audio: the post track can't be played" if self._sound.post_tried
                                else "original audio until the post track is loaded")
        elif state.match_loudness and not self._sound.gains_tried and self._take is not None \
                and self._take.has_audio:
            state.set_preparing("loudness being matched")
        elif _nudge_heard(self._take) and self._nudged is None and not self._nudge_problem:
            state.set_preparing("native audio without its nudge until it is loaded")
        else:
            state.set_preparing("")
