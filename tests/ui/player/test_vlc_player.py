"""The libVLC player, for real: a tiny take played into a native widget on the virtual display."""
from __future__ import annotations

import pytest

from soundon.core.timecode import frame_duration
from soundon.ui.player.deck import PlayerDeck
from soundon.ui.player.video_surface import VideoSurface
from soundon.ui.player.libvlc import instance_args
from soundon.ui.player.vlc_player import PlayerState, VlcPlayer
from tests.takes import a_take


@pytest.fixture
def surface(qtbot):
    widget = VideoSurface()
    widget.resize(320, 180)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def player(qtbot, surface):
    p = VlcPlayer()
    p.bind(surface)
    yield p
    p.release()


@pytest.fixture
def take(media):
    return media.clip("take.mp4", duration=3.0, size="160x90", fps="25", audio="sine=frequency=440:sample_rate=48000")


def test_instance_args_come_from_one_place(monkeypatch):
    monkeypatch.setenv("SOUNDON_VIDEO_OUTPUT", "xcb_x11")
    monkeypatch.setenv("SOUNDON_AUDIO_OUTPUT", "adummy")
    args = instance_args()
    assert "--vout=xcb_x11" in args and "--aout=adummy" in args and "--no-video-title-show" in args


def test_plays_with_time_advancing_and_shows_a_first_frame(qtbot, player, take):
    with qtbot.waitSignal(player.first_frame, timeout=5000):
        player.load(take, 25, autoplay=True)
        qtbot.waitUntil(player.is_playing, timeout=5000)
    qtbot.waitUntil(lambda: player.length > 2.9, timeout=3000)
    first = player.reported_time()
    qtbot.waitUntil(lambda: player.reported_time() > first + 0.3, timeout=3000)
    assert 0 < player.position() < 3.0


def test_opened_paused_it_shows_the_first_frame(qtbot, player, take):
    with qtbot.waitSignal(player.first_frame, timeout=5000):
        player.load(take, 25, autoplay=False)
    assert player.state == PlayerState.PAUSED
    assert player.position() == 0.0


def test_a_seek_while_paused_lands_within_a_frame(qtbot, player, take):
    player.load(take, 25, autoplay=False)
    qtbot.waitUntil(lambda: player.state == PlayerState.PAUSED, timeout=5000)
    frame = frame_duration(25)
    for target in (1.0, 2.2, 0.48):
        player.seek(target)
        assert player.position() == pytest.approx(round(target / frame) * frame, abs=1e-6)
        qtbot.waitUntil(lambda t=target: abs(player.reported_time() - t) < frame, timeout=3000)


def test_pausing_snaps_to_a_frame_and_frame_steps_are_exact(qtbot, player, take):
    player.load(take, 25, autoplay=True)
    qtbot.waitUntil(player.is_playing, timeout=5000)
    qtbot.waitUntil(lambda: player.position() > 0.5, timeout=3000)
    player.pause()
    held = player.position()
    assert held == pytest.approx(round(held * 25) / 25, abs=1e-9)
    player.step_frames(3)
    assert player.position() == pytest.approx(held + 3 / 25, abs=1e-6)
    player.step_frames(-1)
    assert player.position() == pytest.approx(held + 2 / 25, abs=1e-6)
    qtbot.waitUntil(lambda: abs(player.reported_time() - (held + 2 / 25)) < 1 / 25, timeout=3000)


def test_the_end_holds_the_last_frame_and_play_starts_over(qtbot, player, take):
    player.load(take, 25, autoplay=False, start=2.5)
    qtbot.waitUntil(lambda: player.state == PlayerState.PAUSED, timeout=5000)
    player.play()
    qtbot.waitUntil(lambda: player.state == PlayerState.PAUSED and player.position() > 2.8, timeout=5000)
    assert player.position() == pytest.approx(3.0 - 1 / 25, abs=1e-6)
    player.play()
    qtbot.waitUntil(player.is_playing, timeout=3000)
    assert player.position() < 0.5


def test_loop_goes_back_to_the_in_point(qtbot, player, take):
    player.load(take, 25, autoplay=False)
    qtbot.waitUntil(lambda: player.state == PlayerState.PAUSED, timeout=5000)
    player.set_loop(True, (0.4, 0.8))
    player.seek(0.4)
    player.play()
    seen = []
    player.position_changed.connect(seen.append)
    qtbot.waitUntil(lambda: len(seen) > 30, timeout=5000)
    assert player.is_playing()
    assert max(seen) < 0.9 and min(seen[5:]) >= 0.39


def test_a_pause_right_after_a_seek_while_playing_holds_that_frame(qtbot, player, take):
    player.load(take, 25, autoplay=True)
    qtbot.waitUntil(player.is_playing, timeout=5000)
    player.seek(1.0)
    player.pause()
    assert player.state == PlayerState.PAUSED and player.position() == pytest.approx(1.0, abs=1 / 25)
    qtbot.waitUntil(lambda: abs(player.reported_time() - player.position()) < 1 / 25, timeout=5000)
    assert player.state == PlayerState.PAUSED
    player.seek(2.0)
    qtbot.waitUntil(lambda: abs(player.reported_time() - 2.0) < 1 / 25, timeout=3000)


def test_a_file_vlc_cannot_play_is_reported(qtbot, player, tmp_path):
    bad = tmp_path / "not a take.mp4"
    bad.write_bytes(b"\x00" * 4096)
    with qtbot.waitSignal(player.error, timeout=20000) as failed:
        player.load(bad, 25, autoplay=True)
    assert "not a take.mp4" in failed.args[0]
    assert player.state == PlayerState.ERROR


def test_the_deck_starts_a_preloaded_take_at_once(qtbot, media):
    deck = PlayerDeck()
    deck.resize(320, 200)
    qtbot.addWidget(deck)
    deck.show()
    qtbot.waitExposed(deck)
    paths = [media.clip(f"t{n}.mp4", duration=2.0, size="160x90", fps="25", audio="sine=frequency=300") for n in range(2)]
    takes = [a_take(id=n + 1, path=str(p), fps=25.0, width=160) for n, p in enumerate(paths)]
    deck.show_take(takes[0])
    qtbot.waitUntil(lambda: deck.player.state == PlayerState.PAUSED, timeout=5000)
    deck.preload(takes[1])
    qtbot.waitUntil(lambda: deck.standby_player.state == PlayerState.PAUSED, timeout=5000)
    with qtbot.waitSignal(deck.take_changed, timeout=2000):
        deck.show_take(takes[1], autoplay=True)
    assert deck.preloads_used == 1 and deck.take_id == 2
    qtbot.waitUntil(deck.player.is_playing, timeout=2000)
    assert deck.standby_take_id is None
    deck.release()
