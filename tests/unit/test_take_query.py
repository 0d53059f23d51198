"""Browsing in SQL: the filters, sorts and search the views list their takes with, and the migration
that brings an older library to them."""
import sqlite3

import pytest

from soundon.core.review import Note
from soundon.store import migrations
from soundon.store.library import Library
from soundon.store.take_query import TakeFilter, match_expression, ordered_ids_sql


def add(library, batch, name, *, model="Veo 3.1", prompt="", duration=5.0, n=[0]):
    n[0] += 1
    return library.add_take(batch["id"], {
        "rel_path": name, "fingerprint": f"fp{n[0]}-{name}", "size": 1, "model": model, "prompt": prompt,
        "prompt_group": prompt[:8], "duration": duration})


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "lib.sqlite")
    beach = lib.add_batch("Beach", tmp_path / "beach")
    city = lib.add_batch("City", tmp_path / "city")
    ids = {
        "b_kling": add(lib, beach, "shots/Beach_Kling.mp4", model="Kling 3.0", prompt="waves and gulls at dawn",
                       duration=8),
        "b_veo": add(lib, beach, "beach_veo.mp4", prompt="waves and gulls at dawn", duration=4),
        "c_veo": add(lib, city, "city_veo.mp4", prompt="a café terrace, espresso machine hiss", duration=6),
        "c_seed": add(lib, city, "Ä_city_seedance.mp4", model="Seedance 2.0", prompt="traffic and horns",
                      duration=10),
    }
    lib.ids = ids
    yield lib
    lib.close()


def names(library, take_filter=TakeFilter(), sort="name", descending=False):
    found = library.takes_by_ids(library.take_ids(take_filter, sort, descending))
    return [found[i].rel_path.rsplit("/", 1)[-1] for i in library.take_ids(take_filter, sort, descending)]


def test_name_order_is_case_folded_and_descending_reverses_it(library):
    assert names(library) == ["Beach_Kling.mp4", "beach_veo.mp4", "city_veo.mp4", "Ä_city_seedance.mp4"]
    assert names(library, descending=True) == list(reversed(names(library)))


def test_sorts_fall_back_to_the_name(library):
    library.set_rating(library.ids["c_veo"], 4)
    library.set_rating(library.ids["b_veo"], 4)
    assert names(library, sort="rating", descending=True)[:2] == ["city_veo.mp4", "beach_veo.mp4"]
    assert names(library, sort="rating")[-2:] == ["beach_veo.mp4", "city_veo.mp4"]
    assert names(library, sort="duration") == ["beach_veo.mp4", "city_veo.mp4", "Beach_Kling.mp4",
                                               "Ä_city_seedance.mp4"]
    assert names(library, sort="model") == ["Beach_Kling.mp4", "Ä_city_seedance.mp4", "beach_veo.mp4",
                                            "city_veo.mp4"]


