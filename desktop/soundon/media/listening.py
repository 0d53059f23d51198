"""Rendering what a take sounds like through a listening profile, in a noisy place, at a phone volume.

`listening_graph` is the one place that turns a profile + noise + phone volume + match-loudness gain
into an ffmpeg filter graph. `soundon preview`, the player's background renders and the analysis
(phone loss) all go through it, so what the editor hears in the app is what the command renders.

Signal path (DESIGN.md "Listening profiles"):

    source → 48 kHz → stereo (mono is duplicated, 5.1 is downmixed) → device
      [mono sum | crossfeed] → response (EQ bands) → phone dynamics (compressor, −1 dBFS limiter)
    → programme gain (match-loudness gain + phone volume)
    → + environment noise bed → safety limiter at −1 dBFS (only when something was added)

Choices where the design is silent:
- A mono take is duplicated at full level on both sides (what players and platforms do).
- The phone's compressor (−24 dBFS threshold, 3:1, RMS detection) carries +4 dB make-up, so a
  programme at the calibration level of −18 LUFS passes at about its own level: quiet passages come
  up and loud ones down, as phone DSP does.
- Noise and phone volume apply to the profiles that take noise (the phones); the headphones reference
  is never touched, and laptop/earbuds take neither (the calibration is a phone's).
- Street and train are pink noise plus brown-noise rumble of equal loudness; the others pink noise
  band-limited to 80 Hz–8 kHz. Each channel has its own noise (decorrelated), with fixed seeds so a
  render is reproducible.
- The noise bed's level is calibrated by measuring the generated bed once per process with the same
  loudness meter the analysis uses, then scaling it to −18 − (75 − E) LUFS.
"""
from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import uuid
from pathlib import Path

import numpy as np

from soundon.core.errors import SoundOnError
from soundon.core.listening import (
    ListeningProfile, ListeningSetup, NoiseEnvironment, noise_bed_lufs, noise_named,
    profile_named,
)
from soundon.media import loudness, priority, tools
from soundon.media.safety import input_options, input_url, output_url

PREVIEW_RATE = 48000
# Phone dynamics (DESIGN.md): ≈ −24 dB threshold, 3:1, then a −1 dBFS limiter.
COMPRESSOR = "acompressor=threshold=-24dB:ratio=3:attack=5:release=120:makeup=4dB:knee=2:detection=rms"
LIMITER = "alimiter=limit=-1dB:attack=5:release=50:level=disabled:latency=1"
# The last stage when something was added on top of the device (a positive match gain, noise): keeps
# the render out of clipping; it only acts above −1 dBFS.
LIMITER_SAFETY = "alimiter=limit=-1dB:attack=2:release=50:level=disabled:latency=1"
NOISE_BAND = "highpass=f=80:p=2,lowpass=f=8000:p=2"
RUMBLE_BAND = "highpass=f=30:p=2,lowpass=f=8000:p=2"
NOISE_SEEDS = (1009, 2017, 3041, 4049)
# Brown noise straight from anoisesrc is far louder than pink at the same amplitude; this brings the
# rumble to the pink part's loudness, K-weighted (the bed as a whole is then calibrated by measurement).
_RUMBLE_BALANCE_DB = -0.7
TIMEOUT_S = 600


class ListeningError(SoundOnError, RuntimeError):
    """A listening render or measurement failed; the message says why in plain words."""


def _stereo(channels: int) -> str:
    if channels == 1:
        return "pan=stereo|c0=c0|c1=c0"
    if channels == 2:
        return "aformat=channel_layouts=stereo"
    return "aformat=channel_layouts=stereo"  # ffmpeg's standard downmix (ITU coefficients)


