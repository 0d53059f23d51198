"""The list view (Ctrl+G) draws every take's thumbnail in one fixed column, inside its own row:
wide, portrait and square takes alike."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from soundon.jobs.importer import Importer


def picture_pixels(image, rect) -> list[tuple[int, int]]:
    """Pixels of the test picture (testsrc2's saturated colours), not the list's greys and blues."""
    found = []
    for y in range(rect.top(), rect.bottom() + 1):
        for x in range(rect.left(), rect.right() + 1):
            colour = QColor(image.pixel(x, y))
            if colour.hsvSaturationF() > 0.7 and colour.valueF() > 0.5:
                found.append((x, y))
    return found


def test_list_thumbnails_keep_to_a_fixed_column_and_their_row(qtbot, window, media, tmp_path):
    folder = tmp_path / "Shapes"
    for name, size in (("portrait.mp4", "90x160"), ("square.mp4", "120x120"), ("wide.mp4", "320x90")):
        media.clip(name, folder=folder, duration=1.0, size=size, fps="25")
    Importer(window.library).run([folder])
    window.tree_model.rebuild()
    window.scope.select(("Shapes", None))
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=5000)
    qtbot.keyClick(window.browser.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    table = window.browser.table
    qtbot.waitUntil(table.isVisible, timeout=2000)
    table.clearSelection()   # the selection's blue stays out of the picture test
    table.viewport().repaint()   # asks for the posters; they are read in the background
    qtbot.waitUntil(lambda: not window.model.thumbnails.reading(), timeout=5000)
    table.viewport().repaint()
    image = table.viewport().grab().toImage()
    column = table.iconSize().width()
    centres = []
    for row in range(3):
        rect = table.visualRect(window.model.index(row, 0))
        inside = picture_pixels(image, rect)
        assert inside, f"row {row} shows no thumbnail"
        xs = [x for x, _ in inside]
        assert max(xs) - min(xs) + 1 <= column, f"row {row}'s thumbnail is wider than the thumbnail column"
        centres.append((max(xs) + min(xs)) / 2)
        # The boundary lines with the next row carry no picture (a thumbnail taller than its row crosses them).
        if row < 2:
            boundary = rect.adjusted(0, rect.height() - 2, 0, 2)
            assert not picture_pixels(image, boundary), f"row {row}'s thumbnail spills into the next row"
    assert max(centres) - min(centres) <= 1, centres   # one column: every thumbnail centred in it
