"""The app's first run on an empty library: the built-in demo batch, generated beside the library."""
from __future__ import annotations

from pathlib import Path

from soundon.media.demo import ensure_demo_batch, recipe
from soundon.store.library import Library

DEMO_FOLDER = "Demo batch"


def demo_folder(library: Library) -> Path:
    return library.path.parent / DEMO_FOLDER


def demo_batch_name() -> str:
    return recipe()["name"]


def demo_batch(library: Library) -> list[Path]:
    """Generate the demo batch (once) and return what to import: the app's importer calls this."""
    return [ensure_demo_batch(demo_folder(library))]
