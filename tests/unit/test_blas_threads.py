"""numpy's BLAS runs on the calling thread only: the app's own threads do the work side by side,
and OpenBLAS threads on top of them spun and, with three import readers, deadlocked one
(desktop/soundon/__init__.py). Checked in a fresh interpreter, as a user's process starts."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts the threads in /proc")

PRODUCT_THREADS = textwrap.dedent("""
    import os, sys
    os.environ.pop("OPENBLAS_NUM_THREADS", None)
    if sys.argv[1] == "soundon":
        import soundon          # what every entry point imports first
    import numpy as np
    x = np.random.rand(400, 400).astype(np.float32)
    for _ in range(20):
        x @ x                   # a product big enough for OpenBLAS to share out
    print(len(os.listdir(f"/proc/{os.getpid()}/task")))
""")


def threads_after_products(first: str) -> int:
    out = subprocess.run([sys.executable, "-c", PRODUCT_THREADS, first], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return int(out.strip())


def test_numpy_products_run_on_the_calling_thread_once_soundon_is_imported():
    assert threads_after_products("soundon") == 1


def test_the_check_sees_blas_threads_where_they_would_be_started():
    # Without the setting OpenBLAS starts a thread per core: the check above can fail.
    import os
    if (os.cpu_count() or 1) > 1:
        assert threads_after_products("numpy-first") > 1
