"""Listening profiles and noise environments, as data (DESIGN.md "Listening profiles").

These are approximations of how a device and a place colour what an editor hears; the UI labels them
so. The audio graph that plays and renders them (soundon.media.audio_graph, soundon.media.dsp) and
the analysis' device-response branch (soundon.media.sound_measure) are both built from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class EqBand:
    """A peaking or shelving correction, in dB relative to 1 kHz."""

    kind: str          # 'highpass', 'lowpass', 'peak', 'highshelf', 'lowshelf'
    frequency: float   # Hz
    gain_db: float = 0.0
    q: float = 0.707
    poles: int = 2     # for high/low-pass


@dataclass(frozen=True)
class ListeningProfile:
    name: str            # stable id used on the command line and in the library
    label: str           # what the switch shows
    description: str
    mono: bool = False
    crossfeed: float = 0.0         # share of the opposite channel mixed in (laptop speakers)
    eq: tuple[EqBand, ...] = field(default_factory=tuple)
    phone_dynamics: bool = False   # compressor (≈ −24 dB threshold, 3:1) + −1 dBFS limiter
    takes_noise: bool = False      # environment noise applies (phone profiles)

    @property
    def is_reference(self) -> bool:
        return self.name == "headphones"


# Responses relative to 1 kHz, as measured through the rendered graph (tests/unit/test_listening_response.py):
# phone -6 dB at 300 Hz, -39 dB at 100 Hz, +3.5 dB at 3-3.5 kHz, -6 dB at 14 kHz;
# budget -6 dB at 500 Hz, +4 dB at 2-3 kHz, -9 dB at 10 kHz; laptop -6 dB at 200 Hz, +2 dB at 3-5 kHz,
# -4.6 dB at 16 kHz; earbuds -6 dB at 75 Hz, +3.7 dB at 3 kHz, -3.4 dB at 16 kHz.
# A 2-pole filter with Q 0.5 is -6 dB at its frequency, so the "-6 dB at" corners are Q 0.5 poles.
PROFILES: tuple[ListeningProfile, ...] = (
    ListeningProfile("headphones", "Headphones", "Reference: stereo, untouched."),
    ListeningProfile(
        "phone", "Phone", "Flagship phone speaker (approximation): mono, no bass below ~300 Hz, "
        "presence lift, device limiter.", mono=True,
        eq=(EqBand("highpass", 300, poles=2), EqBand("highpass", 300, poles=2),
            EqBand("peak", 3200, 4.0, q=1.0), EqBand("lowpass", 14000, q=0.5)),
        phone_dynamics=True, takes_noise=True),
    ListeningProfile(
        "phone-budget", "Budget phone", "Budget phone speaker (approximation): mono, thin below "
        "~500 Hz, harsh upper mids, dull top.", mono=True,
        eq=(EqBand("highpass", 500, poles=2), EqBand("highpass", 500, poles=2),
            EqBand("peak", 2500, 6.0, q=0.9), EqBand("lowpass", 7900, q=0.5)),
        phone_dynamics=True, takes_noise=True),
    ListeningProfile(
        "laptop", "Laptop", "Laptop speakers (approximation): narrow stereo, little below 200 Hz.",
        crossfeed=0.2,
        eq=(EqBand("highpass", 200, poles=2, q=0.5), EqBand("peak", 4000, 2.4, q=0.8),
            EqBand("lowpass", 17000, q=0.5))),
    ListeningProfile(
        "earbuds", "Earbuds", "Unsealed earbuds (approximation): bass rolled off below ~75 Hz.",
        eq=(EqBand("highpass", 75, poles=2, q=0.5), EqBand("peak", 3000, 4.2, q=1.0),
            EqBand("highshelf", 16000, -6.2))),
)
PROFILE_NAMES = tuple(p.name for p in PROFILES)
DEFAULT_PROFILE = "phone"


@dataclass(frozen=True)
class NoiseEnvironment:
    name: str
    label: str
    level_dba: float
    colour: str = "pink"   # 'pink' (80 Hz–8 kHz band-limited) or 'brown' (traffic rumble)


NOISES: tuple[NoiseEnvironment, ...] = (
    NoiseEnvironment("quiet-room", "Quiet room", 40),
    NoiseEnvironment("office", "Office", 50),
    NoiseEnvironment("cafe", "Café", 62),
    NoiseEnvironment("street", "Street", 70, colour="brown"),
    NoiseEnvironment("train", "Train", 78, colour="brown"),
)
NOISE_NAMES = tuple(n.name for n in NOISES)

# Calibration: a phone at full volume plays programme at −18 LUFS as 75 dBA at the ear.
REFERENCE_PROGRAMME_LUFS = -18.0
REFERENCE_PROGRAMME_DBA = 75.0


def noise_bed_lufs(environment_dba: float) -> float:
    """Loudness of the noise bed for an environment of E dBA: −18 − (75 − E) LUFS."""
    return REFERENCE_PROGRAMME_LUFS - (REFERENCE_PROGRAMME_DBA - environment_dba)


def profile_named(name: str) -> ListeningProfile:
    for profile in PROFILES:
        if profile.name == name:
            return profile
    raise ValueError(f"Unknown listening profile {name!r}; choose one of {', '.join(PROFILE_NAMES)}.")


def noise_named(name: str) -> NoiseEnvironment:
    for noise in NOISES:
        if noise.name == name:
            return noise
    raise ValueError(f"Unknown noise {name!r}; choose one of {', '.join(NOISE_NAMES)}.")


def next_profile(current: str) -> str:
    """M cycles headphones → phone → budget phone → laptop → earbuds → headphones."""
    index = PROFILE_NAMES.index(current) if current in PROFILE_NAMES else -1
    return PROFILE_NAMES[(index + 1) % len(PROFILE_NAMES)]


# The phone volume is continuous (the live graph applies any gain from the next block). [ and ]
# move between these marks, like a phone's volume buttons (dB below full volume).
VOLUME_STEPS: tuple[float, ...] = (0.0, -6.0, -12.0, -18.0, -24.0, -30.0)
VOLUME_RESOLUTION_DB = 0.5   # the slider's and the remembered setting's smallest change


def clamp_volume(volume_db: float) -> float:
    """Within the control's range (full down to the lowest mark), to its resolution."""
    volume = min(0.0, max(VOLUME_STEPS[-1], float(volume_db)))
    return round(volume / VOLUME_RESOLUTION_DB) * VOLUME_RESOLUTION_DB + 0.0   # + 0.0: no "−0"


