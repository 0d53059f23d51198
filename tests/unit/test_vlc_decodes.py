"""packaging/vlc_decodes.py, the check that a bundle's libVLC decodes every take format: it passes
on this machine's libVLC (Debian's, with its full FFmpeg) and fails, naming the format, when the
plugin that decodes the picture is taken away."""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("vlc_decodes", ROOT / "packaging" / "vlc_decodes.py")
vlc_decodes = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(vlc_decodes)

LIBVLC = next((p for p in (Path("/usr/lib/x86_64-linux-gnu/libvlc.so.5"), Path("/usr/lib/aarch64-linux-gnu/libvlc.so.5"))
               if p.exists()), None)
pytestmark = pytest.mark.skipif(LIBVLC is None or not sys.platform.startswith("linux"),
                                reason="Debian's libVLC is not installed here")


def test_this_machines_libvlc_decodes_every_format():
    assert vlc_decodes.problems(LIBVLC, LIBVLC.parent / "vlc" / "plugins", shutil.which("ffmpeg")) == []


def test_a_libvlc_without_its_ffmpeg_decoder_fails_and_names_the_formats(tmp_path):
    """A copy of libVLC whose core looks for plugins beside itself (lib/vlc/plugins), not in the
    system's folder, with the FFmpeg decoder plugin taken out."""
    lib = tmp_path / "lib"
    plugins = lib / "vlc" / "plugins"
    shutil.copytree(LIBVLC.parent / "vlc" / "plugins", plugins, symlinks=True)
    for name in ("libvlc.so.5", "libvlccore.so.9"):
        shutil.copy(LIBVLC.parent / name, lib / name)
    (plugins / "codec" / "libavcodec_plugin.so").unlink()
    (plugins / "plugins.dat").unlink(missing_ok=True)      # the cache would still list it
    found = vlc_decodes.problems(lib / "libvlc.so.5", plugins, shutil.which("ffmpeg"))
    text = "\n".join(found)
    assert "h264-aac.mp4: libVLC decoded no video" in text and "prores-pcm.mov: libVLC decoded no video" in text
    assert "a decoder, demuxer or parser is missing" in text
