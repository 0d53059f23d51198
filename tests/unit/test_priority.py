"""Background ffmpeg work runs at a lower priority than the window."""
import subprocess
import sys

import pytest

from soundon.media import priority


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX niceness")
def test_background_process_is_lowered_and_foreground_is_not():
    import os
    background = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(2)"],
                                  **priority.popen_options(True))
    foreground = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(2)"],
                                  **priority.popen_options(False))
    try:
        priority.lower(background, True)
        priority.lower(foreground, False)
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, background.pid) == max(mine, priority.BACKGROUND_NICENESS)
        assert os.getpriority(os.PRIO_PROCESS, foreground.pid) == mine
    finally:
        background.kill()
        foreground.kill()
        background.wait()
        foreground.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX niceness")
def test_run_starts_a_background_process_at_the_lower_priority():
    import os
    # The child reports its niceness once it has been lowered (that happens just after it starts).
    report = ("import os, time\n"
              "deadline = time.monotonic() + 5\n"
              "while os.getpriority(os.PRIO_PROCESS, 0) < {want} and time.monotonic() < deadline: time.sleep(0.005)\n"
              "print(os.getpriority(os.PRIO_PROCESS, 0))")
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    want = max(mine, priority.BACKGROUND_NICENESS)
    background = priority.run([sys.executable, "-c", report.format(want=want)], background=True, timeout=30)
    foreground = priority.run([sys.executable, "-c", report.format(want=mine)], background=False, timeout=30)
    assert int(background.stdout) == want and background.returncode == 0
    assert int(foreground.stdout) == mine
