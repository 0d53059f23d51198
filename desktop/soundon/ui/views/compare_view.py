"""Compare: two to four takes side by side, played in sync, one of them audible.

One playback group (ui/player/playback_group.py) plays them: one transport, the audible take the
lead whose clock the others follow, J/K/L for all of them. Takes of different lengths each stop on
their own last frame.

The audible take is the active one: pick / reject / rating keys apply to it. Click a take or press
1–4 to hear it; ↑/↓ move to the previous / next one.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from soundon.core.take import Take
from soundon.ui.models.take_model import FLAG_TEXT, VERDICT_TEXT, take_name
from soundon.ui.player.playback_group import PlaybackGroup
from soundon.ui.player.transport import Transport
from soundon.ui.player.video_surface import VideoSurface
from soundon.ui.player.vlc_player import VlcPlayer
from soundon.ui.theme import icon
from soundon.ui.views.elided_label import ElidedLabel
from soundon.ui.views.prompt_diff_bar import PromptDiffBar

MAX_TAKES = 4


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
        self.take: Take | None = None
        head = QHBoxLayout()
        head.addWidget(self.speaker)
        head.addWidget(self.title, 1)
        head.addWidget(self.badges)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.surface, 1)
        self.setProperty("audible", "false")

    def show_take(self, take: Take) -> None:
        self.take = take
        self.title.setText(f"{self.number}  {take.model or 'unknown model'} — {take_name(take)}")
        self.setToolTip(f"Press {self.number} or click to hear this take")
        self.title.setToolTip(take.path)
        parts = [FLAG_TEXT.get(take.flag) or "", "★" * take.rating, VERDICT_TEXT.get(take.audio_verdict) or ""]
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
        self.prompt_diff = PromptDiffBar(self)   # the prompts' words added / removed, above the takes
        layout.addWidget(self.prompt_diff)
        layout.addLayout(self._grid, 1)
        layout.addWidget(self.transport)
        self.group = PlaybackGroup(self)
        self.group.state_changed.connect(self._group_state_changed)
        self.group.shuttle.speed_changed.connect(self.transport.show_speed)
        self.transport.scrub_bar.seek_requested.connect(self.group.seek)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # holds the keyboard focus while comparing

    # -- opening and closing ------------------------------------------------------------------------

    def open(self, takes: list[Take], peaks_for=None) -> None:
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
            player.position_changed.connect(
                lambda seconds, p=player: self.transport.show_position(seconds) if p is self.leader() else None)
            self.cells.append(cell)
        self._peaks_for = peaks_for
        self.prompt_diff.show_takes(takes)
        self.show()
        for cell in self.cells:
            cell.player.bind(cell.surface)
            cell.player.load(cell.take.path, cell.take.fps, autoplay=False)
        self.group.set_players([cell.player for cell in self.cells], lead=0)
        self._show_audible()

    def close_takes(self) -> None:
        self.group.set_players([])
        for cell in self.cells:
            if cell.player is not None:
                cell.player.release()
                cell.player.deleteLater()
            self._grid.removeWidget(cell)
            cell.deleteLater()
        self.cells = []

    def takes(self) -> list[Take]:
        return [cell.take for cell in self.cells]

    def refresh_take(self, take: Take) -> None:
        for cell in self.cells:
            if cell.take and cell.take.id == take.id:
                cell.show_take(take)
                cell.set_audible(cell.number - 1 == self.group.lead_index())

    # -- the audible take ---------------------------------------------------------------------------

    def set_audible(self, index: int) -> None:
        if 0 <= index < len(self.cells) and index != self.group.lead_index():
            self.group.set_lead(index)
            self._show_audible()

    def _show_audible(self) -> None:
        index = self.group.lead_index()
        for n, cell in enumerate(self.cells):
            cell.set_audible(n == index)
        leader = self.leader()
        take = self.cells[index].take
        self.transport.set_take(leader.length or take.duration, leader.fps)
        peaks = self._peaks_for(take) if self._peaks_for else None
        self.transport.scrub_bar.set_take(take.duration, take.frame_rate, peaks)
        self.transport.show_position(leader.position())
        self.audible_changed.emit(take.id)

    def move_audible(self, step: int) -> None:
        if self.cells:
            self.set_audible((self.group.lead_index() + step) % len(self.cells))

    def audible_index(self) -> int:
        return self.group.lead_index()

    def audible_take(self) -> Take | None:
        return self.cells[self.group.lead_index()].take if self.cells else None

    def leader(self) -> VlcPlayer:
        return self.group.lead()

    def players(self) -> list[VlcPlayer]:
        return self.group.players()

    def _group_state_changed(self, state: str) -> None:
        self.state_changed.emit(state)
        self.transport.show_position(self.leader().position() if self.cells else 0.0)
