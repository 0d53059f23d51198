"""The library bridge: changes written on a job's thread reach the window on the GUI thread, and
none is delivered once the bridge is closed, not even one already on its way.

Found by tests/ui/test_reopen.py failing now and then: a change a job had sent before the window
closed was delivered after the test had closed the library, and the review session read a closed
database ('Cannot operate on a closed database')."""
from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication

from soundon.ui.library_bridge import LibraryBridge


def _write_on_a_thread(library, kind: str, ids: list[int]) -> None:
    writer = threading.Thread(target=library._changed, args=(kind, ids))
    writer.start()
    writer.join()


def test_a_change_from_a_jobs_thread_arrives_on_the_gui_thread(qtbot, library):
    bridge = LibraryBridge(library)
    arrived = []
    bridge.changed.connect(lambda kind, ids: arrived.append((kind, ids, threading.current_thread())))
    _write_on_a_thread(library, "analysis", [7])
    qtbot.waitUntil(lambda: bool(arrived), timeout=2000)
    assert arrived == [("analysis", [7], threading.main_thread())]


def test_a_change_on_its_way_when_the_bridge_closes_is_not_delivered(qtbot, library):
    bridge = LibraryBridge(library)
    arrived = []
    bridge.changed.connect(lambda kind, ids: arrived.append(kind))
    _write_on_a_thread(library, "analysis", [7])      # sent, not yet delivered (no event loop ran)
    bridge.close()
    library.close()                                    # as a window's owner does after it closes
    QCoreApplication.processEvents()
    QCoreApplication.processEvents()
    assert arrived == []
    _write_on_a_thread(library, "review", [7])         # and nothing after: it listens no more
    QCoreApplication.processEvents()
    assert arrived == []
