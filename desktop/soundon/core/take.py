"""A take: one rendered clip of a prompt, with what we know about it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from soundon.core.errors import SoundOnError

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".mkv", ".webm"})
AUDIO_EXTENSIONS = frozenset({".wav", ".aiff", ".aif", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus"})

# Sidecar / manifest keys we keep (all optional).
METADATA_KEYS = ("model", "prompt", "seed", "variation", "generated_at")


def prompt_group_key(prompt: str) -> str:
    """Takes that share a prompt form a prompt group; whitespace and case don't split a group."""
    normalised = " ".join(prompt.split()).casefold()
    if not normalised:
        return ""
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()[:12]


class MetadataError(SoundOnError, ValueError):
    """A sidecar or manifest value of the wrong type."""


def kind_of_value(value) -> str:
    """A JSON value's type in words, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


@dataclass
class TakeMetadata:
    model: str = ""
    prompt: str = ""
    seed: str = ""
    variation: str = ""
    generated_at: str = ""

    @classmethod
    def from_mapping(cls, data: dict) -> "TakeMetadata":
        """MetadataError when a value is not text or a number (an object would be stored as its repr)."""
        values = {}
        for key in METADATA_KEYS:
            value = data.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
                raise MetadataError(f"its '{key}' should be text, not {kind_of_value(value)}")
            values[key] = "" if value is None else str(value).strip()
        return cls(**values)

    def merged_over(self, fallback: "TakeMetadata") -> "TakeMetadata":
        """These values where set, the fallback's elsewhere."""
        return TakeMetadata(**{k: getattr(self, k) or getattr(fallback, k) for k in METADATA_KEYS})


@dataclass
class Refusal:
    """A file that could not become a take, and why (in the editor's words)."""

    path: str
    reason: str

    def as_dict(self) -> dict:
        return {"path": self.path, "reason": self.reason}
