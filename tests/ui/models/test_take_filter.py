"""Filtering and sorting of the take browser (the proxy model)."""
from PySide6.QtCore import Qt

from soundon.ui.library_bridge import LibraryBridge
from soundon.ui.models.roles import TakeRole
from soundon.ui.models.take_filter import TakeFilterProxy
from soundon.ui.models.take_model import TakeListModel
from tests.ui.conftest import take_named


def proxy_for(library):
    bridge = LibraryBridge(library)
    model = TakeListModel(library, bridge)
    proxy = TakeFilterProxy(model)
    proxy._keep = (bridge, model)
    return proxy


def names(proxy):
    return [proxy.index(r, 0).data(TakeRole.NAME) for r in range(proxy.rowCount())]


def test_default_order_is_by_name(qtbot, imported):
    proxy = proxy_for(imported)
    assert names(proxy) == ["beach_kling_a.mp4", "beach_seedance_a.mp4", "beach_veo_a.mp4", "train_veo_b.mp4"]


def test_sort_by_model_rating_and_duration(qtbot, imported):
    proxy = proxy_for(imported)
    imported.set_rating(take_named(imported, "beach_veo_a.mp4").id, 5)
    imported.set_rating(take_named(imported, "train_veo_b.mp4").id, 2)
    proxy.set_sort("rating", Qt.SortOrder.DescendingOrder)
    assert names(proxy)[:2] == ["beach_veo_a.mp4", "train_veo_b.mp4"]
    proxy.set_sort("duration")
    assert names(proxy) == ["train_veo_b.mp4", "beach_veo_a.mp4", "beach_kling_a.mp4", "beach_seedance_a.mp4"]
    proxy.set_sort("model")
    # Kling < Seedance < Veo; the two Veo takes by name
    assert names(proxy) == ["beach_kling_a.mp4", "beach_seedance_a.mp4", "beach_veo_a.mp4", "train_veo_b.mp4"]
    # A rating change re-sorts at once while sorted by rating.
    proxy.set_sort("rating", Qt.SortOrder.DescendingOrder)
    imported.set_rating(take_named(imported, "beach_kling_a.mp4").id, 3)
    assert names(proxy)[:3] == ["beach_veo_a.mp4", "beach_kling_a.mp4", "train_veo_b.mp4"]


def test_filters(qtbot, imported):
    proxy = proxy_for(imported)
    kling, veo, train = (take_named(imported, n).id for n in ("beach_kling_a.mp4", "beach_veo_a.mp4", "train_veo_b.mp4"))
    imported.set_flag(kling, "pick")
    imported.set_flag(veo, "reject")
    imported.set_rating(kling, 4)
    imported.set_rating(train, 2)
    imported.set_audio_verdict(train, "replace")

    proxy.update_filter(model="Veo 3.1")
    assert names(proxy) == ["beach_veo_a.mp4", "train_veo_b.mp4"]
    proxy.update_filter(model=None, flag="pick")
    assert names(proxy) == ["beach_kling_a.mp4"]
    proxy.update_filter(flag="none")
    assert names(proxy) == ["beach_seedance_a.mp4", "train_veo_b.mp4"]
    proxy.update_filter(flag=None, min_rating=2)
    assert names(proxy) == ["beach_kling_a.mp4", "train_veo_b.mp4"]
    proxy.update_filter(min_rating=3)
    assert names(proxy) == ["beach_kling_a.mp4"]
    proxy.update_filter(min_rating=0, audio_verdict="replace")
    assert names(proxy) == ["train_veo_b.mp4"]
    proxy.update_filter(audio_verdict="undecided")
    assert len(names(proxy)) == 3
    # A decision that no longer matches the filter takes the take out of view at once.
    imported.set_audio_verdict(kling, "keep")
    assert "beach_kling_a.mp4" not in names(proxy)


def test_scope_batch_and_prompt_group(qtbot, imported):
    proxy = proxy_for(imported)
    group = take_named(imported, "beach_veo_a.mp4").prompt_group
    proxy.update_filter(batch="Beach batch", prompt_group=group)
    assert names(proxy) == ["beach_kling_a.mp4", "beach_seedance_a.mp4", "beach_veo_a.mp4"]
    proxy.update_filter(batch="No such batch", prompt_group=None)
    assert names(proxy) == []
    assert proxy.models() == ["Kling 3.0", "Seedance 2.0", "Veo 3.1"]
