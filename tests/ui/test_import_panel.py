"""The import panel lists what the latest import refused, never the earlier imports' rows under the
new summary."""
from __future__ import annotations


def import_and_wait(qtbot, window, folder) -> None:
    with qtbot.waitSignal(window.importer.finished, timeout=30000):
        assert window.import_paths([folder])


def test_a_new_import_starts_with_an_empty_panel(qtbot, window, media, tmp_path):
    first = tmp_path / "First"
    media.clip("good_one.mp4", folder=first, duration=0.5, size="64x36")
    (first / "broken_one.mp4").write_bytes(b"not a video at all")
    import_and_wait(qtbot, window, first)
    assert [row[0] for row in window.import_panel.rows()] == ["broken_one.mp4"]
    assert window.import_dock.isVisible()

    second = tmp_path / "Second"
    media.clip("good_two.mp4", folder=second, duration=0.6, size="64x36")
    (second / "broken_two.mp4").write_bytes(b"nor is this")
    import_and_wait(qtbot, window, second)
    assert [row[0] for row in window.import_panel.rows()] == ["broken_two.mp4"]
    assert window.import_panel.summary.text().startswith("Second: 1 added")

    third = tmp_path / "Third"
    media.clip("good_three.mp4", folder=third, duration=0.7, size="64x36")
    import_and_wait(qtbot, window, third)
    assert window.import_panel.rows() == []
