"""ffmpeg's and ffprobe's versions are asked once per binary, not on every command: `ffmpeg -version`
is a process start that loads all of FFmpeg's libraries, and every `soundon` command paid it twice."""
from __future__ import annotations

import json

import pytest

from soundon.core.paths import data_dir
from soundon.media import tools


@pytest.fixture(autouse=True)
def _fresh_lookup():
    tools.reset_cache()
    yield
    tools.reset_cache()


def test_the_version_is_kept_for_the_binary_and_read_back():
    found = tools.ffmpeg()
    kept = json.loads((data_dir() / "tool-versions.json").read_text())
    assert kept[found.path]["version"] == found.version != "unknown"
    # What is kept is what the next command believes (it asks the binary nothing):
    kept[found.path]["version"] = "3.4.8"
    (data_dir() / "tool-versions.json").write_text(json.dumps(kept))
    tools.reset_cache()
    with pytest.raises(tools.ToolMissing, match="ffmpeg 3.4.8 is too old"):
        tools.ffmpeg()


def test_a_replaced_binary_is_asked_again():
    found = tools.ffprobe()
    kept = json.loads((data_dir() / "tool-versions.json").read_text())
    kept[found.path].update(version="3.4.8", stamp="another file")
    (data_dir() / "tool-versions.json").write_text(json.dumps(kept))
    tools.reset_cache()
    assert tools.ffprobe().version == found.version


def test_an_unreadable_record_is_asked_again():
    (data_dir()).mkdir(parents=True, exist_ok=True)
    (data_dir() / "tool-versions.json").write_text("{not json")
    assert tools.ffmpeg().version != "unknown"
