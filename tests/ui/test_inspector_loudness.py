"""The inspector's loudness line says what the analysis measured, and no more."""
from soundon.ui.views.inspector import Inspector
from tests.takes import a_take


def test_an_analysis_without_a_true_peak_shows_its_loudness_alone(qtbot):
    inspector = Inspector()
    qtbot.addWidget(inspector)
    inspector.show_take(a_take(id=1, rel_path="a.mp4", path="/x/a.mp4", integrated_lufs=-14.04, true_peak_dbtp=None,
                               analysis_flags=(), batch_target="social"))
    assert inspector.fields["loudness"].text() == "-14.0 LUFS"
    inspector.show_take(a_take(id=2, rel_path="b.mp4", path="/x/b.mp4", integrated_lufs=-14.04, true_peak_dbtp=-1.26,
                               analysis_flags=(), batch_target="social"))
    assert inspector.fields["loudness"].text() == "-14.0 LUFS · peak -1.3 dBTP"
