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


def test_apply_the_estimate_sets_the_nudge_and_ctrl_z_takes_it_back(qtbot, library, tmp_path, ui_settings,
                                                                    open_window):
    from PySide6.QtCore import Qt
    folder = tmp_path / "Shoot"
    folder.mkdir()
    flash_and_click_take(folder / "late.mp4", 120)
    Importer(library).run([folder], name="Shoot")
    take_id = library.takes("Shoot")[0].id
    AnalysisJob(library, [take_id]).run()
    estimated = library.take(take_id).av_offset_ms
    window = open_window(library, ui_settings)
    sync = window.inspector.sync
    qtbot.waitUntil(lambda: window.select_take(take_id), timeout=3000)
    qtbot.waitUntil(sync.apply.isEnabled, timeout=3000)

    qtbot.mouseClick(sync.apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: library.take(take_id).nudge_ms == -estimated, timeout=3000)
    qtbot.waitUntil(lambda: sync.nudge.value() == -estimated, timeout=3000)
    assert not sync.apply.isEnabled()          # already applied

    # A number typed in the field, Enter sets it.
    sync.nudge.setFocus()
    sync.nudge.lineEdit().selectAll()
    qtbot.keyClicks(sync.nudge, "-100")
    qtbot.keyClick(sync.nudge, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: library.take(take_id).nudge_ms == -100, timeout=3000)

    window.undo_stack.undo()
    assert library.take(take_id).nudge_ms == -estimated
    window.undo_stack.undo()
    assert library.take(take_id).nudge_ms == 0
    qtbot.waitUntil(lambda: sync.nudge.value() == 0, timeout=3000)

    # A take whose audio is replaced has no nudge to set.
    library.set_audio_verdict(take_id, "replace")
    qtbot.waitUntil(lambda: not sync.nudge.isEnabled(), timeout=3000)


def test_the_translation_report_has_a_dialogue_row_per_environment(qtbot, library, tmp_path, ui_settings,
                                                                   open_window):
    from soundon.core.listening import NOISE_NAMES
    from tests.speech_like import talking_take
    take_id = talking_take(library, tmp_path, 6.0, peak=0.05)
    window = open_window(library, ui_settings)
    qtbot.waitUntil(lambda: window.select_take(take_id), timeout=3000)
    panel = window.inspector.translation
    qtbot.waitUntil(lambda: panel.dialogue["quiet-room"].text().startswith("clear"), timeout=3000)
    assert panel.dialogue["train"].text().startswith("lost")
    assert set(panel.dialogue) == set(NOISE_NAMES)
    assert panel.speech.text().startswith("Speech ") and "at full volume" in panel.speech.text()
    assert ("dialogue_lost_in_noise" in library.take(take_id).analysis_flags) == \
        panel.dialogue["cafe"].text().startswith("lost")


def test_the_inspector_draws_loudness_and_spectrum_from_the_stored_report(qtbot, window):
    from soundon.jobs.analysis_job import AnalysisJob as Job
    take_id = window.current_take_id()
    Job(window.library, [take_id]).run()
    qtbot.waitUntil(lambda: window.inspector.loudness_plot.report is not None, timeout=5000)
    inspector = window.inspector
    assert inspector.loudness_plot.report["short_term_lufs"]
    assert inspector.spectrum_plot.profile == window.listening.setup.profile
    for plot in (inspector.loudness_plot, inspector.spectrum_plot):
        inspector.ensureWidgetVisible(plot)
        image = plot.grab().toImage()
        colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 3)
                   for y in range(0, image.height(), 3)}
        assert len(colours) > 10


def test_a_take_measured_only_by_its_import_says_its_dialogue_and_sync_are_not_measured_yet(qtbot, imported):
    # The panels as the inspector fills them, on the take just imported (before any analysis ran)
    # and on the same take once its analysis has stored the dialogue and the sync.
    from soundon.ui.views.sync_field import SyncField
    from soundon.ui.views.translation_panel import TranslationPanel
    sync, panel = SyncField(), TranslationPanel()
    qtbot.addWidget(sync)
    qtbot.addWidget(panel)
    take = next(t for t in imported.takes() if t.rel_path == "beach_kling_a.mp4")
    assert take.sound_measured_only and take.analysis_flags is not None
    sync.show_take(take)
    panel.show_take(take)
    assert sync.estimate.text() == "not measured yet"
    assert panel.speech.text() == "not measured yet"
    assert panel.measured_on.text().endswith("The dialogue and the sync are still to be measured.")
    AnalysisJob(imported, [take.id]).run()
    analysed = imported.take(take.id)
    sync.show_take(analysed)
    panel.show_take(analysed)
    assert sync.estimate.text() != "not measured yet" and panel.speech.text() != "not measured yet"
