from soundon.core.comparison import takes_to_compare
from tests.takes import a_take


def take(n, group="g", batch="b"):
    return a_take(id=n, prompt_group=group, batch=batch, rel_path=f"t{n}.mp4")


def test_selection_wins_and_is_capped_at_four():
    takes = [take(n) for n in range(6)]
    assert [t.id for t in takes_to_compare(takes[:2], takes[0], takes, [])] == [0, 1]
    assert len(takes_to_compare(takes, takes[0], takes, [])) == 4


def test_otherwise_the_prompt_group_current_first_in_view_order():
    takes = [take(1), take(2), take(3, group="other"), take(4), take(5, batch="elsewhere")]
    chosen = takes_to_compare([takes[3]], takes[3], takes, view_order=[2, 1, 4, 3, 5])
    assert [t.id for t in chosen] == [4, 2, 1]
    assert takes_to_compare([], take(9, group="alone"), takes + [take(9, group="alone")], []) == []
    assert takes_to_compare([], None, takes, []) == []
