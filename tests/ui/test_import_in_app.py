"""Importing from the window: in the background, with progress; refused files in one panel; the UI
thread never stalls over 100 ms while a hundred takes come in."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from soundon.media import tools
from soundon.media.synth import ClipSpec, make_clip

STALL_BUDGET_S = 0.100


@pytest.fixture(scope="session")
def hundred_takes(tmp_path_factory):
    """100 tiny distinct takes (one encode, 99 stream-copy remuxes with a different tag)."""
    folder = tmp_path_factory.mktemp("hundred") / "Hundred"
    folder.mkdir()
    base = folder.parent / "base.mp4"
    make_clip(base, ClipSpec(duration=0.5, size="64x36", fps="25", audio="sine=frequency=500:sample_rate=48000"))

    def remux(n: int) -> None:
        subprocess.run([tools.ffmpeg().path, "-v", "error", "-y", "-i", str(base), "-c", "copy",
                        "-metadata", f"comment=take {n}", str(folder / f"take_{n:03d}_veo.mp4")],
                       check=True, capture_output=True)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(remux, range(100)))
    return folder


STALL_PROBE = textwrap.dedent("""
    import json, sys, time
    from PySide6.QtCore import QSettings, QTimer
    from soundon.store.library import Library
    from soundon.ui.app import create_application
    from soundon.ui.main_window import MainWindow
    app = create_application()
    window = MainWindow(Library(sys.argv[1]), settings=QSettings(sys.argv[2], QSettings.Format.IniFormat))
    window.show()
    gaps, progress = [], []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append((now - last[0], len(progress)))
        last[0] = now

    def finished(result):
        timer.stop()
        worst = max(gaps)
        print(json.dumps({"added": len(result.added), "rows": window.model.total(), "ticks": len(gaps),
                          "worst_ms": worst[0] * 1000, "worst_after": worst[1], "last_progress": progress[-1],
                          "progress_hidden": not window.import_progress.is_visible()}), flush=True)
        app.quit()

    window.importer.progress.connect(lambda done, total, _f: progress.append((done, total)))
    window.importer.finished.connect(finished)   # after the window's own handler: its work is measured
    timer = QTimer(interval=10)
    timer.timeout.connect(tick)

    def start():
        last[0] = time.perf_counter()
        timer.start()
        assert window.import_paths([sys.argv[3]])

    QTimer.singleShot(300, start)    # the window is up and idle, as when the editor drops a folder
    QTimer.singleShot(180000, app.quit)
    app.exec()
