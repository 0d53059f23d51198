"""The GUI thread's share of the interpreter (ui/gui_turns.py): short turns, and what the start
made kept out of the garbage collector's walks, so a full collection during a scroll stays short at
any library size. Each check runs in a fresh interpreter, as the app starts."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

START = textwrap.dedent("""
    import gc, json, sys, time
    from soundon.ui.app import create_application
    app = create_application()
    made_at_start = [[n] for n in range(300_000)]   # what a big library's start leaves alive
    before = gc.get_freeze_count()
    app.processEvents()                             # the event loop's first turn
    later = [[n] for n in range(300_000)]           # made while browsing: collected as usual
    t0 = time.perf_counter(); gc.collect(); full_ms = (time.perf_counter() - t0) * 1000
    print(json.dumps({"frozen_before": before, "frozen_after": gc.get_freeze_count(),
                      "switch_interval": sys.getswitchinterval(), "full_collection_ms": full_ms}))
""")


def _start() -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run([sys.executable, "-c", START], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_what_the_start_made_is_out_of_the_collectors_walks_after_the_first_turn():
    figures = _start()
    assert figures["frozen_before"] == 0   # nothing is frozen before the window's first turn
    assert figures["frozen_after"] >= 300_000                 # the start's lists, and the app's own
    assert figures["frozen_after"] < 300_000 + 300_000        # not what was made after the first turn


def test_the_interpreter_changes_hands_every_millisecond():
    assert _start()["switch_interval"] <= 0.001
