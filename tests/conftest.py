"""Shared fixtures: a fresh library per test, and tiny real media generated with ffmpeg.

Generated media is cached per session (keyed by its spec) and copied into each test's folder, so a
test may change its files freely and the suite stays fast.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from soundon.media.synth import ClipSpec, make_clip
from soundon.store.library import Library
from tests.program_guard import ProgramGuard, temporary_folders

_guard = ProgramGuard()


def pytest_configure(config):
    _guard.install()


def pytest_unconfigure(config):
    _guard.uninstall()


@pytest.fixture(autouse=True)
def _programs_from_bootstrap_only(request, tmp_path_factory):
    """A test fails when it (or the app under test) ran a program packaging/bootstrap.sh doesn't provide
    (a slow test: with its --slow path)."""
    yield  # programs started by session fixtures are judged with the first test that needed them
    slow = request.node.get_closest_marker("slow") is not None
    refused = _guard.take_refusals(temporary_folders(tmp_path_factory.getbasetemp()), slow)
    if refused:
        pytest.fail("this test ran programs a fresh machine won't have: "
                    + "; ".join(f"{v.program} ({v.why})" for v in refused)
                    + ". Install them in packaging/bootstrap.sh or do without them.", pytrace=False)


@pytest.fixture(autouse=True)
def _isolated_library(tmp_path, monkeypatch):
    """No test ever touches the real per-user library."""
    monkeypatch.setenv("SOUNDON_LIBRARY", str(tmp_path / "library" / "library.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def library(tmp_path) -> Library:
    lib = Library(tmp_path / "library" / "library.sqlite")
    yield lib
    lib.close()


class MediaFactory:
    def __init__(self, cache: Path, folder: Path):
        self.cache = cache
        self.folder = folder

    def clip(self, name: str, spec: ClipSpec | None = None, folder: Path | None = None, **fields) -> Path:
        spec = spec or ClipSpec(**fields)
        suffix = Path(name).suffix
        key = hashlib.sha1(json.dumps(asdict(spec), sort_keys=True).encode() + suffix.encode()).hexdigest()[:16]
        cached = self.cache / f"{key}{suffix}"
        if not cached.exists():
            make_clip(cached, spec)
        target = (folder or self.folder) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
        return target


@pytest.fixture(scope="session")
def media_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media-cache")


@pytest.fixture
def media(media_cache, tmp_path) -> MediaFactory:
    folder = tmp_path / "media"
    folder.mkdir()
    return MediaFactory(media_cache, folder)


@pytest.fixture(scope="session")
def sound_server(tmp_path_factory):
    """One private PulseAudio with a null sink for the session (one: the app's audio output stays
    connected to the server it first opened). Everything that opens an audio device in this process
    (PortAudio, libVLC, ffmpeg) reaches it, and the tests record its monitor."""
    import os
    from tests.sound_server import SoundServer
    server = SoundServer(tmp_path_factory.mktemp("pulse"))
    server.start()
    saved = {k: os.environ.get(k) for k in server.env}
    os.environ.update(server.env)
    yield server
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.stop()


@pytest.fixture(autouse=True)
def _audio_device_closed_after_the_test():
    """After every test (and after its windows closed, which may still ask for the device), the
    app's audio output is closed: nothing of one test's listening reaches the next one's device."""
    yield
    live_audio = sys.modules.get("soundon.ui.player.live_audio")
    if live_audio is not None:
        live_audio.close()


@pytest.fixture
def open_window(qtbot):
    """The one way the tests open the main window: as the app does (theme, text-field guard), shown,
    on the screen, and the active window (shortcuts go to the active window). open_window(library,
    settings, **MainWindow options); every window it opened is closed after the test."""
    from soundon.ui.app import create_application
    from soundon.ui.main_window import MainWindow
    opened = []

    def open_(library, settings, **options):
        create_application()
        window = MainWindow(library, settings=settings, **options)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=3000)
        opened.append(window)
        return window

    yield open_
    for window in opened:
        window.close()


@pytest.fixture
def inline_jobs():
    """Background jobs run inline, on the test's thread inside start(), and deliver their signals
    before start() returns: for tests about a job's result rather than its threading (list it
    before the window fixture, so the window's own jobs run inline too)."""
    from soundon.jobs.qt_jobs import run_inline
    with run_inline():
        yield
