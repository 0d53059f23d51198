"""soundon --self-test: a diagnostic run of every native part, printed for bug reports.

Each step prints one line (ok / FAILED and why); the exit status is 0 only when every step passed.
Steps: versions of the app, Qt, libVLC, ffmpeg and ffprobe; load every module of the app; read a
take of each format as the import does (poster, waveform, loudness); generate a 1-second clip; probe it; swap its audio for a generated track and verify the result; play it
through libVLC to the end; say where the libVLC plugins that played it were loaded from (in a frozen
build they must be the bundle's own); open the main window offscreen and close it.
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
from soundon.core.logs import current_log_file, log_problem
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
    test.line(f"log file: {current_log_file() or f'none, {log_problem()}'}")
    with tempfile.TemporaryDirectory(prefix="soundon-selftest-") as folder:
        work = Path(folder)
        _version_steps(test)
        test.step("load every module of the app", _load_every_module)
        test.step("read a take of every format", lambda: _read_every_format(work / "formats"))
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
        test.step("libVLC plugins", _loaded_plugins)
        test.step("audio output", _audio_output)
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
        path = str(getattr(vlc.dll, "_name", "?"))
        if is_frozen():
            if not _inside_bundle(path):
                raise RuntimeError(f"libVLC {version} was loaded from {path}, outside the bundle {bundle_root()}")
            return f"{version} (bundled: {path})"
        return f"{version} ({path})"

    test.step("Qt", qt)
    test.step("ffmpeg", ffmpeg)
    test.step("ffprobe", ffprobe)
    test.step("libVLC", libvlc)


def _load_every_module() -> str:
    """Import each soundon module: a frozen build that left out a library one of them needs (a Qt
    module, the compiled loops) fails here, not when an editor first reaches that part of the app."""
    import importlib
    import pkgutil

    import soundon
    # soundon.__main__ is the program itself: importing it would start a second run.
    names = [info.name for info in pkgutil.walk_packages(soundon.__path__, "soundon.")
             if not info.name.endswith(".__main__")]
    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # every module is tried; all failures are named together
            failed.append(f"{name} ({type(exc).__name__}: {exc})")
    if failed:
        raise RuntimeError(f"{len(failed)} of {len(names)} could not be loaded: {'; '.join(failed[:3])}")
    return f"{len(names)} modules"


def _read_every_format(folder: Path) -> str:
    """A take of each format made and read as the import reads it: a bundle whose FFmpeg lacks a
    decoder or demuxer one of them needs fails here."""
    from soundon.media.synth import make_take_formats
    from soundon.media.take_reading import read_for_import
    folder.mkdir()
    takes = make_take_formats(folder)
    failed = []
    for take in takes:
        reading = read_for_import(take, take.with_suffix(".jpg"), take.with_suffix(".npy"))
        lacking = [what for what, there in (("a poster", reading.overview and reading.overview.thumbnail),
                                           ("a waveform", reading.overview and reading.overview.waveform),
                                           ("its loudness", reading.sound)) if not there]
        if lacking:
            failed.append(f"{take.name} ({', '.join(lacking)} missing)")
    if failed:
        raise RuntimeError("not read: " + "; ".join(failed))
    return f"{len(takes)} formats ({', '.join(take.name for take in takes)}): poster, waveform and loudness of each"


def _audio_output() -> str:
    """The live audio output the played clip went to. No device is reported, not failed: the app
    plays the picture without sound then, and a build machine often has no sound server."""
    from soundon.ui.player import live_audio
    output = live_audio.live_output()
    if output.problem:
        return f"none: {output.problem}; the picture plays without sound"
    return output.report()


STEADY_S = 0.3   # the device has asked for audio without a gap this long: the clip is played


def _wait_for_the_device(app, timeout_s: float = 10.0) -> None:
    """A sound server may take a moment to start a stream (seconds, the first time on a busy
    machine, and a stream that stalls at its start is reopened); the clip is played once the device
    has asked for audio steadily for a while (as the app's device has, long before an editor presses
    play), or without it."""
    import time

    from soundon.ui.player import live_audio
    output = live_audio.live_output()
    deadline = time.monotonic() + timeout_s
    while not output.steady(STEADY_S) and output.problem is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def _swap(clip: Path, track: Path, out: Path) -> str:
    from soundon.jobs.swap_job import SwapJob, SwapRequest
    outcome = SwapJob(SwapRequest(video=clip, out=out, track=track)).run()
    checks = outcome.verification or {}
    if not outcome.output.is_file() or not checks.get("ok") or not checks.get("video_identical"):
        raise RuntimeError(f"the swapped file did not verify: {checks.get('problems') or 'no verification'}")
    return (f"{checks['video_packets']} video packets identical, audio ends "
            f"{checks['length_difference_ms']:+.1f} ms from the video's end; "
            f"re-encoded: {', '.join(outcome.reencoded) or 'nothing'}")


def _qt_app():
    """A QApplication for the Qt steps: the real display when there is one, offscreen otherwise."""
    import os
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    return QApplication.instance() or QApplication([APP_NAME])


def _play(path: Path) -> str:
    """Play the file to its end through the app's own player class (the one that drives libVLC)."""
    import os
    # Headless diagnostics: decode everything, draw and sound nothing (a display or sound card
    # is not what this step checks).
    os.environ.setdefault("SOUNDON_VIDEO_OUTPUT", "dummy")
    os.environ.setdefault("SOUNDON_AUDIO_OUTPUT", "adummy")
    from PySide6.QtCore import QEventLoop, QTimer

    from soundon.ui.player.vlc_player import PlayerState, VlcPlayer
    app = _qt_app()
    player = VlcPlayer()
    seen: dict[str, float] = {"max_position": 0.0}
    loop = QEventLoop()
    player.position_changed.connect(lambda s: seen.__setitem__("max_position", max(seen["max_position"], s)))

    def state_changed(state: str) -> None:
        # The player holds the last frame, paused, at the end of a take (as an NLE does).
        if state == PlayerState.PLAYING.value:
            seen["played"] = 1.0
        elif state == PlayerState.ERROR.value or (state in (PlayerState.PAUSED.value, PlayerState.ENDED.value)
                                                   and "played" in seen):
            loop.quit()

    player.state_changed.connect(state_changed)
    player.error.connect(lambda message: seen.__setitem__("error", message))
    deadline = QTimer(singleShot=True, interval=15000)
    deadline.timeout.connect(loop.quit)
    deadline.start()
    player.set_audible(True)   # heard through the live audio output when there is one
    _wait_for_the_device(app)
    player.load(path, autoplay=True)
    loop.exec()
    state, length = player.state, player.length
    player.release()
    app.processEvents()
    if "error" in seen:
        raise RuntimeError(seen["error"])
    if "played" not in seen or length <= 0 or seen["max_position"] < length - 0.1:
        raise RuntimeError(f"playback did not reach the end within 15 s (state {state.value}, "
                           f"position {seen['max_position']:.2f} of {length:.2f} s)")
    return f"played to the end ({length:.2f} s, last position {seen['max_position']:.2f} s)"


