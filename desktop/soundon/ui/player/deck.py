"""Two players behind one picture: the take on screen, and the next one already opened.

Culling is ↓, listen, decide, ↓ … so the deck opens the take the editor will most likely go to next
in a hidden second player (opened and paused on its first frame). Moving there swaps the two: the
new take starts at once, and the freed player opens the one after it. The deck forwards the
on-screen player's signals, so the transport never needs to know which of the two is showing.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from soundon.core.take import Take
from soundon.ui.player.playback_group import PlaybackGroup
from soundon.ui.player.video_surface import VideoSurface
from soundon.ui.player.vlc_player import PlayerState, VlcPlayer


@dataclass
class _Slot:
    player: VlcPlayer
    surface: VideoSurface
    take_id: int | None = None


class PlayerDeck(QWidget):
    state_changed = Signal(str)
    position_changed = Signal(float)
    length_changed = Signal(float)
    first_frame = Signal()
    error = Signal(str)
    take_changed = Signal(object)   # take id on screen, or None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._stack = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        self._slots: list[_Slot] = []
        for _ in range(2):
            surface = VideoSurface(self._stack)
            self._stack.addWidget(surface)
            player = VlcPlayer(self)
            self._forward(player)
            self._slots.append(_Slot(player, surface))
        self._current = 0
        self.group = PlaybackGroup(self)   # the single view's transport: the take on screen
        self.surface.set_message("Select a take to play it.")
        self.preloads_used = 0   # how many moves were served by the preloaded player

    # -- which player is on screen ------------------------------------------------------------------

    @property
    def player(self) -> VlcPlayer:
        return self._slots[self._current].player

    @property
    def surface(self) -> VideoSurface:
        return self._slots[self._current].surface

    @property
    def take_id(self) -> int | None:
        return self._slots[self._current].take_id

    @property
    def standby_player(self) -> VlcPlayer:
        """The hidden player, holding the take opened ahead."""
        return self._slots[1 - self._current].player

    @property
    def standby_take_id(self) -> int | None:
        return self._slots[1 - self._current].take_id

    def _forward(self, player: VlcPlayer) -> None:
        def only_on_screen(signal):
            return lambda *args: signal.emit(*args) if player is self.player else None
        player.state_changed.connect(only_on_screen(self.state_changed))
        player.position_changed.connect(only_on_screen(self.position_changed))
        player.length_changed.connect(only_on_screen(self.length_changed))
        player.first_frame.connect(only_on_screen(self.first_frame))
        player.error.connect(only_on_screen(self.error))

    # -- takes --------------------------------------------------------------------------------------

    def show_take(self, take: Take | None, autoplay: bool = False) -> None:
        """Put a take on screen (from the preloaded player when it holds it)."""
        slot = self._slots[self._current]
        if take is None:
            for each in self._slots:
                each.player.unload()
                each.take_id = None
            self.surface.set_message("No take selected.")
            self.group.set_players([])
            self.take_changed.emit(None)
            return
        if slot.take_id == take.id:
            if autoplay and not slot.player.is_playing():
                slot.player.play()
            return
        standby = self._slots[1 - self._current]
        if standby.take_id == take.id and standby.player.state not in (PlayerState.ERROR, PlayerState.EMPTY):
            self.preloads_used += 1
            self._current = 1 - self._current
            self._stack.setCurrentWidget(standby.surface)
            slot.player.pause()
            if autoplay:
                standby.player.play()
            slot.player.unload()
            slot.take_id = None
            self._announce(standby)
            return
        self._load(slot, take, autoplay)
        self._announce(slot)

    def preload(self, take: Take | None) -> None:
        """Open this take, paused, in the hidden player."""
        standby = self._slots[1 - self._current]
        if take is None or standby.take_id == take.id or take.id == self.take_id:
            return
        self._load(standby, take, autoplay=False)

    def _load(self, slot: _Slot, take: Take, autoplay: bool) -> None:
        slot.take_id = take.id
        slot.surface.set_message("" if take.width else "This take has no picture.")
        slot.player.bind(slot.surface)
        slot.player.load(take.path, take.fps, autoplay=autoplay)

    def _announce(self, slot: _Slot) -> None:
        player = slot.player
        self.group.set_players([player])   # the take on screen is the one played and heard
        self.state_changed.emit(player.state.value)
        if player.length:
            self.length_changed.emit(player.length)
        self.position_changed.emit(player.position())
        self.take_changed.emit(slot.take_id)

    def set_loop(self, loop: bool, in_out: tuple[float, float] | None = None) -> None:
        for slot in self._slots:
            slot.player.set_loop(loop, in_out if slot is self._slots[self._current] else None)

    def release(self) -> None:
        for slot in self._slots:
            slot.player.release()