def _band(band, rate: int) -> str | None:
    if band.frequency >= 0.45 * rate:
        return None  # above what this sample rate carries: nothing there to shape
    f, g, q = band.frequency, band.gain_db, band.q
    if band.kind == "highpass":
        return f"highpass=f={f:g}:p={band.poles}:t=q:w={q:g}"
    if band.kind == "lowpass":
        return f"lowpass=f={f:g}:p={band.poles}:t=q:w={q:g}"
    if band.kind == "peak":
        return f"equalizer=f={f:g}:t=q:w={q:g}:g={g:g}"
    if band.kind == "highshelf":
        return f"highshelf=f={f:g}:t=q:w={q:g}:g={g:g}"
    if band.kind == "lowshelf":
        return f"lowshelf=f={f:g}:t=q:w={q:g}:g={g:g}"
    raise ValueError(f"unknown EQ band kind {band.kind!r}")


def device_chain(profile: ListeningProfile, rate: int, dynamics: bool = True,
                 stereo_out: bool = True) -> list[str]:
    """The filters that stand for the device itself: stereo in, stereo out.

    A mono device works on one channel (half the filtering) and is spread to both sides at the
    end; stereo_out=False leaves that last step out (the analysis wants the one channel).
    """
    chain: list[str] = []
    if profile.mono:
        chain.append("pan=mono|c0=0.5*c0+0.5*c1")
    elif profile.crossfeed:
        x = profile.crossfeed
        chain.append(f"pan=stereo|c0={1 - x:g}*c0+{x:g}*c1|c1={x:g}*c0+{1 - x:g}*c1")
    chain += [f for f in (_band(b, rate) for b in profile.eq) if f]
    if dynamics and profile.phone_dynamics:
        chain += [COMPRESSOR, LIMITER]
    if profile.mono and stereo_out:
        chain.append("pan=stereo|c0=c0|c1=c0")
    return chain


def _noise_sources(noise: NoiseEnvironment, rate: int, gain_db: float, tag: str) -> tuple[list[str], str]:
    """Graph lines for a decorrelated stereo noise bed at gain_db, and its output label."""
    lines = []
    for side, seed in (("l", NOISE_SEEDS[0]), ("r", NOISE_SEEDS[1])):
        lines.append(f"anoisesrc=c=pink:r={rate}:a=0.5:s={seed},{NOISE_BAND}[{tag}p{side}]")
        if noise.colour == "brown":
            rumble_seed = NOISE_SEEDS[2] if side == "l" else NOISE_SEEDS[3]
            lines.append(f"anoisesrc=c=brown:r={rate}:a=0.5:s={rumble_seed},{RUMBLE_BAND},"
                         f"volume={_RUMBLE_BALANCE_DB:g}dB[{tag}b{side}]")
            lines.append(f"[{tag}p{side}][{tag}b{side}]amix=inputs=2:normalize=0:duration=shortest[{tag}{side}]")
        else:
            lines.append(f"[{tag}p{side}]anull[{tag}{side}]")
    lines.append(f"[{tag}l][{tag}r]join=inputs=2:channel_layout=stereo:map=0.0-FL|1.0-FR,"
                 f"volume={gain_db:.3f}dB:precision=double[{tag}]")
    return lines, f"[{tag}]"



def listening_graph(setup: ListeningSetup, *, channels: int = 2, match_gain_db: float = 0.0,
                    source: str = "0:a:0", output: str = "out", rate: int | None = PREVIEW_RATE,
                    input_rate: int = PREVIEW_RATE, dynamics: bool = True, stereo_out: bool = True,
                    tag: str = "lp") -> str:
    """The ffmpeg filter graph (filter_complex text) for a listening setup.

    source/output: the graph's input pad (an input stream specifier or a label) and output label.
    rate: resample to this rate first (None keeps input_rate, used by the analysis at native rate).
    match_gain_db: the gain that brings this profile to the headphones' loudness (match-loudness);
    it is only applied when setup.match_loudness is on. dynamics=False leaves out the phone's
    compressor and limiter (the analysis' phone loss measures the device's response only), and
    stereo_out=False gives a mono device's single channel (no noise then).
    """
    setup = setup.effective
    profile = profile_named(setup.profile)
    work_rate = rate or input_rate
    chain = ["aformat=sample_fmts=dblp"]
    if rate:
        chain.append(f"aresample={rate}")
    chain.append(_stereo(channels))
    if not profile.is_reference:
        chain += device_chain(profile, work_rate, dynamics, stereo_out or not profile.mono)
    gain = (match_gain_db if setup.match_loudness else 0.0) + setup.volume_db
    if gain:
        chain.append(f"volume={gain:.3f}dB:precision=double")
    noise = noise_named(setup.noise) if setup.noise else None
    lines = []
    if noise is None:
        if gain > 0 and not profile.is_reference:
            chain.append(LIMITER_SAFETY)
        if stereo_out or not profile.mono:
            chain.append("aformat=channel_layouts=stereo")
        return f"[{source}]" + ",".join(chain) + f"[{output}]"
    lines.append(f"[{source}]" + ",".join(chain) + f"[{tag}prog]")
    noise_lines, noise_label = _noise_sources(noise, work_rate, noise_gain_db(noise.name, work_rate), tag)
    lines += noise_lines
    # amix without normalising is a plain sum; it ends with the programme (the noise never ends).
    lines.append(f"[{tag}prog]{noise_label}amix=inputs=2:normalize=0:duration=first,"
                 f"{LIMITER_SAFETY},aformat=channel_layouts=stereo[{output}]")
    return ";".join(lines)


