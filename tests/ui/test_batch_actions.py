"""Rename Batch and Remove Batch, from the batch tree's context menu and the File menu."""
from __future__ import annotations

from soundon.jobs.importer import Importer
from tests.ui.dialogs import answer_dialogs, choose_from_menu_bar, click_menu_entry, context_menu


def tree_texts(window) -> list[str]:
    model = window.tree_model
    texts = []
    for row in range(model.rowCount()):
        item = model.item(row)
        texts.append(item.text())
    return texts


def batch_index(window, name: str):
    return window.tree_model.index_of((name, None))


def test_rename_a_batch_from_its_context_menu(qtbot, window):
    seen = []
    menu = context_menu(qtbot, window.tree, batch_index(window, "Beach batch"))
    answer_dialogs(qtbot, seen, {"text": "Harbour day"})
    click_menu_entry(qtbot, menu, "Rename Batch…")
    qtbot.waitUntil(lambda: [b["name"] for b in window.library.batches()] == ["Harbour day"], timeout=3000)
    assert seen[0][0] == "QInputDialog"
    qtbot.waitUntil(lambda: "Harbour day (4)" in tree_texts(window), timeout=3000)
    assert window.windowTitle() == "Sound-On — Harbour day"
    assert window.model.rowCount() == 4


def test_a_rename_to_an_empty_or_a_taken_name_is_refused(qtbot, window, media, tmp_path):
    media.clip("night_kling.mp4", folder=tmp_path / "Night", duration=1.0, size="160x90")
    Importer(window.library).run([tmp_path / "Night"])
    window.tree_model.rebuild()
    window.scope.select(("Beach batch", None))
    for typed, message in (("", "needs a name"), ("Night", "already a batch named 'Night'")):
        seen = []
        answer_dialogs(qtbot, seen, {"text": typed}, {"button": "OK"})   # then the refusal, which says why
        choose_from_menu_bar(qtbot, window, "File", "Rename Batch…")
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
        assert seen[1][0] == "QMessageBox" and message in seen[1][1]
        assert sorted(b["name"] for b in window.library.batches()) == ["Beach batch", "Night"]


def test_remove_a_batch_asks_first_and_leaves_its_files(qtbot, window, batch_folder):
    files = sorted(p.name for p in batch_folder.iterdir())
    seen = []
    menu = context_menu(qtbot, window.tree, batch_index(window, "Beach batch"))
    answer_dialogs(qtbot, seen, {"button": "Cancel"})
    click_menu_entry(qtbot, menu, "Remove Batch…")
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=3000)
    assert "Remove the batch 'Beach batch'" in seen[0][1]
    assert [b["name"] for b in window.library.batches()] == ["Beach batch"]

    answer_dialogs(qtbot, seen, {"button": "Remove Batch"})
    choose_from_menu_bar(qtbot, window, "File", "Remove Batch…")
    qtbot.waitUntil(lambda: window.library.batches() == [], timeout=3000)
    assert window.library.takes() == []
    assert sorted(p.name for p in batch_folder.iterdir()) == files
    qtbot.waitUntil(lambda: tree_texts(window) == ["All takes (0)"], timeout=3000)
    assert window.model.rowCount() == 0
    # The folder can be opened again: its takes come back, undecided.
    with qtbot.waitSignal(window.importer.finished, timeout=30000):
        window.import_paths([batch_folder])
    qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=3000)
