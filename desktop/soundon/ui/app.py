"""Starting the app: QApplication, the first window, and the library it shows."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QTableView

from soundon import APP_NAME, __version__
from soundon.jobs.first_run import prepare_library
from soundon.media.tools import ToolMissing, ffmpeg, ffprobe
from soundon.store.library import Library
from soundon.ui.take_table import TakeTableModel


class MainWindow(QMainWindow):
    def __init__(self, library: Library):
        super().__init__()
        self.library = library
        batches = library.batches()
        self.setWindowTitle(f"{APP_NAME} — {batches[0]['name']}" if len(batches) == 1 else APP_NAME)
        self.model = TakeTableModel(library, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.resizeColumnsToContents()
        self.setCentralWidget(self.table)
        self.resize(1100, 700)


def run_app(library: Library, paths: list[Path]) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    try:
        ffmpeg(), ffprobe()
        prepare_library(library, paths)
    except ToolMissing as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window = MainWindow(library)
    window.show()
    return app.exec()
