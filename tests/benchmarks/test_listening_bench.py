"""make bench: the listening switch's latency during playback, and analysis speed.

Switch latency is measured the way the editor hears it: the app's player switches by muting one
audio-only follower and unmuting another; libVLC's volume callback stands in for the sound
server's mixer (which applies a mute to what it mixes next), so the switch is heard when both flips
have reached it. The blocks then due are checked to carry the new sound. libVLC's audio track
selection (the old way) is measured beside it. Figures are printed; the budget (50 ms) is reported
against, not asserted, because the machine is shared.
"""
from __future__ import annotations

import statistics
import time

import pytest

from soundon.core.listening import ListeningSetup
from soundon.jobs.analysis_job import AnalysisJob
from soundon.jobs.importer import Importer
from soundon.media.analysis import analyze
from soundon.media.fingerprint import fingerprint
from soundon.media.listening_renders import RenderCache, RenderSource
from soundon.media.preview_tracks import mux_audio_tracks
from tests.e2e.vlc_audio import CapturingPlayer, goertzel_level, take_audio_expression

pytestmark = pytest.mark.bench
SWITCHES = 12


def _track_switch_figures(container, extra_args=()) -> dict:
    """libVLC's own audio track selection (what the player did before the mute swap), for comparison."""
    player = CapturingPlayer(extra_args)
    try:
        player.open(container)
        native, headphones, phone = player.audio_tracks()[:3]
        player.switch(headphones)
        player.wait_until_heard(player.now() + 0.8)
        heard = []
        for n in range(SWITCHES):
            to_phone = n % 2 == 0
            called = player.switch(phone if to_phone else headphones)
            player.wait_until_heard(called + 0.9)
            is_new = (lambda x: goertzel_level(x, 100) < 0.05) if to_phone else (lambda x: goertzel_level(x, 100) > 0.2)
            block = next(b for b in sorted(player.blocks_due_after(called), key=lambda b: b.due) if is_new(b.left))
            heard.append((block.due - called) * 1000)
            time.sleep(0.2)
        return {"heard_median": statistics.median(heard), "heard_max": max(heard)}
    finally:
        player.release()


def test_switch_latency_during_playback(qtbot, media, tmp_path):
    """The app's player (VlcPlayer with its render followers), every libVLC player tapped. A switch
    is heard when the mixer has both flips: the later of the two mute callbacks, minus libVLC's
    clock just before select_audio(); and the block then due on the newly unmuted player must carry
    the new profile's sound (checked, not assumed)."""
    from soundon.ui.player.video_surface import VideoSurface
    from soundon.ui.player.vlc_player import VlcPlayer
    from tests.e2e.vlc_audio import AppAudioTap, take_with_profile_renders

    take, renders = take_with_profile_renders(media, tmp_path / "cache", 40, "640x360")
    surface = VideoSurface()
    surface.resize(640, 360)
    qtbot.addWidget(surface)
    surface.show()
    qtbot.waitExposed(surface)
    tap = AppAudioTap()
    player = VlcPlayer(audio_tap=tap.attach)
    player.bind(surface)
    try:
        player.load(take, 25, autoplay=True)
        qtbot.waitUntil(player.is_playing, timeout=5000)
        with qtbot.waitSignal(player.audio_renders_ready, timeout=20000):
            player.set_audio_renders(renders)
        player.select_audio("headphones")
        qtbot.wait(800)
        heard = []
        for n in range(SWITCHES):
            new, old = ("phone", "headphones") if n % 2 == 0 else ("headphones", "phone")
            pressed = tap.now()
            player.select_audio(new)
            # A flip libVLC dropped is repeated by the player: wait for both to have landed, so the
            # figure includes any retry.
            qtbot.waitUntil(lambda: not tap.taps[new].muted_at(tap.now()) and tap.taps[old].muted_at(tap.now()),
                            timeout=2000)
            at = max(tap.taps[new].last_mute_change(), tap.taps[old].last_mute_change())
            qtbot.waitUntil(lambda: tap.delivered_until(at + 0.2), timeout=5000)
            assert not tap.taps[new].muted_at(at) and tap.taps[old].muted_at(at)
            level = tap.heard_level(at, at + 0.1, 100)
            assert (level < 0.05) if new == "phone" else (level > 0.2), (new, level)
            heard.append((at - pressed) * 1000)
            qtbot.wait(250)
    finally:
        player.release()
    print(f"\nswitch latency, the app's player (mute swap between followers): heard median "
          f"{statistics.median(heard):.2f} ms, max {max(heard):.2f} ms ({SWITCHES} switches, budget 50 ms; "
          f"mixer apply time not included)")
    container = mux_audio_tracks(take, list(renders.values()), tmp_path / "preview")
    f = _track_switch_figures(container)
    print(f"for comparison, libVLC audio track selection (--file-caching=150): heard median "
          f"{f['heard_median']:.0f} ms, max {f['heard_max']:.0f} ms")


