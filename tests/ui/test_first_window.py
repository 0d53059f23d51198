from soundon.jobs.first_run import prepare_library
from soundon.ui.app import MainWindow
from soundon.ui.take_table import TAKE_ID_ROLE


def test_empty_library_opens_on_the_demo_batch(qtbot, library):
    prepare_library(library, [])
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    model = window.model
    assert model.rowCount() == 4
    models = {model.index(r, 2).data() for r in range(4)}
    assert models == {"Kling 3.0", "Veo 3.1", "Seedance 2.0"}
    assert window.windowTitle() == "Sound-On — Demo — Lighthouse bell"
    # A decision made elsewhere shows up without a manual refresh.
    take_id = model.index(0, 0).data(TAKE_ID_ROLE)
    library.set_flag(take_id, "pick")
    assert model.index(0, 4).data() == "pick"
    # A second start imports nothing more.
    assert prepare_library(library, []) is None
