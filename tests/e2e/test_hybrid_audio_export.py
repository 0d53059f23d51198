"""The hybrid-audio workflow as an editor does it, in the real window on the X server: a post mix is
dragged from another program's window onto the take's card (a real XDND drag, driven by xdotool),
slipped 120 ms later with Alt+Shift+→ typed twelve times, exported with Ctrl+E through the dialog,
and the exported file is measured with ffmpeg: its beep sits 120 ms after the picture's flash, and
its loudness is the batch's delivery target.

The take is black with one white frame (the flash) and a quiet native track; the post mix is room
tone with a 1 kHz beep starting exactly at the flash, so an export laid by the slip puts the beep
SLIP_S after the flash, to the sample: AAC's smearing only moves where its first half-level sample
falls by a fraction of a millisecond, and a key press too few or too many is 10 ms.

xdotool moves the pointer and presses its button but can't offer data, so the drag starts in a small
Qt window of its own process (tests/e2e/drag_source.py), as a file manager's drag does."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from soundon.core.targets import TARGETS
from soundon.jobs.importer import Importer
from soundon.media import tools
from soundon.media.synth import VIDEO_ENCODERS
from tests.signals import write_wav

pytestmark = pytest.mark.e2e

RATE = 48000
FPS = 25
SECONDS = 1.6
FLASH_FRAME = 10               # the white frame: 0.4 s
FLASH_S = FLASH_FRAME / FPS
SLIPS = 12                     # Alt+Shift+→ presses, 10 ms each
SLIP_S = 0.120
DRAG_SOURCE = Path(__file__).with_name("drag_source.py")


def make_take(path: Path) -> Path:
    """A black take with one white frame at FLASH_S and a quiet native track (faint pink noise)."""
    flash = f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='eq(n\\,{FLASH_FRAME})'"
    subprocess.run([tools.ffmpeg().path, "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"color=c=black:s=160x90:r={FPS}:d={SECONDS},{flash}",
                    "-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.003:sample_rate={RATE}:seed=3",
                    "-t", str(SECONDS), *VIDEO_ENCODERS["h264"], "-c:a", "aac", "-ac", "2", str(path)],
                   check=True, capture_output=True, timeout=60)
    path.with_suffix(".json").write_text(json.dumps({"model": "Veo 3.1", "prompt": "A lamp flashes once."}))
    return path


def make_post_mix(path: Path) -> Path:
    """Room tone with a 0.25 s 1 kHz beep starting at FLASH_S, at phase 0 (the mixer's sync pop)."""
    t = np.arange(int(SECONDS * RATE)) / RATE
    room = np.random.default_rng(5).normal(0.0, 0.002, len(t))
    beep = 0.5 * np.sin(2 * np.pi * 1000 * (t - FLASH_S)) * ((t >= FLASH_S) & (t < FLASH_S + 0.25))
    mix = room + beep
    return write_wav(path, np.column_stack([mix, mix]))


# -- measuring the exported file, with ffmpeg alone -------------------------------------------------

def _ffmpeg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([tools.ffmpeg().path, "-hide_banner", "-nostats", *args],
                          check=True, capture_output=True, timeout=60)


def flash_time(path: Path) -> float:
    """The presentation time of the first bright frame (the file's own timestamps)."""
    out = _ffmpeg("-copyts", "-i", str(path), "-map", "0:v:0", "-vf",
                  "signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG:file=-", "-f", "null", "-").stdout
    frames = re.findall(r"pts_time:(\S+)\s+lavfi\.signalstats\.YAVG=(\S+)", out.decode())
    bright = [float(t) for t, luma in frames if float(luma) > 128]
    assert bright, f"no flash in {path.name}: {frames}"
    return bright[0]


def beep_onset(path: Path) -> float:
    """The presentation time of the beep's first sample at half its peak level."""
    probe = subprocess.run([tools.ffprobe().path, "-v", "error", "-select_streams", "a:0", "-show_entries",
                            "stream=start_time", "-of", "csv=p=0", str(path)],
                           check=True, capture_output=True, text=True, timeout=60)
    start = float(probe.stdout.strip())
    raw = _ffmpeg("-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(RATE), "-f", "f32le", "-").stdout
    samples = np.abs(np.frombuffer(raw, dtype="<f4"))
    return start + int(np.flatnonzero(samples > 0.5 * samples.max())[0]) / RATE


def integrated_loudness(path: Path) -> float:
    err = _ffmpeg("-i", str(path), "-map", "0:a:0", "-af", "ebur128", "-f", "null", "-").stderr.decode()
    summary = err[err.rindex("Summary:"):]
    return float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))


