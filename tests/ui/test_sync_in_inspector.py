"""The inspector shows the sync estimate, with a badge when viewers would notice the offset."""
from __future__ import annotations

from soundon.jobs.analysis_job import AnalysisJob
from soundon.jobs.importer import Importer
from tests.sync_takes import flash_and_click_take, steady_noise_take


def test_a_late_take_has_a_badge_and_noise_cant_tell(qtbot, library, tmp_path, ui_settings, open_window):
    folder = tmp_path / "Shoot"
    folder.mkdir()
    flash_and_click_take(folder / "late.mp4", 200)
    steady_noise_take(folder / "noise.mp4")
    Importer(library).run([folder], name="Shoot")
    takes = {t.rel_path: t.id for t in library.takes("Shoot")}
    AnalysisJob(library, list(takes.values())).run()
    window = open_window(library, ui_settings)
    sync = window.inspector.sync

    qtbot.waitUntil(lambda: window.select_take(takes["late.mp4"]), timeout=3000)
    qtbot.waitUntil(lambda: sync.badge.isVisible(), timeout=3000)
    assert "ms late" in sync.badge.text() and "noticeable" in sync.estimate.text()

    qtbot.waitUntil(lambda: window.select_take(takes["noise.mp4"]), timeout=3000)
    qtbot.waitUntil(lambda: sync.estimate.text() == "no sharp events: can't tell", timeout=3000)
    assert not sync.badge.isVisible()