def _inside_bundle(path: str) -> bool:
    try:
        Path(path).resolve().relative_to(bundle_root().resolve())
    except ValueError:
        return False
    return True


def _loaded_plugins() -> str:
    """Where the libVLC plugins that played the clip came from. In a frozen build every libVLC part
    must be the bundled one (a system copy of another version is the classic python-vlc +
    PyInstaller failure), and an empty bundled plugin folder plays nothing."""
    from soundon.core.loaded_libraries import loaded_libraries, vlc_parts, vlc_plugins
    loaded = loaded_libraries()
    if not loaded:
        return "this platform does not list loaded libraries"
    plugins = vlc_plugins(loaded)
    if not is_frozen():
        folders = sorted({str(Path(p).parent.parent) for p in plugins})
        return f"{len(plugins)} loaded from {', '.join(folders) or 'nowhere'} (not a frozen build)"
    foreign = [p for p in vlc_parts(loaded) if not _inside_bundle(p)]
    if foreign:
        raise RuntimeError(f"libVLC parts were loaded from outside the bundle: {', '.join(foreign[:3])}")
    if not plugins:
        raise RuntimeError(f"no libVLC plugin was loaded from the bundle {bundle_root()}")
    return f"{len(plugins)} loaded, all from the bundle ({bundle_root() / 'vlc' / 'plugins'})"


def _window(work: Path) -> str:
    from soundon.store.library import Library
    from soundon.ui.main_window import MainWindow
    app = _qt_app()
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