# -- the drag source --------------------------------------------------------------------------------

class DragSource:
    """tests/e2e/drag_source.py in its own process; `lines` is what it said so far."""

    def __init__(self, path: Path, x: int, y: int):
        self.proc = subprocess.Popen([sys.executable, str(DRAG_SOURCE), str(path), str(x), str(y)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def said(self, start: str) -> bool:
        return any(line.startswith(start) for line in self.lines)

    def close(self) -> str:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        return self.proc.stderr.read()


def drag_file_onto(qtbot, display, source: DragSource, x: int, y: int, target: tuple[int, int]) -> None:
    """Press on the source window, move past the drag distance, move onto the target, and release
    once the target has said it takes the file (the X server relays the target's answer to the
    source; releasing before it came would be a drop the target never agreed to)."""
    display.run("mousemove", "--sync", str(x), str(y))
    display.run("mousedown", "1")
    display.run("mousemove", "--sync", str(x + 30), str(y + 5))
    qtbot.waitUntil(lambda: source.said("dragging"), timeout=5000)
    display.run("mousemove", "--sync", str(target[0]), str(target[1]))
    qtbot.waitUntil(lambda: source.said("action CopyAction"), timeout=5000)
    display.run("mouseup", "1")
    qtbot.waitUntil(lambda: source.said("dropped"), timeout=5000)


class ExportDialogTyping:
    """What the editor types in the Export Picks dialog once it is up and has the keyboard: Tab to the
    folder field (after the batch), the folder, Return for Export.

    The dialog runs its own event loop inside the app's (the test's code is held until it closes), so
    a timer of that loop watches for it; the keys go through the X server like any others. A dialog
    still open at the deadline is closed, and the test fails on what was not exported."""

    def __init__(self, display, folder: Path, deadline_s: float = 20.0):
        self.display, self.folder = display, folder
        self.typed = self.gave_up = False
        self._left = int(deadline_s / 0.05)
        self._timer = QTimer()
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        dialog = QApplication.activeModalWidget()
        self._left -= 1
        if self._left <= 0:
            self._timer.stop()
            self.gave_up = True
            if dialog is not None:
                dialog.reject()
        elif dialog is not None and dialog.windowTitle() == "Export Picks" and dialog.isActiveWindow() \
                and dialog.focusWidget() is not None:
            self._timer.stop()
            self.display.keys("Tab", "ctrl+a")
            self.display.run("type", "--delay", "5", str(self.folder))
            self.display.keys("Return")
            self.typed = True

    def stop(self) -> None:
        self._timer.stop()


def test_drag_a_post_mix_onto_the_card_slip_it_120_ms_by_keys_and_export(
        qtbot, library, ui_settings, open_window, display, artifacts, tmp_path):
    batch = tmp_path / "Flash batch"
    batch.mkdir()
    take_file = make_take(batch / "flash_veo.mp4")
    take_bytes = hashlib.sha256(take_file.read_bytes()).hexdigest()
    Importer(library).run([batch])
    (tmp_path / "from the mixer").mkdir()
    post_mix = make_post_mix(tmp_path / "from the mixer" / "flash_mix.wav")
    exports = tmp_path / "Deliveries"

    window = open_window(library, ui_settings)
    display.focus(int(window.winId()))
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    player = window.deck.player
    qtbot.waitUntil(lambda: player.state.value == "paused" and player.length > 0, timeout=10000)
    take_id = window.current_take_id()
    assert library.take(take_id).swap is None

    # The drag: from another program's window onto the take's card.
    grid = window.browser.grid
    card = grid.visualRect(grid.model().index(0, 0))
    target = grid.viewport().mapToGlobal(card.center())
    screen = QApplication.primaryScreen().geometry()
    sx, sy = screen.width() - 200, screen.height() - 100
    assert not card.translated(target - card.center()).contains(sx, sy), "the drag source would hide the card"
    source = DragSource(post_mix, sx, sy)
    try:
        qtbot.waitUntil(lambda: source.said("ready"), timeout=10000)
        display.find_window("^Drag source$", pid=source.proc.pid)
        drag_file_onto(qtbot, display, source, sx + 40, sy + 30, (target.x(), target.y()))
        assert source.said("dropped CopyAction"), f"the drop was refused: {source.lines}"
        qtbot.waitUntil(lambda: library.take(take_id).swap is not None, timeout=5000)
    finally:
        errors = source.close()
    assert "Traceback" not in errors, errors
    take = library.take(take_id)
    assert Path(take.swap.path) == post_mix.resolve() and take.audio_verdict == "replace"
    qtbot.waitUntil(lambda: window.post_lane.isVisible(), timeout=5000)

    # The slip, typed: Alt+Shift+→ is 10 ms later (Review menu).
    display.focus(int(window.winId()))
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    for _ in range(SLIPS):
        display.keys("alt+shift+Right")
    qtbot.waitUntil(lambda: library.take(take_id).swap.spec.offset == pytest.approx(SLIPS * 0.010), timeout=5000)
    assert window.post_lane.readout_text() == f"+{SLIPS * 10:.1f} ms · +{SLIPS * 0.010 * FPS:.2f} frames"
    display.keys("p")          # a pick: Export Picks exports it
    qtbot.waitUntil(lambda: library.review_state(take_id)["flag"] == "pick", timeout=3000)
    qtbot.waitUntil(lambda: window.post_lane.timeline.timing() is not None, timeout=5000)   # the post waveform drawn
    display.screenshot(artifacts / "06-post-lane-slipped.png")

    # Ctrl+E, the dialog filled in and confirmed by typing; the export runs in the background.
    typing = ExportDialogTyping(display, exports)
    try:
        display.keys("ctrl+e")
        qtbot.waitUntil(lambda: typing.typed or typing.gave_up, timeout=30000)
        assert typing.typed, "the Export Picks dialog did not come up with the keyboard"
        qtbot.waitUntil(lambda: any(exports.glob("*-export-*.json")), timeout=30000)
    finally:
        typing.stop()
    manifest = json.loads(next(exports.glob("*-export-*.json")).read_text())
    assert [(f["status"], f["audio"]) for f in manifest["files"]] == [("written", "post track")], manifest["files"]
    exported = Path(manifest["files"][0]["output"])
    qtbot.waitUntil(lambda: "Exported 1 take(s)" in window.statusBar().currentMessage(), timeout=5000)
    display.screenshot(artifacts / "07-exported.png")

    # The file as delivered, measured.
    flash, onset = flash_time(exported), beep_onset(exported)
    loudness = integrated_loudness(exported)
    goal = TARGETS[take.batch_target].integrated_lufs
    print(f"\nflash at {flash * 1000:.2f} ms, beep at {onset * 1000:.2f} ms: {(onset - flash) * 1000:.2f} ms apart; "
          f"{loudness:.1f} LUFS against the batch's {goal:g}")
    assert flash == pytest.approx(FLASH_S, abs=0.5 / FPS)
    assert onset - flash == pytest.approx(SLIP_S, abs=0.001)
    assert loudness == pytest.approx(goal, abs=0.5)
    assert hashlib.sha256(take_file.read_bytes()).hexdigest() == take_bytes, "the take itself was changed"
