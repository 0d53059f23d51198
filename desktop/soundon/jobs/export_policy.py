"""Exporting again into a folder that already holds an export: never overwrite, never write twice.

- Each file an export writes is recorded in its manifest with a delivery key (what went into it:
  the take's content, the post track's content and the swap spec as delivered, or the native
  audio and how it was treated, and the container) and the written file's fingerprint.
- An output that is already there, recorded by an earlier manifest of the folder with the same
  delivery key and still holding the content that was written (its fingerprint matches), is
  skipped and reported: writing it again would give the same file.
- Anything else already under the name (another decision, a file edited or replaced by hand, a file
  no manifest knows) is left alone, and the new file gets the next versioned name:
  `take_v2.mp4`, `take_v3.mp4`, …

The CLI and the app share this (jobs/export_job.py applies it), so both follow one policy.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from soundon.media.fingerprint import fingerprint

MANIFEST_GLOB = "*-export-*.json"


@dataclass(frozen=True)
class Placement:
    """Where a take's file goes: `write` it at `path`, or `skip` it (the same file is at `path`)."""
    action: str
    path: Path
    note: str = ""


def delivery_key(parts: dict) -> str:
    """A short stable digest of what goes into one exported file."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def recorded_outputs(folder: Path) -> dict[str, dict]:
    """File name → {"delivery_key", "output_fingerprint"} from the folder's export manifests, the
    newest record of a name winning. A manifest that can't be read only costs its records."""
    records: dict[str, dict] = {}
    manifests = sorted(folder.glob(MANIFEST_GLOB), key=lambda p: (p.stat().st_mtime, p.name))
    for manifest in manifests:
        try:
            files = json.loads(manifest.read_text(encoding="utf-8")).get("files") or []
        except (OSError, ValueError, AttributeError):
            continue
        for entry in files:
            if not isinstance(entry, dict) or entry.get("status") not in ("written", "skipped"):
                continue
            key, print_ = entry.get("delivery_key"), entry.get("output_fingerprint")
            if entry.get("output") and key and print_:
                records[Path(entry["output"]).name] = {"delivery_key": key, "output_fingerprint": print_}
    return records


def versions(wanted: Path) -> list[Path]:
    """The name and its versions already in the folder, in version order."""
    pattern = re.compile(re.escape(wanted.stem) + r"_v(\d+)" + re.escape(wanted.suffix) + "$")
    found = [(int(m.group(1)), p) for p in wanted.parent.glob(f"{glob_escape(wanted.stem)}_v*{wanted.suffix}")
             if (m := pattern.match(p.name))]
    return ([wanted] if wanted.exists() else []) + [p for _, p in sorted(found)]


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def place(wanted: Path, key: str, records: dict[str, dict], taken: set[Path] = frozenset()) -> Placement:
    """Where the file with this delivery key goes, given the folder's recorded outputs. `taken`:
    names this export has already given out (two takes of one name)."""
    existing = versions(wanted)
    for path in reversed(existing):
        record = records.get(path.name)
        if record and record["delivery_key"] == key and path not in taken and _unchanged(path, record):
            return Placement("skip", path, f"already exported with the same content as {path.name}; skipped")
    if not existing and wanted not in taken:
        return Placement("write", wanted)
    number = 2
    while True:
        candidate = wanted.with_name(f"{wanted.stem}_v{number}{wanted.suffix}")
        if not candidate.exists() and candidate not in taken:
            break
        number += 1
    latest = existing[-1] if existing else wanted
    return Placement("write", candidate, f"{latest.name} is already there with other content, so this "
                                         f"export was written as {candidate.name} (nothing was overwritten)")


def _unchanged(path: Path, record: dict) -> bool:
    try:
        return fingerprint(path) == record["output_fingerprint"]
    except OSError:
        return False
