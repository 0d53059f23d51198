"""3 kHz time marks, found in what reached the device and in what libVLC handed the app.

A mark is a 20 ms 3 kHz burst starting at phase 0 (tests/e2e/vlc_audio.py `take_audio_expression`).
Its onset is the first sample whose second difference clears a threshold only 3 kHz reaches (the
100 Hz and 1 kHz tones beside it stay far below): for a burst that starts at phase 0 that is the
burst's first or second sample, the same one on both sides, so onsets compare to a sample.
Only whole marks count: a mark cut by a jump (a seek, a flush, a pause) is left out on both sides.

How a heard mark is given a time on the player's clock:
- `FeedTap` records every block libVLC hands the route, with the date (libVLC's clock, which the
  picture follows) its first sample is due at the ear, and the pauses and flushes, as libVLC says
  them. From these alone it rebuilds when each sample is due: a pause puts everything not yet due
  later by the length of the pause; a flush drops what was not yet due. The marks found in that
  timeline are where the player's clock says they are to be heard (`expected_marks`). The device
  has already taken the next few tens of ms when a pause or a jump comes (its latency): a mark due
  that soon after a pause or flush may be heard there too, so it is allowed, not required. And a
  block libVLC hands over later than the device's latency before it is due (the first block after
  every start or jump: libVLC starts its clock as it decodes) can't be heard on time in full: a
  mark in such a late stretch is allowed, not required (only on time: late is never right).
- The recording of the monitor is one continuous stream of samples on the sound server's clock
  (the same monotonic clock as libVLC's), so a heard mark's time is its sample index / 48 kHz.
- The two differ by one constant: the device's latency plus when the recording started. It is
  measured once, from the marks before the first event; every later mark (after a pause, a seek,
  a loop, another take) must be heard within 1 ms of its expected date plus that same constant.
"""
from __future__ import annotations

import threading

import numpy as np

RATE = 48000
HOT = 0.008                 # |second difference| a 0.3 3 kHz burst clears (0.046 at its peak)
MARK_SAMPLES = int(0.02 * RATE)
GROUP_GAP = int(0.005 * RATE)
IN_FLIGHT_US = 100_000      # what the device may already hold when a pause or a flush comes
LEAD_US = 60_000            # a block due sooner than this after it came may be too late to hear in full


def mark_onsets(samples: np.ndarray) -> list[int]:
    """Indices of the onsets of whole marks in one continuous run of samples (one channel)."""
    if len(samples) < 3:
        return []
    curvature = np.abs(np.diff(samples, n=2))
    hot = np.flatnonzero(curvature > HOT) + 2      # the sample that completes the difference
    if not len(hot):
        return []
    breaks = np.flatnonzero(np.diff(hot) > GROUP_GAP)
    onsets = []
    for group in np.split(hot, breaks + 1):
        span = group[-1] - group[0] + 1
        # a whole 20 ms burst: ~89 % of its samples are hot; a jump's step is one or two samples
        if len(group) >= 0.8 * MARK_SAMPLES and abs(span - MARK_SAMPLES) <= 0.001 * RATE:
            onsets.append(int(group[0]))
    return onsets


