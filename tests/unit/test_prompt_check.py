"""The audio-awareness check of a prompt, on a table of prompts: the findings each must and must not
give (rules by name), in English and other languages."""
from __future__ import annotations

import pytest

from soundon.core.prompt_check import RULES, check_prompt, improved_prompt

ALL = {rule for rule, _, _ in RULES}

# (prompt, clip length in seconds or None, findings it must give, findings it must not give)
TABLE = [
    # environment detail
    ("A woman walks through a busy market at dusk.", 8, {"environment"}, {"dialogue", "music", "contradictions"}),
    ("Cinematic shot of a city at night with realistic audio.", 8, {"environment"}, {"dialogue", "music"}),
    ("A hiker on a ridge. Sound: wind gusting, boots crunching on gravel, a raven calling far off, "
     "then the wind drops.", 12, set(), {"environment", "temporal", "audio_share", "complexity"}),
    ("Rain drums on a tin roof, thunder rolls in the distance, then fades as a dog barks.", 12, set(), ALL),
    ("A dog.", 3, {"environment"}, {"dialogue", "music", "complexity"}),
    # dialogue style
    ('An old man on a bench says "I waited for you".', 6, {"dialogue"}, {"music", "contradictions"}),
    ('A detective leans in and whispers slowly, with a hoarse voice: "We are not alone." Sound: rain patters '
     'on the window, a clock ticking, then a door creaks open.', 10, set(), {"dialogue", "environment", "temporal"}),
    ('She shouts "Run!" in panic as the bridge collapses.', 4, set(), {"dialogue"}),
    ("Two friends talk at a cafe table.", 8, {"dialogue"}, {"music"}),
    ('The narrator speaks warmly and slowly over footage of a glacier: "Ice remembers." Sound: water dripping, '
     'ice cracking, wind.', 14, set(), {"dialogue", "environment"}),
    # temporal cues
    ("A quiet forest clearing. Sound: birdsong, leaves rustling, a stream.", 10, {"temporal"}, {"environment"}),
    ("A train approaches the platform, its horn builds, then the rumble fades away as it passes by.", 10,
     set(), {"temporal"}),
    ("A fireplace crackles in a wooden cabin, snow outside.", 8, {"temporal"}, {"dialogue", "music"}),
    ("An office at night: keyboards clicking, an air conditioner humming, suddenly a phone rings.", 8,
     set(), {"temporal", "environment"}),
    # contradictions
    ("A quiet library beside loud construction, a student reads.", 8, {"contradictions"}, {"music"}),
    ("A silent church while a deafening siren wails.", 6, {"contradictions"}, set()),
    ("A quiet library, loud construction muffled through the windows, pages turning.", 8, set(),
     {"contradictions"}),
    ("A peaceful garden, a jackhammer far off in the distance, bees humming close.", 8, set(), {"contradictions"}),
    # complexity against clip length
    ("A busy street: cars honking, a siren, a dog barking, footsteps, a crowd chattering, a tram bell.", 3,
     {"complexity"}, set()),
    ("A busy street: cars honking as the dominant sound, a siren, a dog barking, a tram bell.", 3, set(),
     {"complexity"}),
    ("A kettle whistles in a kitchen, then stops.", 12, {"complexity"}, {"temporal", "dialogue"}),
    ("A kettle whistles in a kitchen, then stops.", 4, set(), {"complexity"}),
    ("Waves crash on sand, gulls cry overhead, wind gusts, children laugh far off, then a bell rings.", None,
     set(), {"complexity"}),
    # music direction
    ("A couple dances in a kitchen while music plays.", 8, {"music"}, {"dialogue", "contradictions"}),
    ("A couple dances in a kitchen to slow melancholic jazz piano.", 8, set(), {"music"}),
    ("A skater glides on ice with no music, only blades scraping the ice and a far-off crowd, then silence.",
     8, set(), {"music"}),
    ("A wedding band plays upbeat music as guests clap.", 8, {"music"}, set()),
    # audio share
    ("A golden retriever in a red scarf runs across a wide green meadow under a bright blue sky at sunrise, "
     "cinematic lighting, shallow depth of field, 35 mm film look, a distant bird.", 8, {"audio_share"},
     {"contradictions", "music"}),
    # words that only look like cues: yellow is no yell, a building no build-up, afternoon no "after"
    ("A man in a yellow coat stands by a building in the afternoon. Sound: a single bird.", 4, {"temporal"},
     {"dialogue", "complexity"}),
    # other languages
    ('Un hombre camina por un mercado concurrido mientras dice "hola".', 6, {"environment", "dialogue"},
     {"music", "contradictions"}),
    ("Una biblioteca silenciosa junto a obras ruidosas.", 6, {"contradictions"}, set()),
    ("La lluvia golpea un techo de chapa, un perro ladra a lo lejos, luego el trueno se desvanece.", 10,
     set(), {"environment", "temporal", "contradictions"}),
    ("Une femme marche dans un marché animé.", 6, {"environment"}, {"dialogue", "music"}),
    ("Un vieil homme dit \"je t'attendais\" d'une voix rauque, lentement. Son : la pluie sur le toit en tôle, "
     "un chien aboie au loin, puis le vent s'estompe.", 10, set(), {"dialogue", "environment", "temporal"}),
    ("Ein Mann geht durch eine Gasse. Ton: Regen prasselt auf Blech, Schritte auf Kopfsteinpflaster, "
     "dann verklingt eine Glocke.", 10, set(), {"environment", "temporal"}),
]

