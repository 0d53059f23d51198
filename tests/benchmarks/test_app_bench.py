"""Benchmark of the review app (make bench): start to the first video frame, in a fresh process, as
the editor's app starts. It has no budget; it is reported. (A large library's opening is
tests/benchmarks/test_library_scale_bench.py.)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

pytestmark = pytest.mark.bench

os.environ.setdefault("SOUNDON_VIDEO_OUTPUT", "xcb_x11")
os.environ.setdefault("SOUNDON_AUDIO_OUTPUT", "adummy")

FIRST_FRAME = textwrap.dedent("""
    import json, sys, time
    spawned = float(sys.argv[3])
    t_start = time.time()
    from PySide6.QtCore import QSettings, QTimer
    from soundon.store.library import Library
    from soundon.ui.app import create_application, missing_tools
    marks = {"python_started": t_start - spawned}
    app = create_application()
    marks["qt_ready"] = time.time() - spawned
    missing_tools()   # the app checks ffmpeg and libVLC before its window, so does the benchmark
    marks["tools_checked"] = time.time() - spawned
    from soundon.ui.main_window import MainWindow
    window = MainWindow(Library(sys.argv[1]), settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
    window.show()
    marks["window_shown"] = time.time() - spawned
    deck = window.deck

    def first_frame():
        if len(steps) == 2:
            marks.setdefault("cold_first_frame_s", time.time() - steps[1][0])
            return
        if "first_frame" not in marks:
            marks["first_frame"] = time.time() - spawned
            deck.player.play()

    started = []
    steps = []   # after the first take plays: ↓ (the preloaded next take), then ↑ (not preloaded)

    def tick():
        player = deck.player
        if steps:
            # A move: from the key to the new take playing (libVLC reports Playing).
            if player.is_playing() and deck.take_id == steps[-1][1]:
                moment = time.time()
                if len(steps) == 1:
                    marks["next_take_preloaded_s"] = moment - steps[0][0]
                    move(-1)
                elif "cold_first_frame_s" in marks:
                    marks["previous_take_cold_s"] = moment - steps[1][0]
                    marks["preloads_used"] = deck.preloads_used
                    print(json.dumps(marks), flush=True)
                    app.quit()
            return
        if not player.is_playing() or "playing_with_time" in marks:
            return
        now = player.reported_time()
        if not started:
            started.append(now)
        elif now > started[0]:   # libVLC's own clock has moved on
            marks["playing_with_time"] = time.time() - spawned
            QTimer.singleShot(300, lambda: move(1))   # give the preload a moment, as an editor listening would

    def move(step):
        order = window.model.take_ids()
        target = order[order.index(window.current_take_id()) + step]
        steps.append((time.time(), target))
        window.view.move(step)

    deck.first_frame.connect(first_frame)
    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    QTimer.singleShot(30000, app.quit)
    app.exec()
""")


def _run(script: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=300,
                          env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_start_to_first_video_frame(tmp_path, media):
    from soundon.jobs.importer import Importer
    from soundon.store.library import Library
    folder = tmp_path / "Bench batch"
    for n in range(3):
        media.clip(f"bench_{n}_veo.mp4", folder=folder, duration=4.0, size="1280x720", fps="25",
                   audio=f"sine=frequency={300 + 100 * n}:sample_rate=48000")
    library = Library(tmp_path / "lib.sqlite")
    assert len(Importer(library).run([folder]).added) == 3
    library.close()
    runs = []
    for _ in range(3):
        spawned = time.time()
        runs.append(_run(FIRST_FRAME, str(tmp_path / "lib.sqlite"), str(tmp_path / "s.ini"), repr(spawned)))
    best = min(runs, key=lambda r: r["first_frame"])
    print(f"\nstart to first frame (720p take), best of 3: python up {best['python_started']:.2f} s, "
          f"Qt ready {best['qt_ready']:.2f} s, ffmpeg+libVLC checked {best['tools_checked']:.2f} s, "
          f"window shown {best['window_shown']:.2f} s, first frame {best['first_frame']:.2f} s, "
          f"playing with time advancing {best['playing_with_time']:.2f} s")
    print("  all runs: " + "; ".join(f"{r['first_frame']:.2f} s" for r in runs))
    print(f"↓ to the preloaded next take (opened and paused beforehand): Playing after "
          f"{best['next_take_preloaded_s'] * 1000:.0f} ms; ↑ to a take not preloaded: Playing after "
          f"{best['previous_take_cold_s'] * 1000:.0f} ms, first frame after {best['cold_first_frame_s'] * 1000:.0f} ms")
    assert best["preloads_used"] == 1
    assert best["first_frame"] < best["playing_with_time"] < 30