def volume_step(current: float, direction: int) -> float:
    """To the next mark louder (direction +1) or quieter (−1), staying within the marks; from
    between two marks, the next one in that direction."""
    if direction > 0:
        return min((s for s in VOLUME_STEPS if s > current + 1e-6), default=VOLUME_STEPS[0])
    return max((s for s in VOLUME_STEPS if s < current - 1e-6), default=VOLUME_STEPS[-1])


def next_noise(current: str | None) -> str | None:
    """N cycles off → quiet room → office → café → street → train → off."""
    cycle = (None, *NOISE_NAMES)
    index = cycle.index(current) if current in cycle else 0
    return cycle[(index + 1) % len(cycle)]


MAX_PHONE_VOLUME_CUT_DB = 60.0


@dataclass(frozen=True)
class ListeningSetup:
    """What the editor chose to hear: a profile, optionally a place and a phone volume."""

    profile: str = DEFAULT_PROFILE
    noise: str | None = None
    volume_db: float = 0.0          # phone volume: 0 = full, −12 = twelve dB down
    match_loudness: bool = False

    def __post_init__(self):
        profile_named(self.profile)
        if self.noise is not None:
            noise_named(self.noise)
        if not -MAX_PHONE_VOLUME_CUT_DB <= self.volume_db <= 0:
            raise ValueError(f"Phone volume is 0 dB (full) or lower, down to −{MAX_PHONE_VOLUME_CUT_DB:g} dB; "
                             f"{self.volume_db:g} is outside that.")

    @property
    def effective(self) -> ListeningSetup:
        """The setup with what this profile ignores removed (the key of a render)."""
        profile = profile_named(self.profile)
        if not profile.takes_noise:
            return ListeningSetup(self.profile, None, 0.0, self.match_loudness and not profile.is_reference)
        return ListeningSetup(self.profile, self.noise, float(self.volume_db), self.match_loudness)

    @property
    def key(self) -> str:
        """A short stable name for the setup: 'phone+cafe-12=' (test ids, file names of previews)."""
        setup = self.effective
        key = setup.profile
        if setup.noise:
            key += f"+{setup.noise}"
        if setup.volume_db:
            key += f"{setup.volume_db:+g}"
        if setup.match_loudness:
            key += "="
        return key

    def with_next_profile(self) -> ListeningSetup:
        return replace(self, profile=next_profile(self.profile))

    def with_next_noise(self) -> ListeningSetup:
        return replace(self, noise=next_noise(self.noise))

    def with_volume_step(self, direction: int) -> ListeningSetup:
        return replace(self, volume_db=volume_step(self.volume_db, direction))

    def with_match_loudness(self, on: bool) -> ListeningSetup:
        return replace(self, match_loudness=on)

    def label(self) -> str:
        """What the switch shows: 'Phone · Café 62 dBA · −12 dB · matched'."""
        setup = self.effective
        parts = [profile_named(setup.profile).label]
        if setup.noise:
            noise = noise_named(setup.noise)
            parts.append(f"{noise.label} {noise.level_dba:g} dBA")
        if setup.volume_db:
            parts.append(volume_text(setup.volume_db))
        if setup.match_loudness:
            parts.append("matched")
        return " · ".join(parts)


def volume_text(volume_db: float) -> str:
    """'full', '−6 dB', '−7.5 dB' (a true minus sign)."""
    return "full" if not volume_db else f"{volume_db:+g} dB".replace("-", "−")
