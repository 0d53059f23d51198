"""The post lane's editing: slipping, fitting, fading and levelling the take's post track, and
aligning it to the take's own audio.

Every change is one undo step through the review history, which writes the swap spec to the
library at once; the library's change signal then brings the new spec back to the lane and to live
listening (heard from the next block, without decoding the track again), so the lane, the undo
history and what is heard never disagree.

A drag of the post waveform or of a fade handle is heard while the mouse is down: each spec under
the mouse is given to live listening as it comes, unsaved; the release writes it (one undo step)
and live listening goes back to what the library holds, which is then the same.

Keys (Review menu): Alt+Left / Alt+Right slip the post track one frame earlier / later,
Alt+Shift+Left / Alt+Shift+Right 10 ms. A take with no post track whose native audio is kept
(verdict keep) has nothing to slip: the same keys nudge its native audio by the same steps instead
(ui/controllers/nudge.py, one undo step each), and the menu names them so.

Review › Align Post Track to Native… (and the lane's button) cross-correlates the track with the
take's audio in the background, shows the offset with its confidence, and applies it only when the
editor says so; a low confidence changes nothing.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMessageBox

from soundon import APP_NAME
from soundon.core.swap_spec import NUDGE_LIMIT_MS, SwapSpec, SwapSpecError
from soundon.core.swap_timing import plan_timing
from soundon.core.take import Take
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.store.library import LibraryError
from soundon.ui.views.post_lane import POST_PEAK_RATE, PostLane, offset_readout

SLIP_MS = 10.0
SLIPS = {"slip_earlier_frame": (-1, 0.0), "slip_later_frame": (1, 0.0),
         "slip_earlier_10ms": (0, -SLIP_MS), "slip_later_10ms": (0, SLIP_MS)}
SLIP_WORDS, NUDGE_WORDS = "Slip Post Track", "Nudge Native Audio"
APPLY = "Apply Offset"


def read_track_peaks(path: str) -> tuple[np.ndarray, float]:
    """The post track's peaks for the lane (POST_PEAK_RATE a second) and its length in seconds, from
    the same 48 kHz decode live listening and the swap use."""
    from soundon.media.dsp.decode import RATE, decode  # noqa: PLC0415 — numpy/ffmpeg on first use
    from soundon.media.overview import peaks  # noqa: PLC0415
    from soundon.media.probe import probe  # noqa: PLC0415
    samples = decode(path, max(1, probe(path).audio_channels or 1), background=True)
    return peaks(samples, RATE, POST_PEAK_RATE), len(samples) / RATE


def _align(take_path: str, track_path: str):
    from soundon.media.align import AlignError, align_files  # noqa: PLC0415 — loaded when first aligned
    try:
        return align_files(take_path, track_path)
    except AlignError as exc:
        return str(exc)


class PostLaneEditor(QObject):
    def __init__(self, window, lane: PostLane, actions: dict):
        super().__init__(window)
        self.window = window
        self.lane = lane
        self._actions = actions
        self._take: Take | None = None
        self._tracks: dict[str, tuple[np.ndarray, float] | None] = {}   # path → (peaks, seconds) or unreadable
        self._reading: set[str] = set()
        self._aligning = False
        self._slip_texts = {name: actions[name].text() for name in SLIPS}
        for name, (frames, ms) in SLIPS.items():
            actions[name].triggered.connect(lambda _=False, f=frames, m=ms: self.slip(frames=f, ms=m))
        actions["align_to_native"].triggered.connect(lambda: self.align())
        lane.add_action_button(actions["loop"])
        lane.add_action_button(actions["align_to_native"], text_beside=True)
        lane.spec_edited.connect(self.edit)
        lane.refused.connect(self._say)
        lane.editing_done.connect(lambda: window.browser.view.setFocus(Qt.FocusReason.OtherFocusReason))
        lane.timeline.seek_requested.connect(window.seek)
        lane.timeline.previewing.connect(self._hear_for_now)
        lane.timeline.drag_ended.connect(lambda: self._hear_for_now(None))
        self.show_take(None)

    # -- the take on screen ---------------------------------------------------------------------------

    def show_take(self, take: Take | None) -> None:
        """The take under the cursor, or the same take with what the library now holds of it."""
        if take is not None and take.id != self.window.current_take_id():
            return   # Compare's audible take: the lane belongs to the single view
        if take is None or self._take is None or take.id != self._take.id:
            self.lane.timeline.cancel_drag()
        self._take = take
        swap = take.swap if take is not None else None
        usable = swap is not None and not swap.problem
        nudging = self._nudges(take)
        self.lane.setVisible(usable)
        for name in SLIPS:
            self._actions[name].setEnabled(usable or nudging)
            text = self._slip_texts[name]
            self._actions[name].setText(text.replace(SLIP_WORDS, NUDGE_WORDS) if nudging else text)
        self._actions["align_to_native"].setEnabled(usable)
        if not usable:
            return
        self.lane.set_take(take.duration, take.frame_rate, self.window.peaks.peaks(take), take.batch_target)
        self.lane.set_track(Path(swap.path).name, swap.spec)
        self._show_track(swap.path)

    def _show_track(self, path: str) -> None:
        if path in self._tracks:
            known = self._tracks[path]
            self.lane.timeline.set_track_peaks(*(known or (None, 0.0)))
            return
        self.lane.timeline.set_track_peaks(None, 0.0)
        if path in self._reading:
            return
        self._reading.add(path)
        job = BackgroundJob(lambda _job: read_track_peaks(path), what="post track waveform")
        job.finished.connect(lambda result: self._track_read(path, result))
        job.failed.connect(lambda message: self._track_read(path, None, message))
        job.start()

    def _track_read(self, path: str, result, message: str = "") -> None:
        self._reading.discard(path)
        self._tracks[path] = result
        if message:
            self._say(f"The post track's waveform can't be drawn: {message}")
        if self._take is not None and self._take.swap is not None and self._take.swap.path == path:
            self.lane.timeline.set_track_peaks(*(result or (None, 0.0)))

    # -- editing --------------------------------------------------------------------------------------

    @staticmethod
    def _nudges(take: Take | None) -> bool:
        """The slip keys nudge this take's native audio: nothing to slip, and its native audio is kept."""
        return take is not None and take.swap is None and take.has_audio and take.audio_verdict == "keep"

    def slip(self, frames: int = 0, ms: float = 0.0) -> None:
        take = self._take
        step = frames / take.frame_rate + ms / 1000 if take is not None else 0.0
        amount = f"{frames:+d} frame" if frames else f"{ms:+g} ms"
        if self._nudges(take):
            now = self.window.library.take(take.id).nudge_ms
            nudge = round(now + step * 1000, 3)
            if abs(nudge) > NUDGE_LIMIT_MS:
                self._say(f"The nudge goes no further than {NUDGE_LIMIT_MS:g} ms either way; it stays at {now:+g} ms.")
                return
            self.window.nudge.set_nudge(take.id, nudge)
            self._say(f"Nudge native audio {amount}: now {nudge:+g} ms")
            return
        if take is None or take.swap is None:
            self._say("This take has no post track to slip.")
            return
        spec = self.lane.spec()
        self.edit(spec.with_changes(offset=round(spec.offset + step, 6)), f"Slip post track {amount}")

    def _hear_for_now(self, spec: SwapSpec | None) -> None:
        live = self.window.live_listening
        if live is not None:       # None: no libVLC, nothing is heard anyway
            live.hear_for_now(spec)

    def edit(self, spec: SwapSpec, what: str) -> bool:
        """Lay the take's post track by this spec: checked against the track, written (one undo step),
        heard from the next block."""
        take = self._take
        if take is None or take.swap is None:
            return False
        known = self._tracks.get(take.swap.path)
        try:
            if known is not None:
                plan_timing(spec, take.duration, known[1])   # the same refusal the swap would give
            changed = self.window.history.set_swap_spec(take.id, spec, what)
        except SwapSpecError as exc:
            self.lane.set_track(Path(take.swap.path).name, take.swap.spec)
            self._say(f"{exc} The post track stays where it was.")
            return False
        except LibraryError as exc:
            self.lane.set_track(Path(take.swap.path).name, take.swap.spec)
            QMessageBox.warning(self.window, APP_NAME, str(exc))
            return False
        if changed:
            self.lane.set_track(Path(take.swap.path).name, spec)   # the library's signal says the same
            self._say(f"{what}: offset {offset_readout(spec.offset, take.frame_rate)}")
        return changed

    # -- align to native ------------------------------------------------------------------------------

    def align(self) -> None:
        take = self._take
        if take is None or take.swap is None or take.swap.problem:
            self._say("This take has no post track to align.")
            return
        if self._aligning:
            self._say("The post track is being aligned already.")
            return
        self._aligning = True
        track = take.swap.path
        self._say(f"Aligning {Path(track).name} to the take's own audio…", 0)
        job = BackgroundJob(lambda _job: _align(take.path, track), what="alignment")
        job.finished.connect(lambda result: self._aligned(take.id, track, result))
        job.failed.connect(lambda message: self._aligned(take.id, track, message))
        job.start()

    def _aligned(self, take_id: int, track: str, result) -> None:
        self._aligning = False
        self.window.statusBar().clearMessage()
        take = self._take
        if take is None or take.id != take_id or take.swap is None or take.swap.path != track:
            self._say("The alignment finished after its take left the screen; nothing was changed.")
            return
        if isinstance(result, str):
            QMessageBox.warning(self.window, APP_NAME, f"The post track can't be aligned: {result}")
            return
        if not result.reliable:
            QMessageBox.information(self.window, APP_NAME,
                                    f"No reliable match (confidence {result.confidence:.2f}); the offset is "
                                    f"left as it is.\n{result.message}")
            return
        found = f"{offset_readout(result.offset_s, take.frame_rate)}, confidence {result.confidence:.2f}"
        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, f"The post track matches the take at {found}.",
                          parent=self.window)
        box.setInformativeText(f"Now: {offset_readout(take.swap.spec.offset, take.frame_rate)}.")
        apply = box.addButton(APPLY, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(apply)
        box.exec()
        if box.clickedButton() is apply:
            self.edit(take.swap.spec.with_changes(offset=round(result.offset_s, 6)),
                      f"Align post track to native ({result.offset_s * 1000:+.1f} ms)")
        else:
            self._say("Alignment not applied; the offset is left as it is.")

    def _say(self, message: str, timeout: int = 6000) -> None:
        self.window.statusBar().showMessage(message, timeout)