# -- running ffmpeg -------------------------------------------------------------------------------

# ffmpeg's filters slice-thread by default; for audio that costs more in wake-ups than it gains
# (a biquad runs 4× faster on one thread), and the job pool runs takes side by side anyway.
SINGLE_THREAD = ["-threads", "1", "-filter_complex_threads", "1"]


def _ffmpeg(args: list[str], *, capture: bool, timeout: float = TIMEOUT_S, background: bool = False) -> bytes:
    cmd = [tools.ffmpeg().path, "-hide_banner", "-nostdin", "-v", "error", "-y", *SINGLE_THREAD, *args]
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=errors,
                                stdin=subprocess.DEVNULL, **priority.popen_options(background))
        priority.lower(proc, background)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise ListeningError(f"ffmpeg did not finish within {timeout:g} s.") from None
        if proc.returncode != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise ListeningError(f"ffmpeg could not render the audio ({(lines[-1] if lines else '?')[:300]}).")
    return out if capture else b""


def source_args(path: str | os.PathLike, *, offset_s: float = 0.0, loop: bool = False) -> list[str]:
    """Input options for a source file: safe URL, and where the sound starts (post-track offset).

    A positive offset delays the sound (silence first); a negative one starts later inside it.
    """
    args: list[str] = []
    for key, value in input_options().items():
        args += [f"-{key}", value]
    if loop:
        args += ["-stream_loop", "-1"]
    if offset_s < 0:
        args += ["-ss", f"{-offset_s:.6f}"]
    return args + ["-vn", "-sn", "-dn", "-i", input_url(path)]


def _placement(offset_s: float, duration_s: float | None) -> str:
    """Filters that place a post track on the take's timeline: delay, then pad/trim to length."""
    parts = []
    if offset_s > 0:
        parts.append(f"adelay=delays={offset_s * 1000:.3f}:all=1")
    if duration_s:
        parts += ["apad", f"atrim=end={duration_s:.6f}"]
    return ",".join(parts)


def render(source: str | os.PathLike, out: str | os.PathLike, setup: ListeningSetup, *, channels: int,
           match_gain_db: float | None = None, offset_s: float = 0.0, duration_s: float | None = None,
           loop: bool = False, background: bool = False) -> Path:
    """Render source through a listening setup into a 48 kHz 16-bit stereo WAV at `out`.

    Written beside `out` and renamed into place, so a reader never sees half a file. With
    match_loudness and no match_gain_db given, the gain is measured first (one more decode).
    """
    out = Path(out)
    setup = setup.effective
    if setup.match_loudness and match_gain_db is None:
        match_gain_db = match_gain(source, setup.profile, channels=channels, offset_s=offset_s,
                                   duration_s=duration_s, loop=loop, background=background)
    placement = _placement(offset_s, duration_s)
    graph = listening_graph(setup, channels=channels, match_gain_db=match_gain_db or 0.0,
                            source="placed" if placement else "0:a:0")
    if placement:
        graph = f"[0:a:0]{placement}[placed];" + graph
    tmp = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.partial.wav")  # unique per thread and process
    try:
        _ffmpeg([*source_args(source, offset_s=offset_s, loop=loop), "-filter_complex", graph,
                 "-map", "[out]", "-c:a", "pcm_s16le", "-ar", str(PREVIEW_RATE), "-f", "wav",
                 output_url(tmp)], capture=False, background=background)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


