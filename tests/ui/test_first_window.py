from soundon.jobs.first_run import demo_batch, demo_batch_name
from soundon.jobs.importer import Importer
from soundon.ui.models.roles import TakeRole
from soundon.ui.models.take_model import COLUMN


def test_empty_library_opens_on_the_demo_batch(qtbot, library, ui_settings, open_window):
    # What the app's importer runs on an empty library.
    assert len(Importer(library).run(demo_batch(library), name=demo_batch_name()).added) == 4
    window = open_window(library, ui_settings)
    model = window.model
    assert model.rowCount() == 4
    models = {model.index(r, COLUMN["model"]).data() for r in range(4)}
    assert models == {"Kling 3.0", "Veo 3.1", "Seedance 2.0"}
    assert window.windowTitle() == "Sound-On — Demo — Lighthouse bell"
    # A decision made elsewhere shows up without a manual refresh.
    take_id = model.index(0, 0).data(TakeRole.TAKE_ID)
    library.set_flag(take_id, "pick")
    qtbot.waitUntil(lambda: model.index(0, COLUMN["flag"]).data() == "Pick", timeout=2000)
    # The demo is generated once; importing it again adds nothing.
    assert Importer(library).run(demo_batch(library), name=demo_batch_name()).added == []
