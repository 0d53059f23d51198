"""The app's own DSP, held to SciPy's: the compiled biquad loop, the Butterworth band-pass of the
alignment, cascade responses, Welch spectra, FFT sizes and the polyphase resampler. SciPy is a
test dependency only; the app must not load it, nor pystoi, pyloudnorm, pedalboard or lxml (they
would put 100 MB back into the bundle)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import fft, signal

from soundon.media.dsp import biquads
from soundon.media.dsp._loops import filter_rows
from soundon.media.dsp.resample import resample_poly
from soundon.media.dsp.spectrum import fast_length, power_spectrum, sos_response

RNG = np.random.default_rng(20261208)


def test_the_compiled_loop_filters_in_blocks_as_scipy_does_in_one_pass_bit_for_bit():
    sos = np.ascontiguousarray(signal.butter(3, (150, 5000), "bandpass", fs=48000, output="sos"))
    x = RNG.standard_normal((3, 20000))
    state = np.zeros((3, len(sos), 2))
    rows = x.copy()
    for at in range(0, rows.shape[1], 997):        # blocks that don't divide the length
        block = np.ascontiguousarray(rows[:, at:at + 997])
        filter_rows(sos, block, state)
        rows[:, at:at + 997] = block
    assert np.array_equal(rows, signal.sosfilt(sos, x, axis=-1))


@pytest.mark.parametrize("bad, message", [
    (lambda rows, state: (rows.astype(np.float32), state), "rows must be a C-ordered float64"),
    (lambda rows, state: (rows[:, ::2], state), "contiguous"),
    (lambda rows, state: (rows, np.zeros((2, 3, 2))), "state must be"),
    (lambda rows, state: (rows, np.zeros((1, 1, 2))), "state must be"),
    (lambda rows, state: (rows, np.zeros(4)), "state must be"),
], ids=["float32", "strided", "state of other sections", "state of fewer channels", "state flat"])
def test_the_compiled_loop_refuses_what_it_cannot_filter(bad, message):
    sos = np.ascontiguousarray(signal.butter(2, 1000, fs=48000, output="sos"))
    rows, state = bad(np.zeros((2, 64)), np.zeros((2, len(sos), 2)))
    with pytest.raises((TypeError, ValueError, BufferError), match=message):
        filter_rows(sos, rows, state)


def test_a_filter_does_not_hold_the_interpreter_while_it_runs():
    """The import's readers filter whole takes side by side: the loop must let the others run."""
    import threading
    import time
    sos = np.ascontiguousarray(np.tile(signal.butter(2, 1000, fs=48000, output="sos"), (20, 1)))
    rows, state = RNG.standard_normal((1, 4_000_000)), np.zeros((1, len(sos), 2))
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)
    counter = threading.Thread(target=count)
    counter.start()
    started = time.perf_counter()
    filter_rows(sos, rows, state)
    took = time.perf_counter() - started
    done.set()
    counter.join()
    during = [t for t in ticks if started < t < started + took]
    assert took > 0.05 and len(during) > 5, (took, len(during))


@pytest.mark.parametrize("rate", [8000, 16000, 44100, 48000, 96000])
def test_the_alignment_band_pass_is_scipys_butterworth(rate):
    low, high = 200, min(4000, 0.45 * rate)
    ours = biquads.butterworth_bandpass(4, low, high, rate)
    theirs = signal.butter(4, (low, high), "bandpass", fs=rate, output="sos")
    f = np.linspace(0, rate / 2, 4001)
    assert np.allclose(sos_response(ours, f, rate), signal.sosfreqz(theirs, worN=f, fs=rate)[1], rtol=0, atol=1e-11)
    x = RNG.standard_normal((rate, 2))
    assert np.allclose(biquads.filtered(ours, x), signal.sosfilt(theirs, x, axis=0), rtol=0, atol=1e-10)


def test_a_band_pass_outside_the_rate_is_refused():
    with pytest.raises(ValueError, match="band edges"):
        biquads.butterworth_bandpass(4, 200, 9000, 16000)


def test_the_cascade_response_is_sosfreqz():
    from soundon.core.listening import PROFILES
    f = np.geomspace(10, 23000, 500)
    for profile in PROFILES:
        sos = biquads.sections(profile.eq, 48000)
        if len(sos):
            assert np.allclose(sos_response(sos, f, 48000), signal.sosfreqz(sos, worN=f, fs=48000)[1], rtol=0, atol=1e-11)


@pytest.mark.parametrize("n, segment", [(20000, 8192), (8192, 8192), (144000, 8192), (3001, 3001), (5000, 2048)])
def test_the_power_spectrum_is_welchs(n, segment):
    x = RNG.standard_normal(n) + 0.25 * np.sin(np.arange(n) * 0.3) + 0.1
    f_ours, p_ours = power_spectrum(x, 48000, segment)
    f_theirs, p_theirs = signal.welch(x, fs=48000, nperseg=segment, scaling="spectrum")
    assert np.allclose(f_ours, f_theirs) and np.allclose(p_ours, p_theirs, rtol=1e-10, atol=0)


def test_fast_fft_sizes_are_scipys():
    for n in [*range(1, 2500), 10 ** 6 + 7, 2 ** 20 + 1, 123_456_789]:
        assert fast_length(n) == fft.next_fast_len(n, real=True), n


@pytest.mark.parametrize("up, down", [(16000, 48000), (10000, 48000), (1, 3), (3, 2), (48000, 44100)])
@pytest.mark.parametrize("n", [1, 7, 480, 48001])
def test_resampling_is_scipys_resample_poly(up, down, n):
    x = RNG.standard_normal(n)
    ours = resample_poly(x, up, down)
    theirs = signal.resample_poly(x, up, down)
    assert ours.shape == theirs.shape and np.allclose(ours, theirs, rtol=0, atol=1e-12)


def test_resampling_with_given_taps_is_scipys():
    taps = signal.firwin(301, 0.3, window=("kaiser", 8.0))
    x = RNG.standard_normal(30011)
    assert np.allclose(resample_poly(x, 5, 24, taps), signal.resample_poly(x, 5, 24, window=taps), rtol=0, atol=1e-12)


def test_the_app_loads_none_of_the_test_only_references():
    """Every module of the package imported in a fresh interpreter: none of the test-only
    references may come in with them (the frozen build leaves them out, and would then fail)."""
    script = ("import importlib, pkgutil, sys, soundon\n"
              "for info in pkgutil.walk_packages(soundon.__path__, 'soundon.'):\n"
              "    if not info.name.endswith('.__main__'):\n"
              "        importlib.import_module(info.name)\n"
              "print(len(sys.modules), sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'pystoi', 'pyloudnorm', 'pedalboard', 'lxml'}))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True).stdout
    count, loaded = out.split(" ", 1)
    assert int(count) > 200 and loaded.strip() == "[]", out
