"""Prompt craft in the app: the inspector's check of the take's prompt, each prompt group's score in
the batch tree, Model Statistics, Copy an Improved Prompt, and Compare's prompt difference."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from soundon.core.model_stats import pick_statistics
from soundon.core.prompt_check import check_prompt, improved_prompt
from soundon.ui.models.roles import TreeRole
from soundon.ui.views.model_stats_view import ModelStatsView
from tests.takes import a_take
from tests.ui.conftest import take_named

LIBRARY_PROMPT = "A quiet library beside loud construction, a student reads."
PLAIN = "A woman walks through a market at dusk."
SOUNDED = PLAIN + " Sound: vendors calling, coins clinking, then a scooter passes."
TAKES = [
    ("library_kling.mp4", "Kling 3.0", LIBRARY_PROMPT, 1.0, "sine=frequency=440:sample_rate=48000"),
    ("market_veo.mp4", "Veo 3.1", PLAIN, 1.0, "sine=frequency=550:sample_rate=48000"),
    ("market_seedance.mp4", "Seedance 2.0", SOUNDED, 1.0, "sine=frequency=660:sample_rate=48000"),
]


def _select(qtbot, window, name: str) -> None:
    take = take_named(window.library, name)
    view = window.browser.view
    for row in range(window.model.rowCount()):
        index = window.model.index(row, 0)
        if window.model.take_ids()[row] == take.id:
            view.setCurrentIndex(index)
            break
    qtbot.waitUntil(lambda: window.current_take_id() == take.id, timeout=3000)


@pytest.mark.parametrize("batch_folder", [TAKES], indirect=True)
def test_the_inspector_shows_the_check_with_its_words_highlighted(qtbot, window):
    _select(qtbot, window, "library_kling.mp4")
    panel = window.inspector.prompt_check
    check = check_prompt(LIBRARY_PROMPT, 1.0)
    qtbot.waitUntil(lambda: panel.score.text() == f"Audio direction: {check.score}/100", timeout=3000)
    assert "environment detail" in panel.score.toolTip()
    assert {"quiet", "loud"} <= set(panel.highlighted_words())
    texts = [panel.findings.item(r).text() for r in range(panel.findings.count())]
    assert any(t.startswith("Contradictions: 'quiet' and 'loud'") and "muffled in the distance" in t for t in texts)
    assert "(guidance of" in panel.advice.text()

    window.prompt_craft.copy_prompt_action.trigger()
    assert QGuiApplication.clipboard().text() == improved_prompt(check)
    assert "muffled in the distance" in QGuiApplication.clipboard().text()


@pytest.mark.parametrize("batch_folder", [TAKES], indirect=True)
def test_the_batch_tree_shows_each_prompt_groups_score(qtbot, window):
    tree = window.tree_model
    batch = tree.index(1, 0)
    groups = {tree.index(r, 0, batch).data(): tree.index(r, 0, batch) for r in range(tree.rowCount(batch))}
    # The two market prompts differ only in their audio wording: one group of two variations.
    assert len(groups) == 2
    market = next(index for label, index in groups.items() if label.endswith("(2)"))
    library = next(index for label, index in groups.items() if label.endswith("(1)"))
    # worked out in the background, then filled in
    qtbot.waitUntil(lambda: None not in (market.data(TreeRole.PROMPT_SCORE), library.data(TreeRole.PROMPT_SCORE)),
                    timeout=5000)
    best = max(check_prompt(PLAIN, 1.0).score, check_prompt(SOUNDED, 1.0).score)
    assert market.data(TreeRole.PROMPT_SCORE) == best
    assert f"Audio direction {best}/100" in market.data(Qt.ItemDataRole.ToolTipRole)
    assert library.data(TreeRole.PROMPT_SCORE) == check_prompt(LIBRARY_PROMPT, 1.0).score


@pytest.mark.parametrize("batch_folder", [TAKES], indirect=True)
def test_model_statistics_opens_from_the_menu_and_follows_the_picks(qtbot, window):
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.prompt_craft.stats_action in view_menu.actions()
    window.prompt_craft.stats_action.trigger()
    view = window.prompt_craft.view
    qtbot.waitUntil(view.isVisible, timeout=3000)
    assert view.source.text().startswith("Showing the static guidance")
    view.show_need("all")
    assert view.table.rowCount() == 3
    seedance = take_named(window.library, "market_seedance.mp4")
    window.library.set_flag(seedance.id, "pick")
    window.library.set_rating(seedance.id, 4)
    row = next(r for r in range(view.table.rowCount()) if view.cell(r, "Model") == "Seedance 2.0")
    # counted again in the background a moment after the decisions
    qtbot.waitUntil(lambda: view.cell(row, "Picked") == "1" and view.cell(row, "Avg rating") == "4.0", timeout=8000)
    assert view.cell(row, "Avg rating") == "4.0" and view.cell(row, "Pick rate") == "100%"
    assert view.chart.rows[row] == ("Seedance 2.0", 1.0)
    view.close()


def test_the_view_says_when_the_librarys_own_figures_lead(qtbot):
    prompt = 'A detective whispers slowly, in a hoarse voice: "We are not alone." Rain patters on the window.'
    takes = ([a_take(model="Veo 3.1", prompt=prompt, duration=8.0, flag="pick") for _ in range(6)]
             + [a_take(model="Kling 3.0", prompt=prompt, duration=8.0, flag="reject") for _ in range(4)])
    view = ModelStatsView(pick_statistics(takes))
    qtbot.addWidget(view)
    view.show_need("dialogue")
    assert view.source.text().startswith("Showing this library's own figures: Veo 3.1 leads dialogue-led prompts")
    assert [view.cell(r, "Model") for r in range(view.table.rowCount())] == ["Kling 3.0", "Veo 3.1"]
    assert view.cell(1, "Pick rate") == "100%" and view.cell(0, "Pick rate") == "0%"


@pytest.mark.parametrize("batch_folder", [TAKES], indirect=True)
def test_compare_shows_the_prompt_difference_of_a_variation(qtbot, window):
    _select(qtbot, window, "market_veo.mp4")
    window.browser.grid.setFocus()
    qtbot.keyClick(window.browser.grid, Qt.Key.Key_C)
    assert window.in_compare()
    bar = window.compare.prompt_diff
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    first = window.compare.takes()[0].prompt
    added = "+ Sound vendors calling coins clinking then a scooter passes"
    assert (added if first == PLAIN else added.replace("+", "−")) in bar.toolTip()
    cell = window.compare.cells[0]
    qtbot.waitUntil(lambda: cell.mapTo(window.compare, cell.rect().topLeft()).y() > bar.geometry().bottom(),
                    timeout=3000)   # the difference sits above the takes
