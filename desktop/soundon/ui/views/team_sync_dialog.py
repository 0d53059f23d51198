"""Review › Sync with Kitsu…: where the server is, who is syncing, and afterwards what was pushed,
pulled and in conflict. The dialog only shows and asks; controllers/team_sync.py runs the sync."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QTabWidget, QVBoxLayout, QWidget)


class TeamSyncDialog(QDialog):
    sync_asked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sync with Kitsu")
        self.server = QLineEdit()
        self.server.setPlaceholderText("https://kitsu.example.studio")
        self.production = QLineEdit()
        self.production.setPlaceholderText("the only open one")
        self.user = QLineEdit()
        self.user.setPlaceholderText("you@studio")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("kept in the system keyring once accepted")
        self.previews = QCheckBox("Upload each newly shared take as a preview (takes can be large)")
        form = QFormLayout()
        form.addRow("Server:", self.server)
        form.addRow("Production:", self.production)
        form.addRow("User:", self.user)
        form.addRow("Password:", self.password)
        form.addRow("", self.previews)
        self.status = QLabel("Decisions are shared with the other reviewers of the production.")
        self.status.setWordWrap(True)
        self.pushed, self.pulled, self.conflicts = QListWidget(), QListWidget(), QListWidget()
        self.tabs = QTabWidget()
        for widget, title in ((self.pushed, "Pushed"), (self.pulled, "Pulled"), (self.conflicts, "Conflicts")):
            self.tabs.addTab(widget, title)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sync_button = self.buttons.addButton("Sync", QDialogButtonBox.ButtonRole.ActionRole)
        self.sync_button.setDefault(True)
        self.sync_button.clicked.connect(self.sync_asked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self.resize(560, 460)

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.sync_button.setEnabled(not busy)
        if text:
            self.status.setText(text)

    def show_outcome(self, outcome: dict) -> None:
        """`outcome` as SyncOutcome.to_dict gives it."""
        self._fill(self.pushed, [f"{p['batch']} / {p['file']}: {p['kind']}" for p in outcome["pushed"]])
        self._fill(self.pulled, [f"{p['batch']} / {p['file']}: {p['kind']}" for p in outcome["pulled"]]
                   + [f"{u['batch']} / {u['file']}: not in this library" for u in outcome["unknown_takes"]])
        self._fill(self.conflicts, [
            f"{c['batch']} / {c['file']}: kept {'yours' if c['kept'] == 'ours' else 'theirs'} (newer) — "
            f"yours {_decision(c['ours'])}, theirs {_decision(c['theirs'])}" for c in outcome["conflicts"]])
        self.tabs.setTabText(0, f"Pushed ({len(outcome['pushed'])})")
        self.tabs.setTabText(1, f"Pulled ({len(outcome['pulled'])})")
        self.tabs.setTabText(2, f"Conflicts ({len(outcome['conflicts'])})")
        lines = [f"Pushed {len(outcome['pushed'])}, pulled {len(outcome['pulled'])}, "
                 f"{len(outcome['conflicts'])} conflict(s)."]
        lines += [r["reason"] for r in outcome["refused"]]
        if outcome["stopped"]:
            lines.append(outcome["stopped"])
        self.set_busy(False, " ".join(lines))

    @staticmethod
    def _fill(widget: QListWidget, lines: list[str]) -> None:
        widget.clear()
        widget.addItems(lines)


def _decision(values: dict) -> str:
    flag = values["flag"] if values["flag"] != "none" else "undecided"
    return f"{flag} {values['rating']}★ audio {values['audio_verdict']}"
