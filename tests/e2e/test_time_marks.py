"""3 kHz time marks heard on a real device (a PulseAudio null sink's monitor) stay within 1 ms of
when the player's clock says they are due, through pause and resume, a seek while playing, a seek
while paused, a loop and a change of take. How a heard mark is given a time on the player's clock is
written down in tests/e2e/time_marks.py.

Heard two ways: the take's own audio (each mark is where libVLC decoded it), and the same audio as
the take's post track at offset 0 (each mark is where the graph's count of take time puts it: a
count that slips after an event is heard as a mark out of place)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from soundon.core.listening import ListeningSetup
from soundon.core.swap_spec import SwapSpec
from tests.e2e.device_skips import PLAYS, skips
from tests.e2e.time_marks import FeedTap, heard_marks, mark_errors
from tests.e2e.vlc_audio import take_audio_expression
from tests.sound_server import RATE

pytestmark = pytest.mark.e2e

TOLERANCE_S = 0.001
# A device that ran dry (an underrun: the machine starved the audio thread) starts again later, and
# what ALSA's pulse plugin then says of its latency is off by a few ms and drifts by ms per second
# (measured: +2 ms/s over 5 s, against a steady true latency). The sound server may also play a few
# ms of silence into the stream without the device reporting an underrun: the DAC date then steps
# (measured: +5.9 ms), the output jumps back into step three callbacks later (`LiveOutput.jumps`),
# and the marks heard across the step are off by it. Either way the device skipped, and what is
# heard after it measures the device, not the player. So the sequence is played again, up to PLAYS
# times, until the device plays it through without a skip; only when each play skipped are the
# marks heard after the skip reported instead of held to TOLERANCE_S (a play that skipped before
# its first event can't measure anything).


@dataclass
class _Play:
    recording: np.ndarray           # what the monitor recorded, one channel
    expected: tuple                 # FeedTap.expected_marks(): required and optional due dates
    events: list                    # (what happened next, libVLC clock s)
    skip_counts: list               # the device's skips so far (device_skips.skips), at each event


@pytest.fixture
def live_player(qtbot, sound_server):
    from soundon.ui.app import create_application
    from soundon.ui.player import live_audio
    from soundon.ui.player.libvlc import load_vlc
    from soundon.ui.player.vlc_player import VlcPlayer
    create_application()
    player = VlcPlayer()
    output = live_audio.live_output()
    live_audio.hear(ListeningSetup("headphones"))
    player.set_audible(True)
    vlc = load_vlc()
    yield player, output, lambda: float(vlc.libvlc_clock())
    player.release()
    output.graph.set_post(None)
    output.graph.set_mix("native")


@pytest.mark.parametrize("heard_as", ["native", "post"])
def test_time_marks_stay_on_the_clock_through_pause_seek_loop_and_take_change(qtbot, media, live_player,
                                                                              sound_server, heard_as):
    player, output, clock_us = live_player
    # PCM audio: an AAC encoder smears a burst's onset by its pre-echo (the marks must be sharp)
    take = media.clip("marks_a.mov", duration=7.0, size="64x36", fps="25", audio=take_audio_expression(7.0),
                      extra=["-c:a", "pcm_s16le"])
    other = media.clip("marks_b.mov", duration=3.0, size="64x36", fps="25", audio=take_audio_expression(3.0),
                       extra=["-c:a", "pcm_s16le"])

    def hear_post_of(path, seconds):
        if heard_as == "post":
            from soundon.media.post_source import PostSource
            output.graph.set_post(PostSource.load(path, SwapSpec(), seconds))
            output.graph.set_mix("post")

    tap = FeedTap(output.feed, clock_us)

    def playing_past(seconds):
        qtbot.waitUntil(lambda: player.is_playing() and player.position() > seconds, timeout=15000)

    def recorded_on(recorder, seconds):
        until = recorder.seconds() + seconds
        qtbot.waitUntil(lambda: recorder.seconds() > until, timeout=15000)

    def play_once() -> _Play:
        tap.restart()
        events: list[tuple[str, float]] = []      # (what happened next, libVLC clock s)
        skip_counts: list[int] = []               # the device's skips so far, at each event

        def event(name):
            events.append((name, clock_us() / 1e6))
            skip_counts.append(skips(output))

        with sound_server.recorder() as recorder:
            # a fresh stream's DAC date is settled from its first second of reports (media/audio_out.py)
            qtbot.waitUntil(lambda: output.settled() and recorder.seconds() > 0.1,
                            timeout=15000)
            hear_post_of(take, 7.0)
            event("start")
            player.load(take, 25, autoplay=True)
            playing_past(1.7)                                  # marks 0.5 … 1.5
            event("pause/resume")
            player.pause()
            recorded_on(recorder, 0.3)
            player.play()
            playing_past(2.7)                                  # 2.0, 2.5
            event("seek while playing")
            player.seek(4.2)
            playing_past(5.2)                                  # 4.5, 5.0
            event("seek while paused")
            player.pause()
            recorded_on(recorder, 0.2)
            player.seek(1.7)
            recorded_on(recorder, 0.2)
            player.play()
            playing_past(2.7)                                  # 2.0, 2.5
            event("loop")
            player.set_loop(True, (2.8, 3.7))
            recorded_on(recorder, 2.2)                         # 3.0, 3.5 twice or more
            player.set_loop(False)
            event("take change")
            hear_post_of(other, 3.0)
            player.load(other, 25, autoplay=True)
            playing_past(1.7)                                  # 0.5 … 1.5
            player.pause()
            event("end")
            recorded_on(recorder, 0.3)
            recording = recorder.samples()[:, 0].astype(np.float64)
        return _Play(recording, tap.expected_marks(), events, skip_counts)

    for _ in range(PLAYS):
        play = play_once()
        if play.skip_counts[-1] == play.skip_counts[0]:
            break

    required, optional = play.expected
    events, skip_counts = play.events, play.skip_counts
    heard = heard_marks(play.recording)
    paired, errors, missed, constant = mark_errors(heard, required, optional, events[1][1])
    report, clean = [], np.ones(len(paired), bool)
    for index, ((name, begin), (_, end)) in enumerate(zip(events, events[1:])):
        inside = (paired >= begin) & (paired < end)
        skipped = skip_counts[index + 1] > skip_counts[0]
        clean[inside] = not skipped
        worst = errors[inside][np.argmax(np.abs(errors[inside]))] * 1000 if inside.any() else float("nan")
        report.append(f"{name}: {inside.sum()} marks, largest error {worst:+.3f} ms"
                      f"{' (after the device skipped)' if skipped else ''}")
        if not skipped:
            assert inside.sum() >= 2, report
    print(f"\n{heard_as}: " + "; ".join(report))
    if skip_counts[1] > skip_counts[0]:
        pytest.skip(f"the device skipped before the first event in each of {PLAYS} plays (the machine "
                    f"starved it): {report}")
    if clean.all():   # after an underrun a mark may land more than a pairing's reach away
        assert not len(missed), f"marks due at {missed} were not heard; {report}"
    assert np.all(np.abs(errors[clean]) <= TOLERANCE_S), report