def test_render_set_time_on_take_selection(media, tmp_path):
    take = media.clip("bench10.mp4", duration=10, size="640x360", audio="anoisesrc=c=pink:a=0.3:r=48000")
    cache = RenderCache(tmp_path / "cache")
    source = RenderSource(str(take), fingerprint(take), 2)
    started = time.perf_counter()
    for name in ("headphones", "phone", "phone-budget", "laptop", "earbuds"):
        cache.ensure(source, ListeningSetup(name))
    renders = time.perf_counter() - started
    print(f"\nrendering the five profiles of a 10 s take: {renders * 1000:.0f} ms "
          f"({50 / renders:.0f}x real time over the five)")


def test_analysis_speed(media, tmp_path, library):
    print()
    for seconds in (10, 60):
        take = media.clip(f"a{seconds}.mp4", duration=seconds, size="320x180",
                          audio="anoisesrc=c=pink:a=0.3:r=48000")
        analyze(take)  # warm the file cache
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            analyze(take)
            runs.append(time.perf_counter() - started)
        best = min(runs)
        print(f"analysis of one {seconds} s take (AAC 48 kHz stereo, probe included): {best * 1000:.0f} ms = "
              f"{seconds / best:.0f}x real time (budget 100x)")
    folder = tmp_path / "batch"
    for n in range(10):
        media.clip(f"take{n}.mp4", folder=folder, duration=10, size="160x90",
                   audio=f"anoisesrc=c=pink:a=0.{n + 1}:r=48000")
    added = Importer(library).run([folder]).added
    started = time.perf_counter()
    outcome = AnalysisJob(library, [t["id"] for t in added]).run()
    elapsed = time.perf_counter() - started
    assert len(outcome.reports) == 10
    print(f"background analysis of a batch of 10 ten-second takes (job, {AnalysisJob(library, []).workers} "
          f"workers): {elapsed:.2f} s = {outcome.seconds_of_audio / elapsed:.0f}x real time")


def test_two_player_alignment(media, tmp_path):
    """The way to an instant switch that libVLC 3 leaves open: a second, audio-only player of the
    same file, muted, already on the other profile's track — switching is then a mute swap, which
    PulseAudio/CoreAudio apply at the mixer. It only works if the two players stay aligned; this
    measures how closely (the 3 kHz time marks of both players, on libVLC's clock)."""
    import vlc

    from tests.e2e.vlc_audio import burst_onsets

    take = media.clip("pair.mp4", duration=20, size="640x360", audio=take_audio_expression(20))
    cache = RenderCache(tmp_path / "cache")
    source = RenderSource(str(take), fingerprint(take), 2)
    renders = [cache.ensure(source, ListeningSetup(name)) for name in ("headphones", "phone")]
    container = str(mux_audio_tracks(take, renders, tmp_path / "preview"))
    players = [CapturingPlayer(), CapturingPlayer()]
    try:
        for player, options in zip(players, ((":start-paused",), (":start-paused", ":no-video"))):
            media_item = player.instance.media_new_path(container)
            for option in options:
                media_item.add_option(option)
            player.player.set_media(media_item)
            player.player.play()
        for player in players:
            player.wait_for(lambda p=player: p.player.get_state() == vlc.State.Paused)

        def offset_ms(since: float) -> float:
            marks = [burst_onsets(*p.timeline()) for p in players]
            a, b = (m[m > since] for m in marks)
            n = min(len(a), len(b))
            return float(abs(a[:n] - b[:n]).max() * 1000) if n else float("nan")

        figures = {}
        started = players[0].now()
        for p in players:
            p.player.set_pause(0)
        time.sleep(1.5)
        figures["start"] = offset_ms(started)
        for p in players:
            p.player.set_pause(1)
        time.sleep(0.4)
        resumed = players[0].now()
        for p in players:
            p.player.set_pause(0)
        time.sleep(1.5)
        figures["pause/resume"] = offset_ms(resumed)
        sought = players[0].now()
        for p in players:
            p.player.set_time(8000)
        time.sleep(1.5)
        figures["seek while playing"] = offset_ms(sought + 0.3)
        print("\ntwo players of one take, worst offset between their time marks: "
              + ", ".join(f"after {k} {v:.1f} ms" for k, v in figures.items()))
    finally:
        for player in players:
            player.release()
