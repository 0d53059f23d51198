import pytest

from soundon.core.timecode import (format_duration, format_timecode, frame_index, last_frame_start, snap_to_frame,
                                   usable_fps)


def test_timecode_counts_frames_from_zero():
    assert format_timecode(0.0, 25) == "00:00:00:00"
    assert format_timecode(1.0, 25) == "00:00:01:00"
    assert format_timecode(1.0 - 1e-9, 25) == "00:00:01:00"  # a float a hair short is still frame 25
    assert format_timecode(1.68, 30) == "00:00:01:20"
    assert format_timecode(3723.5, 24) == "01:02:03:12"


def test_non_integer_rates_count_non_drop_frame():
    # 10 s at 29.97 fps is frame 299.7: frame 299 is on screen, 299 = 9 s + 29 frames at 30.
    assert format_timecode(10.0, 29.97) == "00:00:09:29"
    assert format_timecode(10.02, 29.97) == "00:00:10:00"
    assert format_timecode(10.0 + 1 / 23.976, 23.976) == "00:00:10:00"


def test_frames_and_snapping():
    assert frame_index(0.039, 25) == 0
    assert frame_index(0.04, 25) == 1
    assert snap_to_frame(0.05, 25) == pytest.approx(0.04)
    assert usable_fps(0) == 25.0 and usable_fps(float("nan")) == 25.0 and usable_fps(60) == 60


def test_duration_text():
    assert format_duration(4.0) == "4.0 s"
    assert format_duration(65.25) == "1:05.2"


def test_the_last_frame_of_a_take():
    assert last_frame_start(1.0, 25) == pytest.approx(0.96)
    assert last_frame_start(0.9995, 25) == pytest.approx(0.96)    # a length rounded to the millisecond
    assert last_frame_start(1.008, 25) == pytest.approx(0.96)     # audio a little longer than the picture
    assert last_frame_start(1.001, 30000 / 1001) == pytest.approx(29 * 1001 / 30000)
    assert last_frame_start(0.01, 25) == 0.0
