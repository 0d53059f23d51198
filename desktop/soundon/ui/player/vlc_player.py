"""One take in one libVLC player: opening it, its clock, its events and its last frame.

Why it looks the way it does:
- libVLC calls its event callbacks on its own threads, and libVLC must not be called back from
  there. Every event is turned into a queued Qt signal, so the rest of the app only ever sees it
  on the GUI thread.
- libVLC reports the play time only a few times a second. The player keeps an anchor (the last
  reported time and the monotonic clock when it arrived) and interpolates, so the playhead moves
  smoothly and players can be compared to within a frame. When paused, the position is the frame
  the player was told to show (pausing snaps to a frame start).
- libVLC 3 closes the video at the end of a take; an editor expects the last frame to stay, so the
  player stops itself on the last frame instead (or loops, when asked).
- The take's audio is decoded by libVLC and handed to the app (ui/player/audio_route.py); the app's
  one live output plays the audible player's audio through the listening graph. The player only
  tells its route where playback starts or jumps to, and whether it is the one heard.
- The video output is bound per platform: an X11 window id, a Windows HWND, a macOS NSView.

The libVLC instance and its options live in ui/player/libvlc.py.
"""
from __future__ import annotations

import functools
import os
import sys
import time
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from soundon.core.timecode import frame_duration, last_frame_start, snap_to_frame
from soundon.ui.player import live_audio
from soundon.ui.player.audio_route import AudioRoute
from soundon.ui.player.libvlc import can_embed, engine, load_vlc

TICK_MS = 33              # playhead refresh while playing (≈30 Hz)
END_GUARD_FRAMES = 1.5    # hold on the last frame when the playhead gets this close to the end
SEEK_LANDED_S = 0.15      # a time report this close to where a seek went is from after the jump
SEEK_STALE_AFTER_S = 1.0  # … and after this long every report counts again


class PlayerState(str, Enum):
    EMPTY = "empty"
    OPENING = "opening"
    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"
    ENDED = "ended"
    ERROR = "error"


def _while_alive(method):
    """libVLC must never be called on a released player: after release() these do nothing
    (queued events and timers may still arrive for a player whose window has closed)."""
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        if self._released:
            return None
        return method(self, *args, **kwargs)
    return guarded


