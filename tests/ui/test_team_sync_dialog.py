"""Review › Sync with Kitsu…: the dialog runs the sync in the background against a team server (here
in-process) and shows what was pushed, pulled and in conflict; the views show the pulled decisions."""
from __future__ import annotations

import shutil

import pytest

from soundon.jobs.importer import Importer
from soundon.store.library import Library
from soundon.store.team_sync import TeamServerError, sync
from soundon.ui.controllers import team_sync as team_sync_controller
from tests.team_server import FakeTeamServer
from tests.ui.conftest import take_named
from tests.ui.dialogs import choose_from_menu_bar


@pytest.fixture
def server(monkeypatch):
    server = FakeTeamServer()
    calls = []

    def connect(url, user, password, production):
        calls.append((url, user, production))
        if password == "wrong":
            raise TeamServerError("Kitsu refused the user with this password.")
        return server
    monkeypatch.setattr(team_sync_controller, "connect_to_kitsu", connect)
    server.calls = calls
    return server


@pytest.fixture
def other_reviewer(batch_folder, tmp_path):
    folder = tmp_path / "ben" / batch_folder.name
    shutil.copytree(batch_folder, folder)
    library = Library(tmp_path / "ben" / "library.sqlite")
    Importer(library).run([folder])
    yield library
    library.close()


def test_sync_shows_what_was_pushed_pulled_and_in_conflict(qtbot, server, other_reviewer, window):
    ben = other_reviewer
    ben.set_flag(take_named(ben, "beach_seedance_a.mp4").id, "reject")
    ben.set_flag(take_named(ben, "train_veo_b.mp4").id, "pick")
    sync(ben, server)
    mine = window.library
    mine.set_flag(take_named(mine, "beach_seedance_a.mp4").id, "pick")     # later than ben's: it wins
    mine.set_rating(take_named(mine, "beach_kling_a.mp4").id, 5)

    choose_from_menu_bar(qtbot, window, "Review", "Sync with Kitsu…")
    dialog = window.team_sync.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    qtbot.keyClicks(dialog.server, "https://kitsu.example.studio")
    qtbot.keyClicks(dialog.user, "anna@studio.test")
    qtbot.keyClicks(dialog.password, "secret")
    dialog.sync_button.click()
    qtbot.waitUntil(lambda: dialog.tabs.tabText(2) == "Conflicts (1)", timeout=10000)

    assert server.calls == [("https://kitsu.example.studio", "anna@studio.test", None)]
    pushed = [dialog.pushed.item(i).text() for i in range(dialog.pushed.count())]
    assert "Beach batch / beach_kling_a.mp4: decision" in pushed
    pulled = [dialog.pulled.item(i).text() for i in range(dialog.pulled.count())]
    assert pulled == ["Beach batch / train_veo_b.mp4: decision"]
    conflict = dialog.conflicts.item(0).text()
    assert conflict.startswith("Beach batch / beach_seedance_a.mp4: kept yours") and "theirs reject" in conflict
    assert dialog.password.text() == ""           # not kept in the dialog
    # The pulled pick reached the window's own connection (and so its views).
    assert window.library.take(take_named(mine, "train_veo_b.mp4").id).flag == "pick"
    assert window.settings.value("team/server") == "https://kitsu.example.studio"


def test_a_refused_login_is_said_in_the_dialog_and_nothing_changes(qtbot, server, window):
    mine = window.library
    mine.set_flag(take_named(mine, "beach_veo_a.mp4").id, "pick")
    queued = mine.queued_changes()
    dialog = window.team_sync.open()
    dialog.server.setText("https://kitsu.example.studio")
    dialog.password.setText("wrong")
    dialog.sync_button.click()
    qtbot.waitUntil(lambda: "refused" in dialog.status.text(), timeout=10000)
    assert dialog.sync_button.isEnabled()
    assert mine.queued_changes() == queued and server.comments() == []
