"""Poster-frame thumbnails, read from the library's cache folder on demand and kept in a small LRU.

A library of thousands of takes must open at once, so nothing is read until a view asks for the
picture of a visible take; the reader decodes straight to the display size.
"""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QImageReader, QPainter, QPixmap

THUMB_SIZE = QSize(192, 108)
CACHE_ENTRIES = 400


class ThumbnailCache:
    def __init__(self, cache_dir: Path, size: QSize = THUMB_SIZE, entries: int = CACHE_ENTRIES):
        self.cache_dir = cache_dir
        self.size = size
        self.entries = entries
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._placeholder: QPixmap | None = None
        self.reads = 0  # how many files were decoded (tests check laziness)

    def pixmap(self, file_name: str) -> QPixmap:
        if not file_name:
            return self.placeholder()
        found = self._pixmaps.get(file_name)
        if found is not None:
            self._pixmaps.move_to_end(file_name)
            return found
        pixmap = self._read(self.cache_dir / file_name)
        self._pixmaps[file_name] = pixmap
        if len(self._pixmaps) > self.entries:
            self._pixmaps.popitem(last=False)
        return pixmap

    def __len__(self) -> int:
        return len(self._pixmaps)

    def _read(self, path: Path) -> QPixmap:
        self.reads += 1
        reader = QImageReader(str(path))
        original = reader.size()
        if original.isValid():
            reader.setScaledSize(original.scaled(self.size, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        return QPixmap.fromImage(image) if not image.isNull() else self.placeholder()

    def placeholder(self) -> QPixmap:
        if self._placeholder is None:
            pixmap = QPixmap(self.size)
            pixmap.fill(QColor("#1b1d21"))
            painter = QPainter(pixmap)
            painter.setPen(QColor("#5b6069"))
            painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "no picture")
            painter.end()
            self._placeholder = pixmap
        return self._placeholder
