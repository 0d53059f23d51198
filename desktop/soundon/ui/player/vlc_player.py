"""The one place that talks to libVLC: a QObject that plays a take into a widget.

Why it looks the way it does:
- libVLC calls its event callbacks on its own threads, and libVLC must not be called back from
  there. Every event is turned into a queued Qt signal, so the rest of the app only ever sees it
  on the GUI thread.
- libVLC reports the play time only a few times a second. The player keeps an anchor (the last
  reported time and the monotonic clock when it arrived) and interpolates, so the playhead moves
  smoothly and two players can be compared to within a frame. When paused, the position is the
  frame the player was told to show (pausing snaps to a frame start).
- libVLC 3 closes the video at the end of a take; an editor expects the last frame to stay, so the
  player stops itself on the last frame instead (or loops, when asked).
- A take can carry extra audio files (listening-profile renders). Each plays in its own audio-only
  libVLC player (a "follower"), kept in lock-step with the take's player, and all but the one the
  editor hears are muted; the take's own audio is muted while a render is heard. Switching is then a
  mute flip, which the sound server applies at its mixer at once (libVLC 3's audio track selection
  restarts the new track where its demuxer is, ~290 ms ahead of what is heard; slaves break seeking).
  Lock-step: pause and rate go to every player together; a play from pause, a seek while playing, a
  start and a loop pause every player, seek them all to the same time and resume them back to back
  once each is there and libVLC's read-ahead has passed (separate seeks while playing land 20–45 ms
  apart, a joint resume within 1–2 ms). A mute flip libVLC dropped (no audio output yet) is repeated.
- The video output is bound per platform: an X11 window id, a Windows HWND, a macOS NSView.

The libVLC instance arguments live in `instance_args()` only. SOUNDON_VIDEO_OUTPUT and
SOUNDON_AUDIO_OUTPUT override libVLC's choice of output (the tests run on a virtual display with no
GPU and no sound card: xcb_x11 and adummy); setting the video output also turns off hardware decoding.
"""
from __future__ import annotations

import functools
import os
import sys
import time
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from soundon.core.timecode import frame_duration, last_frame_start, snap_to_frame
from soundon.ui.player import live_audio
from soundon.ui.player.audio_route import AudioRoute
from soundon.media.tools import ToolMissing, install_hint

NATIVE_AUDIO = "native"   # the take's own audio track
TICK_MS = 33              # playhead refresh while playing (≈30 Hz)
END_GUARD_FRAMES = 1.5    # hold on the last frame when the playhead gets this close to the end
FILE_CACHING_MS = 150     # libVLC's read-ahead for local files (start sooner than the 300 ms default)
SYNC_POLL_MS = 5          # how often a lock-step waits for the players to be ready
SYNC_TIMEOUT_S = 10.0     # a render libVLC has not opened by then is reported and dropped


class PlayerState(str, Enum):
    EMPTY = "empty"
    OPENING = "opening"
    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"
    ENDED = "ended"
    ERROR = "error"


# Qt platforms whose widgets are real windows libVLC can draw into (X11 window, HWND, NSView).
EMBEDDING_PLATFORMS = {"xcb", "windows", "cocoa"}


def window_system() -> str:
    """Qt's platform plugin: the running application's, else the one QT_QPA_PLATFORM asks for."""
    if QGuiApplication.instance() is not None:
        return QGuiApplication.platformName()
    return os.environ.get("QT_QPA_PLATFORM", "xcb").split(":", 1)[0]


def can_embed() -> bool:
    """Whether the player's widget is a native window libVLC can draw into. On Qt's offscreen or
    minimal platforms its window id names nothing, and handing it to libVLC (or letting libVLC pick an
    output of its own, such as a terminal's colour ASCII art) crashes the process."""
    return window_system() in EMBEDDING_PLATFORMS


def instance_args() -> list[str]:
    """Every libVLC option Sound-On uses, in one place."""
    args = [
        "--no-video-title-show",    # no file name painted over the picture
        "--no-osd",
        "--no-snapshot-preview",
        "--no-stats",
        "--no-sub-autodetect-file",  # a stray .srt beside a take is not the take
        "--no-metadata-network-access",
        f"--file-caching={FILE_CACHING_MS}",
        "--quiet",
    ]
    vout = os.environ.get("SOUNDON_VIDEO_OUTPUT") or ("" if can_embed() else "dummy")
    if vout:
        # set_xwindow() resets libVLC's choice of video output to "any", so --vout alone doesn't
        # stick: a non-OpenGL choice also switches the OpenGL outputs off (on a virtual display
        # Mesa's software GL crashes now and then). Software output goes with software decoding.
        args += [f"--vout={vout}", "--avcodec-hw=none"]
        if vout not in ("gl", "gles2"):
            args += ["--gl=none", "--gles2=none"]
    if aout := os.environ.get("SOUNDON_AUDIO_OUTPUT"):
        args.append(f"--aout={aout}")
    return args


