"""Variations: prompts that differ only in audio wording share a prompt group; the words between them."""
from __future__ import annotations

from soundon.core.prompt_variation import group_score, picture_wording, word_difference
from soundon.core.take import prompt_group_key

PLAIN = "A woman walks through a market at dusk."
SOUNDED = PLAIN + " Sound: vendors calling, coins clinking, then a scooter passes."
SPOKEN = 'A woman walks through a market at dusk, she whispers "not here" nervously.'


def test_prompts_differing_only_in_audio_wording_are_one_group():
    assert prompt_group_key(PLAIN) == prompt_group_key(SOUNDED) == prompt_group_key(SPOKEN)
    assert prompt_group_key("A woman walks through a station at dawn.") != prompt_group_key(PLAIN)
    assert prompt_group_key("  a WOMAN walks through a market at dusk ") == prompt_group_key(PLAIN)
    assert prompt_group_key("") == ""


def test_a_prompt_that_is_all_sound_or_unreadable_is_its_own_group():
    assert picture_wording("Sound: rain, thunder.") == "sound rain thunder"
    assert prompt_group_key("雨の中を歩く女性") != prompt_group_key("雨の中を走る男性")


def test_the_word_difference_of_two_variations():
    difference = word_difference(PLAIN, SOUNDED)
    assert difference.added == ("Sound vendors calling coins clinking then a scooter passes",)
    assert difference.removed == ()
    back = word_difference(SOUNDED, PLAIN)
    assert back.removed == difference.added and not back.added
    assert word_difference(PLAIN, PLAIN.upper()).same


def test_a_group_scores_as_its_best_variation():
    score, explanation = group_score([(PLAIN, 8.0), (SOUNDED, 8.0)])
    assert explanation.startswith(f"{score}/100")
    assert score > group_score([(PLAIN, 8.0)])[0]
    assert group_score([("雨の中を歩く女性", 4.0)])[0] is None