# Prompts a rule can't judge: the rule says so (cannot_judge) and gives no finding.
CANNOT_JUDGE = [
    ("雨の中を歩く女性、遠くで雷が鳴る", ALL),
    ("Un uomo cammina sotto la pioggia con il suo cane, una campana suona.", ALL),   # Italian: no word lists
    ("Ein Mann tanzt in der Küche, Musik spielt.", {"music"}),                      # German: no genre words
    ('Eine Frau sagt "Hallo" auf dem Markt.', {"dialogue"}),                        # German: no delivery words
    ("A kettle whistles in a kitchen, then stops.", {"complexity"}),                 # no clip length
]


def _found(check) -> set[str]:
    return {f.rule for f in check.findings}


def test_the_table_has_thirty_prompts_at_least():
    assert len(TABLE) + len(CANNOT_JUDGE) >= 30


@pytest.mark.parametrize("prompt, duration, must, must_not", TABLE, ids=[row[0][:40] for row in TABLE])
def test_findings_each_prompt_must_and_must_not_give(prompt, duration, must, must_not):
    check = check_prompt(prompt, duration)
    found = _found(check)
    assert must <= found, check.explanation()
    assert not (must_not & found), check.explanation()
    for finding in check.findings:
        # Each finding names the words it is based on (they are the prompt's own words) and a cue.
        for span in finding.evidence:
            assert prompt[span.start:span.end] == span.text
        assert finding.suggestion.text
    assert 0 <= check.score <= 100


@pytest.mark.parametrize("prompt, rules", CANNOT_JUDGE, ids=[row[0][:30] for row in CANNOT_JUDGE])
def test_a_rule_that_cannot_judge_says_so(prompt, rules):
    check = check_prompt(prompt, None if "kettle" in prompt else 6)
    by_rule = {r.rule: r for r in check.rules}
    for rule in rules:
        assert by_rule[rule].status == "cannot_judge"
        assert by_rule[rule].reason
        assert rule not in _found(check)
        assert "left out" in check.explanation() or check.score is None


def test_a_prompt_no_rule_can_judge_has_no_score_and_says_why():
    check = check_prompt("雨の中を歩く女性、遠くで雷が鳴る", 6)
    assert check.score is None
    assert "word lists" in check.explanation()


def test_the_score_is_explained_rule_by_rule():
    check = check_prompt("A woman walks through a busy market at dusk.", 8)
    text = check.explanation()
    assert text.startswith(f"{check.score}/100: ")
    assert "environment detail 0/20" in text
    assert "dialogue style left out (no one speaks)" in text
    judged = [r for r in check.rules if r.status in ("full", "partial", "missing")]
    assert check.score == round(100 * sum(r.points for r in judged) / sum(r.out_of for r in judged))


def test_a_richer_prompt_scores_higher():
    plain = check_prompt("A woman walks through a busy market at dusk.", 8).score
    rich = check_prompt("A woman walks through a market at dusk. Sound: vendors calling out prices, coins "
                        "clinking, a scooter passing close, then fading down the alley.", 8).score
    assert rich > plain


def test_the_suggestion_says_where_and_the_improved_prompt_clears_the_finding():
    prompt = "A quiet library beside loud construction, a student reads."
    check = check_prompt(prompt, 8)
    conflict = next(f for f in check.findings if f.rule == "contradictions")
    assert [e.text for e in conflict.evidence] == ["quiet", "loud"]
    assert "right after 'loud'" in conflict.suggestion.text
    better = improved_prompt(check)
    assert better.startswith("A quiet library beside loud construction muffled in the distance, a student reads.")
    again = check_prompt(better, 8)
    assert not _found(again) and again.score > check.score


@pytest.mark.parametrize("prompt", [row[0] for row in TABLE if row[2]][:12])
def test_the_improved_prompt_gives_fewer_findings(prompt):
    duration = next(row[1] for row in TABLE if row[0] == prompt)
    check = check_prompt(prompt, duration)
    again = check_prompt(improved_prompt(check), duration)
    assert len(again.findings) < len(check.findings)
    assert again.score >= check.score


def test_a_spanish_prompt_is_improved_in_spanish():
    check = check_prompt('Un hombre camina por un mercado concurrido mientras dice "hola".', 6)
    assert check.language == "es"
    assert "Sonido: vendedores" in improved_prompt(check)