# -- measuring through the graph (match-loudness, noise calibration) ---------------------------------

def k_weighting_chain(rate: int, layout: str | None = None) -> str:
    """ffmpeg filters applying the BS.1770 K-weighting, in double precision.

    layout pins the channel layout after the filters: amerge refuses (or drops channels of) a
    branch that arrives without one, and the biquads don't always carry it through.
    """
    stages = []
    for (b0, b1, b2), (a0, a1, a2) in loudness.k_weighting(rate):
        stages.append(f"biquad=b0={b0!r}:b1={b1!r}:b2={b2!r}:a0={a0!r}:a1={a1!r}:a2={a2!r}:precision=f64")
    pin = f",aformat=channel_layouts={layout}" if layout else ""
    return "aformat=sample_fmts=dblp," + ",".join(stages) + pin


def _read_f32(raw: bytes, channels: int) -> np.ndarray:
    samples = np.frombuffer(raw, dtype="<f4")
    usable = len(samples) - len(samples) % channels
    return samples[:usable].reshape(-1, channels)


def match_gain(source: str | os.PathLike, profile: str, *, channels: int, offset_s: float = 0.0,
               duration_s: float | None = None, loop: bool = False, background: bool = False) -> float:
    """dB that bring `profile` to the same integrated loudness as the headphones reference.

    One decode: the source is split into the reference and the profile render, both K-weighted and
    measured together. 0 when either is silent (nothing to match).
    """
    if profile_named(profile).is_reference:
        return 0.0
    placement = _placement(offset_s, duration_s)
    head = f"[0:a:0]{placement + ',' if placement else ''}asplit=2[ref][dev];"
    reference = listening_graph(ListeningSetup("headphones"), channels=channels, source="ref", output="refo",
                                tag="r")
    device = listening_graph(ListeningSetup(profile), channels=channels, source="dev", output="devo", tag="d")
    kw = k_weighting_chain(PREVIEW_RATE, "stereo")
    graph = (head + reference + ";" + device + f";[refo]{kw}[refk];[devo]{kw}[devk];"
             "[refk][devk]amerge=inputs=2,aformat=sample_fmts=flt[m]")
    raw = _ffmpeg([*source_args(source, offset_s=offset_s, loop=loop), "-filter_complex", graph, "-map", "[m]",
                   "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"], capture=True, background=background)
    data = _read_f32(raw, 4)
    ones = np.ones(2)
    ref = loudness.integrated_loudness(loudness.weighted_power(data[:, :2], ones), PREVIEW_RATE)
    dev = loudness.integrated_loudness(loudness.weighted_power(data[:, 2:], ones), PREVIEW_RATE)
    if ref is None or dev is None:
        return 0.0
    return ref - dev


@functools.cache
def noise_gain_db(noise: str, rate: int = PREVIEW_RATE) -> float:
    """Gain that puts the generated noise bed of an environment at its calibrated loudness.

    Measured once per process: 20 s of the bed at 0 dB gain through the loudness meter.
    """
    environment = noise_named(noise)
    lines, label = _noise_sources(environment, rate, 0.0, "c")
    graph = ";".join(lines) + f";{label}{k_weighting_chain(rate)},aformat=sample_fmts=flt[k]"
    raw = _ffmpeg(["-filter_complex", graph, "-map", "[k]", "-t", "20", "-f", "f32le", "-c:a", "pcm_f32le",
                   "pipe:1"], capture=True)
    measured = loudness.integrated_loudness(loudness.weighted_power(_read_f32(raw, 2), np.ones(2)), rate)
    if measured is None:
        raise ListeningError("the noise bed could not be measured (it came out silent).")
    return noise_bed_lufs(environment.level_dba) - measured
