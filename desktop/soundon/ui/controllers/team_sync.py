"""Review › Sync with Kitsu…: opens the dialog and runs the sync as a background job on its own
library connection, so the window goes on while the server is slow; what the job merges reaches
the views through the library bridge. The server address and production are remembered in the
app's settings; the user and password live in the keyring (jobs/team_credentials.py)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from soundon.core.errors import SoundOnError
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.ui.controllers.prompt_craft import menu_named
from soundon.ui.views.team_sync_dialog import TeamSyncDialog


def connect_to_kitsu(url: str, user: str, password: str, production: str | None):
    """The real server: log in (password from the keyring when none is typed), keep an accepted one."""
    from soundon.jobs import team_credentials as credentials    # noqa: PLC0415 — the team extra
    from soundon.jobs.kitsu_client import BadCredentials, api_url, connect   # noqa: PLC0415
    url = api_url(url)
    user = user or credentials.remembered_user(url) or ""
    if not user:
        raise BadCredentials(f"Give the Kitsu user the first time you sync with {url}.")
    typed = bool(password)
    password = password or credentials.stored_password(url, user) or ""
    if not password:
        raise BadCredentials(f"Give the password of {user} at {url}; it is kept in the system keyring.")
    try:
        server = connect(url, user, password, production)
    except BadCredentials:
        credentials.forget(url, user)
        raise
    if typed:
        try:
            credentials.keep(url, user, password)
        except credentials.KeyringUnavailable:
            pass     # asked again next time
    return server


Connect = Callable[[str, str, str, "str | None"], object]


class TeamSync(QObject):
    def __init__(self, window, connect: Connect | None = None):
        super().__init__(window)
        self.window = window
        self._connect = connect
        self.dialog: TeamSyncDialog | None = None
        self.job: BackgroundJob | None = None
        self.action = QAction("Sync with &Kitsu…", window)
        self.action.setToolTip("Share review decisions with the other reviewers through the studio's Kitsu")
        self.action.triggered.connect(self.open)
        menu = menu_named(window, "Review")
        if menu is not None:
            menu.addSeparator()
            menu.addAction(self.action)

    def open(self) -> TeamSyncDialog:
        if self.dialog is None:
            self.dialog = TeamSyncDialog(self.window)
            settings = self.window.settings
            self.dialog.server.setText(str(settings.value("team/server", "")))
            self.dialog.production.setText(str(settings.value("team/production", "")))
            self.dialog.sync_asked.connect(self.start)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def start(self) -> None:
        dialog = self.dialog
        url, production = dialog.server.text().strip(), dialog.production.text().strip() or None
        if not url:
            dialog.set_busy(False, "Give the Kitsu server's address first.")
            return
        settings = self.window.settings
        settings.setValue("team/server", url)
        settings.setValue("team/production", production or "")
        user, password, previews = dialog.user.text().strip(), dialog.password.text(), dialog.previews.isChecked()
        dialog.password.clear()
        connect = self._connect or connect_to_kitsu

        def work(job: BackgroundJob):
            from soundon.store.team_sync import sync   # noqa: PLC0415
            try:
                server = connect(url, user, password, production)
                outcome = sync(job.library, server, previews=previews, report=job.report,
                               cancelled=lambda: job.cancelled)
            except SoundOnError as exc:
                return {"error": str(exc)}
            return outcome.to_dict()

        dialog.set_busy(True, f"Syncing with {url}…")
        self.job = BackgroundJob(work, what="sync", library=self.window.library, share_changes_with=self.window.bridge)
        self.job.progress.connect(lambda batch: dialog.set_busy(True, f"Syncing {batch}…"))
        self.job.finished.connect(self._finished)
        self.job.failed.connect(lambda sentence: dialog.set_busy(False, sentence))
        self.job.start()

    def _finished(self, outcome: dict) -> None:
        if "error" in outcome:
            self.dialog.set_busy(False, outcome["error"])
        else:
            self.dialog.show_outcome(outcome)
