"""What the editor hears: listening profile (M), noise environment (N), phone volume, match
loudness, and the source (Shift+A): the take's native audio, its post track, or the post track
over the native bed (the mix the swap delivers when the spec has a bed).

The state is remembered between sessions (QSettings). Every setting is heard from the next block
of the live audio graph; only what a take brings (its post track, its match-loudness gains) takes a
moment to prepare, and until it is there the switch says what is heard instead — the label always
names what is actually heard.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, QSettings, Signal

from soundon.core.listening import (NOISE_NAMES, PROFILE_NAMES, ListeningSetup, clamp_volume, noise_named,
                                    profile_named)
from soundon.ui.player import live_audio

PROFILE_KEY = "listening/profile"
NOISE_KEY = "listening/noise"
VOLUME_KEY = "listening/volume"
MATCH_KEY = "listening/match"

SOURCES = ("native", "post", "mix")
SOURCE_LABEL = {"native": "Native audio", "post": "Post track", "mix": "Post over native bed"}


class ListeningState(QObject):
    changed = Signal()

    def __init__(self, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self._settings = settings
        profile = str(settings.value(PROFILE_KEY, ListeningSetup().profile))
        noise = settings.value(NOISE_KEY, "") or None
        try:
            volume = clamp_volume(float(settings.value(VOLUME_KEY, 0.0)))
        except (TypeError, ValueError):
            volume = 0.0
        match = str(settings.value(MATCH_KEY, "false")).lower() == "true"
        self._setup = ListeningSetup(profile if profile in PROFILE_NAMES else ListeningSetup().profile,
                                     noise if noise in NOISE_NAMES else None, volume, match)
        self._source = "native"     # what of the take is heard (not remembered: a take may have no track)
        self._post_available = False
        self._preparing = ""        # what of the take is not heard yet, e.g. "post track loading"

    # -- the setup ------------------------------------------------------------------------------------

    @property
    def setup(self) -> ListeningSetup:
        return self._setup

    @property
    def profile(self) -> str:
        return self._setup.profile

    @property
    def noise(self) -> str | None:
        return self._setup.noise

    @property
    def volume_db(self) -> float:
        return self._setup.volume_db

    @property
    def match_loudness(self) -> bool:
        return self._setup.match_loudness

    @property
    def source(self) -> str:
        """What of the take is heard: 'native', 'post' or 'mix' ('native' when it has no post track)."""
        return self._source if self._post_available else "native"

    @property
    def post(self) -> bool:
        """The post track is heard, alone or over the native bed (only when the take has one)."""
        return self.source != "native"

    def _set(self, setup: ListeningSetup) -> None:
        if setup == self._setup:
            return
        self._setup = setup
        self._settings.setValue(PROFILE_KEY, setup.profile)
        self._settings.setValue(NOISE_KEY, setup.noise or "")
        self._settings.setValue(VOLUME_KEY, setup.volume_db)
        self._settings.setValue(MATCH_KEY, "true" if setup.match_loudness else "false")
        self.changed.emit()

    def set_profile(self, name: str) -> None:
        profile_named(name)  # refuses an unknown name
        self._set(replace(self._setup, profile=name))

    def set_noise(self, name: str | None) -> None:
        if name is not None:
            noise_named(name)
        self._set(replace(self._setup, noise=name))

    def set_volume(self, volume_db: float) -> None:
        self._set(replace(self._setup, volume_db=clamp_volume(volume_db)))

    def set_match_loudness(self, on: bool) -> None:
        self._set(self._setup.with_match_loudness(bool(on)))

    def cycle_profile(self) -> None:
        self._set(self._setup.with_next_profile())

    def cycle_noise(self) -> None:
        self._set(self._setup.with_next_noise())

    def step_volume(self, direction: int) -> None:
        self._set(self._setup.with_volume_step(direction))

    def toggle_match_loudness(self) -> None:
        self.set_match_loudness(not self._setup.match_loudness)

    def set_source(self, source: str) -> None:
        if source not in SOURCES:
            raise ValueError(f"the source is one of {', '.join(SOURCES)}, not {source!r}")
        if source != self._source:
            self._source = source
            self.changed.emit()

    def cycle_source(self) -> None:
        """Shift+A: native → post → mix → native."""
        self.set_source(SOURCES[(SOURCES.index(self._source) + 1) % len(SOURCES)])

    def set_post_available(self, available: bool) -> None:
        """Whether the take on screen has a post track to hear."""
        if bool(available) != self._post_available:
            self._post_available = bool(available)
            self.changed.emit()

    @property
    def post_available(self) -> bool:
        return self._post_available

    # -- what the player reports ----------------------------------------------------------------------

    def output_changed(self) -> None:
        """The audio device came or went: the label says so."""
        self.changed.emit()

    def set_preparing(self, what: str) -> None:
        """What the take on screen still lacks to be heard as the switch says ("" once it is all
        heard), said in the editor's words: "original audio until the post track is loaded"."""
        if what != self._preparing:
            self._preparing = what
            self.changed.emit()

    def ready(self) -> bool:
        """True when what is heard is what the switch names."""
        return not self._preparing

    def label(self) -> str:
        text = self._setup.label()
        if self._post_available:
            text = f"{SOURCE_LABEL[self.source]} · {text}"
        if live_audio.output_problem():
            return text + " — no audio output"
        if self._preparing:
            text += f" — {self._preparing}"
        return text

    def tooltip(self) -> str:
        profile = profile_named(self._setup.profile)
        lines = [profile.description, "Profiles are approximations of real devices.",
                 "M: next profile · N: next noise · [ ]: phone volume · Shift+M: match loudness · "
                 "Shift+A: native → post track → post over native bed"]
        if (self._setup.noise or self._setup.volume_db) and not profile.takes_noise:
            lines.append("Noise and phone volume apply to the phone profiles only.")
        if self._setup.noise:
            noise = noise_named(self._setup.noise)
            lines.append(f"{noise.label}: {noise.level_dba:g} dBA around the listener.")
        if self._source != "native" and not self._post_available:
            lines.append("This take has no post track: you hear its own audio.")
        if self._preparing:
            lines.append(f"Being prepared for this take: {self._preparing}.")
        return "\n".join(lines)
