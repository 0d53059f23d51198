"""Loudness as ITU-R BS.1770-4 / EBU R128 measure it, on decoded samples in numpy.

The K-weighting filter's coefficients are here; it runs as biquads in double precision with kept
state (media/dsp/biquads.py, whose loop is compiled: media/dsp/_loops.c). Everything after the
filter — gating, loudness range, true peak — is here too.

- Integrated loudness: 400 ms blocks every 100 ms, absolute gate −70 LUFS, relative gate −10 LU.
- Short-term loudness: 3 s windows every 100 ms; a take shorter than 3 s is one window.
- Loudness range (EBU Tech 3342): short-term values, absolute gate −70 LUFS, relative gate −20 LU,
  95th minus 10th percentile.
- True peak: BS.1770-4 Annex 2 4× polyphase interpolator, on the channels as decoded.
"""
from __future__ import annotations

import math

import numpy as np

ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
LRA_RELATIVE_GATE_LU = -20.0
BLOCK_S = 0.4
SHORT_TERM_S = 3.0
HOP_S = 0.1
LOUDNESS_OFFSET = -0.691

# BS.1770-4 Annex 2: the 48-tap interpolator as 4 phases of 12 taps.
TRUE_PEAK_PHASES = np.array([
    [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
     0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500],
    [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
     0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375],
    [-0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625000000, -0.2003173828125, 0.7797851562500,
     0.4650878906250, -0.1665039062500, 0.0891113281250, -0.0517578125000, 0.0292968750000, -0.0291748046875],
    [-0.0083007812500, 0.0148925781250, -0.0266113281250, 0.0476074218750, -0.1022949218750, 0.9721679687500,
     0.1373291015625, -0.0594482421875, 0.0332031250000, -0.0196533203125, 0.0109863281250, 0.0017089843750],
])


