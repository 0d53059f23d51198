from soundon.jobs.first_run import prepare_library
from soundon.ui.main_window import MainWindow
from soundon.ui.models.roles import TakeRole
from soundon.ui.models.take_model import COLUMN


def test_empty_library_opens_on_the_demo_batch(qtbot, library, ui_settings):
    prepare_library(library, [])
    window = MainWindow(library, settings=ui_settings)
    qtbot.addWidget(window)
    window.show()
    model = window.model
    assert model.rowCount() == 4
    models = {model.index(r, COLUMN["model"]).data() for r in range(4)}
    assert models == {"Kling 3.0", "Veo 3.1", "Seedance 2.0"}
    assert window.windowTitle() == "Sound-On — Demo — Lighthouse bell"
    # A decision made elsewhere shows up without a manual refresh.
    take_id = model.index(0, 0).data(TakeRole.TAKE_ID)
    library.set_flag(take_id, "pick")
    qtbot.waitUntil(lambda: model.index(0, COLUMN["flag"]).data() == "Pick", timeout=2000)
    # A second start imports nothing more.
    assert prepare_library(library, []) is None
