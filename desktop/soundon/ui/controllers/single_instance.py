"""One app per library: `soundon open PATH` while the app runs on that library hands the paths to
the running window (which imports them and comes to the front) instead of opening a second window.

The running app listens on a local socket (QLocalServer) whose name is derived from the library's
path, so apps on different libraries stay independent. The newcomer connects (QLocalSocket), sends
one JSON line with the absolute paths, and waits for the "ok" line before it exits.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_MS = 1000
REPLY_MS = 5000
OK = b"ok\n"


def server_name(library_path: Path) -> str:
    """The socket name for a library: its resolved path, hashed (a user's own, on a shared machine)."""
    key = str(Path(library_path).expanduser().resolve())
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    return f"soundon-{user}-{hashlib.sha1(key.encode('utf-8', 'surrogateescape')).hexdigest()[:16]}"


def hand_over(library_path: Path, paths: list[Path]) -> bool:
    """Give the paths to the app already open on this library. False when none answers."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(library_path))
    if not socket.waitForConnected(CONNECT_MS):
        return False
    message = json.dumps({"paths": [os.fsdecode(Path(p).expanduser().absolute()) for p in paths]})
    socket.write(message.encode("utf-8", "surrogateescape") + b"\n")
    socket.flush()
    reply = b""
    while not reply.endswith(b"\n") and socket.waitForReadyRead(REPLY_MS):
        reply += bytes(socket.readAll())
    socket.disconnectFromServer()
    return reply == OK


class InstanceServer(QObject):
    """The running app's end: `paths_received` carries what a newcomer asked to open."""

    paths_received = Signal(list)

    def __init__(self, library_path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connected)
        name = server_name(library_path)
        if not self.server.listen(name):
            # Nobody answered on this name (hand_over came first): a socket left by an app that crashed.
            QLocalServer.removeServer(name)
            self.server.listen(name)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def is_listening(self) -> bool:
        return self.server.isListening()

    def _connected(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))

    def _read(self, socket: QLocalSocket) -> None:
        self._buffers[socket] = self._buffers.get(socket, b"") + bytes(socket.readAll())
        if not self._buffers[socket].endswith(b"\n"):
            return
        try:
            paths = [str(p) for p in json.loads(self._buffers[socket].decode("utf-8", "surrogateescape"))["paths"]]
        except (ValueError, KeyError, TypeError):
            socket.disconnectFromServer()   # not ours: say nothing, open nothing
            return
        self._buffers[socket] = b""
        socket.write(OK)
        socket.flush()
        self.paths_received.emit(paths)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()


class OpenRequests(QObject):
    """Paths handed over by a newcomer, for the window: imported now, or after the running import."""

    def __init__(self, server: InstanceServer, window):
        super().__init__(window)
        self.window = window
        self._waiting: list[str] = []
        server.paths_received.connect(self.open)
        window.importer.finished.connect(lambda *_: self._next())
        window.importer.failed.connect(lambda *_: self._next())

    def open(self, paths: list[str]) -> None:
        self.window.showNormal() if self.window.isMinimized() else self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        self._waiting.extend(p for p in paths if p not in self._waiting)
        self._next()

    def _next(self) -> None:
        if self._waiting and not self.window.importer.is_running():
            paths, self._waiting = self._waiting, []
            self.window.import_paths(paths)
