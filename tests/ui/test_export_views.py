"""Ctrl+E as an editor expects it: the pre-flight in the export dialog before anything is written,
then a progress view with a row per file, cancel, and Show in folder at the end."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from soundon.jobs.analysis_job import AnalysisJob, takes_due
from soundon.jobs.export_job import ExportTick
from soundon.jobs.importer import Importer
from soundon.media.destination import PART_SUFFIX
from soundon.ui.controllers.export import ExportDialog, export_job
from soundon.ui.views.export_progress import ExportProgressView


@pytest.fixture
def reviewed(library, media, tmp_path):
    """Four picks, one for each finding: a replace take without a track, a clipped take that won't
    translate, a quiet kept take off the social target, and a take whose file was replaced after
    the import; plus a fine one."""
    folder = tmp_path / "Shoot"
    media.clip("bach_replace.mp4", duration=1, folder=folder)
    media.clip("kling_clipped.mp4", duration=1, folder=folder, audio_filter="volume=30dB")
    media.clip("veo_quiet.mp4", duration=1, folder=folder, audio_filter="volume=-25dB")
    media.clip("seedance_swapped.mp4", duration=1, folder=folder, audio="sine=frequency=550")
    media.clip("wan_fine.mp4", duration=1, folder=folder, audio="sine=frequency=1000", audio_filter="volume=4.5dB")
    Importer(library).run([folder], name="Shoot")
    AnalysisJob(library, takes_due(library)).run()
    takes = {Path(t.rel_path).stem.split("_")[0]: t for t in library.takes("Shoot")}
    for take in takes.values():
        library.set_flag(take.id, "pick")
        library.set_audio_verdict(take.id, "keep")
    library.set_audio_verdict(takes["bach"].id, "replace")
    other = media.clip("other.mp4", duration=1, audio="sine=frequency=1200", folder=tmp_path / "elsewhere")
    Path(takes["seedance"].path).write_bytes(other.read_bytes())
    return takes


def finding_texts(dialog: ExportDialog) -> list[str]:
    return [dialog.findings.item(row).text() for row in range(dialog.findings.count())]


def test_the_dialog_shows_each_pre_flight_finding_before_writing(qtbot, library, reviewed, tmp_path):
    dialog = ExportDialog(library, ["Shoot"], "Shoot")
    qtbot.addWidget(dialog)
    dialog.show()
    destination = tmp_path / "deliver"
    dialog.folder.setText(str(destination))
    texts = finding_texts(dialog)
    assert any("bach_replace.mp4" in t and "no post track" in t for t in texts)
    assert any("kling_clipped.mp4" in t and "won't translate" in t for t in texts)
    assert any("veo_quiet.mp4" in t and "LUFS" in t and "normalise" in t for t in texts)
    assert any("seedance_swapped.mp4" in t and "refused" in t and "changed on disk" in t for t in texts)
    assert not any("wan_fine.mp4" in t for t in texts)
    assert "2 refused" in dialog.findings_summary.text()
    assert not destination.exists()                       # nothing written yet
    # Normalising kept audio answers the off-target finding.
    dialog.normalize_keep.setChecked(True)
    assert not any("veo_quiet.mp4" in t for t in finding_texts(dialog))
    # Export anyway: the refused take is not exported with another take's decisions.
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    job = export_job(library, dialog.values())
    with qtbot.waitSignal(job.finished, timeout=60000) as done:
        job.start()
    result = done.args[0]
    status = {Path(i.source).name: i.status for i in result.items}
    assert status["seedance_swapped.mp4"] == "failed" and status["bach_replace.mp4"] == "failed"
    assert status["wan_fine.mp4"] == "written" and status["veo_quiet.mp4"] == "written"
    assert sorted(p.name for p in destination.glob("*.mp4")) == ["kling_clipped.mp4", "veo_quiet.mp4",
                                                                 "wan_fine.mp4"]
    manifest = json.loads(Path(result.manifest_json).read_text())
    assert {f["name"] for f in manifest["preflight"] if f["refused"]} == {"bach_replace.mp4",
                                                                         "seedance_swapped.mp4"}


@pytest.fixture
def longer_picks(library, media, tmp_path):
    folder = tmp_path / "Long"
    for number in range(3):
        media.clip(f"take_{number}.mp4", duration=6, folder=folder, size="640x360",
                   audio=f"sine=frequency={300 + 100 * number}")
    Importer(library).run([folder], name="Long")
    for take in library.takes("Long"):
        library.set_flag(take.id, "pick")
        library.set_audio_verdict(take.id, "keep")
    return library.takes("Long")


def test_the_progress_view_has_a_row_per_file_and_show_in_folder_at_the_end(qtbot, library, longer_picks, tmp_path):
    destination = tmp_path / "deliver"
    job = export_job(library, {"batch": "Long", "to": destination, "picked": True, "container": "mov",
                               "normalize_keep": True})
    view = ExportProgressView(job, longer_picks, destination)
    qtbot.addWidget(view)
    view.show()
    assert len(view.findChildren(QProgressBar)) == 3
    assert [label.text() for label in view.findChildren(QLabel, "file-name")] == ["take_0.mp4", "take_1.mp4",
                                                                                  "take_2.mp4"]
    show = view.findChild(QPushButton, "show-in-folder")
    assert not show.isVisible()
    with qtbot.waitSignal(job.finished, timeout=60000):
        job.start()
    qtbot.waitUntil(show.isVisible, timeout=3000)
    assert [bar.value() for bar in view.findChildren(QProgressBar)] == [100, 100, 100]
    assert all(s.text().startswith("Written") for s in view.findChildren(QLabel, "file-status"))
    assert view.cancel_button.text() == "Close"


def test_cancel_in_the_progress_view_leaves_nothing_half_written(qtbot, library, longer_picks, tmp_path):
    destination = tmp_path / "deliver"
    job = export_job(library, {"batch": "Long", "to": destination, "picked": True, "container": "mov",
                               "normalize_keep": True})
    view = ExportProgressView(job, longer_picks, destination)
    qtbot.addWidget(view)
    view.show()
    bars = view.findChildren(QProgressBar)

    def cancel_during_the_second(value) -> None:
        second_under_way = isinstance(value, ExportTick) and value.index == 2 and value.file_fraction > 0
        if second_under_way and view.cancel_button.isEnabled():
            qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)

    job.progress.connect(cancel_during_the_second)
    with qtbot.waitSignal(job.finished, timeout=60000) as done:
        job.start()
    result = done.args[0]
    assert result.cancelled
    assert [i.status for i in result.items] == ["written", "cancelled", "cancelled"]
    assert sorted(p.name for p in destination.glob("*.mov")) == ["take_0.mov"]
    assert not [p.name for p in destination.iterdir() if p.name.endswith(PART_SUFFIX)]
    statuses = [s.text() for s in view.findChildren(QLabel, "file-status")]
    assert statuses[0].startswith("Written") and statuses[1].startswith("Stopped") and statuses[2].startswith("Stopped")
    assert bars[0].value() == 100
    qtbot.waitUntil(view.findChild(QPushButton, "show-in-folder").isVisible, timeout=3000)


def test_the_progress_view_says_which_nle_files_were_not_written_and_why(qtbot, library, media, tmp_path):
    """Picks at 24 and 30 fps, all four NLE files asked for: the end of the export says, in the
    view itself, that the one-rate files were not written and why (not only in the status bar)."""
    folder = tmp_path / "Mixed"
    media.clip("kling_24.mp4", duration=1, folder=folder, fps="24")
    media.clip("veo_30.mp4", duration=1, folder=folder, fps="30")
    Importer(library).run([folder], name="Mixed")
    for take in library.takes("Mixed"):
        library.set_flag(take.id, "pick")
        library.set_audio_verdict(take.id, "keep")
    destination = tmp_path / "deliver"
    job = export_job(library, {"batch": "Mixed", "to": destination, "picked": True, "container": "mov",
                               "nle": ("fcpxml", "xmeml", "edl", "otio")})
    view = ExportProgressView(job, library.takes("Mixed"), destination)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(job.finished, timeout=60000) as done:
        job.start()
    nle = done.args[0].nle
    assert nle.refused, "mixed frame rates refuse the one-rate formats"
    text = view.summary.text()
    for name, why in nle.refused.items():
        assert f"No {name} file: {why}" in text
    assert all(note in text for note in nle.notes)
    assert view.summary.wordWrap()