class VlcPlayer(QObject):
    state_changed = Signal(str)          # a PlayerState value
    position_changed = Signal(float)     # seconds
    length_changed = Signal(float)       # seconds
    first_frame = Signal()               # the video output shows the take's first picture
    error = Signal(str)

    # libVLC thread -> GUI thread (queued): event name, value, monotonic time it happened
    _event = Signal(str, float, float)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        vlc = load_vlc()
        self._vlc = vlc
        self._player = engine().media_player_new()
        self._route = AudioRoute(vlc, self._player)
        self._player.video_set_key_input(False)    # keys and clicks belong to the Qt window
        self._player.video_set_mouse_input(False)
        self._media = None
        self._path: str | None = None
        self._fps = 25.0
        self._length = 0.0
        self._state = PlayerState.EMPTY
        self._rate = 1.0
        self._anchor_time = 0.0        # seconds libVLC last reported …
        self._anchor_clock = 0.0       # … and when (time.monotonic)
        self._seek_clock = 0.0         # time reports from before the last seek are stale …
        self._seek_target: float | None = None   # … and so are those libVLC sends before it has jumped
        self._held = 0.0               # position while not playing
        self._intent_play = False      # what the editor asked for last (libVLC catches up)
        self._pending_seek: float | None = None
        self._show_first_frame = False
        self._loop = False
        self._loop_range: tuple[float, float] | None = None
        self._audible = False
        self._handle: int | None = None
        self._released = False
        self._attach_events()
        self._event.connect(self._on_event, Qt.ConnectionType.QueuedConnection)
        self._ticker = QTimer(self, interval=TICK_MS)
        self._ticker.timeout.connect(self._tick)

    # -- binding ------------------------------------------------------------------------------------

    @_while_alive
    def bind(self, surface: QWidget) -> None:
        """Draw into this widget (made native so it has a platform window)."""
        handle = int(surface.winId())
        self._handle = handle
        if not can_embed():
            return   # decoded into the window-less output chosen in libvlc.instance_args()
        if sys.platform.startswith("linux"):
            self._player.set_xwindow(handle)
        elif sys.platform == "win32":
            self._player.set_hwnd(handle)
        elif sys.platform == "darwin":
            self._player.set_nsobject(handle)

    # -- loading ------------------------------------------------------------------------------------

    @_while_alive
    def load(self, path: str | os.PathLike, fps: float | None = None, *, autoplay: bool = False,
             start: float = 0.0) -> None:
        """Open a take. Without autoplay it waits, opened and paused, for play() (preloading)."""
        self._path = str(path)
        self._fps = 1.0 / frame_duration(fps)
        self._length = 0.0
        self._open(start, autoplay)

    @_while_alive
    def _open(self, start: float, autoplay: bool) -> None:
        media = engine().media_new_path(self._path)
        if not autoplay:
            media.add_option(":start-paused")
        if start > 0:
            media.add_option(f":start-time={start:.3f}")
        self._media = media
        self._player.set_media(media)
        self._route.opened()
        self._route.expect(start)
        self._held = start
        self._pending_seek = None
        self._intent_play = autoplay
        # Opened paused, libVLC shows nothing until asked for a frame: ask for the start frame.
        self._show_first_frame = not autoplay
        self._set_anchor(start)
        self._set_state(PlayerState.OPENING)
        if self._player.play() != 0:
            self._fail(f"{Path(self._path).name} could not be opened for playback.")

    @_while_alive
    def unload(self) -> None:
        self._ticker.stop()
        self._player.stop()
        self._player.set_media(None)
        self._media = None
        self._path = None
        self._set_state(PlayerState.EMPTY)

    @property
    def path(self) -> str | None:
        return self._path

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def length(self) -> float:
        return self._length

    @property
    def state(self) -> PlayerState:
        return self._state

    def last_frame(self) -> float:
        """The start of the take's last frame (where the end of the take holds)."""
        return last_frame_start(self._length, self._fps)

    def is_playing(self) -> bool:
        return self._state == PlayerState.PLAYING

    # -- transport ----------------------------------------------------------------------------------

    @_while_alive
    def play(self) -> None:
        if self._path is None:
            return
        self._intent_play = True
        if self._state in (PlayerState.ENDED, PlayerState.STOPPED, PlayerState.ERROR):
            self._open(0.0 if self._state != PlayerState.STOPPED else self._held, autoplay=True)
            return
        if self._length and self._held >= self._length - frame_duration(self._fps) * END_GUARD_FRAMES:
            self.seek(self._loop_range[0] if self._loop_range else 0.0)  # play from the top again
        self._set_anchor(self._held)
        self._player.set_pause(0)

    @_while_alive
    def pause(self) -> None:
        self._intent_play = False
        if self._state != PlayerState.PLAYING:
            if self._state == PlayerState.OPENING:
                self._player.set_pause(1)
            return
        self._player.set_pause(1)
        # Show the exact frame the timecode names, so a note or a frame step starts from there.
        self._held = snap_to_frame(self.position(), self._fps)
        self._ticker.stop()
        self._set_state(PlayerState.PAUSED)
        self._set_time(self._frame_ms(self._held))
        self.position_changed.emit(self._held)

    def toggle(self) -> None:
        self.pause() if self.is_playing() else self.play()

    @_while_alive
    def stop(self) -> None:
        self._player.stop()
        self._held = 0.0
        self._set_state(PlayerState.STOPPED)

    @_while_alive
    def seek(self, seconds: float) -> None:
        """Jump to a time; while paused it lands on the frame that holds that time."""
        if self._path is None:
            return
        upper = self.last_frame() if self._length else seconds
        target = min(max(0.0, seconds), upper)
        if not self.is_playing():
            target = snap_to_frame(target, self._fps)
            self._held = target
        self._set_anchor(target)
        self._seek_clock = time.monotonic()
        self._seek_target = target if self.is_playing() else None
        if self._state in (PlayerState.ENDED, PlayerState.STOPPED):
            self._open(target, autoplay=False)
        elif self._state == PlayerState.OPENING:
            self._pending_seek = target  # libVLC ignores a seek before the take is open
        else:
            self._set_time(self._frame_ms(target) if not self.is_playing() else int(round(target * 1000)))
        self.position_changed.emit(target)

    def _set_time(self, ms: int) -> None:
        """Send libVLC to ms; the live route hears the take from there (a pause's own seek too)."""
        self._route.expect(ms / 1000.0)
        self._player.set_time(ms)

    def _frame_ms(self, frame_start: float) -> int:
        """Aim a paused seek at the middle of the frame: libVLC then shows that frame, not its
        neighbour, whatever the rounding of the take's timestamps."""
        return int(round((frame_start + frame_duration(self._fps) / 2) * 1000))

    def step_frames(self, frames: int) -> None:
        """Frame step (pauses first, as in an NLE)."""
        self.pause()
        self.seek(self.position() + frames * frame_duration(self._fps) + 1e-4)

    @_while_alive
    def set_rate(self, rate: float) -> None:
        self._set_anchor(self.position())
        self._rate = rate
        self._route.set_speed(rate)
        self._player.set_rate(rate)

    @property
    def rate(self) -> float:
        return self._rate

    def set_loop(self, loop: bool, in_out: tuple[float, float] | None = None) -> None:
        self._loop = loop
        self._loop_range = in_out if loop and in_out and in_out[1] > in_out[0] else None

    @property
    def loop(self) -> bool:
        return self._loop

    def position(self) -> float:
        """Where the take is for the transport: libVLC's time reports, interpolated while playing;
        paused, the frame on screen."""
        if self._state == PlayerState.PLAYING:
            moved = (time.monotonic() - self._anchor_clock) * self._rate
            position = self._anchor_time + moved
            return min(position, self._length) if self._length else position
        return self._held

    def heard_position(self) -> float:
        """While playing, the take time heard now (and shown: libVLC shows each picture at its date
        on the same clock), to the sample, from the decoded audio; without sound, position()."""
        if self._state == PlayerState.PLAYING and self._seek_target is None:
            heard = self._route.take_time_now()
            if heard is not None:
                return min(heard, self._length) if self._length else heard
        return self.position()

    @_while_alive
    def reported_time(self) -> float:
        """The time libVLC itself reports (coarse while playing; exact after a seek while paused)."""
        return max(0, self._player.get_time()) / 1000.0

    def _set_anchor(self, seconds: float) -> None:
        self._anchor_time = seconds
        self._anchor_clock = time.monotonic()

    # -- what is heard ------------------------------------------------------------------------------

    def set_audible(self, audible: bool) -> None:
        """One player is heard at a time (the take on screen; in Compare, the chosen one). Every
        player decodes its take's audio, heard or not, so a switch of the heard take is instant:
        which one is heard is the output's choice, not libVLC's."""
        self._audible = audible
        if not audible:
            live_audio.stop_hearing(self._route.feed)
        else:
            live_audio.when_open(self._listen)

    @_while_alive
    def _listen(self) -> None:
        if self._audible:
            output = live_audio.live_output()
            if output.feed is not self._route.feed:
                output.listen_to(self._route.feed)

    def audible(self) -> bool:
        return self._audible

    # -- events -------------------------------------------------------------------------------------

    def _attach_events(self) -> None:
        vlc = self._vlc
        manager = self._player.event_manager()
        events = {
            vlc.EventType.MediaPlayerPlaying: "playing",
            vlc.EventType.MediaPlayerPaused: "paused",
            vlc.EventType.MediaPlayerStopped: "stopped",
            vlc.EventType.MediaPlayerEndReached: "ended",
            vlc.EventType.MediaPlayerEncounteredError: "error",
            vlc.EventType.MediaPlayerVout: "vout",
        }
        for event_type, name in events.items():
            manager.event_attach(event_type, self._post, name)
        manager.event_attach(vlc.EventType.MediaPlayerTimeChanged, self._post_time)
        manager.event_attach(vlc.EventType.MediaPlayerLengthChanged, self._post_length)
        self._attached = [*events, vlc.EventType.MediaPlayerTimeChanged, vlc.EventType.MediaPlayerLengthChanged]

    # These three run on libVLC's threads: post and return, never call libVLC here.
    def _post(self, event, name: str) -> None:
        value = float(event.u.new_count) if name == "vout" else 0.0
        self._event.emit(name, value, time.monotonic())

    def _post_time(self, event) -> None:
        self._event.emit("time", event.u.new_time / 1000.0, time.monotonic())

    def _post_length(self, event) -> None:
        self._event.emit("length", event.u.new_length / 1000.0, time.monotonic())

    @_while_alive
    def _on_event(self, name: str, value: float, clock: float) -> None:
        if name == "time":
            if self._state == PlayerState.PLAYING and clock > self._seek_clock and self._landed(value, clock):
                self._anchor_time, self._anchor_clock = value, clock
        elif name == "length":
            if value > 0 and abs(value - self._length) > 1e-3:
                self._length = value
                self.length_changed.emit(value)
        elif name == "playing":
            self._apply_pending_seek()
            if not self._intent_play:
                self._player.set_pause(1)  # asked to wait (preload) or paused while it was opening
                return
            self._set_anchor(self._held)
            self._set_state(PlayerState.PLAYING)
            self._ticker.start()
        elif name == "paused":
            if self._show_first_frame and self._pending_seek is None:
                self._pending_seek = self._held
            self._show_first_frame = False
            self._apply_pending_seek()
            if self._intent_play:
                self._player.set_pause(0)  # play() came while the take was still opening
                return
            self._ticker.stop()
            self._set_state(PlayerState.PAUSED)
        elif name == "stopped":
            self._ticker.stop()
            if self._state == PlayerState.OPENING:
                # Either the previous take stopping (stale) or this one failing to open: libVLC's
                # own state tells which.
                if self._player.get_state() in (self._vlc.State.Error, self._vlc.State.Ended, self._vlc.State.Stopped):
                    self._fail(f"{Path(self._path or '?').name} could not be played: libVLC could not open it.")
                return
            if self._state not in (PlayerState.ENDED, PlayerState.EMPTY) and \
                    self._player.get_state() == self._vlc.State.Stopped:   # not a stale event
                self._set_state(PlayerState.STOPPED)
        elif name == "ended":
            self._ticker.stop()
            if self._length <= 0:
                # libVLC "plays" a file it can't read as an empty stream that ends at once.
                self._fail(f"{Path(self._path or '?').name} could not be played: libVLC found no picture or sound in it.")
                return
            if self._loop:
                self._open(self._loop_range[0] if self._loop_range else 0.0, autoplay=True)
                return
            # The end came before the playhead guard caught it: show the last frame again, paused,
            # and say so (the readout still names where the last tick left it, frames earlier).
            self._open(self.last_frame(), autoplay=False)
            self.position_changed.emit(self._held)
        elif name == "error":
            self._ticker.stop()
            self._fail(f"libVLC could not play {Path(self._path or '?').name}.")
        elif name == "vout":
            if value > 0:
                self.first_frame.emit()

    def _landed(self, reported: float, clock: float) -> bool:
        """After a seek while playing, libVLC goes on reporting the old place for a moment: a time
        report counts once it is near where the seek went (or the seek is long past)."""
        if self._seek_target is None:
            return True
        since = clock - self._seek_clock
        if abs(reported - (self._seek_target + since * self._rate)) < SEEK_LANDED_S or since > SEEK_STALE_AFTER_S:
            self._seek_target = None
            return True
        return False

    @_while_alive
    def _apply_pending_seek(self) -> None:
        if self._pending_seek is not None:
            target, self._pending_seek = self._pending_seek, None
            self._set_time(self._frame_ms(snap_to_frame(target, self._fps)))

    @_while_alive
    def _tick(self) -> None:
        position = self.position()
        if self._loop and self._loop_range and position >= self._loop_range[1]:
            self.seek(self._loop_range[0])
            return
        guard = frame_duration(self._fps) * END_GUARD_FRAMES
        if self._length and position >= self._length - guard:
            if self._loop:
                self.seek(self._loop_range[0] if self._loop_range else 0.0)
                return
            self.pause()
            self.seek(self.last_frame())  # hold the last frame
            return
        self.position_changed.emit(position)

    def _set_state(self, state: PlayerState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state.value)

    def _fail(self, message: str) -> None:
        self._set_state(PlayerState.ERROR)
        self.error.emit(message)

    def release(self) -> None:
        """Free libVLC's player (the window is closing). Safe to call twice."""
        if self._released:
            return
        if self._audible:
            self.set_audible(False)   # the device stops reading this player's audio before it goes
        self._released = True
        self._ticker.stop()
        manager = self._player.event_manager()
        for event_type in self._attached:
            manager.event_detach(event_type)
        self._player.stop()
        self._player.release()
