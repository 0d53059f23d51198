"""The real app, end to end: open a batch, play a take through libVLC, scrub, decide with the keys,
compare three models with one audible, quit, reopen, and find every decision where it was left."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from PySide6.QtCore import QPoint

pytestmark = pytest.mark.e2e

SOUNDON = shutil.which("soundon", path=str(Path(sys.executable).parent)) or "soundon"
FRAME = 1 / 25


def test_play_seek_keys_and_compare_in_the_real_window(qtbot, imported, ui_settings, open_window, display, artifacts):
    window = open_window(imported, ui_settings)
    display.focus(int(window.winId()))
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    player = window.deck.player
    qtbot.waitUntil(lambda: player.state.value == "paused" and player.length > 0, timeout=8000)

    # Space plays through real libVLC: state Playing and libVLC's own clock advancing.
    display.keys("space")
    qtbot.waitUntil(player.is_playing, timeout=5000)
    qtbot.waitUntil(lambda: player.reported_time() > 0.2, timeout=5000)
    first = player.reported_time()
    qtbot.waitUntil(lambda: player.reported_time() > first + 0.2, timeout=5000)
    display.screenshot(artifacts / "01-playing.png")
    display.keys("space")
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=5000)

    # A click a quarter into the scrub bar: the seek lands within a frame of that time.
    bar = window.transport.scrub_bar
    spot = QPoint(bar.width() // 4, bar.height() // 2)
    on_screen = bar.mapToGlobal(spot)
    display.click(on_screen.x(), on_screen.y())
    target = bar.time_at(spot.x())
    qtbot.waitUntil(lambda: abs(player.position() - target) < FRAME, timeout=5000)
    qtbot.waitUntil(lambda: abs(player.reported_time() - target) < FRAME, timeout=5000)

    # Frame and second steps, marks and a note, typed.
    before = player.position()
    display.keys("Right", "Right", "shift+Right", "Left")
    qtbot.waitUntil(lambda: abs(player.position() - (before + 1 + FRAME)) < 1e-6, timeout=3000)
    display.keys("i", "Right", "Right", "o", "Return")
    qtbot.waitUntil(lambda: window.inspector.note_field.hasFocus(), timeout=3000)
    display.run("type", "--delay", "20", "bell pops in")
    display.keys("Return")
    take = window.current_take_id()
    qtbot.waitUntil(lambda: [n["text"] for n in imported.notes(take)] == ["bell pops in"], timeout=3000)

    # Review keys.
    display.keys("p", "4", "a")
    qtbot.waitUntil(lambda: imported.review_state(take) == {"flag": "pick", "rating": 4, "audio_verdict": "keep"},
                    timeout=3000)
    display.keys("Down")
    qtbot.waitUntil(lambda: window.current_take_id() != take and window.deck.player.is_playing(), timeout=5000)
    display.keys("x")
    second = window.current_take_id()
    qtbot.waitUntil(lambda: imported.review_state(second)["flag"] == "reject", timeout=3000)
    display.keys("ctrl+z")
    qtbot.waitUntil(lambda: imported.review_state(second)["flag"] == "none", timeout=3000)
    display.keys("Up")            # back to the first take of the prompt group (it plays) …
    qtbot.waitUntil(lambda: window.current_take_id() == take and window.deck.player.is_playing(), timeout=5000)
    display.keys("space")         # … and paused
    qtbot.waitUntil(lambda: not window.deck.player.is_playing(), timeout=5000)

    # Compare the prompt group: three models side by side, one audible.
    display.keys("c")
    qtbot.waitUntil(window.in_compare, timeout=3000)
    compare = window.compare
    assert len(compare.players()) == 3
    qtbot.waitUntil(lambda: all(p.length > 0 and p.state.value == "paused" for p in compare.players()), timeout=8000)
    display.keys("space")
    qtbot.waitUntil(lambda: all(p.is_playing() for p in compare.players()), timeout=5000)
    display.keys("2")
    qtbot.waitUntil(lambda: [p.audible() for p in compare.players()] == [False, True, False], timeout=5000)
    # (tests/ui/test_compare.py hears on the sound server that only that take reaches the device)
    qtbot.waitUntil(lambda: compare.group.max_drift() < FRAME, timeout=2000)
    display.screenshot(artifacts / "02-compare.png")
    display.keys("x")
    heard = compare.audible_take().id
    qtbot.waitUntil(lambda: imported.review_state(heard)["flag"] == "reject", timeout=3000)
    display.keys("Escape")
    qtbot.waitUntil(lambda: not window.in_compare(), timeout=3000)
    # The keys still reach the window after Compare closed its players' windows.
    back = window.current_take_id()
    display.keys("3")
    qtbot.waitUntil(lambda: imported.review_state(back)["rating"] == 3, timeout=3000)
    display.screenshot(artifacts / "03-after-compare.png")
    display.keys("ctrl+q")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)


def soundon(*args: str, env: dict) -> subprocess.CompletedProcess:
    proc = subprocess.run([SOUNDON, *args], capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_an_editor_session_with_the_soundon_command(batch_folder, display, artifacts, tmp_path):
    library = tmp_path / "session" / "lib.sqlite"
    env = {**os.environ}
    assert soundon("import", str(batch_folder), "--library", str(library), env=env).returncode == 0

    app = subprocess.Popen([SOUNDON, "--library", str(library)], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        window = display.find_window("^Sound-On — Beach batch$", pid=app.pid)  # the title names the batch
        display.focus(window)
        # Culling with the keyboard alone: pick+rate the first, reject the second, rate the third.
        display.keys("p", "5", "Down", "x", "Down", "3", "a")
        # A look at the three models side by side, back, and quit: the keys keep working throughout.
        display.keys("Up", "Up", "c", "space", "2", "space", "Escape", "ctrl+q")
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.kill()
    err = app.stderr.read()
    assert "Traceback" not in err, err

    listed = json.loads(soundon("list", "--json", "--library", str(library), env=env).stdout)
    state = {Path(t["path"]).name: (t["flag"], t["rating"], t["audio_verdict"]) for t in listed}
    assert state["beach_kling_a.mp4"] == ("pick", 5, "undecided")
    assert state["beach_seedance_a.mp4"] == ("reject", 0, "undecided")
    assert state["beach_veo_a.mp4"] == ("none", 3, "keep")
    assert state["train_veo_b.mp4"] == ("none", 0, "undecided")

    # Reopen: same batch on screen, same decisions; a screenshot of the real app to look at.
    again = subprocess.Popen([SOUNDON, "--library", str(library)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        window = display.find_window("^Sound-On — Beach batch$", pid=again.pid)  # the title names the batch
        display.focus(window)
        display.keys("space")
        time.sleep(1.0)  # a second of playback for the screenshot (not a synchronisation)
        display.screenshot(artifacts / "04-reopened-app.png")
        display.keys("ctrl+q")
        assert again.wait(timeout=30) == 0
    finally:
        if again.poll() is None:
            again.kill()
    listed_again = json.loads(soundon("list", "--json", "--library", str(library), env=env).stdout)
    assert {Path(t["path"]).name: (t["flag"], t["rating"], t["audio_verdict"]) for t in listed_again} == state


def test_missing_ffmpeg_shows_a_dialog_not_a_crash(display, tmp_path, artifacts):
    env = {**os.environ, "SOUNDON_FFMPEG": str(tmp_path / "no-ffmpeg")}
    app = subprocess.Popen([SOUNDON, "--library", str(tmp_path / "lib.sqlite")], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        dialog = display.find_window("^Sound-On$", pid=app.pid)
        display.screenshot(artifacts / "05-missing-ffmpeg.png")
        display.focus(dialog)
        display.keys("Return")
        assert app.wait(timeout=30) == 1
    finally:
        if app.poll() is None:
            app.kill()
    assert "Traceback" not in app.stderr.read()
