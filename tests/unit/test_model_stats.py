"""Learning from the picks: per audio need and per model, and when the library's figures lead."""
from __future__ import annotations

from soundon.core.model_stats import MIN_DECISIONS, advice_with_library, pick_statistics
from soundon.core.prompt_check import check_prompt
from tests.takes import a_take

DIALOGUE = 'A detective whispers slowly, in a hoarse voice: "We are not alone." Rain patters on the window.'
ATMOSPHERE = "A forest at dawn. Sound: birdsong, leaves rustling, a stream, then wind rising in the branches."


def _takes(model: str, prompt: str, picked: int, rejected: int, **values):
    made = [a_take(model=model, prompt=prompt, duration=8.0, flag="pick", **values) for _ in range(picked)]
    return made + [a_take(model=model, prompt=prompt, duration=8.0, flag="reject", **values) for _ in range(rejected)]


def test_figures_per_need_and_per_model():
    takes = (_takes("Kling 3.0", DIALOGUE, 2, 1, rating=4, audio_verdict="keep", analysis_flags=())
             + _takes("Veo 3.1", DIALOGUE, 0, 1, rating=2, audio_verdict="replace", analysis_flags=("clipping",))
             + [a_take(model="Veo 3.1", prompt=ATMOSPHERE, duration=8.0)])
    stats = pick_statistics(takes).as_dict()
    dialogue = next(n for n in stats["needs"] if n["audio_need"] == "dialogue")
    kling = next(m for m in dialogue["models"] if m["model"] == "Kling 3.0")
    assert (kling["takes"], kling["picked"], kling["rejected"]) == (3, 2, 1)
    assert kling["average_rating"] == 4 and kling["audio_kept_share"] == 1.0
    assert kling["translation"] == {"ok": 3}
    veo = next(m for m in dialogue["models"] if m["model"] == "Veo 3.1")
    assert veo["audio_kept_share"] == 0.0 and veo["translation"] == {"problem": 1}
    atmosphere = next(n for n in stats["needs"] if n["audio_need"] == "atmosphere")
    assert atmosphere["models"][0]["translation"] == {"not_analysed": 1}
    overall = {m["model"]: m for m in stats["models"]}
    assert overall["Veo 3.1"]["takes"] == 2
    # Four decisions are too few: the guidance leads, and says how many more the library needs.
    assert dialogue["recommended"]["source"] == "guidance"
    assert dialogue["recommended"]["model"] == "Kling 3.0"
    assert f"after {MIN_DECISIONS - 4} more" in dialogue["recommended"]["why"]


def test_with_enough_decisions_the_library_leads_and_says_so():
    takes = _takes("Kling 3.0", DIALOGUE, 1, 5) + _takes("Veo 3.1", DIALOGUE, 5, 1)
    stats = pick_statistics(takes)
    dialogue = stats.as_dict()["needs"][0]
    assert dialogue["recommended"] == {"model": "Veo 3.1", "source": "library",
                                       "why": "picked 5 of its 6 decided takes of this need in this library "
                                              "(12 decisions in all)"}
    found = advice_with_library(check_prompt(DIALOGUE, 8), stats)
    assert (found["model"], found["source"], found["guidance_model"]) == ("Veo 3.1", "library", "Kling 3.0")


def test_a_prompt_without_a_need_is_counted_apart():
    stats = pick_statistics([a_take(model="Kling 3.0", prompt="", duration=4.0)])
    assert stats.unjudged == 1
    assert stats.as_dict()["models"][0]["takes"] == 1
