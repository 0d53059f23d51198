"""The library's change notifications as a Qt signal, delivered on the GUI thread.

The library calls its listeners on the thread that wrote (the GUI thread for review decisions, the
import job's thread for new takes). A Qt signal emitted from another thread reaches slots of objects
living on the GUI thread through a queued connection, so views always update on the GUI thread.
Several libraries may feed one bridge: the import job writes through its own connection.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from soundon.store.library import Library


class LibraryBridge(QObject):
    changed = Signal(str, list)  # kind ('takes', 'review', 'notes', 'analysis', 'swap', 'metadata', 'batches'), take ids
    # A change as it arrives, from any thread; delivered as `changed` on the bridge's own thread.
    _arrived = Signal(str, list)

    def __init__(self, library: Library, parent: QObject | None = None):
        super().__init__(parent)
        self._sources: list[Library] = []
        self._closed = False
        self._arrived.connect(self._deliver)
        self.listen_to(library)

    def listen_to(self, library: Library) -> None:
        library.subscribe(self._emit)
        self._sources.append(library)

    def forget(self, library: Library) -> None:
        library.unsubscribe(self._emit)
        if library in self._sources:
            self._sources.remove(library)

    def close(self) -> None:
        """No change is delivered after this, not even one a job's thread had already sent: the
        window is closing and its library may be closed next (a late one read a closed database)."""
        self._closed = True
        for library in list(self._sources):
            self.forget(library)

    def _emit(self, kind: str, ids: list[int]) -> None:
        self._arrived.emit(kind, list(ids))

    def _deliver(self, kind: str, ids: list) -> None:
        if not self._closed:
            self.changed.emit(kind, ids)
