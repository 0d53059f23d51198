"""The take model over a real library: rows, columns, roles, and following the library's changes."""
from PySide6.QtCore import Qt

from soundon.ui.library_bridge import LibraryBridge
from soundon.ui.models.roles import TakeRole
from soundon.ui.models.take_model import COLUMN, COLUMNS, TakeListModel
from tests.ui.conftest import TAKES, take_named


def make_model(library):
    bridge = LibraryBridge(library)
    return TakeListModel(library, bridge), bridge


def row_named(model, name):
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data(TakeRole.NAME) == name)


def test_rows_columns_and_display(qtbot, imported):
    model, _bridge = make_model(imported)
    assert model.rowCount() == len(TAKES)
    assert model.columnCount() == len(COLUMNS)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:6] == ["Take", "Model", "Duration", "Flag", "Rating", "Audio"]
    row = row_named(model, "beach_seedance_a.mp4")
    assert model.index(row, COLUMN["model"]).data() == "Seedance 2.0"
    assert model.index(row, COLUMN["duration"]).data() == "2.5 s"
    assert model.index(row, COLUMN["format"]).data() == "160×90 · 25 fps"
    assert model.index(row, COLUMN["flag"]).data() == ""
    # The import's verdict, from the take's sound (a 220 Hz sine at −18 dBFS), before any analysis ran.
    assert model.index(row, COLUMN["analysis"]).data() == "bass-dependent, too quiet"


def test_custom_roles(qtbot, imported):
    model, _bridge = make_model(imported)
    take = take_named(imported, "beach_veo_a.mp4")
    index = model.index(row_named(model, "beach_veo_a.mp4"), 0)
    assert index.data(TakeRole.TAKE_ID) == take.id
    assert index.data(TakeRole.PATH) == take.path
    assert index.data(TakeRole.MODEL) == "Veo 3.1"
    assert abs(index.data(TakeRole.DURATION) - 1.5) < 0.05
    assert index.data(TakeRole.FLAG) == "none"
    assert index.data(TakeRole.RATING) == 0
    assert index.data(TakeRole.AUDIO_VERDICT) == "undecided"
    assert index.data(TakeRole.PROMPT_GROUP) == take.prompt_group != ""
    assert index.data(TakeRole.BATCH) == "Beach batch"
    assert index.data(TakeRole.FPS) == 25.0
    assert index.data(TakeRole.WAVEFORM_PATH).endswith(".peaks.npy")
    assert index.data(TakeRole.HAS_AUDIO) is True
    assert index.data(TakeRole.TAKE).id == take.id


def test_a_decision_refreshes_only_its_row(qtbot, imported):
    model, _bridge = make_model(imported)
    take = take_named(imported, "beach_kling_a.mp4")
    row = model.row_of(take.id)
    with qtbot.waitSignal(model.dataChanged) as changed:
        imported.set_rating(take.id, 4)
    assert changed.args[0].row() == changed.args[1].row() == row
    assert model.index(row, COLUMN["rating"]).data() == "★★★★"
    imported.set_flag(take.id, "reject")
    assert model.index(row, COLUMN["flag"]).data() == "Reject"
    imported.set_audio_verdict(take.id, "replace")
    assert model.index(row, COLUMN["audio_verdict"]).data() == "Replace"
    imported.save_analysis(take.id, "social", {"integrated_lufs": -20.0, "flags": ["mono_incompatible"]})
    assert model.index(row, COLUMN["analysis"]).data() == "mono problem"
    assert model.index(row, 0).data(TakeRole.ANALYSIS_FLAGS) == ("mono_incompatible",)


def test_new_takes_are_appended_from_another_thread(qtbot, imported, media, tmp_path):
    import threading

    from soundon.jobs.importer import Importer
    from soundon.store.library import Library

    model, bridge = make_model(imported)
    more = tmp_path / "More"
    media.clip("extra_bach.mp4", folder=more, duration=1.0, size="160x90", audio="sine=frequency=300")
    writer = Library(imported.path)
    bridge.listen_to(writer)  # as the import job does: its own connection, its own thread
    thread = threading.Thread(target=lambda: Importer(writer).run([more]))
    thread.start()
    # The new batch is made with its first take: the model may take both in one reload (the batch's
    # change) rather than as an appended row, so what is waited for is the row itself.
    qtbot.waitUntil(lambda: model.rowCount() == len(TAKES) + 1, timeout=10000)
    thread.join()
    assert model.index(row_named(model, "extra_bach.mp4"), 0).data(TakeRole.MODEL) == "Bach"
    bridge.forget(writer)
    writer.close()


def test_thumbnails_load_lazily_in_the_background_and_are_cached(qtbot, imported):
    model, _bridge = make_model(imported)
    assert model.thumbnails.reads == 0  # nothing read by opening the model
    waiting = model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert waiting.cacheKey() == model.thumbnails.loading().cacheKey()   # not read on the GUI thread
    with qtbot.waitSignal(model.dataChanged, timeout=5000) as drawn:
        pass
    assert drawn.args[0].row() == 0 and Qt.ItemDataRole.DecorationRole in drawn.args[2]
    pixmap = model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert pixmap.cacheKey() != waiting.cacheKey() and pixmap.width() > 0
    image = pixmap.toImage()
    assert len({image.pixel(x, image.height() // 2) for x in range(0, image.width(), 8)}) > 3   # a picture
    assert model.thumbnails.reads == 1
    model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert model.thumbnails.reads == 1  # second time from the cache


def test_rows_are_read_a_page_at_a_time(qtbot, imported, monkeypatch):
    model, _bridge = make_model(imported)
    asked = []
    real = imported.takes_by_ids
    monkeypatch.setattr(imported, "takes_by_ids", lambda ids: asked.append(list(ids)) or real(ids))
    for row in range(model.rowCount()):
        model.index(row, 0).data(TakeRole.NAME)
    assert len(asked) == 1 and sorted(asked[0]) == sorted(model.take_ids())   # one read for the screenful
