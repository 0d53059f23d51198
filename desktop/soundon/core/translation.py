"""How a take's audio will translate: flags and a verdict from its measurements and a delivery target.

Thresholds (DESIGN.md "Translation metrics and delivery targets"):
- mono_incompatible: folding to mono loses more than 3 LU, or the 5th percentile of the L/R
  correlation (400 ms blocks) is below 0 — some stretch cancels on a phone speaker.
- bass_dependent: more than half of the energy is below 250 Hz.
- too_quiet / too_loud: integrated loudness outside the target's window (social: below −17 or above
  −13 LUFS; the official targets ±3 LU around their figure).
- peak_over: true peak above the target's ceiling.
- clipping: flat-topped runs of full-scale samples, or decoded samples beyond full scale.
- silent: nothing above the −70 LUFS gate (or digital silence); no_audio: no audio stream.
- dialogue_lost_in_noise: the speech's intelligibility on a phone in the chosen noise environment
  (the café unless another is chosen) is "lost" (media/intelligibility.py).

The verdict sums it up for the badge: `ok`; `level` when only the level is off (the swap's level
setting fixes it); `problem` when something in the sound itself will not survive a phone speaker
(clipping, mono cancellation, bass dependence, dialogue lost in noise); `silent`; `no_audio`.
"""
from __future__ import annotations

from soundon.core.targets import DeliveryTarget

FLAGS = ("no_audio", "silent", "clipping", "mono_incompatible", "bass_dependent", "dialogue_lost_in_noise",
         "too_quiet", "too_loud", "peak_over")
LEVEL_FLAGS = frozenset({"too_quiet", "too_loud", "peak_over"})
MONO_LOSS_LIMIT_LU = -3.0
CORRELATION_LIMIT = 0.0
DEFAULT_ENVIRONMENT = "cafe"
LOW_FREQ_SHARE_LIMIT = 0.5

FLAG_TEXT = {
    "no_audio": "no audio stream",
    "silent": "silent",
    "clipping": "clipped",
    "mono_incompatible": "cancels in mono",
    "bass_dependent": "relies on bass a phone can't play",
    "dialogue_lost_in_noise": "dialogue lost on a phone in noise",
    "too_quiet": "too quiet for the target",
    "too_loud": "too loud for the target",
    "peak_over": "peaks above the target's ceiling",
}
VERDICT_TEXT = {
    "ok": "Translates",
    "level": "Level off target",
    "problem": "Won't translate",
    "silent": "Silent",
    "no_audio": "No audio",
}


def flags_for(metrics: dict, target: DeliveryTarget) -> list[str]:
    """The flags a take's measurements earn against a delivery target, in FLAGS order."""
    if not metrics.get("has_audio", True):
        return ["no_audio"]
    found: set[str] = set()
    integrated = metrics.get("integrated_lufs")
    if integrated is None or metrics.get("digital_silence"):
        found.add("silent")
    if metrics.get("clipped_runs", 0) or metrics.get("overs", 0):
        found.add("clipping")
    mono_loss = metrics.get("mono_loss_lu")
    correlation = metrics.get("correlation_p5")
    if (mono_loss is not None and mono_loss < MONO_LOSS_LIMIT_LU) or (
            correlation is not None and correlation < CORRELATION_LIMIT):
        found.add("mono_incompatible")
    share = metrics.get("low_freq_share")
    if share is not None and share > LOW_FREQ_SHARE_LIMIT:
        found.add("bass_dependent")
    if dialogue_lost(metrics):
        found.add("dialogue_lost_in_noise")
    if integrated is not None:
        if integrated < target.too_quiet_below:
            found.add("too_quiet")
        elif integrated > target.too_loud_above:
            found.add("too_loud")
    peak = metrics.get("true_peak_dbtp")
    if peak is not None and peak > target.true_peak_dbtp:
        found.add("peak_over")
    return [f for f in FLAGS if f in found]


def dialogue_lost(metrics: dict) -> bool:
    """The speech is rated lost in the chosen noise environment."""
    places = metrics.get("intelligibility") or {}
    chosen = places.get(metrics.get("intelligibility_environment") or DEFAULT_ENVIRONMENT) or {}
    return chosen.get("rating") == "lost"


def verdict(flags: list[str]) -> str:
    if "no_audio" in flags:
        return "no_audio"
    if "silent" in flags:
        return "silent"
    if set(flags) - LEVEL_FLAGS:
        return "problem"
    return "level" if flags else "ok"


def summary(flags: list[str], target: DeliveryTarget) -> str:
    """One sentence for the inspector: the verdict and what earned it."""
    head = VERDICT_TEXT[verdict(flags)]
    if not flags:
        return f"{head} for {target.label}."
    return f"{head} for {target.label}: " + ", ".join(FLAG_TEXT[f] for f in flags) + "."
