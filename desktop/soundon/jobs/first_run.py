"""What the app does before its first window: import batches named on the command line, and on an
empty library, the built-in demo batch."""
from __future__ import annotations

from pathlib import Path

from soundon.jobs.importer import Importer, ImportResult
from soundon.media.demo import ensure_demo_batch, recipe
from soundon.store.library import Library

DEMO_FOLDER = "Demo batch"


def demo_folder(library: Library) -> Path:
    return library.path.parent / DEMO_FOLDER


def prepare_library(library: Library, paths: list[Path]) -> ImportResult | None:
    if paths:
        return Importer(library).run(paths)
    if not library.batches():
        folder = ensure_demo_batch(demo_folder(library))
        return Importer(library).run([folder], name=recipe()["name"])
    return None
