"""The listening switch: a button that always names what the editor hears; its menu picks a
profile, a noise environment, the phone volume, match loudness, and native audio, the post track or
the post track over the native bed (M, N, [ ], Shift+M and Shift+A do the same from the keyboard)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolButton, QWidget

from soundon.core.listening import NOISES, PROFILES, VOLUME_STEPS, volume_text
from soundon.ui.models.listening_state import SOURCE_LABEL, SOURCES, ListeningState
from soundon.ui.theme import icon


MIN_WIDTH = 150


class ListeningSwitch(QToolButton):
    def __init__(self, state: ListeningState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("listeningSwitch")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # may shrink (elided)
        self.state = state
        menu = QMenu(self)
        menu.addSection("Listening profile (approximations)")
        self._profiles = QActionGroup(self)
        for profile in PROFILES:
            action = QAction(profile.label, self, checkable=True)
            action.setData(profile.name)
            action.setToolTip(profile.description)
            action.triggered.connect(lambda _=False, n=profile.name: state.set_profile(n))
            self._profiles.addAction(action)
            menu.addAction(action)
        menu.addSection("Noise around the phone")
        self._noises = QActionGroup(self)
        for name, label in ((None, "No noise"), *((n.name, f"{n.label} ({n.level_dba:g} dBA)") for n in NOISES)):
            action = QAction(label, self, checkable=True)
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: state.set_noise(n))
            self._noises.addAction(action)
            menu.addAction(action)
        menu.addSection("Phone volume")
        self._volumes = QActionGroup(self)
        for step in VOLUME_STEPS:
            action = QAction("Full volume" if step == 0 else volume_text(step), self, checkable=True)
            action.setData(step)
            action.triggered.connect(lambda _=False, v=step: state.set_volume(v))
            self._volumes.addAction(action)
            menu.addAction(action)
        menu.addSeparator()
        self._match = QAction("Match loudness (every profile as loud as headphones)", self, checkable=True)
        self._match.triggered.connect(state.set_match_loudness)
        menu.addAction(self._match)
        menu.addSection("What of the take (Shift+A)")
        self._sources = QActionGroup(self)
        for source in SOURCES:
            action = QAction(SOURCE_LABEL[source], self, checkable=True)
            action.setData(source)
            action.triggered.connect(lambda _=False, s=source: state.set_source(s))
            self._sources.addAction(action)
            menu.addAction(action)
        self.setMenu(menu)
        state.changed.connect(self.refresh)
        self.refresh()

    def full_text(self) -> str:
        return self.state.label()

    def refresh(self) -> None:
        self._fit_text()
        self.setToolTip(f"{self.full_text()}\n{self.state.tooltip()}")
        self.setIcon(icon("headphones" if self.state.profile in ("headphones", "earbuds") else "phone"))
        self.setProperty("ready", "true" if self.state.ready() else "false")
        self.style().unpolish(self)
        self.style().polish(self)
        for action in self._profiles.actions():
            action.setChecked(action.data() == self.state.profile)
        for action in self._noises.actions():
            action.setChecked(action.data() == self.state.noise)
        for action in self._volumes.actions():
            action.setChecked(action.data() == self.state.volume_db)
        self._match.setChecked(self.state.match_loudness)
        for action in self._sources.actions():
            action.setChecked(action.data() == self.state.source)
            action.setEnabled(self.state.post_available or action.data() == "native")
        self.updateGeometry()

    # The label can be long ("Budget phone · Train 78 dBA — original audio …"): it shrinks with an
    # ellipsis rather than forcing the window wider than a laptop screen; the tooltip has it all.
    def sizeHint(self):  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        hint.setWidth(self.fontMetrics().horizontalAdvance(self.full_text()) + self.iconSize().width() + 40)
        return hint

    def minimumSizeHint(self):  # noqa: N802
        hint = super().minimumSizeHint()
        hint.setWidth(MIN_WIDTH)
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_text()

    def _fit_text(self) -> None:
        room = max(40, self.width() - self.iconSize().width() - 40)
        self.setText(self.fontMetrics().elidedText(self.full_text(), Qt.TextElideMode.ElideRight, room))

    def text_shown(self) -> str:
        return self.text()
