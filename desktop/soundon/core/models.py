"""Which generative model rendered a take, guessed from its file name when no sidecar says."""
from __future__ import annotations

import re

# Lower-case token -> the display name editors know. Order matters only for overlapping tokens.
KNOWN_MODELS: dict[str, str] = {
    "seedance": "Seedance",
    "kling": "Kling",
    "veo": "Veo",
    "bach": "Bach",
    "happyhorse": "HappyHorse",
}


def guess_model(file_name: str) -> str:
    """Model name from a file name (case-insensitive), or '' when nothing matches.

    Tokens must stand as words (split by anything but letters) so that 'veo' doesn't match
    'developer' — except that a version may follow directly ('veo3', 'kling2_1').
    """
    stem = file_name.rsplit(".", 1)[0].lower()
    for token, name in KNOWN_MODELS.items():
        if re.search(rf"(?<![a-z]){token}(?![a-z])", stem):
            return name
    return ""
