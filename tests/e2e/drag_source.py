"""A drag source outside the app, as a file manager is: a small window of its own process offering
one file as a URL (text/uri-list) through the X server's drag-and-drop protocol (XDND).

xdotool can move the pointer and press its button but can't offer data, so the tests run this in a
subprocess and drag from it with xdotool: press on the window, move, move onto the target, release.
Run: python drag_source.py FILE X Y. It prints, one line each, flushed:
  ready           the window is on screen at X, Y (160×60)
  dragging        the drag started
  action NAME     the target under the pointer answered (CopyAction: it takes the file)
  dropped NAME    the drag ended (IgnoreAction: refused)
It stays open after the drop (the target reads the file's URL from it after the drop, as XDND
has it) until the test ends it.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QMimeData, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QApplication, QLabel


def say(line: str) -> None:
    print(line, flush=True)


class Source(QLabel):
    def __init__(self, path: str):
        super().__init__(f"drag me: {path.rsplit('/', 1)[-1]}")
        self.path = path
        self.setWindowTitle("Drag source")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("background: #335; color: white;")
        self._pressed: QPoint | None = None

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self._pressed = event.position().toPoint()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._pressed is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        if (event.position().toPoint() - self._pressed).manhattanLength() < QApplication.startDragDistance():
            return
        self._pressed = None
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(self.path)])
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.actionChanged.connect(lambda action: say(f"action {action.name}"))
        say("dragging")
        result = drag.exec(Qt.DropAction.CopyAction)
        say(f"dropped {result.name}")


def main() -> int:
    path, x, y = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    app = QApplication([sys.argv[0]])
    source = Source(path)
    source.setGeometry(x, y, 160, 60)
    source.show()
    QTimer.singleShot(0, lambda: say("ready"))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
