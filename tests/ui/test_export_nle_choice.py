"""The export dialog's choice of NLE files."""
from soundon.ui.controllers.export import ExportDialog


def test_all_four_nle_files_are_chosen_by_default_and_each_can_be_left_out(qtbot, tmp_path):
    from soundon.store.library import Library
    library = Library(tmp_path / "lib.sqlite")
    library.add_batch("B", tmp_path / "b")
    dialog = ExportDialog(library, ["B"], "B")
    qtbot.addWidget(dialog)
    assert dialog.values()["nle"] == ("fcpxml", "xmeml", "edl", "otio")
    dialog.nle.boxes["edl"].setChecked(False)
    dialog.nle.boxes["otio"].click()
    assert dialog.values()["nle"] == ("fcpxml", "xmeml")
    for box in dialog.nle.boxes.values():
        box.setChecked(False)
    assert dialog.values()["nle"] == ()
