"""ffmpeg starts while other threads of the app hold PyAV objects.

Found by a swap that hung after an import: ffmpeg was started with a Python preexec hook (to make
it die with the app), so the forked child ran Python before exec. Python then frees the other
threads' thread-local objects in the child; PyAV keeps a frame reformatter in one, whose slice
threads exist only in the parent, and freeing it waited for them forever. No ffmpeg ran again.
"""
from __future__ import annotations

import shutil
import threading

import av
import numpy as np

from soundon.media.ffrun import run_ffmpeg


def test_ffmpeg_starts_while_a_thread_holds_a_used_reformatter():
    made, finish = threading.Event(), threading.Event()

    def poster_maker():                       # as an import reader does for a take's poster
        frame = av.VideoFrame.from_ndarray(np.zeros((720, 1280, 3), np.uint8), format="rgb24")
        frame.reformat(width=320, height=180, format="yuvj420p", interpolation="BICUBIC")
        made.set()
        finish.wait()
    holder = threading.Thread(target=poster_maker, daemon=True)
    holder.start()
    assert made.wait(30)
    results = []
    runner = threading.Thread(target=lambda: results.append(
        run_ffmpeg([shutil.which("ffmpeg"), "-hide_banner", "-version"], capture_stdout=True)), daemon=True)
    try:
        runner.start()
        runner.join(20)
        assert not runner.is_alive(), "ffmpeg never started: its child hung before exec"
        assert results[0].returncode == 0 and results[0].stdout.startswith(b"ffmpeg version")
    finally:
        finish.set()
