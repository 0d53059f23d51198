"""Reading a batch manifest (takes.json / takes.csv) into entries. Text in, entries out: no I/O."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from soundon.core.errors import SoundOnError
from soundon.core.take import MetadataError, TakeMetadata, kind_of_value

MANIFEST_NAMES = ("takes.json", "takes.csv")


class ManifestError(SoundOnError, ValueError):
    pass


@dataclass
class ManifestEntry:
    file: str
    metadata: TakeMetadata
    row: int  # 1-based, for messages


@dataclass
class RefusedRow:
    row: int     # 1-based
    reason: str  # starts with "row N:"


def parse_manifest(text: str, kind: str) -> tuple[list[ManifestEntry], list[RefusedRow]]:
    """kind is 'json' or 'csv'. A row that can't be a take is refused alone, with its number; the
    manifest as a whole is refused only when it can't be read at all."""
    if kind == "json":
        rows = _json_rows(text)
    elif kind == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
    else:
        raise ManifestError(f"Unknown manifest kind {kind!r}.")
    entries, refused = [], []
    for index, row in enumerate(rows, start=1):
        try:
            entries.append(_entry(row, index))
        except (ManifestError, MetadataError) as exc:
            refused.append(RefusedRow(index, f"row {index}: {exc}"))
    return entries, refused


def _entry(row, index: int) -> ManifestEntry:
    if not isinstance(row, dict):
        raise ManifestError(f"{kind_of_value(row)}, not an object with a 'file' key")
    file = row.get("file")
    if file is not None and not isinstance(file, str):
        raise ManifestError(f"its 'file' should be a path (text), not {kind_of_value(file)}")
    file = (file or "").strip()
    if not file:
        raise ManifestError("it has no 'file'")
    return ManifestEntry(file=file, metadata=TakeMetadata.from_mapping(row), row=index)


def _json_rows(text: str) -> list:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"The manifest is not valid JSON (line {exc.lineno}: {exc.msg}).") from None
    if isinstance(data, dict):
        data = data.get("takes")
    if not isinstance(data, list):
        raise ManifestError("A JSON manifest is a list of takes, or an object with a 'takes' list.")
    return data
