"""The take library: one SQLite file through sqlite-utils. Only this package runs SQL."""
from soundon.store.library import Library, LibraryError, default_library_path

__all__ = ["Library", "LibraryError", "default_library_path"]
