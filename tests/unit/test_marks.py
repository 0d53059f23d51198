from soundon.core.marks import InOut


def test_marks_follow_nle_rules():
    marks = InOut().mark_in(1.0).mark_out(2.0)
    assert (marks.start, marks.end) == (1.0, 2.0)
    assert marks.note_range(5.0) == (1.0, 2.0)
    assert marks.loop_range() == (1.0, 2.0)
    assert marks.mark_in(2.5) == InOut(2.5, None)      # an in after the out drops the out
    assert marks.mark_out(0.5) == InOut(None, 0.5)     # an out before the in drops the in
    assert InOut(None, 3.0).note_range(1.0) == (0.0, 3.0)
    assert InOut().note_range(1.2) == (1.2, None) and InOut().empty
    assert InOut(1.0, None).loop_range() is None
