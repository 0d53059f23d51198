"""Custom item-data roles shared by the take models, views and delegates."""
from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt


class TakeRole(IntEnum):
    TAKE_ID = Qt.ItemDataRole.UserRole + 1
    TAKE = Qt.ItemDataRole.UserRole + 2            # the whole take (core.take.Take) as the library lists it
    PATH = Qt.ItemDataRole.UserRole + 3
    NAME = Qt.ItemDataRole.UserRole + 4
    MODEL = Qt.ItemDataRole.UserRole + 5
    DURATION = Qt.ItemDataRole.UserRole + 6        # seconds (float)
    FLAG = Qt.ItemDataRole.UserRole + 7            # 'pick' | 'reject' | 'none'
    RATING = Qt.ItemDataRole.UserRole + 8          # 0…5
    AUDIO_VERDICT = Qt.ItemDataRole.UserRole + 9   # 'keep' | 'replace' | 'undecided'
    ANALYSIS_FLAGS = Qt.ItemDataRole.UserRole + 10  # flag names (tuple), or None before analysis
    PROMPT_GROUP = Qt.ItemDataRole.UserRole + 11
    BATCH = Qt.ItemDataRole.UserRole + 12
    FPS = Qt.ItemDataRole.UserRole + 13
    WAVEFORM_PATH = Qt.ItemDataRole.UserRole + 14   # peaks file, '' when none
    HAS_AUDIO = Qt.ItemDataRole.UserRole + 15
    MEASURED_ON = Qt.ItemDataRole.UserRole + 16     # 'post mix' | 'native audio' | None: what the analysis measured
    AV_OFFSET_MS = Qt.ItemDataRole.UserRole + 17    # the sound's offset against the picture (+ late), None: can't tell


class TreeRole(IntEnum):
    SCOPE = Qt.ItemDataRole.UserRole + 101         # (batch name | None, prompt group | None)
    PROMPT_SCORE = Qt.ItemDataRole.UserRole + 102  # a prompt group's audio-direction score (0–100), or None
