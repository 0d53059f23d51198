"""Reading a batch manifest (takes.json / takes.csv) into entries. Text in, entries out: no I/O."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from soundon.core.take import TakeMetadata

MANIFEST_NAMES = ("takes.json", "takes.csv")


class ManifestError(ValueError):
    pass


@dataclass
class ManifestEntry:
    file: str
    metadata: TakeMetadata
    row: int  # 1-based, for messages


def parse_manifest(text: str, kind: str) -> list[ManifestEntry]:
    """kind is 'json' or 'csv'. Rows without a `file` are reported, not silently dropped."""
    if kind == "json":
        rows = _json_rows(text)
    elif kind == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
    else:
        raise ManifestError(f"Unknown manifest kind {kind!r}.")
    entries = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ManifestError(f"Row {index} of the manifest is not an object with a 'file' key.")
        file = str(row.get("file") or "").strip()
        if not file:
            raise ManifestError(f"Row {index} of the manifest has no 'file'.")
        entries.append(ManifestEntry(file=file, metadata=TakeMetadata.from_mapping(row), row=index))
    return entries


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