class FeedTap:
    """Records what libVLC hands a route's Feed (the feed's own methods still do all the work)."""

    def __init__(self, feed, clock_us):
        self._clock_us = clock_us
        self._lock = threading.Lock()
        self.events: list[tuple] = []
        for name in ("push", "pause", "resume", "flush"):
            setattr(feed, name, self._wrap(name, getattr(feed, name)))

    def restart(self) -> None:
        """Forget what was recorded: a new play of the sequence starts."""
        with self._lock:
            self.events = []

    def _wrap(self, name, method):
        def recorded(*args):
            with self._lock:
                if name == "push":
                    chunk = args[0]
                    self.events.append(("push", chunk.due_us, chunk.samples[:, 0].copy(), self._clock_us()))
                elif name == "flush":
                    self.events.append(("flush", self._clock_us()))
                else:
                    self.events.append((name, args[0]))
            return method(*args)
        return recorded

    def expected_marks(self) -> tuple[np.ndarray, np.ndarray]:
        """Due dates (seconds, libVLC's clock) of the whole marks the player's clock says are heard,
        and of those that may be heard as well (in flight at a pause or a flush)."""
        with self._lock:
            events = list(self.events)
        queued: list[tuple[float, np.ndarray]] = []     # (due µs, samples) still to be heard
        heard: list[tuple[float, np.ndarray]] = []
        optional: list[float] = []
        late: list[tuple[float, float]] = []             # stretches of the clock that came too late
        paused_at = None
        step = 1e6 / RATE

        def cut(at_us):
            """What is due before at_us has been heard; a mark due up to IN_FLIGHT_US later may be
            too; the rest stays queued."""
            for due, samples in _runs(sorted(queued, key=lambda q: q[0])):
                lo = int(np.clip(np.ceil((at_us - 2 * MARK_SAMPLES * step - due) / step), 0, len(samples)))
                hi = int(np.clip(np.ceil((at_us + IN_FLIGHT_US - due) / step), 0, len(samples)))
                optional.extend(due / 1e6 + (lo + i) / RATE for i in mark_onsets(samples[lo:hi]))
            keep = []
            for due, samples in queued:
                split = int(np.clip(np.ceil((at_us - due) / step), 0, len(samples)))
                if split:
                    heard.append((due, samples[:split]))
                if split < len(samples):
                    keep.append((due + split * step, samples[split:]))
            queued[:] = keep

        for kind, *rest in events:
            if kind == "push":
                due, samples, came = rest
                queued.append((due, samples))
                if came + LEAD_US > due:
                    late.append((due, came + LEAD_US))
            elif kind == "pause":
                paused_at = rest[0]
                cut(paused_at)
            elif kind == "resume":
                if paused_at is not None:
                    queued[:] = [(due + rest[0] - paused_at, samples) for due, samples in queued]
                paused_at = None
            elif kind == "flush":
                if paused_at is None:
                    cut(rest[0])
                queued.clear()
        heard += queued
        required = []
        for due, samples in _runs(sorted(heard, key=lambda h: h[0])):
            for index in mark_onsets(samples):
                onset = due + index * step
                in_time = not any(begin <= onset < end for begin, end in late)
                (required if in_time else optional).append(onset / 1e6)
        return np.array(required), np.array(optional)


def _runs(stretches):
    """Join stretches that follow each other sample to sample into continuous runs."""
    runs: list[tuple[float, list[np.ndarray]]] = []
    end = None
    for due, samples in stretches:
        if end is not None and abs(due - end) < 0.5e6 / RATE:
            runs[-1][1].append(samples)
        else:
            runs.append((due, [samples]))
        end = due + len(samples) * 1e6 / RATE
    return [(due, np.concatenate(parts)) for due, parts in runs]


def heard_marks(recording: np.ndarray) -> np.ndarray:
    """Onsets (seconds from the start of the recording) of the whole marks that reached the device."""
    return np.array(mark_onsets(recording)) / RATE


def mark_errors(heard: np.ndarray, required: np.ndarray, optional: np.ndarray, first_event_s: float):
    """Pair each heard mark with its expected date, with one constant between the two clocks
    measured on the marks due before first_event_s (libVLC's clock).

    Returns (expected date of each heard mark, its error in seconds, the required marks that were
    not heard, the constant)."""
    assert len(heard) and len(required), "no marks to compare"
    expected = np.concatenate([required, optional])
    # The constant is what lines most heard marks up with required ones (the first heard mark may
    # be one whose twin was cut, so every pairing of the first few is tried).
    candidates = [h - e for h in heard[:3] for e in required]
    score = [np.sum(np.min(np.abs(heard[:, None] - c - required[None, :]), axis=1) < 0.003) for c in candidates]
    rough = candidates[int(np.argmax(score))]
    nearest = expected[np.argmin(np.abs(heard[:, None] - rough - expected[None, :]), axis=1)]
    before = nearest < first_event_s
    assert before.sum() >= 2, "too few marks before the first event to measure the device's latency"
    constant = float(np.median((heard - nearest)[before]))
    errors = heard - constant - nearest
    recorded = (required > heard[0] - constant - 0.1) & (required < heard[-1] - constant + 0.1)
    missed = [e for e in required[recorded] if np.min(np.abs(heard - constant - e)) > 0.003]
    return nearest, errors, np.array(missed), constant
