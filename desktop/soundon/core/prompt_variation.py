"""Variations of a prompt: prompts that differ only in their audio wording describe the same picture,
so their takes form one prompt group (each distinct prompt in it is a variation). And the words one
variation adds to or removes from another, for Compare.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from soundon.core.prompt_check import check_prompt
from soundon.core.prompt_words import WORD, quotes


@lru_cache(maxsize=4096)
def picture_wording(prompt: str) -> str:
    """The prompt without its audio clauses and spoken lines, case and spacing folded: what the
    picture is. A prompt that is all sound (or in a language the check can't read) is its own."""
    check = check_prompt(prompt)
    cut = sorted([(c.start, c.end) for c in check.facts.audio_clauses]
                 + [(q.start, q.end) for q in quotes(prompt)])
    kept, at = [], 0
    for start, end in cut:
        if start > at:
            kept.append(prompt[at:start])
        at = max(at, end)
    kept.append(prompt[at:])
    words = [w.casefold() for w in WORD.findall(" ".join(kept))]
    return " ".join(words) if words else " ".join(w.casefold() for w in WORD.findall(prompt))


@dataclass(frozen=True)
class PromptDifference:
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def same(self) -> bool:
        return not self.added and not self.removed


def word_difference(base: str, other: str) -> PromptDifference:
    """The words `other` adds to `base` and the words it leaves out (runs of words, in order)."""
    a, b = WORD.findall(base), WORD.findall(other)
    matcher = difflib.SequenceMatcher(a=[w.casefold() for w in a], b=[w.casefold() for w in b], autojunk=False)
    added, removed = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            removed.append(" ".join(a[i1:i2]))
        if op in ("replace", "insert"):
            added.append(" ".join(b[j1:j2]))
    return PromptDifference(tuple(added), tuple(removed))


def group_score(prompts: list[tuple[str, float | None]]) -> tuple[int | None, str]:
    """A prompt group's score and its explanation: the best of its variations (the one to build on),
    each checked against its clip length."""
    best: tuple[int, str] | None = None
    for prompt, duration in prompts:
        check = check_prompt(prompt, duration)
        if check.score is not None and (best is None or check.score > best[0]):
            best = (check.score, check.explanation())
    if best is None:
        return None, check_prompt(prompts[0][0]).explanation() if prompts else "No prompt."
    return best
