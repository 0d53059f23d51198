"""How the GUI thread shares the interpreter, so the event loop never waits long for it.

Two things stall a Qt app written in Python that no profile of its own code shows:
- another Python thread (a poster reader, an import, the device's callback) holds the interpreter's
  lock for up to 5 ms a turn by default, and the GUI thread waits for it at every call back into
  Python: a paint, a model's data(). Turns of 1 ms keep both the event loop and the sound fed.
- the cyclic garbage collector's oldest generation walks every object the app ever made: Qt's
  wrappers, the modules, the take cache. At 50,000 takes one such walk, triggered by a scroll that
  reads a page of rows, held the event loop for 75–81 ms. What exists once the window is up lives
  as long as the app, so it is moved out of the collector's sight at the first turn of the event
  loop (gc.freeze); what is made later is still collected as usual.
"""
from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QTimer

# Measured with two pure-Python loops beside a 10 ms audio stream: 20 of 500 device callbacks ran in
# 5 s at Python's default 5 ms a turn, 349 at 1 ms.
SWITCH_INTERVAL_S = 0.001


def share_the_interpreter() -> None:
    """Short interpreter turns (never longer than they already are)."""
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))


def freeze_what_the_start_made() -> None:
    """At the event loop's first turn, keep the collector off the objects the start made."""
    QTimer.singleShot(0, _freeze)


def _freeze() -> None:
    # Without a collection first: at 50,000 takes one took 80 ms of the first turn to find 10 objects
    # of garbage, which are cheaper kept than looked for.
    gc.freeze()
