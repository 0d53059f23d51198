"""The take cards in the grid carry a sync badge on the picture when viewers would notice the
sound's offset (more than 45 ms early or 100 ms late, the inspector's thresholds), and none when the
estimate can't tell."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from soundon.jobs.importer import Importer
from soundon.ui.models.roles import TakeRole
from soundon.ui.views.sync_field import BADGE_COLOURS

# take name → the stored estimate (None: "no sharp events: can't tell") and whether viewers notice it
OFFSETS = {"early_46.mp4": (-46, True), "early_45.mp4": (-45, False), "in_sync.mp4": (0, False),
           "late_100.mp4": (100, False), "late_101.mp4": (101, True), "cant_tell.mp4": (None, False)}


def badge_pixels(image, card) -> int:
    """Pixels of the badge's colour in the top right of the card's picture (where the badge goes;
    the translation chips under the picture share the colour)."""
    background = QColor(BADGE_COLOURS[0]).rgb()
    top_right = card.adjusted(card.width() // 2, 8, -8, 8 + 30 - card.height())
    return sum(image.pixel(x, y) == background
               for y in range(top_right.top(), top_right.bottom() + 1)
               for x in range(top_right.left(), top_right.right() + 1))


@pytest.fixture
def window_with_estimates(qtbot, library, media, tmp_path, ui_settings, open_window):
    folder = tmp_path / "Sync batch"
    for number, name in enumerate(OFFSETS):     # lengths apart: the same file twice is imported once
        media.clip(name, folder=folder, duration=1.0 + number * 0.2, size="160x90", fps="25")
    Importer(library).run([folder])
    for take in library.takes():
        offset, _ = OFFSETS[take.rel_path]
        library.save_analysis(take.id, take.batch_target,
                              {"flags": [], "av_offset_ms": offset, "av_confidence": None if offset is None else 0.9})
    window = open_window(library, ui_settings)
    window.scope.select(("Sync batch", None))
    qtbot.waitUntil(lambda: window.model.rowCount() == len(OFFSETS), timeout=5000)
    return window


def test_the_sync_badge_is_on_the_cards_viewers_would_notice(qtbot, window_with_estimates):
    window = window_with_estimates
    grid = window.browser.grid
    assert grid.isVisible()
    grid.clearSelection()
    grid.viewport().repaint()
    qtbot.waitUntil(lambda: not window.model.thumbnails.reading(), timeout=5000)
    grid.viewport().repaint()
    image = grid.viewport().grab().toImage()
    shown = {}
    for row in range(window.model.rowCount()):
        index = window.model.index(row, 0)
        shown[index.data(TakeRole.NAME)] = badge_pixels(image, grid.visualRect(index))
    assert {name: count > 200 for name, count in shown.items()} == \
        {name: noticed for name, (_, noticed) in OFFSETS.items()}, shown
