"""A prompt's audio need, and the model the dated guidance advises for it."""
from __future__ import annotations

import pytest

from soundon.core.audio_need import NEEDS, advice, audio_need, guidance
from soundon.core.prompt_check import check_prompt

CASES = [
    ('A detective whispers slowly, in a hoarse voice: "We are not alone." Rain patters on the window.',
     "dialogue", "Kling 3.0"),
    ('Una mujer dice en voz baja y lenta "te echo de menos" en un mercado, luego llueve.', "dialogue", "HappyHorse-1.0"),
    ('She says "goodbye", tearful and soft. Cut to a wide shot: he answers "stay", slowly, in a low voice.',
     "dialogue", "BACH 1.0"),
    ("A forest at dawn. Sound: birdsong, leaves rustling, a stream, then wind rising in the branches.",
     "atmosphere", "Veo 3.1"),
    ("A glass shatters on marble, then a door slams and footsteps run off down the corridor.", "effects", "Veo 3.1"),
    ("A couple dances to slow melancholic jazz piano, the music fading at the end.", "music", "Veo 3.1"),
    ("Draft: a red car on a coastal road.", "fast_iteration", "Seedance 2.0"),
    ("A woman in a yellow coat walks through a busy market at dusk.", "fast_iteration", "Seedance 2.0"),
]


@pytest.mark.parametrize("prompt, need, model", CASES, ids=[c[1] + ":" + c[0][:24] for c in CASES])
def test_each_audio_need_gets_its_model(prompt, need, model):
    check = check_prompt(prompt, 8)
    assert audio_need(check) == need
    found = advice(check)
    assert found.model == model
    assert found.as_of == guidance()["as_of"]
    assert found.as_dict()["source"] == "guidance"
    assert model in found.text and found.as_of in found.text


def test_the_guidance_is_dated_and_covers_every_need():
    data = guidance()
    assert data["as_of"][:4].isdigit()
    assert set(data["needs"]) == set(NEEDS)


def test_a_prompt_that_cannot_be_judged_gets_no_advice():
    found = advice(check_prompt("雨の中を歩く女性", 8))
    assert found.need is None and found.model == ""
    assert "can't be told" in found.text
