"""Frame rates as exact fractions and timecode as frames, for the NLE hand-off."""
from fractions import Fraction

import pytest

from soundon.core.handoff.rates import RateError, exact_rate, timecode_to_frames, to_timecode


@pytest.mark.parametrize("given, exact", [("24000/1001", Fraction(24000, 1001)), (23.976, Fraction(24000, 1001)),
                                          (29.97, Fraction(30000, 1001)), ("60000/1001", Fraction(60000, 1001)),
                                          (59.94, Fraction(60000, 1001)), ("30/1", Fraction(30)), (25.0, Fraction(25)),
                                          ("18/1", Fraction(18)), (29.83, Fraction(2983, 100))])
def test_rates_are_exact(given, exact):
    assert exact_rate(given) == exact


def test_a_rate_that_is_not_one_is_refused():
    for bad in ("0/0", "abc", -25):
        with pytest.raises(RateError):
            exact_rate(bad)


def test_timecode_counts_non_drop_frame_and_reads_drop_frame():
    rate = Fraction(30000, 1001)
    assert to_timecode(107892, rate) == "00:59:56:12"
    assert timecode_to_frames("01:00:00;00", rate) == 107892          # drop-frame: an hour of real time
    assert timecode_to_frames("01:00:00:00", rate) == 108000
    assert timecode_to_frames("00:00:10:05", Fraction(25)) == 255
    with pytest.raises(RateError):
        timecode_to_frames("10 seconds", rate)
