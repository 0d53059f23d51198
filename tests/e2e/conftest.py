"""End-to-end fixtures: the real app in a real window on the virtual display (xvfb-run gives the
tests a DISPLAY), real libVLC, real ffmpeg; keys typed through the X server with xdotool; screenshots
saved under tests/e2e/artifacts/ (ignored by git) to be looked at, taken with ffmpeg's x11grab."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.ui.conftest import _audio_device, batch_folder, imported, ui_settings  # noqa: F401 — the same small real batch

os.environ.setdefault("SOUNDON_VIDEO_OUTPUT", "xcb_x11")
os.environ.setdefault("SOUNDON_AUDIO_OUTPUT", "adummy")

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.fail(f"{tool} is needed by the end-to-end tests (make setup installs it)")
    return found


class Display:
    """Typing and clicking through the X server, as an editor would."""

    def __init__(self):
        if not os.environ.get("DISPLAY"):
            pytest.fail("the end-to-end tests need a display: run them through make test (xvfb-run)")
        self.xdotool = _need("xdotool")

    def run(self, *args: str) -> str:
        proc = subprocess.run([self.xdotool, *args], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def focus(self, window_id: int) -> None:
        self.run("windowfocus", "--sync", str(window_id))

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.run("key", "--clearmodifiers", key)

    def click(self, x: int, y: int) -> None:
        self.run("mousemove", "--sync", str(x), str(y), "click", "1")

    def find_window(self, name: str, timeout: float = 30.0, pid: int | None = None) -> int:
        """A visible window whose title matches; with pid, only that process's (an earlier test's
        window of the same name may still be known to the X server)."""
        owner = ["--pid", str(pid)] if pid else []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = subprocess.run([self.xdotool, "search", "--onlyvisible", *owner, "--name", name],
                                  capture_output=True, text=True, timeout=10)
            ids = [int(x) for x in proc.stdout.split()]
            if ids:
                return ids[-1]
            time.sleep(0.1)  # polling the X server for a window that is being created
        raise AssertionError(f"no window named {name!r} appeared within {timeout} s")

    def window_name(self, window_id: int) -> str:
        return self.run("getwindowname", str(window_id))

    def screenshot(self, path: Path) -> Path:
        """The whole virtual screen, libVLC's picture included, through ffmpeg's x11grab (the one
        screenshot method of the suite: ffmpeg is installed anyway)."""
        subprocess.run([_need("ffmpeg"), "-hide_banner", "-loglevel", "error", "-y", "-f", "x11grab",
                        "-i", os.environ["DISPLAY"], "-frames:v", "1", "-update", "1", str(path)],
                       check=True, timeout=60, capture_output=True)
        return path


@pytest.fixture
def display() -> Display:
    return Display()

