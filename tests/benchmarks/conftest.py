"""Benchmark media is generated once into build/bench-media (ignored by git) and reused."""
from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest

BENCH_MEDIA = Path(os.environ.get("SOUNDON_BENCH_MEDIA", Path(__file__).resolve().parents[2] / "build" / "bench-media"))


@pytest.fixture(scope="session")
def bench_media() -> Path:
    BENCH_MEDIA.mkdir(parents=True, exist_ok=True)
    return BENCH_MEDIA


def report(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n== {title}")
    for key, value in rows:
        print(f"   {key:<{width}}  {value}")


def median(values: list[float]) -> float:
    return statistics.median(values)


@pytest.fixture(autouse=True)
def _no_audio_device_left_open():
    """A bench that played through the app's audio output closes it: a device stream left running
    costs the benches after it CPU (and its underruns litter their output)."""
    yield
    import sys
    live_audio = sys.modules.get("soundon.ui.player.live_audio")
    if live_audio is not None:
        live_audio.close()
