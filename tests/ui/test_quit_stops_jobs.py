"""Quitting stops the work running in the background: the export, the import and the analysis are
cancelled, quit waits a bounded time for them, and nothing half-written is left behind."""
from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from soundon.jobs.analysis_job import takes_due
from soundon.jobs.importer import Importer
from soundon.media import tools
from soundon.media.destination import PART_SUFFIX
from soundon.media.synth import ClipSpec, make_clip
from soundon.ui.controllers.export import ExportDialog


def remuxed_takes(folder: Path, count: int, duration: float) -> Path:
    """`count` distinct takes of one encode (stream-copied with a different tag each)."""
    folder.mkdir(parents=True)
    base = folder.parent / f"{folder.name}-base.mp4"
    make_clip(base, ClipSpec(duration=duration, size="64x36", fps="25", audio="sine=frequency=500:sample_rate=48000"))

    def remux(n: int) -> None:
        subprocess.run([tools.ffmpeg().path, "-v", "error", "-y", "-i", str(base), "-c", "copy",
                        "-metadata", f"comment=take {n}", str(folder / f"take_{n:03d}_veo.mp4")],
                       check=True, capture_output=True)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(remux, range(count)))
    return folder


def export_everything_to(destination: Path) -> None:
    """Answers the Export Picks dialog when it opens: every take that isn't rejected, to `destination`."""
    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, ExportDialog):
        dialog.folder.setText(str(destination))
        dialog.picked_only.setChecked(False)
        dialog.accept()
    else:
        QTimer.singleShot(20, lambda: export_everything_to(destination))


def test_quitting_during_an_export_cancels_it_and_leaves_no_partial_file(qtbot, window, tmp_path):
    destination = tmp_path / "deliver"
    QTimer.singleShot(20, lambda: export_everything_to(destination))
    window.export_picks()
    export = window.export_runner
    assert export is not None
    with qtbot.waitSignal(export.progress, timeout=30000):
        pass
    window.close()
    # Quit waited for the export to stop: nothing is being written any more.
    assert not [p.name for p in destination.iterdir() if p.name.endswith(PART_SUFFIX)]
    with qtbot.waitSignal(export.finished, timeout=10000) as finished:
        pass
    result = finished.args[0]
    assert result.cancelled
    assert any(item.status == "cancelled" for item in result.items)
    written = {Path(item.output).name for item in result.written}
    manifests = {Path(result.manifest_json).name, Path(result.manifest_csv).name}
    assert {p.name for p in destination.iterdir()} == written | manifests


@pytest.fixture
def many_long_takes(imported, tmp_path):
    """Twenty more takes of ten seconds each in the window's library: analysing them takes a while."""
    folder = remuxed_takes(tmp_path / "Long", 20, 10.0)
    result = Importer(imported).run([folder])
    assert len(result.added) == 20
    return imported


def test_quitting_during_the_analysis_cancels_it(qtbot, many_long_takes, window):
    library = many_long_takes
    qtbot.waitUntil(window.analysis.is_running, timeout=5000)
    window.close()
    assert not window.analysis.is_running()     # quit waited for it
    assert takes_due(library), "the analysis went on to the end"
