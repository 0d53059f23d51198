"""A keyring backend in one JSON file (PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyring), so a
CLI test can see what Sound-On keeps in the keyring across processes without the OS's own."""
from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    def _path(self) -> Path:
        return Path(os.environ["SOUNDON_TEST_KEYRING"])

    def _all(self) -> dict:
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service, username):
        return self._all().get(f"{service}\n{username}")

    def set_password(self, service, username, password):
        stored = self._all()
        stored[f"{service}\n{username}"] = password
        self._path().write_text(json.dumps(stored))

    def delete_password(self, service, username):
        stored = self._all()
        stored.pop(f"{service}\n{username}", None)
        self._path().write_text(json.dumps(stored))
