"""Sound-On: screen AI-generated takes with sound on, pick, and swap in the post track."""
import os as _os
from importlib import metadata as _metadata

# numpy's OpenBLAS reads this once, when it is loaded: set before any module of ours
# imports numpy. The app does its work side by side in its own threads (the import's readers, the
# analysis workers, the audio device); OpenBLAS's own threads on top of them only spin (twice the
# CPU for the same products) and, with three import readers on two cores, deadlocked one of them in
# a matrix product (seen: a first start hung in the true-peak interpolation, four times in ten).
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

APP_NAME = "Sound-On"


def _version() -> str:
    # pyproject.toml is the one source of truth; a frozen build ships the installed metadata.
    try:
        return _metadata.version("soundon")
    except _metadata.PackageNotFoundError:
        return "0.0.0+unknown"


__version__ = _version()
