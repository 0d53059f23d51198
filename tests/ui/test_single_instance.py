"""One app per library: `soundon open PATH` while the app runs hands the paths to the running window
(which imports them and comes to the front) instead of opening a second window. Two real processes,
the second one exactly as typed in a terminal."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from soundon.ui.controllers.single_instance import server_name
from tests.e2e.conftest import Display

SOUNDON = shutil.which("soundon", path=str(Path(sys.executable).parent)) or "soundon"


def soundon(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    proc = subprocess.run([SOUNDON, *args], capture_output=True, text=True, timeout=timeout, env=dict(os.environ))
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def listed(library: Path) -> set[str]:
    return {Path(t["path"]).name for t in json.loads(soundon("list", "--json", "--library", str(library)).stdout)}


def visible_windows(display: Display, name: str) -> list[int]:
    proc = subprocess.run([display.xdotool, "search", "--onlyvisible", "--name", name],
                          capture_output=True, text=True, timeout=10)
    return [int(x) for x in proc.stdout.split()]


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)   # polling another process (the library file, the X server)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def test_soundon_open_hands_the_paths_to_the_running_app(batch_folder, media, tmp_path):
    display = Display()
    library = tmp_path / "shared" / "lib.sqlite"
    assert soundon("import", str(batch_folder), "--library", str(library)).returncode == 0
    more = tmp_path / "Night batch"
    media.clip("night_kling.mp4", folder=more, duration=1.0, size="160x90")

    app = subprocess.Popen([SOUNDON, "--library", str(library)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env=dict(os.environ))
    try:
        display.find_window("^Sound-On — Beach batch")
        # The editor types it in a terminal, in another folder, with a relative path.
        try:
            second = subprocess.run([SOUNDON, "open", more.name, "--library", str(library)], cwd=more.parent,
                                    capture_output=True, text=True, timeout=20, env=dict(os.environ))
        except subprocess.TimeoutExpired:
            raise AssertionError("`soundon open` did not return: it opened a second app on the library") from None
        assert second.returncode == 0, second.stderr
        assert "already open on this library" in second.stderr
        assert second.stdout == ""
        wait_for(lambda: "night_kling.mp4" in listed(library), 30, "the running app importing the handed batch")
        wait_for(lambda: visible_windows(display, "^Sound-On — Night batch"), 10, "the window showing it")
        assert len(visible_windows(display, "^Sound-On")) == 1
        assert app.poll() is None
    finally:
        app.terminate()
        app.wait(timeout=30)
    assert "Traceback" not in app.stderr.read()


def test_each_library_has_its_own_app(tmp_path):
    one, other = tmp_path / "a" / "lib.sqlite", tmp_path / "b" / "lib.sqlite"
    assert server_name(one) != server_name(other)
    assert server_name(one) == server_name(tmp_path / "a" / ".." / "a" / "lib.sqlite")
