"""Background work for the app, in one shape: a `BackgroundJob` runs one piece of work off the GUI
thread and tells the GUI thread how it goes through Qt signals.

A job owns:
- its thread;
- its own library connection when the work needs one (an SQLite connection can't cross threads).
  The GUI thread writes review decisions through its connection while the job writes through its
  own; SQLite's WAL lets both work, each write being one short transaction. The connection's change
  notifications can be shared with the window (`share_changes_with`, the library bridge), so the
  views fill in as the job stores its results;
- progress: the work calls `job.report(value)`, heard as `progress(value)`;
- cancellation: `cancel()` sets `job.cancelled`, which the work's loop checks, and calls what the
  work registered with `job.on_cancel` (the importer's, analysis' or export's own cancel, which
  stops the ffmpeg processes in flight);
- its outcome: `finished(result)` or `failed(sentence)`, delivered on the GUI thread.

Every job that has started and not yet delivered its outcome is in one registry, so quitting is
one call: `cancel_all(timeout)` cancels them all and waits a bounded time for them to end.

Tests that are about a job's result rather than its threading run jobs inline (`run_inline()`):
the work runs on the calling thread inside `start()` and the same signals are delivered before
`start()` returns, so a test asserts at once instead of waiting with a timeout.
"""
from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from soundon.media.batch_scan import BatchError
from soundon.media.probe import ProbeError
from soundon.media.swap_errors import SwapError
from soundon.media.tools import ToolMissing
from soundon.store.library import Library, LibraryError

# The errors whose message is already a sentence for the editor; anything else is a bug.
EXPECTED_ERRORS = (LibraryError, ToolMissing, BatchError, SwapError, ProbeError, OSError)


class ChangeListener(Protocol):
    """Who hears the job's library changes (the window's library bridge)."""

    def listen_to(self, library: Library) -> None: ...

    def forget(self, library: Library) -> None: ...


Work = Callable[["BackgroundJob"], Any]


class BackgroundJob(QObject):
    progress = Signal(object)     # what the work reported
    finished = Signal(object)     # the work's result
    failed = Signal(str)          # a sentence for the editor
    _outcome = Signal(bool, object)   # from the job's thread to the GUI thread (queued there)

    def __init__(self, work: Work, *, what: str, library: Library | Path | None = None,
                 share_changes_with: ChangeListener | None = None):
        """`what` names the work in the editor's words ("import", "export"); with `library`, the work
        gets its own connection to that library as `job.library`."""
        super().__init__()   # no Qt parent: the registry keeps the job alive until its outcome is delivered
        self.what = what
        self._work = work
        self._library_path = library.path if isinstance(library, Library) else library
        self._changes = share_changes_with
        self.library: Library | None = None
        self._cancelled = threading.Event()
        self._on_cancel: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._started = False
        self._outcome.connect(self._deliver)

    # -- the GUI thread's side -----------------------------------------------------------------------

    def start(self) -> "BackgroundJob":
        if self._started:
            raise RuntimeError("a background job runs once")
        self._started = True
        _running.add(self)
        _start(self)
        return self

    def cancel(self) -> None:
        """Ask the work to stop (safe from any thread). It ends after what is in progress, and its
        outcome still comes (its result says it was stopped)."""
        with self._lock:
            self._cancelled.set()
            hooks = list(self._on_cancel)
        for hook in hooks:
            hook()

    def is_running(self) -> bool:
        """Started and its work not yet ended (its outcome may still be on its way to the GUI thread)."""
        return self._started and not self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work has ended (its outcome may still be on its way); True when it has."""
        return not self._started or self._done.wait(timeout)

    # -- the work's side -----------------------------------------------------------------------------

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def on_cancel(self, hook: Callable[[], None]) -> None:
        """Call `hook` when the job is cancelled (at once if it already is)."""
        with self._lock:
            self._on_cancel.append(hook)
            already = self._cancelled.is_set()
        if already:
            hook()

    def report(self, value: object) -> None:
        try:
            self.progress.emit(value)
        except RuntimeError:
            pass  # the application is gone (quitting): nobody is listening

    def _execute(self) -> None:
        try:
            if self._library_path is not None:
                self.library = Library(self._library_path)
                if self._changes is not None:
                    self._changes.listen_to(self.library)
            outcome = True, self._work(self)
        except EXPECTED_ERRORS as exc:
            outcome = False, str(exc)
        except Exception as exc:  # a bug: tell the editor plainly, keep the app running
            traceback.print_exc()
            outcome = False, f"The {self.what} stopped on an unexpected problem ({type(exc).__name__}: {exc})."
        finally:
            if self.library is not None:
                if self._changes is not None:
                    self._changes.forget(self.library)
                self.library.close()
                self.library = None
        self._done.set()
        try:
            self._outcome.emit(*outcome)
        except RuntimeError:
            pass  # the application is gone (its quit wait was over): nobody is listening

    def _deliver(self, ok: bool, value: object) -> None:
        # Let go of the job once this delivery is over: dropping the last reference here would
        # delete the QObject inside its own slot.
        QTimer.singleShot(0, partial(_running.discard, self))
        if ok:
            self.finished.emit(value)
        else:
            self.failed.emit(value)


_running: set[BackgroundJob] = set()


def _on_a_thread(job: BackgroundJob) -> None:
    # A daemon thread: a job still running when quit's wait is over doesn't keep the process alive.
    threading.Thread(target=job._execute, name=f"soundon-{job.what}", daemon=True).start()


_start: Callable[[BackgroundJob], None] = _on_a_thread


def cancel_all(timeout: float) -> bool:
    """Cancel every running job and wait up to `timeout` seconds in all for them to end. True when
    they all did."""
    jobs = list(_running)
    for job in jobs:
        job.cancel()
    deadline = time.monotonic() + timeout
    ended = [job.wait(max(0.0, deadline - time.monotonic())) for job in jobs]
    return all(ended)


@contextlib.contextmanager
def run_inline() -> Iterator[None]:
    """Jobs started inside this block run on the calling thread, inside `start()` (for tests)."""
    global _start
    previous, _start = _start, BackgroundJob._execute
    try:
        yield
    finally:
        _start = previous
