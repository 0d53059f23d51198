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
