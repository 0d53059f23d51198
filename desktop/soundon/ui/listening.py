"""What the editor hears: the listening profile and the noise environment (M and N).

The state is remembered between sessions (QSettings). The player is asked for the audio render of
the profile (+ noise) by its render key; until renders exist for a take, the player plays the
original audio, and the switch says so — the label always names what is actually heard.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal

from soundon.core.listening import (DEFAULT_PROFILE, NOISE_NAMES, PROFILE_NAMES, next_noise, next_profile,
                                    noise_named, profile_named)
from soundon.ui.player.vlc_player import NATIVE_AUDIO

PROFILE_KEY = "listening/profile"
NOISE_KEY = "listening/noise"


def render_key(profile: str, noise: str | None) -> str:
    """The name a listening render is registered under in the player: 'phone' or 'phone+cafe'."""
    if noise and profile_named(profile).takes_noise:
        return f"{profile}+{noise}"
    return profile


class ListeningState(QObject):
    changed = Signal()

    def __init__(self, settings: QSettings, parent: QObject | None = None):
        super().__init__(parent)
        self._settings = settings
        profile = str(settings.value(PROFILE_KEY, DEFAULT_PROFILE))
        noise = settings.value(NOISE_KEY, "") or None
        self._profile = profile if profile in PROFILE_NAMES else DEFAULT_PROFILE
        self._noise = noise if noise in NOISE_NAMES else None
        self._hearing = NATIVE_AUDIO

    @property
    def profile(self) -> str:
        return self._profile

    @property
    def noise(self) -> str | None:
        return self._noise

    @property
    def render_key(self) -> str:
        return render_key(self._profile, self._noise)

    def set_profile(self, name: str) -> None:
        profile_named(name)  # refuses an unknown name
        self._profile = name
        self._settings.setValue(PROFILE_KEY, name)
        self.changed.emit()

    def set_noise(self, name: str | None) -> None:
        if name is not None:
            noise_named(name)
        self._noise = name
        self._settings.setValue(NOISE_KEY, name or "")
        self.changed.emit()

    def cycle_profile(self) -> None:
        self.set_profile(next_profile(self._profile))

    def cycle_noise(self) -> None:
        self.set_noise(next_noise(self._noise))

    def set_hearing(self, audio: str) -> None:
        """What the player reports it plays (NATIVE_AUDIO or a render key)."""
        if audio != self._hearing:
            self._hearing = audio
            self.changed.emit()

    def rendered(self) -> bool:
        """True when what is heard is what the switch names (headphones = the original audio)."""
        if self._hearing == self.render_key:
            return True
        return self._hearing == NATIVE_AUDIO and self._profile == "headphones"

    def label(self) -> str:
        profile = profile_named(self._profile)
        text = profile.label
        if self._noise and profile.takes_noise:
            noise = noise_named(self._noise)
            text += f" · {noise.label} {noise.level_dba:g} dBA"
        if not self.rendered():
            text += " — original audio (no render yet)"
        return text

    def tooltip(self) -> str:
        profile = profile_named(self._profile)
        lines = [profile.description, "Profiles are approximations of real devices.",
                 "M: next profile · N: next noise environment"]
        if self._noise and not profile.takes_noise:
            lines.append(f"Noise ({noise_named(self._noise).label}) applies to phone profiles only.")
        if not self.rendered():
            lines.append("This take has no render for this profile yet, so you hear its original audio.")
        return "\n".join(lines)
