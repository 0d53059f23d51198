"""The log: one rotating file in the data folder, for bug reports.

The app and the command start it once, at start (importing a module never does). Refusals are
written as warnings and bugs with their traceback; uncaught exceptions in the app's event loop and in
its threads are written too, then shown as Python shows them. A data folder that can't be written
leaves the app without a log, never without its work.
"""
from __future__ import annotations

import logging
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path

from soundon.core.paths import data_dir

LOG_FILE = "soundon.log"
MAX_BYTES = 1_000_000   # a few thousand runs; with three old files kept, small enough to attach
OLD_FILES = 3
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("soundon")
_started: dict[str, object] = {}


def log_file_path() -> Path:
    return data_dir() / "logs" / LOG_FILE


def start_logging() -> Path | None:
    """Write Sound-On's log records to the log file from now on; returns the file, or None when the
    data folder can't be written (the reason is in `log_problem()`). Calling it again does nothing."""
    if "handler" in _started or "problem" in _started:
        return current_log_file()
    path = log_file_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=OLD_FILES, encoding="utf-8")
    except OSError as exc:
        _started["problem"] = f"{path.parent} can't be written ({exc.strerror})"
        log.addHandler(logging.NullHandler())   # records are dropped, not printed over the editor's output
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    _started["handler"] = handler
    return path


def current_log_file() -> Path | None:
    handler = _started.get("handler")
    return Path(handler.baseFilename) if isinstance(handler, RotatingFileHandler) else None


def log_problem() -> str:
    """Why there is no log file."""
    return str(_started.get("problem", "logging was not started"))


def log_uncaught_exceptions() -> None:
    """Write every exception nothing caught, in the main thread (a Qt slot) or another, with its
    traceback; Python's own report on stderr follows as before. Calling it again does nothing."""
    if "hooks" in _started:
        return
    _started["hooks"] = True
    shown_main, shown_thread = sys.excepthook, threading.excepthook

    def main_hook(kind, value, traceback):
        log.critical("uncaught exception", exc_info=(kind, value, traceback))
        shown_main(kind, value, traceback)

    def thread_hook(args):
        if args.exc_type is not SystemExit:
            log.critical("uncaught exception in thread %s", getattr(args.thread, "name", "?"),
                         exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        shown_thread(args)

    sys.excepthook = main_hook
    threading.excepthook = thread_hook
