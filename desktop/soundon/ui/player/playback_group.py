"""Players that play as one: one transport, one clock to follow, one of them heard.

The single view is a group of one (the take on screen); Compare is a group of two to four. The
window talks to whichever group is showing and never asks which one it is.

The lead is the heard take: the others follow its clock. libVLC gives each player its own clock,
so they drift apart a little (different start-up times, decoders, frame rates); a sync check every
200 ms compares each follower with the lead and nudges its speed by a few percent until it is
within a fifth of a frame, or re-seeks it when it is far off. Each player's position is the take
time heard now, from its decoded audio on libVLC's clock (ui/player/vlc_player.py), so the drift
measured is the drift shown, to the millisecond. Followers are not heard, so a nudge
is never heard. Takes of different lengths each stop on their own last frame.

J/K/L (ui/player/shuttle.py) work on the group: every player goes at the shuttle's speed.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from soundon.core.timecode import frame_duration
from soundon.ui.player.shuttle import Shuttle
from soundon.ui.player.vlc_player import PlayerState, VlcPlayer

SYNC_INTERVAL_MS = 100
RESEEK_BEYOND_S = 0.25     # further off than this: jump instead of nudging
# Speed nudges by how far off a follower is (seconds off, then the nudge): a few steps rather than a
# new speed every check, because every speed change costs libVLC's time-stretch a few milliseconds.
NUDGES = ((0.1, 0.2), (0.04, 0.1), (0.0, 0.04))
OFF_STEP_FRAMES = 0.35     # further off than a third of a frame: nudged …
IN_STEP_FRAMES = 0.2       # … until within a fifth of a frame


class PlaybackGroup(QObject):
    state_changed = Signal(str)        # PLAYING while any player plays, else PAUSED
    players_changed = Signal()         # other takes
    lead_changed = Signal(int)         # another take is heard (its index)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._players: list[VlcPlayer] = []
        self._lead = 0
        self._rate = 1.0
        self._sync = QTimer(self, interval=SYNC_INTERVAL_MS)
        self._sync.timeout.connect(self.sync_now)
        self.last_drift: dict[int, float] = {}   # player index -> seconds ahead of the lead (last check)
        self.shuttle = Shuttle(self, self)

    # -- who plays ----------------------------------------------------------------------------------

    def set_players(self, players: list[VlcPlayer], lead: int = 0) -> None:
        """These players from now on (the previous ones are left as they are), this one heard."""
        self._sync.stop()
        for player in self._players:
            if player not in players:
                player.state_changed.disconnect(self._player_state_changed)
                player.set_audible(False)
        for player in players:
            if player not in self._players:
                player.state_changed.connect(self._player_state_changed)
        self._players = list(players)
        self.last_drift = {}
        self._lead = min(max(0, lead), len(players) - 1) if players else 0
        self.hear()
        self.players_changed.emit()

    def set_lead(self, index: int) -> None:
        """Hear this player; the others follow its clock."""
        if not 0 <= index < len(self._players) or index == self._lead:
            return
        self._lead = index
        self.last_drift = {}
        self.hear()
        self.lead_changed.emit(index)

    def hear(self) -> None:
        """The lead is the one heard (again, after another group was)."""
        lead = self.lead()
        for player in self._players:
            if player is not lead:
                player.set_audible(False)
        if lead is not None:
            lead.set_audible(True)

    def go_silent(self) -> None:
        """None of these players is heard (another group is)."""
        for player in self._players:
            player.set_audible(False)

    def players(self) -> list[VlcPlayer]:
        return list(self._players)

    def lead_index(self) -> int:
        return self._lead

    def lead(self) -> VlcPlayer | None:
        return self._players[self._lead] if 0 <= self._lead < len(self._players) else None

    # -- one transport ------------------------------------------------------------------------------

    def is_playing(self) -> bool:
        return any(p.is_playing() for p in self._players)

    def position(self) -> float:
        lead = self.lead()
        return lead.position() if lead else 0.0

    def last_frame(self) -> float | None:
        lead = self.lead()
        return lead.last_frame() if lead and lead.length else None

    def toggle(self) -> None:
        """Space: pause, or play at 1× forwards."""
        self.shuttle.normal_play()

    def play(self) -> None:
        lead = self.lead()
        if lead is None:
            return
        if len(self._players) > 1:
            start = lead.position()
            if lead.length and start >= lead.length - 2 * frame_duration(lead.fps):
                start = 0.0  # from the top again
            self._align(start)
        for player in self._players:
            player.set_rate(self._rate)
            player.play()
        if len(self._players) > 1:
            self._sync.start()

    def pause(self) -> None:
        self._sync.stop()
        for player in self._players:
            player.pause()
        if len(self._players) > 1:
            for player in self._players:
                player.set_rate(self._rate)
            self._align(self.position())

    def seek(self, seconds: float) -> None:
        self._align(seconds)

    def step(self, seconds: float = 0.0, frames: int = 0) -> None:
        """A frame step pauses first (as in an NLE); a jump in seconds keeps playing."""
        lead = self.lead()
        if lead is None:
            return
        if frames:
            self.pause()
        self._align(lead.position() + seconds + frames * frame_duration(lead.fps) + (1e-4 if frames else 0.0))

    def set_rate(self, rate: float) -> None:
        """Every player at this speed (the shuttle's); the sync nudges the followers around it."""
        self._rate = rate
        for player in self._players:
            player.set_rate(rate)

    @property
    def rate(self) -> float:
        return self._rate

    def _align(self, seconds: float) -> None:
        for player in self._players:
            if player.length and len(self._players) > 1:
                player.seek(min(seconds, max(0.0, player.length - frame_duration(player.fps))))
            else:
                player.seek(seconds)

    # -- keeping the followers with the lead --------------------------------------------------------

    def sync_now(self) -> None:
        """Bring followers back to the lead; remember each one's drift."""
        lead = self.lead()
        if lead is None or not lead.is_playing():
            return
        target = lead.heard_position()
        for n, player in enumerate(self._players):
            if player is lead or not player.is_playing():
                continue
            drift = player.heard_position() - target
            self.last_drift[n] = drift
            frame = frame_duration(max(player.fps, lead.fps))
            nudging = player.rate != self._rate
            if abs(drift) > RESEEK_BEYOND_S:
                player.set_rate(self._rate)
                player.seek(target)
            elif abs(drift) > (frame * IN_STEP_FRAMES if nudging else frame * OFF_STEP_FRAMES):
                nudge = next(n for beyond, n in NUDGES if abs(drift) > beyond)
                rate = self._rate * (1.0 - nudge if drift > 0 else 1.0 + nudge)
                if abs(player.rate - rate) > 1e-9:
                    player.set_rate(rate)
            elif nudging:
                player.set_rate(self._rate)

    def max_drift(self) -> float:
        """The largest distance (seconds) between a follower and the lead right now (a follower
        about to hold its own last frame is not counted)."""
        lead = self.lead()
        if lead is None:
            return 0.0
        target = lead.heard_position()
        drifts = [abs(p.heard_position() - target) for p in self._players
                  if p is not lead and p.is_playing() and p.position() < p.length - 2 * frame_duration(p.fps)]
        return max(drifts, default=0.0)

    def _player_state_changed(self, _state: str) -> None:
        playing = self.is_playing()
        if not playing:
            self._sync.stop()
        self.state_changed.emit(PlayerState.PLAYING.value if playing else PlayerState.PAUSED.value)
