"""The process's libVLC: loading it, its one instance, and every option Sound-On gives it.

libVLC is loaded on first use, so the app starts (and explains what to install) without it.
SOUNDON_VIDEO_OUTPUT and SOUNDON_AUDIO_OUTPUT override libVLC's choice of output (the tests run on
a virtual display with no GPU: xcb_x11); setting the video output also turns off hardware decoding.
On Qt platforms that have no native windows (offscreen, minimal) libVLC decodes into a window-less
video output.
"""
from __future__ import annotations

import os

from PySide6.QtGui import QGuiApplication

from soundon.media.tools import ToolMissing, install_hint

FILE_CACHING_MS = 150     # libVLC's read-ahead for local files (start sooner than the 300 ms default)


# Qt platforms whose widgets are real windows libVLC can draw into (X11 window, HWND, NSView).
EMBEDDING_PLATFORMS = {"xcb", "windows", "cocoa"}


def window_system() -> str:
    """Qt's platform plugin: the running application's, else the one QT_QPA_PLATFORM asks for."""
    if QGuiApplication.instance() is not None:
        return QGuiApplication.platformName()
    return os.environ.get("QT_QPA_PLATFORM", "xcb").split(":", 1)[0]


def can_embed() -> bool:
    """Whether the player's widget is a native window libVLC can draw into. On Qt's offscreen or
    minimal platforms its window id names nothing, and handing it to libVLC (or letting libVLC pick an
    output of its own, such as a terminal's colour ASCII art) crashes the process."""
    return window_system() in EMBEDDING_PLATFORMS


def instance_args() -> list[str]:
    """Every libVLC option Sound-On uses, in one place."""
    args = [
        "--no-video-title-show",    # no file name painted over the picture
        "--no-osd",
        "--no-snapshot-preview",
        "--no-stats",
        "--no-sub-autodetect-file",  # a stray .srt beside a take is not the take
        "--no-metadata-network-access",
        f"--file-caching={FILE_CACHING_MS}",
        "--quiet",
    ]
    vout = os.environ.get("SOUNDON_VIDEO_OUTPUT") or ("" if can_embed() else "dummy")
    if vout:
        # set_xwindow() resets libVLC's choice of video output to "any", so --vout alone doesn't
        # stick: a non-OpenGL choice also switches the OpenGL outputs off (on a virtual display
        # Mesa's software GL crashes now and then). Software output goes with software decoding.
        args += [f"--vout={vout}", "--avcodec-hw=none"]
        if vout not in ("gl", "gles2"):
            args += ["--gl=none", "--gles2=none"]
    if aout := os.environ.get("SOUNDON_AUDIO_OUTPUT"):
        args.append(f"--aout={aout}")
    return args


_vlc = None
_instance = None


def load_vlc():
    global _vlc
    if _vlc is None:
        try:
            import vlc  # noqa: PLC0415 — loaded on first use so the app starts (and explains) without it
        except (ImportError, OSError, NotImplementedError, SystemExit) as exc:
            raise ToolMissing(f"Sound-On needs libVLC 3 to play takes, and it could not be loaded ({exc}). "
                              f"{install_hint('libvlc')}") from None
        _vlc = vlc
    return _vlc


def engine():
    """The shared libVLC instance (one per process), or ToolMissing with what to install."""
    global _instance
    if _instance is None:
        vlc = load_vlc()
        instance = vlc.Instance(instance_args())
        if instance is None:
            raise ToolMissing("libVLC was found but could not start (its plugins are missing or broken). "
                              f"{install_hint('libvlc')}")
        _instance = instance
    return _instance


def libvlc_version() -> str:
    raw = load_vlc().libvlc_get_version()
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def playback_problem() -> str | None:
    """None when takes can be played, else a sentence that says what to install."""
    try:
        engine()
    except ToolMissing as exc:
        return str(exc)
    return None
