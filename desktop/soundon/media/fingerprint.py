"""A take's identity: its content, not its name or place (size + hash of the first and last MiB)."""
from __future__ import annotations

import hashlib
import os

CHUNK = 1 << 20


def fingerprint(path: str | os.PathLike) -> str:
    size = os.path.getsize(path)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(size.to_bytes(8, "little"))
    with open(path, "rb") as fh:
        digest.update(fh.read(CHUNK))
        if size > CHUNK:
            fh.seek(max(CHUNK, size - CHUNK))
            digest.update(fh.read(CHUNK))
    return f"{size:x}-{digest.hexdigest()}"


def still_the_same(path: str | os.PathLike, expected: str) -> bool:
    """Whether the file at `path` is still the content that was imported under `expected`."""
    return fingerprint(path) == expected
