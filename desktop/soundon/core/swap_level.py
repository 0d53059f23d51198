"""Bringing the swapped audio to its level: a loudness target reached by gain, with a true-peak
limiter only when the gain would push peaks over the ceiling.

Why this shape: a plain gain keeps the mix exactly as the mixer left it; the limiter (oversampled, so
it catches inter-sample peaks) only touches the few peaks that would break the ceiling. Limiting
lowers the loudness a little, so after a limited pass the loudness is measured again and the gain
corrected (`corrected_gain`), which lands within a tenth of a LU on real material.

Lossy codecs (AAC, Opus) add overshoot when they encode peaks near full scale, so the ceiling is
aimed `LOSSY_MARGIN_DB` lower before encoding (DESIGN.md: aim at or below -2 dBTP for a -1 ceiling).
PCM keeps a small margin for the resampler's own ripple.
"""
from __future__ import annotations

from dataclasses import dataclass

LOSSY_MARGIN_DB = 1.0
PCM_MARGIN_DB = 0.2
SILENCE_LUFS = -70.0            # BS.1770's absolute gate: below this there is nothing to measure


@dataclass(frozen=True)
class Loudness:
    integrated_lufs: float
    true_peak_dbtp: float

    @property
    def silent(self) -> bool:
        return self.integrated_lufs <= SILENCE_LUFS


@dataclass(frozen=True)
class LevelPlan:
    gain_db: float
    limiter_dbtp: float | None          # None: no limiter needed
    goal_lufs: float | None = None
    ceiling_dbtp: float | None = None
    measured: Loudness | None = None

    def as_dict(self) -> dict:
        data = {"gain_db": round(self.gain_db, 2),
                "limiter_dbtp": None if self.limiter_dbtp is None else round(self.limiter_dbtp, 2)}
        if self.goal_lufs is not None:
            data.update(goal_lufs=self.goal_lufs, ceiling_dbtp=self.ceiling_dbtp)
        if self.measured is not None:
            data.update(measured_lufs=self.measured.integrated_lufs,
                        measured_true_peak_dbtp=self.measured.true_peak_dbtp)
        return data


def aim_ceiling(ceiling_dbtp: float, lossy: bool) -> float:
    return ceiling_dbtp - (LOSSY_MARGIN_DB if lossy else PCM_MARGIN_DB)


def plan_level(goal_lufs: float, ceiling_dbtp: float, measured: Loudness, lossy: bool) -> LevelPlan:
    """Gain to reach goal_lufs from the measured loudness; a limiter if the peaks would pass the
    (aimed) ceiling."""
    if measured.silent:
        raise ValueError("silent")
    gain = goal_lufs - measured.integrated_lufs
    aimed = aim_ceiling(ceiling_dbtp, lossy)
    limiter = aimed if measured.true_peak_dbtp + gain > aimed else None
    return LevelPlan(gain, limiter, goal_lufs, ceiling_dbtp, measured)


def corrected_gain(plan: LevelPlan, after_limiter: Loudness) -> LevelPlan:
    """The limited pass came out at `after_limiter`; nudge the gain by what is missing."""
    return LevelPlan(plan.gain_db + (plan.goal_lufs - after_limiter.integrated_lufs), plan.limiter_dbtp,
                     plan.goal_lufs, plan.ceiling_dbtp, plan.measured)
