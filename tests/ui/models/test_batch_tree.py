"""The batch / prompt-group tree."""
from soundon.ui.library_bridge import LibraryBridge
from soundon.ui.models.batch_tree import ALL_TAKES, BatchTreeModel, prompt_label
from soundon.ui.models.roles import TreeRole
from soundon.ui.models.take_model import TakeListModel
from tests.ui.conftest import OTHER_PROMPT, PROMPT, take_named


def test_tree_lists_batches_and_prompt_groups(qtbot, imported):
    bridge = LibraryBridge(imported)
    takes = TakeListModel(imported, bridge)
    tree = BatchTreeModel(imported, takes)
    assert tree.rowCount() == 2
    assert tree.index(0, 0).data() == "All takes (4)"
    assert tree.index(0, 0).data(TreeRole.SCOPE) == ALL_TAKES
    batch = tree.index(1, 0)
    assert batch.data() == "Beach batch (4)"
    assert batch.data(TreeRole.SCOPE) == ("Beach batch", None)
    groups = {tree.index(r, 0, batch).data(): tree.index(r, 0, batch).data(TreeRole.SCOPE)
              for r in range(tree.rowCount(batch))}
    beach_group = take_named(imported, "beach_kling_a.mp4").prompt_group
    assert groups == {
        f"{prompt_label(PROMPT)} (3)": ("Beach batch", beach_group),
        f"{prompt_label(OTHER_PROMPT)} (1)": ("Beach batch", take_named(imported, "train_veo_b.mp4").prompt_group),
    }
    found = tree.index_of(("Beach batch", beach_group))
    assert found.data(TreeRole.SCOPE) == ("Beach batch", beach_group)
    assert prompt_label("x " * 60).endswith("…")


def test_an_import_into_an_empty_library_shows_the_new_batch(qtbot, library, batch_folder, ui_settings, open_window):
    window = open_window(library, ui_settings)
    assert window.windowTitle() == "Sound-On — All batches"
    with qtbot.waitSignal(window.importer.finished, timeout=30000):
        window.import_paths([batch_folder])
    qtbot.waitUntil(lambda: window.tree.currentIndex().data(TreeRole.SCOPE) == ("Beach batch", None),
                    timeout=3000)   # the tree is rebuilt a moment after the import
    assert window.model.take_filter.batch == "Beach batch"
    assert window.windowTitle() == "Sound-On — Beach batch"
    assert window.current_take_id() == window.model.take_ids()[0]
    window.close()
