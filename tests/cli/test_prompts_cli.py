"""soundon prompts and soundon models, run as the editor runs them."""
from __future__ import annotations

import json

DIALOGUE = 'A detective whispers slowly, in a hoarse voice: "We are not alone." Rain patters on the window.'
PLAIN = "A woman walks through a busy market at dusk."


def _batch(cli, media, takes: list[tuple[str, str, str]]) -> dict[str, int]:
    """Import clips (name, model, prompt), each a different tone so each is its own take; their ids by name."""
    for n, (name, model, prompt) in enumerate(takes):
        clip = media.clip(name, duration=1, audio=f"sine=frequency={300 + 40 * n}")
        clip.with_suffix(".json").write_text(json.dumps({"model": model, "prompt": prompt}), encoding="utf-8")
    cli.json("import", str(media.folder), "--name", "Shoot")
    return {t["path"].rsplit("/", 1)[-1]: t["id"] for t in cli.json("list")}


def test_prompts_text_gives_findings_score_need_and_advice(cli):
    document = cli.json("prompts", "--text", "A quiet library beside loud construction, a student reads.",
                        "--duration", "8")
    assert 0 <= document["score"] <= 100 and document["explanation"].startswith(f"{document['score']}/100")
    conflict = next(f for f in document["findings"] if f["rule"] == "contradictions")
    assert [w["text"] for w in conflict["words"]] == ["quiet", "loud"]
    assert "muffled in the distance" in conflict["suggestion"]
    assert document["audio_need"] == document["advice"]["audio_need"]
    assert document["advice"]["source"] == "guidance" and document["advice"]["guidance_date"]
    assert "muffled in the distance" in document["improved_prompt"]


def test_prompts_text_in_a_language_without_word_lists_says_so(cli):
    document = cli.json("prompts", "--text", "雨の中を歩く女性、遠くで雷が鳴る")
    assert document["score"] is None and document["findings"] == []
    assert {r["status"] for r in document["rules"]} == {"cannot_judge"}
    assert document["advice"]["model"] is None


def test_prompts_of_a_batch_and_the_models_learned_from_the_picks(cli, media):
    ids = _batch(cli, media, [(f"veo_{n}.mp4", "Veo 3.1", DIALOGUE) for n in range(6)]
                 + [(f"kling_{n}.mp4", "Kling 3.0", DIALOGUE) for n in range(4)]
                 + [("seedance.mp4", "Seedance 2.0", PLAIN)])
    library = ["--library", str(cli.library)]
    for name, take_id in ids.items():
        if name.startswith("veo"):
            decision = ["--pick", "--rating", "4", "--audio", "keep"] if name != "veo_0.mp4" else ["--reject"]
        elif name.startswith("kling"):
            decision = ["--reject", "--rating", "1"]
        else:
            continue
        assert cli("review", str(take_id), *decision, *library).returncode == 0

    entries = cli.json("prompts", "--batch", "Shoot")
    assert sorted(e["prompt"] for e in entries) == sorted([DIALOGUE, PLAIN])
    dialogue = next(e for e in entries if e["prompt"] == DIALOGUE)
    assert len(dialogue["takes"]) == 10 and dialogue["audio_need"] == "dialogue"
    # Ten decisions for dialogue: the library's own leader, not the guidance's Kling 3.0.
    assert dialogue["advice"]["model"] == "Veo 3.1" and dialogue["advice"]["source"] == "library"
    plain = next(e for e in entries if e["prompt"] == PLAIN)
    assert "environment" in {f["rule"] for f in plain["findings"]}

    models = cli.json("models")
    need = next(n for n in models["needs"] if n["audio_need"] == "dialogue")
    assert need["decisions"] == 10 and need["recommended"]["source"] == "library"
    veo = next(m for m in need["models"] if m["model"] == "Veo 3.1")
    assert (veo["picked"], veo["rejected"], veo["average_rating"], veo["audio_kept_share"]) == (5, 1, 4.0, 1.0)
    assert veo["translation"] == {"level": 6}     # the import's verdicts, from the takes' sound
    fast = next(n for n in models["needs"] if n["audio_need"] == "fast_iteration")
    assert fast["recommended"]["source"] == "guidance" and fast["recommended"]["model"] == "Seedance 2.0"

    text = cli("models", *library)
    assert text.returncode == 0 and "Dialogue-led: Veo 3.1 (this library's picks" in text.stdout


def test_bad_prompts_options_are_refused_plainly(cli):
    library = ["--library", str(cli.library)]
    for args, status, words in ((["--text", "  "], 2, "--text needs a prompt"),
                                (["--text", "rain", "--duration", "0"], 2, "above 0"),
                                (["--duration", "4"], 2, "--duration goes with --text"),
                                (["--text", "rain", "--batch", "B"], 2, "not allowed with"),
                                (["--batch", "Nope"], 1, "There is no batch named 'Nope'")):
        proc = cli("prompts", *args, *library)
        assert proc.returncode == status, proc.stderr
        assert words in proc.stderr and proc.stdout == ""
    proc = cli("models", "--batch", "Nope", *library)
    assert proc.returncode == 1 and "There is no batch named 'Nope'" in proc.stderr
