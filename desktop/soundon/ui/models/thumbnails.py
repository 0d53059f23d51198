"""Poster-frame thumbnails, read in the background from the library's cache folder and kept in a
small LRU.

A library of tens of thousands of takes must open at once and scroll without a stall, so nothing is
read until a view asks for the picture of a visible take, and then not on the GUI thread: the view
gets a placeholder, a background job decodes the file straight to the display size, and
`loaded(file name)` says when to draw it. The newest requests are read first (what is on screen
now, not what the editor scrolled past), and requests nobody will see again are dropped.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter, QPixmap

from soundon.jobs.qt_jobs import BackgroundJob

THUMB_SIZE = QSize(192, 108)
CACHE_ENTRIES = 400
WAITING_AT_MOST = 120   # more than a screenful or two behind: what scrolled away is not read


class ThumbnailCache(QObject):
    loaded = Signal(str)   # a thumbnail's file name, now in the cache

    def __init__(self, cache_dir: Path, size: QSize = THUMB_SIZE, entries: int = CACHE_ENTRIES,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.cache_dir = cache_dir
        self.size = size
        self.entries = entries
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._placeholder: QPixmap | None = None
        self._loading: QPixmap | None = None
        self._waiting: OrderedDict[str, None] = OrderedDict()   # newest last; the reader pops from it
        self._waiting_lock = threading.Lock()
        self._reader: BackgroundJob | None = None
        self._start_soon = QTimer(self, singleShot=True, interval=0)
        self._start_soon.timeout.connect(self._start_reading)
        self.reads = 0  # how many files were decoded (tests check laziness)

    def pixmap(self, file_name: str) -> QPixmap:
        """The thumbnail if it is in the cache; else the placeholder, and it is read for later."""
        if not file_name:
            return self.placeholder()
        found = self._pixmaps.get(file_name)
        if found is not None:
            self._pixmaps.move_to_end(file_name)
            return found
        with self._waiting_lock:
            self._waiting[file_name] = None
            self._waiting.move_to_end(file_name)
            while len(self._waiting) > WAITING_AT_MOST:
                self._waiting.popitem(last=False)
        if self._reader is None:
            self._start_soon.start()   # not from inside a paint: a job run inline would repaint in it
        return self.loading()

    def __len__(self) -> int:
        return len(self._pixmaps)

    def reading(self) -> bool:
        return self._reader is not None or bool(self._waiting)

    # -- the background reader: one job at a time, reading until nothing waits ----------------------

    def _start_reading(self) -> None:
        if self._reader is not None or not self._waiting:
            return
        self._reader = BackgroundJob(self._read_waiting, what="thumbnail reading")
        self._reader.progress.connect(self._store)
        self._reader.finished.connect(self._reader_done)
        self._reader.failed.connect(self._reader_done)
        self._reader.start()

    def _next_waiting(self) -> str | None:
        """The newest request (called from the reader's thread)."""
        with self._waiting_lock:
            return self._waiting.popitem(last=True)[0] if self._waiting else None

    def _read_waiting(self, job: BackgroundJob) -> None:
        while not job.cancelled:
            file_name = self._next_waiting()
            if file_name is None:
                return
            job.report((file_name, self._decode(self.cache_dir / file_name)))

    def _decode(self, path: Path) -> QImage:
        self.reads += 1
        reader = QImageReader(str(path))
        original = reader.size()
        if original.isValid():
            reader.setScaledSize(original.scaled(self.size, Qt.AspectRatioMode.KeepAspectRatio))
        return reader.read()

    def _store(self, read: tuple[str, QImage]) -> None:
        file_name, image = read
        self._pixmaps[file_name] = QPixmap.fromImage(image) if not image.isNull() else self.placeholder()
        while len(self._pixmaps) > self.entries:
            self._pixmaps.popitem(last=False)
        self.loaded.emit(file_name)

    def _reader_done(self, _outcome=None) -> None:
        self._reader = None
        if self._waiting:
            self._start_soon.start()

    def loading(self) -> QPixmap:
        """What a card shows for the moment its poster is being read: the card's own dark face."""
        if self._loading is None:
            self._loading = QPixmap(self.size)
            self._loading.fill(QColor("#1b1d21"))
        return self._loading

    def placeholder(self) -> QPixmap:
        """A take without a poster frame (no video, or its file couldn't be read)."""
        if self._placeholder is None:
            pixmap = QPixmap(self.size)
            pixmap.fill(QColor("#1b1d21"))
            painter = QPainter(pixmap)
            painter.setPen(QColor("#5b6069"))
            painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "no picture")
            painter.end()
            self._placeholder = pixmap
        return self._placeholder