def k_weighting(rate: int) -> list[tuple[tuple[float, float, float], tuple[float, float, float]]]:
    """The two K-weighting biquads (pre-filter shelf, then RLB high-pass) as ((b0,b1,b2), (a0,a1,a2)).

    Derived from the analog prototypes so that any sample rate gets the filter BS.1770 tabulates at
    48 kHz (the same derivation libebur128 uses).
    """
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain_db / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
    shelf_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    highpass = (1.0, -2.0, 1.0)
    highpass_a = (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    return [(shelf, shelf_a), (highpass, highpass_a)]


def channel_weights(channels: int) -> np.ndarray:
    """BS.1770 weights in ffmpeg's channel order for the analysis' pinned layouts.

    1.0 for front and centre channels, 1.41 for the surrounds, 0 for the LFE. A mono take counts
    as dual mono (weight 2): it is heard, and published, on two speakers, so it reads as loud as
    the same sound on both channels of a stereo file (ffmpeg ebur128's dualmono).
    Layouts: 3.0 FL FR FC · 4.0 FL FR FC BC · 5.0 FL FR FC BL BR · 5.1 FL FR FC LFE BL BR ·
    6.1 FL FR FC LFE BC SL SR · 7.1 FL FR FC LFE BL BR SL SR.
    """
    weights = {
        1: [2.0],
        2: [1.0, 1.0],
        3: [1.0, 1.0, 1.0],
        4: [1.0, 1.0, 1.0, 1.0],
        5: [1.0, 1.0, 1.0, 1.41, 1.41],
        6: [1.0, 1.0, 1.0, 0.0, 1.41, 1.41],
        7: [1.0, 1.0, 1.0, 0.0, 1.0, 1.41, 1.41],
        8: [1.0, 1.0, 1.0, 0.0, 1.41, 1.41, 1.41, 1.41],
    }
    if channels not in weights:
        raise ValueError(f"no BS.1770 channel weights for {channels} channels")
    return np.array(weights[channels])


def weighted_power(k_weighted: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ_c w_c · y_c² per sample (float64)."""
    y = k_weighted.astype(np.float64, copy=False)
    return (y * y) @ weights


class BlockSums:
    """Per-sample series summed over 100 ms sub-blocks, fed chunk by chunk.

    Every measure here is a mean over windows of whole sub-blocks (400 ms blocks and 3 s short-term
    windows both start every 100 ms), so the sub-block sums are all that needs keeping: a take of
    any length is measured in constant memory. Sub-block k covers samples [round(k·0.1·rate),
    round((k+1)·0.1·rate)).
    """

    def __init__(self, rate: int, series: int, hop_s: float = HOP_S):
        self.rate = rate
        self.hop = hop_s * rate
        self.position = 0
        self.completed: list[np.ndarray] = []
        self.carry = np.zeros(series)
        self.total = np.zeros(series)
        self._k = 0  # index of the sub-block being filled

    def _boundary(self, k: int) -> int:
        return int(round(k * self.hop))

    def feed(self, values: np.ndarray) -> None:
        """values: samples × series (or one series)."""
        values = np.asarray(values)
        self.feed_series((values[:, None] if values.ndim == 1 else values).T)

    def feed_series(self, rows: np.ndarray) -> None:
        """rows: series × samples (each row contiguous: the sums then run along memory)."""
        n = rows.shape[1]
        if n == 0:
            return
        self.total += rows.sum(axis=1, dtype=np.float64)
        # Boundaries that fall in (position, position + n]; the first is always past `position`.
        cuts = []
        k = self._k + 1
        while self._boundary(k) <= self.position + n:
            cuts.append(self._boundary(k) - self.position)
            k += 1
        if cuts:
            sums = np.add.reduceat(rows[:, :cuts[-1]], [0, *cuts[:-1]], axis=1, dtype=np.float64).T
            sums[0] += self.carry
            self.completed.append(sums)
            self.carry = rows[:, cuts[-1]:].sum(axis=1, dtype=np.float64)
            self._k = k - 1
        else:
            self.carry = self.carry + rows.sum(axis=1, dtype=np.float64)
        self.position += n

    def sub_blocks(self) -> tuple[np.ndarray, np.ndarray]:
        """(sums per completed sub-block × series, samples per sub-block)."""
        sums = np.vstack(self.completed) if self.completed else np.zeros((0, len(self.carry)))
        bounds = np.round(np.arange(len(sums) + 1) * self.hop).astype(np.int64)
        return sums, np.diff(bounds).astype(np.float64)

    def window_means(self, window_s: float) -> np.ndarray:
        """Means over windows of window_s (whole windows only, one every 100 ms), windows × series.

        A signal shorter than one window is measured as a single window over all of it.
        """
        width = int(round(window_s / (self.hop / self.rate)))
        sums, counts = self.sub_blocks()
        if len(sums) < width:
            if self.position == 0:
                return np.zeros((0, len(self.carry)))
            return (self.total / self.position)[None, :]
        cumulative = np.vstack([np.zeros((1, sums.shape[1])), np.cumsum(sums, axis=0)])
        counted = np.concatenate(([0.0], np.cumsum(counts)))
        window_sums = cumulative[width:] - cumulative[:-width]
        window_counts = counted[width:] - counted[:-width]
        return window_sums / window_counts[:, None]


def to_lufs(power) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return LOUDNESS_OFFSET + 10 * np.log10(np.asarray(power, dtype=np.float64))


def gated_loudness(block_powers: np.ndarray, relative_gate_lu: float = RELATIVE_GATE_LU) -> float | None:
    """BS.1770-4 two-stage gating over block powers; None when nothing is above −70 LUFS."""
    if block_powers.size == 0:
        return None
    loud = block_powers[to_lufs(block_powers) > ABSOLUTE_GATE_LUFS]
    if loud.size == 0:
        return None
    gate = float(to_lufs(loud.mean())) + relative_gate_lu
    kept = loud[to_lufs(loud) > gate]
    return float(to_lufs(kept.mean())) if kept.size else None


def loudness_range_of(short_term_powers: np.ndarray) -> float | None:
    """EBU Tech 3342 loudness range from short-term (3 s) window powers."""
    loud = short_term_powers[to_lufs(short_term_powers) > ABSOLUTE_GATE_LUFS]
    if loud.size == 0:
        return None
    gate = float(to_lufs(loud.mean())) + LRA_RELATIVE_GATE_LU
    values = to_lufs(loud)
    values = values[values > gate]
    if values.size == 0:
        return None
    low, high = np.percentile(values, [10, 95])
    return float(high - low)


def _single(power: np.ndarray, rate: int) -> BlockSums:
    sums = BlockSums(rate, 1)
    sums.feed(power)
    return sums


def integrated_loudness(power: np.ndarray, rate: int) -> float | None:
    """Integrated loudness of a per-sample weighted power series (see weighted_power)."""
    return gated_loudness(_single(power, rate).window_means(BLOCK_S)[:, 0])


def short_term(power: np.ndarray, rate: int) -> np.ndarray:
    """Short-term loudness (3 s windows, 100 ms apart), LUFS."""
    return to_lufs(_single(power, rate).window_means(SHORT_TERM_S)[:, 0])


def loudness_range(power: np.ndarray, rate: int) -> float | None:
    """Loudness range; None for a signal shorter than one 3 s window, or silent."""
    if len(power) < SHORT_TERM_S * rate:
        return None
    return loudness_range_of(_single(power, rate).window_means(SHORT_TERM_S)[:, 0])


class TruePeakMeter:
    """True peak (BS.1770-4 Annex 2, 4× oversampling), fed chunk by chunk.

    Only the outputs that could beat the peak found so far are interpolated. Each of the four
    phases leans on the two samples around the output (taps 0.97 + 0.14, 0.78 + 0.47, …); the other
    ten taps add at most their absolute sum times the loudest sample near by. That bound, worked
    out for every output in a few array operations, leaves a few outputs in a thousand on noise or
    programme to interpolate. Where a cruder bound (the loudest sample near by times the whole
    absolute sum) already leaves most of a block, as on a steady tone, the block is worked out whole.
    """

    GROUP = 8      # samples: "the loudest sample near by" is the loudest of the groups an output reads

    def __init__(self, channels: int):
        self.taps = TRUE_PEAK_PHASES.shape[1]
        self.history = np.zeros((channels, self.taps - 1), np.float32)
        self.best = 0.0
        self._phases = TRUE_PEAK_PHASES[:, ::-1].astype(np.float32).T  # (taps, 4); newest sample last
        # Output s reads inputs [s, s + taps); its two big taps fall on inputs s + CENTRE, s + CENTRE + 1.
        weights = np.abs(self._phases)                        # (taps, 4)
        self._centre = centre = self.taps // 2 - 1
        self._near = weights[centre], weights[centre + 1]    # per phase
        self._rest = weights.sum(axis=0) - weights[centre] - weights[centre + 1]
        self._loudest_gain = float(weights.sum(axis=0).max())  # no output beats the loudest input by more

    def feed(self, samples: np.ndarray) -> None:
        """samples: frames × channels."""
        self.feed_channels(np.ascontiguousarray(np.asarray(samples, dtype=np.float32).T))

    def feed_channels(self, channels: np.ndarray) -> None:
        """channels: channels × frames (each row contiguous)."""
        n, group = channels.shape[1], self.GROUP
        if n == 0:
            return
        padded_all = np.concatenate((self.history, channels), axis=1)
        self.history = padded_all[:, -(self.taps - 1):].copy()
        self.best = max(self.best, float(np.abs(channels).max()))
        width = n + self.taps - 1
        groups = -(-width // group)
        outputs = -(-n // group)
        spread = -(-(self.taps - 1) // group) + 1  # the input groups an output group reads
        centre = self._centre
        for padded in padded_all:
            magnitude = np.zeros((groups + spread) * group, np.float32)
            np.abs(padded, out=magnitude[:width])
            loudest = _row_max(magnitude.reshape(-1, group))
            nearby = loudest[:outputs].copy()
            for step in range(1, spread):
                np.maximum(nearby, loudest[step:outputs + step], out=nearby)
            windows = np.lib.stride_tricks.sliding_window_view(padded, self.taps)
            loud_share = np.count_nonzero(nearby * self._loudest_gain > self.best) / outputs
            if loud_share == 0:
                continue
            if loud_share < 0.5:     # a steady tone near its peak all along is worked out whole
                nearby = np.repeat(nearby, group)[:n]
                first, second = magnitude[centre:centre + n], magnitude[centre + 1:centre + 1 + n]
                bound = np.zeros(n, np.float32)
                for phase in range(len(self._rest)):
                    np.maximum(bound, self._near[0][phase] * first + self._near[1][phase] * second
                               + self._rest[phase] * nearby, out=bound)
                hot = np.flatnonzero(bound > self.best)
                if not hot.size:
                    continue
                windows = windows[hot]
            self.best = max(self.best, float(np.abs(windows @ self._phases).max()))


def _row_max(rows: np.ndarray) -> np.ndarray:
    """The largest of each row of a (k, 2^m) array, by halving: numpy's max over a short axis
    costs ten times as much."""
    while rows.shape[1] > 1:
        half = rows.shape[1] // 2
        rows = np.maximum(rows[:, :half], rows[:, half:])
    return rows[:, 0]


def true_peak(samples: np.ndarray) -> float:
    """Largest absolute value of the 4×-oversampled signal (or of the samples), linear."""
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    meter = TruePeakMeter(x.shape[1])
    meter.feed(x)
    return meter.best


def db(value: float) -> float | None:
    """20·log10 of a linear level; None for silence."""
    return 20 * math.log10(value) if value > 0 else None
