"""Review › Set Model… and Set Prompt Group…: a webm take without a sidecar joins its prompt group,
so Compare shows it with the others; both are stored in the library and Ctrl+Z takes them back."""
from __future__ import annotations

from PySide6.QtCore import Qt

from soundon.jobs.importer import Importer
from tests.ui.conftest import PROMPT, take_named
from tests.ui.dialogs import answer_dialogs, back_to_window, choose_from_menu_bar

CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_take_without_a_sidecar_joins_its_prompt_group(qtbot, window, media, batch_folder):
    media.clip("beach_wan.webm", folder=batch_folder, duration=1.2, size="160x90", video_codec="vp9")
    Importer(window.library).run([batch_folder])
    loose = take_named(window.library, "beach_wan.webm")
    assert loose.prompt == "" and loose.model == ""
    group = take_named(window.library, "beach_kling_a.mp4").prompt_group
    qtbot.waitUntil(lambda: window.select_take(loose.id), timeout=3000)

    seen = []
    answer_dialogs(qtbot, seen, {"text": PROMPT})
    choose_from_menu_bar(qtbot, window, "Review", "Set Prompt Group…")
    qtbot.waitUntil(lambda: window.library.take(loose.id).prompt_group == group, timeout=3000)
    assert window.library.take(loose.id).prompt == PROMPT
    answer_dialogs(qtbot, seen, {"text": "Wan 2.2"})
    choose_from_menu_bar(qtbot, window, "Review", "Set Model…")
    qtbot.waitUntil(lambda: window.library.take(loose.id).model == "Wan 2.2", timeout=3000)
    assert window.inspector.fields["model"].text() == "Wan 2.2"

    # Compare now shows it beside the other takes of that prompt.
    back_to_window(qtbot, window)
    qtbot.keyClick(window.browser.view, Qt.Key.Key_C)
    qtbot.waitUntil(window.in_compare, timeout=5000)
    compared = sorted(t.rel_path for t in window.compare.takes())
    assert compared == ["beach_kling_a.mp4", "beach_seedance_a.mp4", "beach_veo_a.mp4", "beach_wan.webm"]
    qtbot.keyClick(window.compare, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.in_compare(), timeout=3000)

    # Ctrl+Z takes the model back, then the prompt group.
    back_to_window(qtbot, window)
    qtbot.keyClick(window.browser.view, Qt.Key.Key_Z, CTRL)
    assert window.library.take(loose.id).model == ""
    qtbot.keyClick(window.browser.view, Qt.Key.Key_Z, CTRL)
    assert (window.library.take(loose.id).prompt, window.library.take(loose.id).prompt_group) == ("", "")
    qtbot.keyClick(window.browser.view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.library.take(loose.id).prompt_group == group
    # The batch tree regroups: the prompt's group counts the webm take.
    qtbot.waitUntil(lambda: window.tree_model.index_of(("Beach batch", group)).data().endswith("(4)"), timeout=3000)


def test_the_model_of_several_selected_takes_is_one_undo_step(qtbot, window):
    window.browser.grid.selectAll()
    ids = window.view.target_ids()
    assert len(ids) == 4
    before = {i: window.library.take(i).model for i in ids}
    answer_dialogs(qtbot, [], {"text": "Kling 3.0 Pro"})
    choose_from_menu_bar(qtbot, window, "Review", "Set Model…")
    qtbot.waitUntil(lambda: all(window.library.take(i).model == "Kling 3.0 Pro" for i in ids), timeout=3000)
    assert window.browser.model_filter.findData("Kling 3.0 Pro") > 0   # the model filter offers it
    back_to_window(qtbot, window)
    with qtbot.waitSignal(window.tree_model.rebuilt, timeout=3000):   # the tree follows (models filter)
        qtbot.keyClick(window.browser.view, Qt.Key.Key_Z, CTRL)
    assert {i: window.library.take(i).model for i in ids} == before
    assert window.browser.model_filter.findData("Kling 3.0 Pro") == -1
