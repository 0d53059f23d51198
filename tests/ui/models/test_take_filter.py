"""Filtering and sorting of the take browser (the model lists what the library's query returns)."""
from PySide6.QtCore import Qt

from soundon.ui.library_bridge import LibraryBridge
from soundon.ui.models.roles import TakeRole
from soundon.ui.models.take_model import TakeListModel
from tests.ui.conftest import take_named


def listing_for(library):
    bridge = LibraryBridge(library)
    model = TakeListModel(library, bridge)
    model._keep = bridge
    return model


def names(takes):
    return [takes.index(r, 0).data(TakeRole.NAME) for r in range(takes.rowCount())]


def test_default_order_is_by_name(qtbot, imported):
    takes = listing_for(imported)
    assert names(takes) == ["beach_kling_a.mp4", "beach_seedance_a.mp4", "beach_veo_a.mp4", "train_veo_b.mp4"]


def test_sort_by_model_rating_and_duration(qtbot, imported):
    takes = listing_for(imported)
    imported.set_rating(take_named(imported, "beach_veo_a.mp4").id, 5)
    imported.set_rating(take_named(imported, "train_veo_b.mp4").id, 2)
    takes.set_sort("rating", Qt.SortOrder.DescendingOrder)
    assert names(takes)[:2] == ["beach_veo_a.mp4", "train_veo_b.mp4"]
    takes.set_sort("duration")
    assert names(takes) == ["train_veo_b.mp4", "beach_veo_a.mp4", "beach_kling_a.mp4", "beach_seedance_a.mp4"]
    takes.set_sort("model")
    # Kling < Seedance < Veo; the two Veo takes by name
    assert names(takes) == ["beach_kling_a.mp4", "beach_seedance_a.mp4", "beach_veo_a.mp4", "train_veo_b.mp4"]
    # A rating change re-sorts at once while sorted by rating.
    takes.set_sort("rating", Qt.SortOrder.DescendingOrder)
    imported.set_rating(take_named(imported, "beach_kling_a.mp4").id, 3)
    assert names(takes)[:3] == ["beach_veo_a.mp4", "beach_kling_a.mp4", "train_veo_b.mp4"]


def test_filters(qtbot, imported):
    takes = listing_for(imported)
    kling, veo, train = (take_named(imported, n).id for n in ("beach_kling_a.mp4", "beach_veo_a.mp4", "train_veo_b.mp4"))
    imported.set_flag(kling, "pick")
    imported.set_flag(veo, "reject")
    imported.set_rating(kling, 4)
    imported.set_rating(train, 2)
    imported.set_audio_verdict(train, "replace")

    takes.update_filter(model="Veo 3.1")
    assert names(takes) == ["beach_veo_a.mp4", "train_veo_b.mp4"]
    takes.update_filter(model=None, flag="pick")
    assert names(takes) == ["beach_kling_a.mp4"]
    takes.update_filter(flag="none")
    assert names(takes) == ["beach_seedance_a.mp4", "train_veo_b.mp4"]
    takes.update_filter(flag=None, min_rating=2)
    assert names(takes) == ["beach_kling_a.mp4", "train_veo_b.mp4"]
    takes.update_filter(min_rating=3)
    assert names(takes) == ["beach_kling_a.mp4"]
    takes.update_filter(min_rating=0, audio_verdict="replace")
    assert names(takes) == ["train_veo_b.mp4"]
    takes.update_filter(audio_verdict="undecided")
    assert len(names(takes)) == 3
    # A decision that no longer matches the filter takes the take out of view at once.
    imported.set_audio_verdict(kling, "keep")
    assert "beach_kling_a.mp4" not in names(takes)


def test_scope_batch_and_prompt_group(qtbot, imported):
    takes = listing_for(imported)
    group = take_named(imported, "beach_veo_a.mp4").prompt_group
    takes.update_filter(batch="Beach batch", prompt_group=group)
    assert names(takes) == ["beach_kling_a.mp4", "beach_seedance_a.mp4", "beach_veo_a.mp4"]
    takes.update_filter(batch="No such batch", prompt_group=None)
    assert names(takes) == []
    assert takes.models() == ["Kling 3.0", "Seedance 2.0", "Veo 3.1"]


def test_a_take_filtered_out_leaves_the_selection_of_the_others(qtbot, imported):
    from PySide6.QtCore import QItemSelectionModel
    takes = listing_for(imported)
    selection = QItemSelectionModel(takes)
    train = take_named(imported, "train_veo_b.mp4").id
    selection.setCurrentIndex(takes.index(takes.row_of(train), 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    takes.update_filter(model="Veo 3.1")
    assert selection.currentIndex().data(TakeRole.TAKE_ID) == train   # still current, in its new row
    takes.update_filter(model=None, flag="pick")
    assert not selection.currentIndex().isValid()                     # gone with its row
    assert names(takes) == []


def test_search_combines_with_the_filters(qtbot, imported):
    takes = listing_for(imported)
    takes.update_filter(search="veo")
    assert sorted(names(takes)) == ["beach_veo_a.mp4", "train_veo_b.mp4"]
    takes.update_filter(prompt_group=take_named(imported, "beach_veo_a.mp4").prompt_group)
    assert names(takes) == ["beach_veo_a.mp4"]
    takes.update_filter(search="")
    assert len(names(takes)) == 3
