"""Every failure Sound-On raises on purpose belongs to one family, so a caller catches one type."""
from __future__ import annotations

import importlib

import pytest

from soundon.core.errors import SoundOnError

REFUSALS = [
    "soundon.commands.common:UserError", "soundon.commands.common:UsageError",
    "soundon.core.decision_time:DecisionTimeError", "soundon.core.manifest:ManifestError",
    "soundon.core.ordinary_files:NotAnOrdinaryFile", "soundon.core.review:ReviewError",
    "soundon.core.swap_spec:SwapSpecError", "soundon.core.take:MetadataError",
    "soundon.media.analysis:AnalysisError", "soundon.media.analysis:AnalysisCancelled",
    "soundon.media.batch_scan:BatchError", "soundon.media.listening:ListeningError",
    "soundon.media.overview:OverviewError",
    "soundon.media.probe:ProbeError", "soundon.media.swap_errors:SwapError",
    "soundon.media.swap_errors:DiskFull", "soundon.media.swap_errors:VerificationFailed",
    "soundon.media.tools:ToolMissing", "soundon.store.exchange:ExchangeError",
    "soundon.store.library:LibraryError", "soundon.store.library:DamagedLibraryError",
    "soundon.store.migrations:NewerLibraryError", "soundon.store.migrations:DamagedVersionError",
]


def _class(dotted: str) -> type:
    module, name = dotted.split(":")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("dotted", REFUSALS)
def test_every_refusal_is_a_soundon_error(dotted):
    assert issubclass(_class(dotted), SoundOnError)


def test_refusals_keep_the_kind_callers_already_catch():
    # Older callers catch ValueError around spec parsing and OSError around file reads.
    assert issubclass(_class("soundon.core.swap_spec:SwapSpecError"), ValueError)
    assert issubclass(_class("soundon.core.ordinary_files:NotAnOrdinaryFile"), OSError)
    assert issubclass(_class("soundon.media.tools:ToolMissing"), RuntimeError)


def test_every_error_class_in_the_package_is_in_the_family():
    """A new error class added without joining the family is caught here, not by an editor."""
    import pkgutil

    import soundon
    outside = []
    for info in pkgutil.walk_packages(soundon.__path__, "soundon."):
        if info.name.startswith("soundon.ui") or info.name == "soundon.__main__":
            continue   # the window's modules load Qt and libVLC; __main__ runs the command
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Exception) and value.__module__ == info.name
                    and not issubclass(value, SoundOnError)):
                outside.append(f"{info.name}:{value.__name__}")
    assert outside == []
