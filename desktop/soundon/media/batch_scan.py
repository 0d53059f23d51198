"""Finding a batch's candidate takes on disk: a folder's video files, or a manifest's rows, with
their sidecar metadata. Nothing is probed here; files that can't be takes are refused with a reason."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from soundon.core.errors import SoundOnError
from soundon.core.file_names import NOT_UTF8, is_utf8, shown
from soundon.core.manifest import MANIFEST_NAMES, ManifestError, parse_manifest
from soundon.core.models import guess_model
from soundon.core.ordinary_files import NotAnOrdinaryFile, not_ordinary, read_ordinary
from soundon.core.take import AUDIO_EXTENSIONS, VIDEO_EXTENSIONS, MetadataError, Refusal, TakeMetadata

SIDECAR_LIMIT = 256 * 1024  # a sidecar bigger than this is not a sidecar


class BatchError(SoundOnError, RuntimeError):
    """The batch as a whole can't be read (missing folder, broken manifest)."""


@dataclass
class Candidate:
    path: Path          # absolute
    rel_path: str       # relative to the batch root, with forward slashes
    metadata: TakeMetadata


@dataclass
class BatchScan:
    root: Path
    source: str                     # manifest file name inside root, or '' for a folder
    default_name: str
    candidates: list[Candidate] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    post_tracks: list[Path] = field(default_factory=list)


def scan(path: str | Path) -> BatchScan:
    target = Path(path).expanduser()
    if not target.exists():
        raise BatchError(f"{target} does not exist.")
    target = target.resolve()
    if not is_utf8(target):
        raise BatchError(f"{shown(target)}: {NOT_UTF8}.")
    if target.is_dir():
        for name in MANIFEST_NAMES:
            if (target / name).exists():
                return _scan_manifest(target / name)
        return _scan_folder(target)
    if target.name.lower().endswith((".json", ".csv")):
        return _scan_manifest(target)
    raise BatchError(f"{target} is neither a batch folder nor a manifest (takes.json or takes.csv).")


def _scan_folder(root: Path) -> BatchScan:
    result = BatchScan(root=root, source="", default_name=root.name)
    for file in sorted(root.rglob("*")):
        rel = file.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or file.is_dir():
            continue
        suffix = file.suffix.lower()
        if suffix == ".json" and _has_clip(file):
            continue  # a sidecar
        if suffix in (".json", ".csv", ".txt", ".md"):
            continue  # notes and lists that travel with batches; not takes, not worth a warning
        if not is_utf8(rel):
            result.refused.append(Refusal(shown(file), NOT_UTF8))
            continue
        if suffix in VIDEO_EXTENSIONS or suffix in AUDIO_EXTENSIONS:
            if kind := _not_ordinary(file):
                result.refused.append(Refusal(str(file), kind))
                continue
        if suffix in VIDEO_EXTENSIONS:
            result.candidates.append(Candidate(file, rel.as_posix(), metadata_for(file)))
        elif suffix in AUDIO_EXTENSIONS:
            result.post_tracks.append(file)
        else:
            result.refused.append(Refusal(str(file), f"not a video file Sound-On takes ({suffix or 'no extension'})"))
    return result


def _has_clip(sidecar: Path) -> bool:
    stem = sidecar.name[: -len(".json")]
    return any((sidecar.with_name(stem + ext)).exists() for ext in VIDEO_EXTENSIONS) or (
        Path(stem).suffix.lower() in VIDEO_EXTENSIONS and sidecar.with_name(stem).exists())


def _scan_manifest(manifest: Path) -> BatchScan:
    root = manifest.parent
    result = BatchScan(root=root, source=manifest.name, default_name=root.name)
    try:
        text = read_ordinary(manifest).decode("utf-8-sig")
    except NotAnOrdinaryFile as exc:
        raise BatchError(f"{exc}; Sound-On reads a manifest only from an ordinary file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BatchError(f"The manifest {manifest} can't be read ({exc}).") from None
    kind = "csv" if manifest.suffix.lower() == ".csv" else "json"
    try:
        entries, bad_rows = parse_manifest(text, kind)
    except ManifestError as exc:
        raise BatchError(f"{manifest.name}: {exc}") from None
    result.refused.extend(Refusal(str(manifest), bad.reason) for bad in bad_rows)
    for entry in entries:
        raw = Path(entry.file)
        # Refuse before touching the file: absolute paths and '..' that leave the manifest's folder.
        file = (root / raw).resolve() if not raw.is_absolute() else raw.resolve()
        if raw.is_absolute() or not file.is_relative_to(root):
            result.refused.append(Refusal(entry.file, "outside the manifest's folder (refused for safety)"))
            continue
        if not is_utf8(file):   # the row is text, but a link on the way may not be
            result.refused.append(Refusal(shown(file), f"listed in {manifest.name} (row {entry.row}) but {NOT_UTF8}"))
            continue
        if not file.exists():
            result.refused.append(Refusal(str(file), f"listed in {manifest.name} (row {entry.row}) but not found"))
            continue
        if kind := _not_ordinary(file):
            result.refused.append(Refusal(str(file), f"listed in {manifest.name} (row {entry.row}) but {kind}"))
            continue
        if file.suffix.lower() not in VIDEO_EXTENSIONS:
            result.refused.append(Refusal(str(file), f"not a video file Sound-On takes ({file.suffix or 'no extension'})"))
            continue
        metadata = entry.metadata.merged_over(metadata_for(file))
        result.candidates.append(Candidate(file, file.relative_to(root).as_posix(), metadata))
    return result


def _not_ordinary(file: Path) -> str:
    """'' for an ordinary file, else a refusal's reason (a FIFO or device would block the reader)."""
    try:
        kind = not_ordinary(file)
    except OSError as exc:
        return f"it can't be read ({exc.strerror or exc})"
    return f"{kind}, not an ordinary file" if kind else ""


def metadata_for(clip: Path) -> TakeMetadata:
    """Sidecar metadata (`clip.json` or `clip.mp4.json`), with the model guessed from the name."""
    sidecar_meta = TakeMetadata()
    for sidecar in (clip.with_suffix(".json"), clip.with_name(clip.name + ".json")):
        if sidecar.is_file() and sidecar.stat().st_size <= SIDECAR_LIMIT:
            try:
                data = json.loads(read_ordinary(sidecar).decode("utf-8-sig"))
                if isinstance(data, dict):
                    sidecar_meta = TakeMetadata.from_mapping(data)
                    break
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, MetadataError):
                continue  # a broken sidecar costs the metadata, not the take
    return sidecar_meta.merged_over(TakeMetadata(model=guess_model(clip.name)))
