"""Compare: two to four takes side by side, played in sync, one of them audible.

One transport drives every player. libVLC gives each player its own clock, so they drift apart a
little (different start-up times, decoders, frame rates); a sync check every 200 ms compares each
follower with the leader (the audible take) and nudges its speed by a few percent until it is back
within half a frame, or re-seeks it when it is far off. Followers are silent, so a speed nudge is
never heard. Takes of different lengths each stop on their own last frame.

The audible take is the active one: pick / reject / rating keys apply to it. Click a take or press
1–4 to hear it; ↑/↓ move to the previous / next one.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from soundon.core.timecode import frame_duration
from soundon.ui.models.take_model import FLAG_TEXT, VERDICT_TEXT, take_name
from soundon.ui.player.transport import Transport
from soundon.ui.player.video_surface import VideoSurface
from soundon.ui.player.vlc_player import PlayerState, VlcPlayer
from soundon.ui.theme import icon
from soundon.ui.views.elided_label import ElidedLabel

MAX_TAKES = 4
SYNC_INTERVAL_MS = 200
RESEEK_BEYOND_S = 0.5      # further off than this: jump instead of nudging
NUDGE_WINDOW_S = 1.0       # a drift of d seconds is made up over about this long
MAX_NUDGE = 0.15           # at most ±15 % speed


class CompareCell(QFrame):
    clicked = Signal(int)

    def __init__(self, number: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.number = number
        self.setObjectName("compareCell")
        self.speaker = QLabel(self)
        self.speaker.setPixmap(icon("audio").pixmap(16, 16))
        self.speaker.setToolTip("This take is the one you hear")
        self.speaker.hide()
        self.title = ElidedLabel("", self)
        self.title.setObjectName("compareTitle")
        self.badges = QLabel(self)
        self.badges.setObjectName("compareBadge")
        self.surface = VideoSurface(self)
        self.player: VlcPlayer | None = None
        self.take: dict | None = None
        head = QHBoxLayout()
        head.addWidget(self.speaker)
        head.addWidget(self.title, 1)
        head.addWidget(self.badges)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.surface, 1)
        self.setProperty("audible", "false")

    def show_take(self, take: dict) -> None:
        self.take = take
        self.title.setText(f"{self.number}  {take['model'] or 'unknown model'} — {take_name(take)}")
        self.setToolTip(f"Press {self.number} or click to hear this take")
        self.title.setToolTip(take["path"])
        parts = [FLAG_TEXT.get(take["flag"]) or "", "★" * take["rating"], VERDICT_TEXT.get(take["audio_verdict"]) or ""]
        self.badges.setText("   ".join(p for p in parts if p))

    def set_audible(self, audible: bool) -> None:
        self.setProperty("audible", "true" if audible else "false")
        self.style().unpolish(self)
        self.style().polish(self)
        self.speaker.setVisible(audible)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.clicked.emit(self.number - 1)
        super().mousePressEvent(event)


class CompareView(QWidget):
    audible_changed = Signal(int)       # take id now heard (and acted on by the review keys)
    state_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.cells: list[CompareCell] = []
        self._grid = QGridLayout()
        self._grid.setSpacing(6)
        self.transport = Transport(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(self._grid, 1)
        layout.addWidget(self.transport)
        self._audible = 0
        self._sync = QTimer(self, interval=SYNC_INTERVAL_MS)
        self._sync.timeout.connect(self.sync_now)
        self.last_drift: dict[int, float] = {}   # take id -> seconds ahead of the leader (last check)
        self.transport.scrub_bar.seek_requested.connect(self.seek)
        self._players: list[VlcPlayer] = []
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # holds the keyboard focus while comparing

    # -- opening and closing ------------------------------------------------------------------------

    def open(self, takes: list[dict], peaks_for=None) -> None:
        """Show these takes (2–4) side by side, paused on their first frames, the first one audible."""
        self.close_takes()
        takes = takes[:MAX_TAKES]
        columns = 2 if len(takes) in (2, 4) else min(3, len(takes))
        for column in range(4):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        for row in range(2):
            self._grid.setRowStretch(row, 1 if row < (len(takes) + columns - 1) // columns else 0)
        for n, take in enumerate(takes):
            cell = CompareCell(n + 1, self)
            cell.clicked.connect(self.set_audible)
            self._grid.addWidget(cell, n // columns, n % columns)
            cell.show_take(take)
            player = VlcPlayer(self)
            cell.player = player
            player.state_changed.connect(self._player_state_changed)
            player.position_changed.connect(
                lambda seconds, p=player: self.transport.show_position(seconds) if p is self.leader() else None)
            self.cells.append(cell)
            self._players.append(player)
        self._peaks_for = peaks_for
        self.show()
        for cell in self.cells:
            cell.player.bind(cell.surface)
            cell.player.load(cell.take["path"], cell.take["fps"], autoplay=False)
        self._audible = -1
        self.set_audible(0)

    def close_takes(self) -> None:
        self._sync.stop()
        for cell in self.cells:
            if cell.player is not None:
                cell.player.release()
                cell.player.deleteLater()
            self._grid.removeWidget(cell)
            cell.deleteLater()
        self.cells = []
        self._players = []
        self.last_drift = {}

    def takes(self) -> list[dict]:
        return [cell.take for cell in self.cells]

    def refresh_take(self, take: dict) -> None:
        for cell in self.cells:
            if cell.take and cell.take["id"] == take["id"]:
                cell.show_take(take)
                cell.set_audible(cell.number - 1 == self._audible)

    # -- the audible take ---------------------------------------------------------------------------

    def set_audible(self, index: int) -> None:
        if not 0 <= index < len(self.cells) or index == self._audible:
            return
        self._audible = index
        for n, cell in enumerate(self.cells):
            cell.player.set_audible(n == index)
            cell.set_audible(n == index)
        leader = self.leader()
        take = self.cells[index].take
        self.transport.set_take(leader.length or take["duration"], leader.fps)
        peaks = self._peaks_for(take) if self._peaks_for else None
        self.transport.scrub_bar.set_take(take["duration"], take["fps"] or 25.0, peaks)
        self.transport.show_position(leader.position())
        self.audible_changed.emit(take["id"])

    def move_audible(self, step: int) -> None:
        if self.cells:
            self.set_audible((self._audible + step) % len(self.cells))

    def audible_index(self) -> int:
        return self._audible

    def audible_take(self) -> dict | None:
        return self.cells[self._audible].take if self.cells else None

    def leader(self) -> VlcPlayer:
        return self.cells[self._audible].player

    def players(self) -> list[VlcPlayer]:
        return list(self._players)

    # -- one transport for all ----------------------------------------------------------------------

    def is_playing(self) -> bool:
        return any(p.is_playing() for p in self._players)

    def toggle(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def play(self) -> None:
        start = self.leader().position()
        if self.leader().length and start >= self.leader().length - 2 * frame_duration(self.leader().fps):
            start = 0.0  # from the top again
        self._align(start)
        for player in self._players:
            player.set_rate(1.0)
            player.play()
        self._sync.start()

    def pause(self) -> None:
        self._sync.stop()
        for player in self._players:
            player.set_rate(1.0)
            player.pause()
        self._align(self.leader().position())

    def seek(self, seconds: float) -> None:
        self._align(seconds)

    def step(self, seconds: float = 0.0, frames: int = 0) -> None:
        if self.is_playing():
            self.pause()
        leader = self.leader()
        self._align(leader.position() + seconds + frames * frame_duration(leader.fps) + 1e-4)

    def _align(self, seconds: float) -> None:
        for player in self._players:
            player.seek(min(seconds, max(0.0, player.length - frame_duration(player.fps))) if player.length else seconds)
        self.transport.show_position(self.leader().position())

    def sync_now(self) -> None:
        """Bring followers back to the leader; remember each one's drift (tests and the status bar)."""
        leader = self.leader()
        self.transport.show_position(leader.position())
        if not leader.is_playing():
            return
        target = leader.position()
        for cell in self.cells:
            player = cell.player
            if player is leader or not player.is_playing():
                continue
            drift = player.position() - target
            self.last_drift[cell.take["id"]] = drift
            half_frame = frame_duration(max(player.fps, leader.fps)) / 2
            if abs(drift) > RESEEK_BEYOND_S:
                player.set_rate(1.0)
                player.seek(target)
            elif abs(drift) > half_frame:
                player.set_rate(1.0 - max(-MAX_NUDGE, min(MAX_NUDGE, drift / NUDGE_WINDOW_S)))
            elif player.rate != 1.0:
                player.set_rate(1.0)

    def max_drift(self) -> float:
        """The largest distance (seconds) between a follower and the leader right now."""
        leader = self.leader()
        target = leader.position()
        drifts = [abs(p.position() - target) for p in self._players
                  if p is not leader and p.is_playing() and p.position() < p.length - 2 * frame_duration(p.fps)]
        return max(drifts, default=0.0)

    def _player_state_changed(self, _state: str) -> None:
        playing = self.is_playing()
        if not playing:
            self._sync.stop()
        self.state_changed.emit(PlayerState.PLAYING.value if playing else PlayerState.PAUSED.value)
        self.transport.show_position(self.leader().position() if self.cells else 0.0)

    def tick(self) -> None:
        if self.cells:
            self.transport.show_position(self.leader().position())
