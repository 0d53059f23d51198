"""UI fixtures: a small real batch (tiny clips made by ffmpeg, with sidecars), imported into the
test's library, and a main window on it. libVLC runs for real, on the virtual display, with the
X11 video output (no GPU there) and the dummy audio output (no sound card)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("SOUNDON_VIDEO_OUTPUT", "xcb_x11")
os.environ.setdefault("SOUNDON_AUDIO_OUTPUT", "adummy")

PROMPT = "A red kite over a windy beach, waves and gulls."
OTHER_PROMPT = "A train passes a level crossing at night; bells ring."

# name, model, prompt, duration, audio
TAKES = (
    ("beach_kling_a.mp4", "Kling 3.0", PROMPT, 2.0, "sine=frequency=440:sample_rate=48000"),
    ("beach_veo_a.mp4", "Veo 3.1", PROMPT, 1.5, "sine=frequency=660:sample_rate=48000"),
    ("beach_seedance_a.mp4", "Seedance 2.0", PROMPT, 2.5, "sine=frequency=220:sample_rate=48000"),
    ("train_veo_b.mp4", "Veo 3.1", OTHER_PROMPT, 1.0, "anoisesrc=color=pink:amplitude=0.2:sample_rate=48000"),
)


@pytest.fixture
def ui_settings(tmp_path):
    from PySide6.QtCore import QSettings
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def batch_folder(request, media, tmp_path) -> Path:
    """The batch folder: TAKES, or the takes a test names with
    @pytest.mark.parametrize("batch_folder", [takes], indirect=True) (each: name, model, prompt, duration,
    audio, and optionally fps)."""
    folder = tmp_path / "Beach batch"
    for name, model, prompt, duration, audio, *fps in getattr(request, "param", TAKES):
        media.clip(name, folder=folder, duration=duration, size="160x90", fps=str(fps[0] if fps else 25), audio=audio)
        (folder / name).with_suffix(".json").write_text(json.dumps({"model": model, "prompt": prompt}))
    return folder


@pytest.fixture
def imported(library, batch_folder):
    from soundon.jobs.importer import Importer
    result = Importer(library).run([batch_folder])
    assert result.added and not result.refused, result.as_json()
    return library


@pytest.fixture
def window(qtbot, imported, ui_settings, open_window):
    """The main window on the imported batch, its first take current."""
    win = open_window(imported, ui_settings)
    qtbot.waitUntil(lambda: win.current_take_id() is not None, timeout=3000)
    return win


def take_named(library, name: str) -> dict:
    return next(t for t in library.takes() if t.rel_path == name)



@pytest.fixture(autouse=True)
def _audio_device(sound_server):
    """The app's live audio plays into the test sound server's null sink, never the machine's own."""
    return sound_server