@pytest.mark.parametrize("sort", ["name", "model", "duration"])
@pytest.mark.parametrize("descending", [False, True])
def test_a_sort_reads_an_index_in_its_order_not_a_temporary_sort(library, sort, descending):
    sql, params = ordered_ids_sql(TakeFilter(), sort, descending)
    plan = " | ".join(row[3] for row in library.db.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "TEMP B-TREE" not in plan, plan


def test_by_rating_and_a_filter_keep_the_names_order_within_a_rating(library):
    for key, stars in (("b_kling", 2), ("b_veo", 2), ("c_veo", 5), ("c_seed", 2)):
        library.set_rating(library.ids[key], stars)
    assert names(library, TakeFilter(min_rating=2), sort="rating") == [
        "Beach_Kling.mp4", "beach_veo.mp4", "Ä_city_seedance.mp4", "city_veo.mp4"]
    assert names(library, TakeFilter(batch="City"), sort="rating", descending=True) == [
        "city_veo.mp4", "Ä_city_seedance.mp4"]


def test_filters_combine(library):
    ids = library.ids
    library.set_flag(ids["b_kling"], "pick")
    library.set_flag(ids["c_veo"], "reject")
    library.set_rating(ids["b_kling"], 3)
    library.set_audio_verdict(ids["c_seed"], "replace")
    assert names(library, TakeFilter(batch="City")) == ["city_veo.mp4", "Ä_city_seedance.mp4"]
    assert names(library, TakeFilter(model="Veo 3.1")) == ["beach_veo.mp4", "city_veo.mp4"]
    assert names(library, TakeFilter(flag="none")) == ["beach_veo.mp4", "Ä_city_seedance.mp4"]
    assert names(library, TakeFilter(min_rating=3)) == ["Beach_Kling.mp4"]
    assert names(library, TakeFilter(audio_verdict="replace")) == ["Ä_city_seedance.mp4"]
    assert names(library, TakeFilter(batch="Beach", prompt_group="waves an")) == ["Beach_Kling.mp4", "beach_veo.mp4"]
    assert names(library, TakeFilter(batch="Beach", flag="reject")) == []


def test_translation_verdict_filter(library):
    ids = library.ids
    library.save_analysis(ids["b_veo"], "social", {"integrated_lufs": -14.0, "flags": []})
    library.save_analysis(ids["c_veo"], "social", {"integrated_lufs": -30.0, "flags": ["too_quiet"]})
    library.save_analysis(ids["c_seed"], "social", {"integrated_lufs": -14.0, "flags": ["clipping", "too_loud"]})
    assert names(library, TakeFilter(translation="ok")) == ["beach_veo.mp4"]
    assert names(library, TakeFilter(translation="level")) == ["city_veo.mp4"]
    assert names(library, TakeFilter(translation="problem")) == ["Ä_city_seedance.mp4"]
    assert names(library, TakeFilter(translation="unanalysed")) == ["Beach_Kling.mp4"]


def test_search_finds_prompt_words_file_names_models_and_notes(library):
    ids = library.ids
    # (sets where two takes match alike: the rank orders them, see the next test)
    assert set(names(library, TakeFilter(search="gulls"))) == {"Beach_Kling.mp4", "beach_veo.mp4"}
    assert set(names(library, TakeFilter(search="GULL dawn"))) == {"Beach_Kling.mp4", "beach_veo.mp4"}   # prefixes
    assert names(library, TakeFilter(search="cafe")) == ["city_veo.mp4"]          # accents folded
    assert names(library, TakeFilter(search="gulls horns")) == []
    assert names(library, TakeFilter(search="seedance")) == ["Ä_city_seedance.mp4"]
    assert names(library, TakeFilter(search="kling")) == ["Beach_Kling.mp4"]
    assert names(library, TakeFilter(search="gulls", model="Veo 3.1")) == ["beach_veo.mp4"]
    note = library.add_note(ids["c_seed"], Note("horn too loud at the cut"))
    assert names(library, TakeFilter(search="cut")) == ["Ä_city_seedance.mp4"]
    library.delete_note(note)
    assert names(library, TakeFilter(search="cut")) == []
    library.set_prompt([ids["b_veo"]], "a lighthouse foghorn")
    assert names(library, TakeFilter(search="foghorn")) == ["beach_veo.mp4"]
    assert names(library, TakeFilter(search="gulls")) == ["Beach_Kling.mp4"]


def test_search_ranks_the_better_match_first(library):
    library.set_prompt([library.ids["c_seed"]], "horns, horns, horns and more horns in traffic")
    library.set_prompt([library.ids["c_veo"]], "a long quiet street at night with one distant horn and wind")
    assert names(library, TakeFilter(search="horn"))[0] == "Ä_city_seedance.mp4"


@pytest.mark.parametrize("typed", ['"', "AND", "OR NOT", "*", "a:b", "(x", "NEAR(a b)"])
def test_what_the_editor_types_is_never_query_syntax(library, typed):
    library.take_ids(TakeFilter(search=typed))   # no sqlite3.OperationalError
    assert all(part.startswith('"') for part in match_expression(typed).split())


def test_an_older_library_is_migrated_with_a_copy_first_and_progress(tmp_path, monkeypatch):
    path = tmp_path / "old.sqlite"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    monkeypatch.setattr(migrations, "LATEST_VERSION", 1)
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO batches (id, name, root, created_at) VALUES (1, 'Old', '/old', '')")
    for n in range(30):
        conn.execute("INSERT INTO takes (batch_id, rel_path, fingerprint, size, prompt, imported_at) "
                     "VALUES (1, ?, ?, 1, ?, '')", (f"sub/Take_{n:02d}.mp4", f"fp{n}", f"bells {n}"))
        conn.execute("INSERT INTO reviews (take_id, updated_at) VALUES (?, '')", (n + 1,))
    conn.execute("INSERT INTO analyses (take_id, target, flags, analyzed_at) VALUES (1, 'social', '[\"clipping\"]', '')")
    conn.execute("INSERT INTO notes (take_id, text, created_at) VALUES (2, 'a clunk', '')")
    conn.commit()
    conn.close()
    monkeypatch.undo()

    heard = []
    library = Library(path, on_migration=lambda fraction, what, step: heard.append((step, fraction)))
    assert (tmp_path / "old.sqlite.before-v2.bak").is_file()
    browsing = [f for step, f in heard if step == 3]   # the step that builds the indexes says how far it is
    assert browsing and browsing[-1] == 1.0 and browsing == sorted(browsing) and all(0 <= f <= 1 for f in browsing)
    ids = library.take_ids(TakeFilter(search="clunk"))
    assert [library.take(i).rel_path for i in ids] == ["sub/Take_01.mp4"]
    assert len(library.take_ids(TakeFilter(search="bells"))) == 30
    assert len(library.take_ids(TakeFilter(translation="problem"))) == 1
    assert library.take(library.take_ids()[0]).rel_path == "sub/Take_00.mp4"
    library.close()