""")


def test_import_of_100_takes_keeps_the_ui_responsive(imported, hundred_takes, tmp_path):
    """Measured in a fresh app process (the app's own heap, not the test runner's).

    The machine is shared: other work can take the CPU from the app and add gaps no code of ours
    causes. Such noise only ever adds, so up to three imports are measured and the best one must
    meet the budget; a UI thread that our code blocks would miss it every time.
    """
    reports = []
    for attempt in range(3):
        library = tmp_path / f"try{attempt}" / "lib.sqlite"
        library.parent.mkdir()
        with sqlite3.connect(library) as copy:   # a consistent copy, WAL included
            imported.db.conn.backup(copy)
        batch = tmp_path / f"try{attempt}" / "Hundred"
        shutil.copytree(hundred_takes, batch)
        proc = subprocess.run([sys.executable, "-c", STALL_PROBE, str(library), str(tmp_path / "s.ini"), str(batch)],
                              capture_output=True, text=True, timeout=240, env=os.environ.copy())
        assert proc.returncode == 0, proc.stderr
        report = json.loads(proc.stdout.strip().splitlines()[-1])
        assert report["added"] == 100 and report["rows"] == 104
        assert report["last_progress"] == [100, 100]
        assert report["progress_hidden"]
        reports.append(report)
        if report["worst_ms"] < STALL_BUDGET_S * 1000:
            break
    print("\nevent-loop gaps during the import of 100 takes: "
          + "; ".join(f"max {r['worst_ms']:.1f} ms (after {r['worst_after']} takes, {r['ticks']} ticks)" for r in reports))
    assert min(r["worst_ms"] for r in reports) < STALL_BUDGET_S * 1000


def test_refused_files_are_listed_in_one_panel(qtbot, inline_jobs, window, media, tmp_path):
    folder = tmp_path / "Mixed"
    media.clip("good_kling.mp4", folder=folder, duration=1.0, size="160x90")
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "broken.mov").write_text("not a movie")
    (folder / "cover.png").write_bytes(b"\x89PNG")
    window.import_paths([folder])
    assert QApplication.activeModalWidget() is None   # no popup per file
    rows = window.import_panel.rows()
    assert {(r[0], r[1]) for r in rows} == {("empty.mp4", "Refused"), ("broken.mov", "Refused"), ("cover.png", "Refused")}
    assert window.import_dock.isVisible()
    assert "1 added" in window.import_panel.summary.text() and "3 refused" in window.import_panel.summary.text()
    assert window.windowTitle() == "Sound-On — Mixed"
    # Importing the same folder again: nothing added, the take is listed as skipped.
    finished = []
    window.importer.finished.connect(finished.append)
    window.import_paths([folder])
    assert [result.added for result in finished] == [[]]
    assert ("good_kling.mp4", "Skipped") in {(r[0], r[1]) for r in window.import_panel.rows()}


def test_a_folder_dropped_on_the_window_is_imported(qtbot, window, media, tmp_path):
    folder = tmp_path / "Dropped"
    media.clip("dropped_seedance.mp4", folder=folder, duration=1.0, size="160x90")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder)), QUrl("https://example.com/not-local")])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.importer.finished, timeout=30000) as finished:
        window.dropEvent(event)
    assert [t.rel_path for t in finished.args[0].added] == ["dropped_seedance.mp4"]
    assert event.isAccepted()


def test_a_missing_folder_is_reported_in_the_panel(qtbot, inline_jobs, window, tmp_path):
    window.import_paths([tmp_path / "gone"])
    assert any("does not exist" in r[2] for r in window.import_panel.rows())
    assert QApplication.activeModalWidget() is None


def test_a_file_name_that_is_not_utf8_is_refused_and_the_rest_imports(qtbot, inline_jobs, window, media, tmp_path):
    folder = tmp_path / "Odd names"
    media.clip("good_veo.mp4", folder=folder, duration=1.0, size="160x90", audio="sine=frequency=520")
    source = media.clip("odd.mp4", folder=tmp_path, duration=1.0, size="160x90", audio="sine=frequency=720")
    with open(os.path.join(os.fsencode(folder), b"take_\xff.mp4"), "wb") as fh:
        fh.write(source.read_bytes())
    failures, finished = [], []
    window.importer.failed.connect(failures.append)
    window.importer.finished.connect(finished.append)
    window.import_paths([folder])
    assert failures == []
    assert [[t.rel_path for t in result.added] for result in finished] == [["good_veo.mp4"]]
    [row] = [r for r in window.import_panel.rows() if r[1] == "Refused"]
    assert row[0] == "take_\\xff.mp4" and "UTF-8" in row[2]


def test_stop_ends_an_import_even_with_a_fifo_among_its_batches(qtbot, window, hundred_takes, tmp_path):
    """The editor's Stop ends the import after the takes in progress; a FIFO named takes.json never
    holds it up."""
    piped = tmp_path / "Piped"
    piped.mkdir()
    fifo = piped / "takes.json"
    os.mkfifo(fifo)
    batch = tmp_path / "Hundred"
    shutil.copytree(hundred_takes, batch)
    window.importer.progress.connect(lambda *_: window.import_progress.stop.click())
    try:
        with qtbot.waitSignal(window.importer.finished, timeout=30000) as finished:
            assert window.import_paths([fifo, batch])
        result = finished.args[0]
    finally:
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))   # frees a reader stuck on it
        except OSError:
            pass
    qtbot.waitUntil(lambda: not window.importer.is_running(), timeout=10000)
    assert result.cancelled and 0 < len(result.added) < 100
    assert "FIFO" in result.refused[0].reason
    assert "stopped before the end" in window.import_panel.summary.text()
    assert not window.import_progress.is_visible()


def test_quitting_during_an_import_cancels_it(qtbot, window, hundred_takes, tmp_path):
    batch = tmp_path / "Hundred"
    shutil.copytree(hundred_takes, batch)
    with qtbot.waitSignal(window.importer.progress, timeout=30000):
        assert window.import_paths([batch])
    window.close()
    assert not window.importer.is_running()    # quit waited for it
    added = len(window.library.takes("Hundred"))
    assert 0 < added < 100
