"""Where Sound-On keeps its own files: the per-user data folder (the library, its cache, the log)."""
from __future__ import annotations

from pathlib import Path

import platformdirs

from soundon import APP_NAME


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
