"""Background ffmpeg work at a lower priority, so the app's own thread keeps the CPU it needs.

The listening renders and the translation analysis run while the editor plays and decides; on a
two-core laptop they would otherwise compete with the window for the processor. Foreground work
(the `soundon` verbs) keeps the normal priority.
"""
from __future__ import annotations

import os
import subprocess
import sys

BACKGROUND_NICENESS = 10


def popen_options(background: bool) -> dict:
    """Extra subprocess.Popen keyword arguments for a background process (Windows: at creation)."""
    if background and sys.platform == "win32":
        return {"creationflags": subprocess.BELOW_NORMAL_PRIORITY_CLASS}
    return {}


def lower(process: subprocess.Popen, background: bool) -> None:
    """Lower a just-started background process's priority (POSIX; best effort)."""
    if not background or sys.platform == "win32":
        return
    try:
        os.setpriority(os.PRIO_PROCESS, process.pid, BACKGROUND_NICENESS)
    except (OSError, AttributeError):
        pass  # it ended already, or the platform has no setpriority: it runs at normal priority
