"""Attaching a post track in the app: Review › Attach Post Track… (Ctrl+Shift+A) gives the target
takes one track (an audio file, or a video whose audio is used), dropping a file on the player gives
it to the take on screen and dropping it on a card to that card's take; Review › Detach Post Track
takes it away. Attaching makes the verdict replace; each is one undo step, and live listening hears
the new track at once (it follows the library's change signal).

Folders and manifests dropped anywhere on the window still import as batches."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMessageBox, QWidget

from soundon import APP_NAME
from soundon.core.swap_spec import SwapSpec
from soundon.core.take import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS, PostTrack
from soundon.media.streams import read_post_track
from soundon.media.swap_errors import SourceError
from soundon.store.library import LibraryError
from soundon.ui.controllers.importing import batch_paths
from soundon.ui.models.take_model import TakeRole, take_name

TRACK_FILTER = "Audio and video files ({})".format(
    " ".join(f"*{ext}" for ext in sorted(AUDIO_EXTENSIONS | VIDEO_EXTENSIONS)))
_DRAGS = (QEvent.Type.DragEnter, QEvent.Type.DragMove)


def choose_post_track(parent: QWidget) -> str | None:
    """The editor's chosen track file, or None when the dialog is cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, "Attach Post Track", str(Path.home()), TRACK_FILTER)
    return path or None


def track_paths(urls: list[QUrl]) -> list[Path]:
    """The dropped files that can be post tracks: local audio and video files."""
    paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [p for p in paths if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS | VIDEO_EXTENSIONS]


class PostTrackActions(QObject):
    def __init__(self, window, actions):
        super().__init__(window)
        self.window = window
        self._card_views: set[QWidget] = set()
        actions["attach_post_track"].triggered.connect(lambda: self.attach_selected())
        actions["detach_post_track"].triggered.connect(lambda: self.detach_selected())

    # -- the menu -----------------------------------------------------------------------------------

    def _targets(self) -> list[int]:
        ids = self.window.view.target_ids() if self.window.view is not None else []
        if not ids:
            self.window.statusBar().showMessage("Select a take first.", 4000)
        return ids

    def attach_selected(self) -> None:
        ids = self._targets()
        if ids:
            path = choose_post_track(self.window)
            if path:
                self.attach(ids, path)

    def detach_selected(self) -> None:
        ids = self._targets()
        if not ids:
            return
        try:
            changed = self.window.history.set_post_track(ids, None, f"Detach post track from {self._what(ids)}")
        except LibraryError as exc:
            QMessageBox.warning(self.window, APP_NAME, str(exc))
            return
        if not changed:
            self.window.statusBar().showMessage("No post track to detach.", 4000)

    def attach(self, take_ids: list[int], path: str | Path) -> bool:
        """Give these takes this track (a new track starts from the default swap spec)."""
        try:
            read_post_track(path)
            self.window.history.set_post_track(take_ids, PostTrack(str(Path(path).resolve()), SwapSpec()),
                                               f"Attach {Path(path).name} to {self._what(take_ids)}")
        except (SourceError, LibraryError) as exc:
            QMessageBox.warning(self.window, APP_NAME, str(exc))
            return False
        return True

    def _what(self, take_ids: list[int]) -> str:
        if len(take_ids) > 1:
            return f"{len(take_ids)} takes"
        take = self.window.library.take(take_ids[0])
        return take_name(take) if take is not None else "take"

    # -- drops --------------------------------------------------------------------------------------

    def watch_player(self, widget: QWidget) -> None:
        """A file dropped here goes to the take on screen."""
        self._watch(widget)

    def watch_cards(self, view: QAbstractItemView) -> None:
        """A file dropped on a card goes to that card's take."""
        self._watch(view.viewport())
        self._card_views.add(view.viewport())

    def _watch(self, widget: QWidget) -> None:
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _DRAGS or event.type() == QEvent.Type.Drop:
            if event.type() in _DRAGS:
                self.enter(event, watched)
            else:
                self.drop(event, watched)
            return True
        return False

    def _take_under(self, event, widget: QWidget | None) -> int | None:
        if widget in self._card_views:
            index = widget.parent().indexAt(event.position().toPoint())
            return index.data(TakeRole.TAKE_ID) if index.isValid() else None
        take = self.window.view.reviewed_take() if self.window.view is not None else None
        return take.id if take is not None else None

    def enter(self, event, widget: QWidget | None = None) -> None:
        """Drag enter or move: a track over a take, or a batch, is welcome."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if (track_paths(urls) and self._take_under(event, widget) is not None) or batch_paths(urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event, widget: QWidget | None = None) -> None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        tracks, batches = track_paths(urls), batch_paths(urls)
        take_id = self._take_under(event, widget)
        if tracks and take_id is not None:
            event.acceptProposedAction()
            if len(tracks) > 1:
                self.window.statusBar().showMessage("A take has one post track: the first file was attached.",
                                                    6000)
            self.attach([take_id], tracks[0])
        elif batches:
            event.acceptProposedAction()
            self.window.import_paths(batches)
        else:
            event.ignore()
