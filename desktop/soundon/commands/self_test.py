"""soundon --self-test: a diagnostic run of every native part, printed for bug reports.

Each step prints one line (ok / FAILED and why); the exit status is 0 only when every step passed.
Steps: versions of the app, Qt, libVLC, ffmpeg and ffprobe; generate a 1-second clip; probe it;
swap its audio for a generated track and verify the result; play it through libVLC to the end;
open the main window offscreen and close it.
"""
from __future__ import annotations

import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from soundon import APP_NAME, __version__
from soundon.resources import bundle_root, is_frozen


class SelfTest:
    def __init__(self, out=sys.stdout):
        self.out = out
        self.failures = 0

    def line(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def step(self, name: str, action: Callable[[], str]) -> bool:
        start = time.perf_counter()
        try:
            detail = action()
        except Exception as exc:  # every failure is reported, and the next step still runs
            self.failures += 1
            self.line(f"FAILED  {name}: {type(exc).__name__}: {exc}")
            if "--verbose" in sys.argv:
                traceback.print_exc(file=self.out)
            return False
        self.line(f"ok      {name} ({(time.perf_counter() - start) * 1000:.0f} ms){': ' + detail if detail else ''}")
        return True


def run_self_test() -> int:
    test = SelfTest()
    test.line(f"{APP_NAME} {__version__} self-test — Python {platform.python_version()} on {platform.platform()}")
    test.line(f"frozen: {is_frozen()}  bundle: {bundle_root()}")
    with tempfile.TemporaryDirectory(prefix="soundon-selftest-") as folder:
        work = Path(folder)
        _version_steps(test)
        clip = work / "self test clip.mp4"
        track = work / "post track.wav"
        out = work / "swapped.mp4"

        def generate() -> str:
            from soundon.media.synth import ClipSpec, make_clip
            make_clip(clip, ClipSpec(duration=1.0, size="320x180", fps="25"))
            make_clip(track, ClipSpec(duration=1.0, video="", audio="sine=frequency=660:sample_rate=48000"))
            return f"{clip.stat().st_size} bytes"

        def probe() -> str:
            from soundon.media.probe import probe as probe_file
            info = probe_file(clip)
            if not (info.has_video and info.has_audio and abs(info.duration - 1.0) < 0.1):
                raise RuntimeError(f"unexpected probe result {info}")
            return f"{info.width}x{info.height} {info.video_codec}/{info.audio_codec} {info.duration:.2f} s"

        test.step("generate a 1-second clip", generate)
        test.step("probe it", probe)
        test.step("swap its audio and verify", lambda: _swap(clip, track, out))
        test.step("play it through libVLC", lambda: _play(out if out.exists() else clip))
        test.step("open the main window offscreen", lambda: _window(work))
    test.line("self-test passed" if test.failures == 0 else f"self-test FAILED: {test.failures} step(s)")
    return 0 if test.failures == 0 else 1


def _version_steps(test: SelfTest) -> None:
    def qt() -> str:
        import PySide6
        from PySide6 import QtCore
        return f"PySide6 {PySide6.__version__}, Qt {QtCore.qVersion()}"

    def ffmpeg() -> str:
        from soundon.media import tools
        tool = tools.ffmpeg()
        return f"{tool.version} ({tool.path})"

    def ffprobe() -> str:
        from soundon.media import tools
        tool = tools.ffprobe()
        return f"{tool.version} ({tool.path})"

    def libvlc() -> str:
        from soundon.media import tools
        version = tools.libvlc_version()
        import vlc
        return f"{version} ({getattr(vlc.dll, '_name', '?')})"

    test.step("Qt", qt)
    test.step("ffmpeg", ffmpeg)
    test.step("ffprobe", ffprobe)
    test.step("libVLC", libvlc)


def _swap(clip: Path, track: Path, out: Path) -> str:
    from soundon.jobs.swap_job import SwapJob, SwapRequest
    outcome = SwapJob(SwapRequest(video=clip, out=out, track=track)).run()
    checks = outcome.verification or {}
    if not outcome.output.is_file() or not checks.get("ok") or not checks.get("video_identical"):
        raise RuntimeError(f"the swapped file did not verify: {checks.get('problems') or 'no verification'}")
    return (f"{checks['video_packets']} video packets identical, audio ends "
            f"{checks['length_difference_ms']:+.1f} ms from the video's end; "
            f"re-encoded: {', '.join(outcome.reencoded) or 'nothing'}")


def _play(path: Path) -> str:
    raise RuntimeError("playback check is not part of this build yet")


def _window(work: Path) -> str:
    import os
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "")
    if not os.environ["QT_QPA_PLATFORM"]:
        del os.environ["QT_QPA_PLATFORM"]
    from PySide6.QtWidgets import QApplication

    from soundon.store.library import Library
    from soundon.ui.app import MainWindow
    app = QApplication.instance() or QApplication([APP_NAME])
    library = Library(work / "library.sqlite")
    window = MainWindow(library)
    window.show()
    app.processEvents()
    shown = window.isVisible()
    window.close()
    app.processEvents()
    library.close()
    if not shown:
        raise RuntimeError("the window did not show")
    return f"platform {app.platformName()}"
