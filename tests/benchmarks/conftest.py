"""Benchmark media is generated once into build/bench-media (ignored by git) and reused.

Every budget of DESIGN.md ("Performance budgets") has a row in BUDGETS; a bench hands its figure
to `budget()`, and at the end of the run one table shows each figure against its budget (ratio,
pass/fail), with the machine's core count. A bench asserts that its figure was measured, never
that it met the budget: whether it did is the table's to say, and a loaded machine can't fail
the run.
"""
from __future__ import annotations

import math
import os
import statistics
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Budget:
    what: str
    limit: float
    unit: str
    at_most: bool = True            # False: the figure must reach the limit (a rate, a speed-up)
    held_by: str = ""               # a budget held by an ordinary test rather than a bench


# DESIGN.md's budgets, in its order.
BUDGETS = {
    "swap_verified": Budget("swap, default options + verification, × bare ffmpeg remux", 1.2, "×"),
    "swap_target": Budget("swap with a loudness target, verified, × bare ffmpeg remux", 1.4, "×"),
    "swap_vs_reencode": Budget("re-encoding the video ÷ the swap", 20, "×", at_most=False),
    "import_rate": Budget("import, 10 s 720p takes (poster + waveform + loudness)", 40, "takes/s", at_most=False),
    "import_stall": Budget("longest event-loop stall during an in-app import", 100, "ms",
                           held_by="tests/ui/test_import_in_app.py"),
    "first_block": Budget("untreated start of a new take (profile from the first block)", 0, "ms"),
    "switch": Budget("profile switch heard after the call, real-time clock (max)", 20, "ms"),
    "picture_freeze": Budget("longest gap between new pictures while playing", 80, "ms"),
    "playback_cpu": Budget("playback CPU, × bare libVLC", 1.3, "×"),
    "dsp": Budget("audio graph DSP, worst setup", 5, "% of real time"),
    "library_open_5000": Budget("open a library of 5,000 takes", 1.0, "s"),
    "library_memory_5000": Budget("memory with the 5,000-take library open", 400, "MB"),
    "library_open_50000": Budget("open a library of 50,000 takes", 1.0, "s"),
    "library_memory_50000": Budget("memory with the 50,000-take library open", 300, "MB"),
    "browse_filter": Budget("50,000 takes: a filter change redrawn", 100, "ms"),
    "browse_sort": Budget("50,000 takes: a sort change redrawn", 100, "ms"),
    "browse_search": Budget("50,000 takes: a search redrawn", 100, "ms"),
    "browse_scroll_stall": Budget("50,000 takes: longest stall scrolling the grid", 16, "ms"),
}
_MEASURED: dict[str, float] = {}


def budget(key: str, figure: float) -> None:
    """Record a figure for the end-of-run table; fails only when nothing was measured."""
    assert key in BUDGETS, key
    assert figure is not None and math.isfinite(figure) and figure >= 0, f"{BUDGETS[key].what}: not measured ({figure})"
    _MEASURED[key] = float(figure)


def budget_rows() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for key, b in BUDGETS.items():
        limit = f"{'≤' if b.at_most else '≥'} {b.limit:g} {b.unit}"
        if key not in _MEASURED:
            rows.append((b.what, f"held by {b.held_by}" if b.held_by else "not measured", limit, "", ""))
            continue
        figure = _MEASURED[key]
        met = figure <= b.limit if b.at_most else figure >= b.limit
        ratio = f"{figure / b.limit:.2f}" if b.limit else ("0" if figure == 0 else "∞")
        rows.append((b.what, f"{figure:.3g} {b.unit}", limit, ratio, "pass" if met else "FAIL"))
    return rows


def pytest_terminal_summary(terminalreporter):
    if not _MEASURED:
        return
    header = ("budget", "figure", "limit", "ratio", "")
    rows = [header] + budget_rows()
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    write = terminalreporter.write_line
    write("")
    write(f"Performance budgets (DESIGN.md) on this machine: {os.cpu_count()} cores, "
          f"load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for row in rows:
        write("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


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
