"""Background ffmpeg work at a lower priority, so the app's own thread keeps the CPU it needs.

The import, the translation analysis and the listening preparation run while the editor plays and
decides; on a two-core laptop they would otherwise compete with the window for the processor.
Foreground work (the `soundon` verbs) keeps the normal priority.

The priority is set per process, as each ffmpeg/ffprobe starts: a creation flag on Windows, the
process's niceness on Linux and macOS (a thread's own priority would reach its child processes on
Linux only). Work decoded in this process (the import's PyAV reading) lowers its own thread for
the time it works (`lowered`; Linux only).
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading

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


def run(args: list[str], *, background: bool, timeout: float | None = None,
        **options) -> subprocess.CompletedProcess:
    """subprocess.run(args, capture_output=True, ...) at the lower priority when `background`.
    Raises subprocess.TimeoutExpired (the process killed) as subprocess.run does."""
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("stderr", subprocess.PIPE)
    with subprocess.Popen(args, **options, **popen_options(background)) as process:
        lower(process, background)
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise
    return subprocess.CompletedProcess(args, process.returncode, out, err)


class lowered:
    """Background work done in this process (PyAV) at a lower priority, for the `with` block: on
    Linux a thread has its own niceness, so the import's worker thread yields to the window's
    (elsewhere it runs as it is)."""

    def __init__(self, background: bool):
        self.active = background and sys.platform.startswith("linux")

    def __enter__(self):
        if self.active:
            try:
                tid = threading.get_native_id()
                self.before = os.getpriority(os.PRIO_PROCESS, tid)
                os.setpriority(os.PRIO_PROCESS, tid, max(self.before, BACKGROUND_NICENESS))
            except OSError:
                self.active = False
        return self

    def __exit__(self, *exc):
        if self.active:
            try:   # raising a thread's priority back may be refused without privileges: it stays low
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.before)
            except OSError:
                pass
        return False
