"""Sound-On: screen AI-generated takes with sound on, pick, and swap in the post track."""
from importlib import metadata as _metadata

APP_NAME = "Sound-On"


def _version() -> str:
    # pyproject.toml is the one source of truth; a frozen build ships the installed metadata.
    try:
        return _metadata.version("soundon")
    except _metadata.PackageNotFoundError:
        return "0.0.0+unknown"


__version__ = _version()
