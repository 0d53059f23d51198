"""Background work for the app: results and progress come back to the GUI thread as Qt signals.

- `ImportJob` runs the importer on its own thread with its own library connection: it is the one
  writer of new takes while it runs (the GUI thread writes review decisions through its own
  connection; SQLite's WAL lets both work, each write is one short transaction). Its change
  notifications are forwarded to the window's bridge, so the browser fills in as takes arrive.
- `call_in_background` runs one function on a small pool and delivers its result or its error.

A job is run + cancel + progress + outcome; cancel is re-checked by the importer between batches
and between takes, and no file it opens can block it (only ordinary files are read).
"""
from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from soundon.jobs.importer import Importer, ImportResult
from soundon.media.batch_scan import BatchError
from soundon.media.tools import ToolMissing
from soundon.store.library import Library, LibraryError


BACKGROUND_NICE = 10


def background_priority() -> None:
    """Lower this thread's CPU priority (Linux: per thread, inherited by the threads and the
    ffmpeg/ffprobe processes it starts), so that on a busy machine the picture, the keys and the
    window server are served first and the import takes the CPU that is left."""
    if not sys.platform.startswith("linux"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICE)
    except OSError:
        pass  # not allowed here: the import just runs at normal priority


class ImportJob(QObject):
    progress = Signal(int, int, str)     # done, total, file just finished
    finished = Signal(object)            # ImportResult
    failed = Signal(str)                 # a sentence for the editor

    def __init__(self, library: Library, paths: list[str | Path], name: str | None = None,
                 connect_writer: Callable[[Library], None] | None = None,
                 disconnect_writer: Callable[[Library], None] | None = None,
                 prepare: Callable[[Library], list[Path]] | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.library_path = library.path
        self.paths = [str(p) for p in paths]
        self.name = name
        self._connect_writer = connect_writer
        self._disconnect_writer = disconnect_writer
        self._prepare = prepare   # makes the paths on the job's thread (the demo batch is generated)
        self._importer: Importer | None = None
        self._cancelled = threading.Event()
        self._thread: threading.Thread | None = None
        self.result: ImportResult | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="soundon-import", daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self._cancelled.set()
        if self._importer is not None:
            self._importer.cancel()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.is_running()

    def _run(self) -> None:
        background_priority()
        writer = None
        try:
            writer = Library(self.library_path)
            if self._connect_writer:
                self._connect_writer(writer)
            if self._prepare is not None:
                self.paths = [str(p) for p in self._prepare(writer)]
            self._importer = Importer(writer)
            if self._cancelled.is_set():
                self._importer.cancel()
            result = self._importer.run(self.paths, name=self.name, progress=self.progress.emit)
            self.result = result
            self.finished.emit(result)
        except (LibraryError, ToolMissing, BatchError, OSError) as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: tell the editor plainly, keep the app running
            traceback.print_exc()
            self.failed.emit(f"The import stopped on an unexpected problem ({type(exc).__name__}: {exc}).")
        finally:
            if writer is not None:
                if self._disconnect_writer:
                    self._disconnect_writer(writer)
                writer.close()


class _CallSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Call(QRunnable):
    def __init__(self, function: Callable, args: tuple, signals: _CallSignals):
        super().__init__()
        self.function, self.args, self.signals = function, args, signals

    def run(self) -> None:
        try:
            result = self.function(*self.args)
        except Exception as exc:  # delivered to the caller, who words it for the editor
            self.signals.failed.emit(str(exc))
            return
        self.signals.done.emit(result)


_pool: QThreadPool | None = None


def background_pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(2)
    return _pool


def call_in_background(function: Callable, *args, on_done: Callable[[object], None],
                       on_failed: Callable[[str], None] | None = None, owner: QObject | None = None) -> _CallSignals:
    """Run function(*args) off the GUI thread; on_done / on_failed are called on the GUI thread."""
    signals = _CallSignals(owner)
    signals.done.connect(on_done)
    if on_failed is not None:
        signals.failed.connect(on_failed)
    # Kept alive until its result has been delivered on the GUI thread.
    _in_flight.add(signals)
    signals.done.connect(lambda *_: _in_flight.discard(signals))
    signals.failed.connect(lambda *_: _in_flight.discard(signals))
    background_pool().start(_Call(function, args, signals))
    return signals


_in_flight: set[_CallSignals] = set()
