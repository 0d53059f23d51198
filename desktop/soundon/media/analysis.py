"""A take's translation report.

Three readings of the take make it:
- its sound at its own rate, measured in this process (media/sound_measure.py): loudness, true
  peak, loudness range, mono and phone loss, low-frequency share, clipping, silence, correlation;
- its sound decoded to 48 kHz stereo for where the speech is and how it carries on a phone in noise
  (media/intelligibility.py), with the spectrum the inspector draws (media/plot_data.py);
- the picture and sound at a low resolution for the A/V sync estimate (media/av_sync.py).

The choices the measures make where the design is silent are listed in media/sound_measure.py.
"""
from __future__ import annotations

import os
import threading
import time

from soundon.core.errors import SoundOnError
from soundon.core.targets import DEFAULT_TARGET, DeliveryTarget, target_named
from soundon.core.translation import DEFAULT_ENVIRONMENT, flags_for, summary, verdict
from soundon.media import av_sync, intelligibility, plot_data
from soundon.media.dsp.decode import decode
from soundon.media.listening import ListeningError
from soundon.media.probe import MediaInfo, probe
from soundon.media.sound_measure import MAX_CHANNELS, MeasureCancelled, MeasureError, measure_file


class AnalysisError(SoundOnError, RuntimeError):
    """The audio could not be analysed; the message says why in plain words."""


class AnalysisCancelled(SoundOnError, RuntimeError):
    pass


def analyze(path: str | os.PathLike, target: str | DeliveryTarget = DEFAULT_TARGET, *,
            info: MediaInfo | None = None, cancel: threading.Event | None = None,
            background: bool = False, volume_db: float = 0.0, environment: str = DEFAULT_ENVIRONMENT,
            sound: dict | None = None) -> dict:
    """The translation report of one file, in `soundon analyze --json`'s shape.

    background=True decodes at a lower priority (the app's job; the CLI waits for its answer).
    volume_db and environment: the phone volume the dialogue's intelligibility is judged at, and
    the noise environment whose rating raises dialogue_lost_in_noise. sound: the sound's measures
    already made from this file (the import's, media/sound_measure.py), so they are not made again.

    Raises ProbeError (not media), AnalysisError (decoding failed) or AnalysisCancelled.
    """
    started = time.perf_counter()
    target = target if isinstance(target, DeliveryTarget) else target_named(target)
    info = info or probe(path)
    report = _heading(path, info, target)
    if info.has_audio:
        report.update(sound if sound is not None else _measure(path, cancel, background))
        report.update(_dialogue(path, report["channels"], cancel, background, volume_db, environment))
    report.update(_sync(path, info, cancel, background))
    report = _judged(report, target)
    report["analysis_seconds"] = round(time.perf_counter() - started, 3)
    return report


def sound_report(path: str | os.PathLike, info: MediaInfo, sound: dict | None,
                 target: str | DeliveryTarget = DEFAULT_TARGET) -> dict:
    """The report from the sound's measures alone (made by the import from its decode): the level
    and translation flags are there at once; the dialogue and the A/V sync come with the analysis
    that follows (`analyze(..., sound=...)`). `sound` is None for a take without sound."""
    target = target if isinstance(target, DeliveryTarget) else target_named(target)
    report = _heading(path, info, target)
    if info.has_audio:
        if sound is None:
            raise ValueError("a take with sound is reported with its measures")
        report.update(sound)
    return _judged(report, target)


def _heading(path, info: MediaInfo, target: DeliveryTarget) -> dict:
    """What the report says of the file before anything is measured (raises AnalysisError for
    more channels than the measures handle)."""
    report: dict = {"file": str(path), "target": target.name, "duration": info.duration,
                    "has_audio": info.has_audio}
    if info.has_audio:
        report["channels"], report["sample_rate"] = _channels(info), info.sample_rate or 48000
    else:
        report.update({k: None for k in ("integrated_lufs", "true_peak_dbtp", "lra", "short_term_max_lufs",
                                          "mono_loss_lu", "correlation_p5", "low_freq_share", "phone_loss_lu",
                                          "speech_share", "intelligibility")})
    return report


def _channels(info: MediaInfo) -> int:
    channels = max(1, info.audio_channels or 2)
    if channels > MAX_CHANNELS:
        raise AnalysisError(f"the audio has {channels} channels; the analysis handles up to {MAX_CHANNELS}.")
    return channels


def _judged(report: dict, target: DeliveryTarget) -> dict:
    flags = flags_for(report, target)
    report["flags"] = flags
    report["verdict"] = verdict(flags)
    report["summary"] = summary(flags, target)
    return report


def _dialogue(path, channels: int, cancel: threading.Event | None, background: bool, volume_db: float,
              environment: str) -> dict:
    """Where the speech is and how well it carries on a phone in noise (media/intelligibility.py)."""
    if cancel is not None and cancel.is_set():
        raise AnalysisCancelled()
    try:
        native = decode(path, channels, background=background)
    except ListeningError as exc:
        return {"speech_share": None, "intelligibility": None, "intelligibility_note": str(exc)}
    return {**intelligibility.assess(native, volume_db=volume_db, chosen=environment),
            "spectrum": plot_data.spectrum(native, intelligibility.RATE)}


def _sync(path, info: MediaInfo, cancel: threading.Event | None, background: bool) -> dict:
    """The A/V sync estimate (media/av_sync.py); a take without picture or sound has none."""
    if not (info.has_audio and info.has_video):
        return av_sync.SyncEstimate(None, 0.0, "needs both picture and sound").as_report()
    if cancel is not None and cancel.is_set():
        raise AnalysisCancelled()
    try:
        return av_sync.estimate(path, info.fps, background=background).as_report()
    except (OSError, RuntimeError) as exc:
        # The loudness report stands on its own: a picture that won't decode only loses this line.
        return av_sync.SyncEstimate(None, 0.0, f"the picture could not be read ({exc})").as_report()


def _measure(path, cancel: threading.Event | None, background: bool) -> dict:
    try:
        return measure_file(path, cancel, background=background)
    except MeasureCancelled:
        raise AnalysisCancelled() from None
    except MeasureError as exc:
        raise AnalysisError(str(exc)) from None