_vlc = None
_instance = None


def _load_vlc():
    global _vlc
    if _vlc is None:
        try:
            import vlc  # noqa: PLC0415 — loaded on first use so the app starts (and explains) without it
        except (ImportError, OSError, NotImplementedError, SystemExit) as exc:
            raise ToolMissing(f"Sound-On needs libVLC 3 to play takes, and it could not be loaded ({exc}). "
                              f"{install_hint('libvlc')}") from None
        _vlc = vlc
    return _vlc


def engine():
    """The shared libVLC instance (one per process), or ToolMissing with what to install."""
    global _instance
    if _instance is None:
        vlc = _load_vlc()
        instance = vlc.Instance(instance_args())
        if instance is None:
            raise ToolMissing("libVLC was found but could not start (its plugins are missing or broken). "
                              f"{install_hint('libvlc')}")
        _instance = instance
    return _instance


def libvlc_version() -> str:
    raw = _load_vlc().libvlc_get_version()
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def playback_problem() -> str | None:
    """None when takes can be played, else a sentence that says what to install."""
    try:
        engine()
    except ToolMissing as exc:
        return str(exc)
    return None


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
    audio_track_changed = Signal(str)    # NATIVE_AUDIO or the name of an audio render
    audio_renders_ready = Signal(list)   # names of the renders now switchable
    error = Signal(str)

    # libVLC thread -> GUI thread (queued): event name, value, monotonic time it happened
    _event = Signal(str, float, float)

    def __init__(self, parent: QObject | None = None, audio_tap=None):
        """audio_tap(libvlc_player, name), when given, is called on every libVLC player this player
        creates before it plays (the take's as NATIVE_AUDIO, each follower by its render's name):
        the tests use it to hear what libVLC plays."""
        super().__init__(parent)
        vlc = _load_vlc()
        self._vlc = vlc
        self._audio_tap = audio_tap
        self._player = engine().media_player_new()
        self._route = None   # the live audio route (ui/player/live_audio.py) unless a test taps libVLC
        if audio_tap:
            audio_tap(self._player, NATIVE_AUDIO)
        elif live_audio.live_audio_enabled():
            self._route = AudioRoute(vlc, self._player)
        self._player.video_set_key_input(False)    # keys and clicks belong to the Qt window
        self._player.video_set_mouse_input(False)
        self._media = None
        self._path: str | None = None
        self._source: str | None = None   # what libVLC opens (the take)
        self._fps = 25.0
        self._length = 0.0
        self._state = PlayerState.EMPTY
        self._rate = 1.0
        self._anchor_time = 0.0        # seconds libVLC last reported …
        self._anchor_clock = 0.0       # … and when (time.monotonic)
        self._seek_clock = 0.0         # time reports from before the last seek are stale
        self._held = 0.0               # position while not playing
        self._intent_play = False      # what the editor asked for last (libVLC catches up)
        self._pending_seek: float | None = None
        self._show_first_frame = False
        self._render_request = 0
        self._loop = False
        self._loop_range: tuple[float, float] | None = None
        self._renders: dict[str, str] = {}     # renders whose followers are ready (switchable)
        self._followers: dict[str, object] = {}  # render name -> audio-only libVLC player
        self._pending_renders: dict[str, str] = {}  # followers opening, not yet switchable
        self._sync_target: float | None = None  # a lock-step in progress: the time every player goes to
        self._sync_play = False
        self._sync_started = 0.0
        self._sync_reseek = 0.0
        self._sync_timer = QTimer(self, interval=SYNC_POLL_MS)
        self._sync_timer.timeout.connect(self._sync_poll)
        self._audio_choice = NATIVE_AUDIO
        self._audible = True
        self._current_audio = ""
        self._mutes: dict[str, bool] = {NATIVE_AUDIO: False}
        self._unsaid: set[str] = set()   # mute flips libVLC could not take yet
        self._mute_timer = QTimer(self, interval=SYNC_POLL_MS)
        self._mute_timer.timeout.connect(self._say_mutes_again)
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
            return   # decoded into the window-less output chosen in instance_args()
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
        self._path = self._source = str(path)
        self._fps = 1.0 / frame_duration(fps)
        self._drop_followers()   # renders belong to one take
        self._length = 0.0
        self._current_audio = ""
        self._open(start, autoplay)

    @_while_alive
    def _open(self, start: float, autoplay: bool) -> None:
        media = engine().media_new_path(self._source)
        if not autoplay:
            media.add_option(":start-paused")
        if start > 0:
            media.add_option(f":start-time={start:.3f}")
        self._media = media
        self._player.set_media(media)
        if self._route is not None:
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
        self._drop_followers()
        self._player.stop()
        self._player.set_media(None)
        self._media = None
        self._path = self._source = None
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
        if self._followers:
            self._lockstep(self._held, play=True)   # wherever a paused seek left them, start together
        else:
            self._player.set_pause(0)

    @_while_alive
    def pause(self) -> None:
        self._intent_play = False
        for follower in self._followers.values():
            follower.set_pause(1)
        if self._sync_target is not None and self._sync_play:
            # A lock-step was about to resume every player: they stay paused there instead.
            self._sync_play = False
            self._held = snap_to_frame(self._sync_target, self._fps)
            self._ticker.stop()
            self._set_state(PlayerState.PAUSED)
            self._player.set_time(self._frame_ms(self._held))
            self.position_changed.emit(self._held)
            return
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
        self._sync_stop()
        self._player.stop()
        for follower in self._followers.values():
            follower.set_pause(1)
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
        if self._state in (PlayerState.ENDED, PlayerState.STOPPED):
            self._open(target, autoplay=False)
        elif self._state == PlayerState.OPENING:
            self._pending_seek = target  # libVLC ignores a seek before the take is open
        elif self._followers and self.is_playing():
            self._lockstep(target, play=True)   # separate seeks while playing land ~40 ms apart
        else:
            self._set_time(self._frame_ms(target) if not self.is_playing() else int(round(target * 1000)))
        self.position_changed.emit(target)

    def _set_time(self, ms: int) -> None:
        """Send libVLC to ms; the live route hears the take from there (a pause's own seek too)."""
        if self._route is not None:
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
        if self._route is not None:
            self._route.set_speed(rate)
        self._player.set_rate(rate)
        for follower in self._followers.values():
            follower.set_rate(rate)

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
        if self._sync_target is not None and self._sync_play:
            return self._sync_target            # every player is waiting at that time
        if self._state == PlayerState.PLAYING:
            moved = (time.monotonic() - self._anchor_clock) * self._rate
            position = self._anchor_time + moved
            return min(position, self._length) if self._length else position
        return self._held

    @_while_alive
    def reported_time(self) -> float:
        """The time libVLC itself reports (coarse while playing; exact after a seek while paused)."""
        return max(0, self._player.get_time()) / 1000.0

    def _set_anchor(self, seconds: float) -> None:
        self._anchor_time = seconds
        self._anchor_clock = time.monotonic()

    # -- audio --------------------------------------------------------------------------------------

    @_while_alive
    def set_audio_renders(self, renders: dict[str, str]) -> None:
        """Attach listening-profile renders ({profile name: audio file}), one follower each.

        The followers open paused where the take is; once every one of them is ready they are put
        in lock-step with the take (in the same play state) and `audio_renders_ready` lists the
        names. From then on select_audio() is a mute flip. An empty mapping goes back to the take's
        own audio only.
        """
        if self._path is None:
            return
        self._drop_followers()
        self._render_request += 1
        if not renders:
            self._apply_audio()
            return
        position = self.position()
        for name, path in renders.items():
            follower = engine().media_player_new()
            if self._audio_tap:
                self._audio_tap(follower, name)
            self._set_mute(name, follower, True)
            follower.set_rate(self._rate)
            self._followers[name] = follower
            self._open_follower(name, path, position)
        self._pending_renders = dict(renders)
        self._lockstep(position, play=self._intent_play and self._state == PlayerState.PLAYING)

    @_while_alive
    def _open_follower(self, name: str, path: str, start: float) -> None:
        media = engine().media_new_path(str(path))
        for option in (":no-video", ":start-paused", f":start-time={start:.3f}"):
            media.add_option(option)
        follower = self._followers[name]
        follower.set_media(media)
        follower.play()

    def _drop_followers(self) -> None:
        self._sync_stop()
        followers, self._followers = self._followers, {}
        self._renders = {}
        self._pending_renders = {}
        for follower in followers.values():
            follower.stop()
            follower.release()
        if followers and not self._released:
            self._set_mute(NATIVE_AUDIO, self._player, False)

    # -- lock-step ----------------------------------------------------------------------------------

    @_while_alive
    def _lockstep(self, target: float, play: bool) -> None:
        """Pause every player, seek them all to `target`, and (if `play`) resume them together once
        each one is paused with its data there: resumed together, their clocks start together."""
        vlc = self._vlc
        ms = int(round(target * 1000))
        if play:
            self._player.set_pause(1)
            self._player.set_time(ms)
        for name, follower in self._followers.items():
            if follower.get_state() in (vlc.State.Ended, vlc.State.Stopped, vlc.State.Error,
                                        vlc.State.NothingSpecial):
                self._open_follower(name, (self._pending_renders or self._renders)[name], target)
            else:
                follower.set_pause(1)
                follower.set_time(ms if play else self._frame_ms(snap_to_frame(target, self._fps)))
        self._sync_target, self._sync_play = target, play
        self._sync_started = self._sync_reseek = time.monotonic()
        self._sync_timer.start()

    def _sync_ms(self) -> int:
        """Where a lock-step sends the followers (a paused one: the middle of the held frame)."""
        if self._sync_play:
            return int(round(self._sync_target * 1000))
        return self._frame_ms(snap_to_frame(self._sync_target, self._fps))

    def _sync_stop(self) -> None:
        self._sync_timer.stop()
        self._sync_target = None

    @_while_alive
    def _sync_poll(self) -> None:
        if self._sync_target is None:
            self._sync_timer.stop()
            return
        paused = self._vlc.State.Paused
        target = self._sync_target
        waiting = [name for name, f in self._followers.items() if not self._ready_at(f, target)]
        if waiting and time.monotonic() - self._sync_reseek >= FILE_CACHING_MS / 1000:
            # libVLC ignores a seek made while a player is still opening: ask again.
            self._sync_reseek = time.monotonic()
            ms = self._sync_ms()
            for name in waiting:
                if self._followers[name].get_state() == paused:
                    self._followers[name].set_time(ms)
        main_ready = not self._sync_play or self._ready_at(self._player, target)
        # libVLC says nothing when a paused player has the data of its seek; its read-ahead (the
        # file caching) is when it has them. Resumed before, a player starts late (~40 ms seen).
        settled = time.monotonic() - self._sync_started >= FILE_CACHING_MS / 1000
        if (waiting or not main_ready or not settled) and time.monotonic() - self._sync_started < SYNC_TIMEOUT_S:
            return
        for name in waiting:      # libVLC could not open (or seek) this render: go on without it
            follower = self._followers.pop(name)
            follower.stop()
            follower.release()
            self.error.emit(f"The {name} render could not be played; that profile plays the original audio.")
        self._sync_stop()
        if self._sync_play and self._intent_play and self._player.get_state() == paused:
            self._held = target
            for player in (self._player, *self._followers.values()):
                player.set_pause(0)    # back to back: the players' clocks restart within a few ms
            self._set_anchor(target)
            if self._unsaid:
                self._mute_timer.start()
            if self._state != PlayerState.PLAYING:
                self._set_state(PlayerState.PLAYING)
            self._ticker.start()
        if self._pending_renders:
            names = [n for n in self._pending_renders if n in self._followers]
            self._renders = {n: self._pending_renders[n] for n in names}
            self._pending_renders = {}
            self._apply_audio()
            self.audio_renders_ready.emit(names)
        else:
            self._apply_audio()

    def _ready_at(self, player, target: float) -> bool:
        """Paused, and its reported time is at the target (its seek has been carried out)."""
        return player.get_state() == self._vlc.State.Paused and abs(player.get_time() / 1000.0 - target) < 0.1

    # -- audio --------------------------------------------------------------------------------------

    def audio_renders(self) -> dict[str, str]:
        return dict(self._renders)

    def select_audio(self, name: str) -> None:
        """Hear the native track or a render; a name without a render falls back to native."""
        self._audio_choice = name
        self._apply_audio()

    def set_audible(self, audible: bool) -> None:
        """One player is heard at a time (the take on screen; in Compare, the chosen one)."""
        self._audible = audible
        if self._route is not None:
            if audible:
                live_audio.live_output().listen_to(self._route.feed)
            else:
                live_audio.stop_hearing(self._route.feed)
        self._apply_audio()

    @property
    def live(self) -> bool:
        """Heard through the app's live audio graph (every listening setting applies at once)."""
        return self._route is not None

    def audible(self) -> bool:
        return self._audible

    def current_audio(self) -> str:
        """What the editor hears from this player: NATIVE_AUDIO, a render name, or '' for nothing."""
        return self._current_audio

    @_while_alive
    def audio_track(self) -> int:
        return self._player.audio_get_track()

    @_while_alive
    def _audio_tracks(self) -> list[int]:
        described = self._player.audio_get_track_description() or []
        return [track_id for track_id, _name in described if track_id >= 0]

    def _unmuted(self) -> list[str]:
        """Which libVLC players were last told to be heard (NATIVE_AUDIO for the take's own).
        Kept here because some outputs (the tests' adummy) don't report mute back."""
        return [name for name, muted in self._mutes.items() if not muted]

    def _set_mute(self, name: str, player, muted: bool) -> None:
        player.audio_set_mute(muted)
        self._mutes[name] = muted
        if player.audio_get_mute() == -1:
            self._unsaid.add(name)   # no audio output yet: libVLC drops the flip, say it again later
            self._mute_timer.start()
        else:
            self._unsaid.discard(name)

    @_while_alive
    def _say_mutes_again(self) -> None:
        """libVLC forgets a mute flip made while a player has no audio output (before its sound
        first starts, or when its output is remade); flips it could not take are repeated."""
        players = {NATIVE_AUDIO: self._player, **self._followers}
        for name in sorted(self._unsaid, key=lambda n: not self._mutes.get(n, False)):  # mutes first
            if name in players and name in self._mutes:
                self._set_mute(name, players[name], self._mutes[name])
            else:
                self._unsaid.discard(name)
        # An output appears within moments of the sound starting, long before its first block is
        # heard; a player that stays without one (no audio, or an inaudible take) stops the retries.
        if not self._unsaid or not self.is_playing() or time.monotonic() - self._anchor_clock > 2.0:
            self._mute_timer.stop()

    @_while_alive
    def _apply_audio(self) -> None:
        if self._route is not None:
            self._apply_live_audio()
            return
        render = self._audio_choice if self._audible and self._audio_choice in self._renders else None
        # Mute first, then unmute: never two sounds at once. Each flip is instant at the mixer.
        self._mutes = {n: m for n, m in self._mutes.items() if n == NATIVE_AUDIO or n in self._followers}
        for name, follower in self._followers.items():
            if name != render:
                self._set_mute(name, follower, True)
        self._set_mute(NATIVE_AUDIO, self._player, render is not None)
        if render is not None:
            self._set_mute(render, self._followers[render], False)
        tracks = self._audio_tracks()
        if not tracks:
            return  # not opened yet: applied again when libVLC announces the tracks
        wanted = tracks[0] if self._audible else -1   # an inaudible player decodes no audio at all
        if self._player.audio_get_track() != wanted:
            self._player.audio_set_track(wanted)
        name = render or (NATIVE_AUDIO if self._audible else "")
        if name != self._current_audio:
            self._current_audio = name
            self.audio_track_changed.emit(name)

    def _apply_live_audio(self) -> None:
        """Live audio: every player decodes its take's audio, heard or not (a switch of the audible
        take in Compare is then instant); which one is heard is the output's choice, not libVLC's."""
        tracks = self._audio_tracks()
        if tracks and self._player.audio_get_track() not in tracks:
            self._player.audio_set_track(tracks[0])
        name = NATIVE_AUDIO if self._audible else ""
        if tracks and name != self._current_audio:
            self._current_audio = name
            self.audio_track_changed.emit(name)

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
            vlc.EventType.MediaPlayerESAdded: "tracks",
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
        if name in ("playing", "paused") and self._sync_target is not None and self._sync_play:
            return  # the lock-step paused the take itself and resumes it
        if name == "time":
            if self._state == PlayerState.PLAYING and clock > self._seek_clock:
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
            opened = self._state == PlayerState.OPENING
            self._set_anchor(self._held)
            if self._unsaid:
                self._mute_timer.start()
            self._set_state(PlayerState.PLAYING)
            self._apply_audio()
            self._ticker.start()
            if opened and self._followers:
                self._lockstep(self._held, play=True)   # started (or looped) on its own: join up
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
            self._apply_audio()
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
        elif name == "tracks":
            self._apply_audio()

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
        self._drop_followers()
        if self._route is not None and self._audible:
            self.set_audible(False)   # the device stops reading this player's audio before it goes
        self._released = True
        self._ticker.stop()
        self._mute_timer.stop()
        manager = self._player.event_manager()
        for event_type in self._attached:
            manager.event_detach(event_type)
        self._player.stop()
        self._player.release()
