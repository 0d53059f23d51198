"""The inspector, the card's badge and the list say what the translation report measured: for a
replace take with a post track, the post mix as the export writes it; and a track attached while
the window is open is measured at once."""
from __future__ import annotations

import pytest

from soundon.core.swap_spec import Level, SwapSpec
from soundon.ui.models.roles import TakeRole


@pytest.fixture
def quieter_track(media, tmp_path):
    return media.clip("post.wav", video="", duration=3, audio="sine=frequency=440:sample_rate=48000",
                      audio_filter="volume=-10dB", folder=tmp_path / "tracks")


def test_a_track_attached_in_another_window_is_measured_on_the_post_mix(qtbot, window, quieter_track):
    library = window.library
    take = window.current_take()
    qtbot.waitUntil(lambda: library.take(take.id).analysis_target is not None, timeout=30000)
    native = library.take(take.id).integrated_lufs
    panel = window.inspector.translation
    qtbot.waitUntil(lambda: "Measured on the native audio" in panel.measured_on.text(), timeout=5000)
    # As the CLI (or another window) would: a track at its own level, the verdict replace.
    library.save_swap_spec(take.id, quieter_track, SwapSpec(level=Level(gain=0)))
    library.set_audio_verdict(take.id, "replace")
    qtbot.waitUntil(lambda: library.take(take.id).analysis_measured_on == "post mix", timeout=30000)
    assert library.take(take.id).integrated_lufs == pytest.approx(native - 10, abs=0.5)
    qtbot.waitUntil(lambda: "Measured on the post mix" in panel.measured_on.text(), timeout=5000)
    assert "level and bed applied" in panel.measured_on.text()
    assert "(post mix)" in window.inspector.fields["analysis"].text()
    model = window.model
    assert model.index(model.row_of(take.id), 0).data(TakeRole.MEASURED_ON) == "post mix"
