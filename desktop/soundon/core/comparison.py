"""Which takes Compare shows: the selected ones when two or more are selected, else the current
take's prompt group (same batch, same prompt) — the current take first, then in the browser's
order. At most four: four pictures side by side is as many as a screen shows usefully."""
from __future__ import annotations

from soundon.core.take import Take

MAX_COMPARED = 4


def takes_to_compare(selected: list[Take], current: Take | None, all_takes: list[Take],
                     view_order: list[int]) -> list[Take]:
    if len(selected) >= 2:
        return selected[:MAX_COMPARED]
    if current is None:
        return []
    group = [t for t in all_takes
             if t.prompt_group == current.prompt_group and t.batch == current.batch]
    position = {take_id: n for n, take_id in enumerate(view_order)}
    group.sort(key=lambda t: (t.id != current.id, position.get(t.id, len(position)), t.rel_path))
    return group[:MAX_COMPARED] if len(group) >= 2 else []
