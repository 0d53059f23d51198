"""File names the library can keep. A POSIX name is any bytes; the library stores names as UTF-8
text, and JSON and the window show them as text, so a name that is not valid UTF-8 (Python holds its
stray bytes as surrogates) is refused with a readable spelling of it instead of failing later."""
from __future__ import annotations

import os

NOT_UTF8 = "its name is not valid UTF-8, so the library can't keep it; rename it to import it"


def is_utf8(name: str | os.PathLike) -> bool:
    try:
        os.fspath(name).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(text: str | os.PathLike) -> str:
    """text fit to print and store: each byte that isn't UTF-8 written as \\xff."""
    return os.fsencode(text).decode("utf-8", "backslashreplace")
