"""The poster frame is the one ffmpeg's `-ss` picks, pixel for pixel, however the take's picture
is coded: B-frames as the models' takes have them (x264's medium preset), P-frames only (the
fastest preset), a picture that ends before the poster's time. The frames before the poster that
nothing refers to are not decoded (media/overview.py poster_frame), and that must not change it."""
from __future__ import annotations

import subprocess

import av
import numpy as np
import pytest

from soundon.media import tools
from soundon.media.overview import poster_frame
from soundon.media.synth import ClipSpec

CODINGS = {
    "b-frames": ["-preset", "medium", "-g", "48"],
    "p-frames only": [],
    "b-pyramid, long gop": ["-preset", "slow", "-g", "250", "-bf", "3"],
}


def ffmpeg_pick(path, at_s: float, width: int, height: int) -> np.ndarray:
    """The frame ffmpeg shows for `-ss at_s` (accurate seek), as RGB."""
    raw = subprocess.run([tools.ffmpeg().path, "-v", "error", "-ss", f"{at_s}", "-i", str(path), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(height, width, 3)


@pytest.mark.parametrize("coding", CODINGS)
@pytest.mark.parametrize("at_s", [0.0, 1.0, 1.37])
def test_the_poster_is_the_frame_ffmpeg_picks(media, coding, at_s):
    clip = media.clip(f"{coding.replace(' ', '_').replace(',', '')}.mp4",
                      ClipSpec(duration=3, size="320x240", fps="24", extra=CODINGS[coding]))
    with av.open(str(clip)) as container:
        frame = poster_frame(container, at_s)
    assert frame is not None and frame.time >= at_s - 1e-6
    ours = frame.to_ndarray(format="rgb24")
    assert np.array_equal(ours, ffmpeg_pick(clip, at_s, 320, 240))


def test_a_picture_that_ends_before_the_poster_gives_its_last_frame(media):
    # 2 s of sound, 0.5 s of picture: the container says 2 s, the picture stops at its 12th frame.
    clip = media.clip("short_picture.mp4", ClipSpec(duration=2, size="320x240", fps="24",
                                                    extra=["-preset", "medium", "-vf", "trim=end=0.5"]))
    with av.open(str(clip)) as container:
        frame = poster_frame(container, 1.0)
    with av.open(str(clip)) as container:
        last = list(container.decode(video=0))[-1]
    assert frame is not None and frame.time == pytest.approx(last.time)
    assert np.array_equal(frame.to_ndarray(format="rgb24"), last.to_ndarray(format="rgb24"))
