"""The translation report's dialogue rows are for the phone volume the editor has set: moving the
phone volume judges the take on screen again in the background, the panel says which volume its
figures are for, and a lower volume never reads as better understood."""
from __future__ import annotations

import re

from soundon.core.listening import NOISE_NAMES
from tests.speech_like import talking_take


def figures(panel) -> dict[str, float]:
    """Each environment's STOI as the panel shows it ('marginal (0.68)')."""
    return {name: float(re.search(r"\((\d\.\d\d)\)", label.text()).group(1)) for name, label in panel.dialogue.items()}


def test_changing_the_phone_volume_judges_the_dialogue_at_that_volume(qtbot, library, tmp_path, ui_settings,
                                                                      open_window):
    take_id = talking_take(library, tmp_path, 4.0, peak=0.3)
    window = open_window(library, ui_settings)
    qtbot.waitUntil(lambda: window.select_take(take_id), timeout=3000)
    panel = window.inspector.translation
    qtbot.waitUntil(lambda: "at full volume, STOI:" in panel.speech.text(), timeout=5000)
    window.listening.set_profile("phone")
    heard = {0.0: figures(panel)}
    for volume, said in ((-12.0, "−12 dB"), (-24.0, "−24 dB")):
        window.listening.set_volume(volume)
        qtbot.waitUntil(lambda: f"being judged again at {said}" in panel.speech.text(), timeout=5000)
        qtbot.waitUntil(lambda: panel.speech.text().endswith(f"on a phone at {said} volume, STOI:"), timeout=60000)
        assert library.take(take_id).intelligibility_volume_db == volume
        heard[volume] = figures(panel)
    print(heard)
    assert set(heard[0.0]) == set(NOISE_NAMES)
    for name in NOISE_NAMES:
        assert heard[0.0][name] >= heard[-12.0][name] >= heard[-24.0][name], (name, heard)
    assert any(heard[0.0][name] > heard[-24.0][name] for name in NOISE_NAMES), heard   # the volume told
