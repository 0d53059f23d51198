"""The team sync engine with an in-process server: two libraries are two reviewers of one batch."""
from __future__ import annotations

import json
import shutil

import pytest

from soundon.core.review import Note
from soundon.core.swap_spec import SwapSpec
from soundon.core.team_entries import MAX_ENTRIES
from soundon.jobs.importer import Importer
from soundon.store.exchange import export_decisions, merge_decisions
from soundon.store.library import Library
from soundon.store.team_sync import sync
from tests.team_server import FakeTeamServer


@pytest.fixture
def reviewers(media, tmp_path):
    """Two reviewers' libraries with the same batch "Shots" of three takes (each their own copy)."""
    source = tmp_path / "source"
    for number, name in enumerate(("a.mp4", "b.mp4", "c.mp4")):
        media.clip(name, folder=source, duration=0.4 + number / 10, size="64x36")
    libraries = []
    for who in ("anna", "ben"):
        folder = tmp_path / who / "Shots"
        shutil.copytree(source, folder)
        library = Library(tmp_path / who / "library.sqlite")
        Importer(library).run([folder])
        libraries.append(library)
    yield libraries
    for library in libraries:
        library.close()


def take_named(library, name):
    return next(t for t in library.takes() if t.rel_path == name)


def state(library):
    """Every decision and note of the library, keyed by file, as the editor would compare them."""
    document = export_decisions(library)
    return {entry["file"]: (entry["flag"], entry["rating"], entry["audio_verdict"],
                            sorted((n["text"], n["start"], n["end"]) for n in entry["notes"]))
            for entry in document["takes"]}


def decide_offline(anna, ben):
    anna.set_flag(take_named(anna, "a.mp4").id, "pick")
    anna.set_rating(take_named(anna, "a.mp4").id, 4)
    anna.add_note(take_named(anna, "a.mp4").id, Note("hiss under the line", 0.1, 0.3), author="anna")
    ben.set_flag(take_named(ben, "b.mp4").id, "reject")
    ben.add_note(take_named(ben, "a.mp4").id, Note("lovely room tone"), author="ben")
    ben.set_audio_verdict(take_named(ben, "c.mp4").id, "replace")


@pytest.mark.parametrize("first", [0, 1])
def test_two_reviewers_end_with_the_same_decisions_and_notes_in_either_order(reviewers, first):
    server = FakeTeamServer()
    decide_offline(*reviewers)
    one, other = reviewers[first], reviewers[1 - first]
    sync(one, server)
    second = sync(other, server)
    third = sync(one, server)
    assert second.complete and third.complete and not second.conflicts
    assert state(one) == state(other)
    expected = state(one)
    assert expected["a.mp4"] == ("pick", 4, "undecided", [("hiss under the line", 0.1, 0.3), ("lovely room tone", None, None)])
    assert expected["b.mp4"][0] == "reject" and expected["c.mp4"][2] == "replace"
    # Nothing is duplicated: one comment per take and per note, and a sync with nothing new adds nothing.
    assert len(server.comments("take")) == 3 and len(server.comments("note")) == 2
    before = len(server.comments())
    again = sync(other, server)
    assert again.pushed == [] and again.pulled == [] and len(server.comments()) == before
    assert one.queued_changes() == [] == other.queued_changes()


def test_each_decision_travels_with_its_own_time_and_the_newer_one_wins_with_the_conflict_listed(reviewers):
    anna, ben = reviewers
    server = FakeTeamServer()
    ben.set_flag(take_named(ben, "a.mp4").id, "reject")      # earlier
    anna.set_flag(take_named(anna, "a.mp4").id, "pick")      # later, synced last
    ben_at = ben.review_updated_at(take_named(ben, "a.mp4").id)
    sync(ben, server)
    outcome = sync(anna, server)
    assert [d["at"] for d in server.comments("decision") if d["flag"] == "reject"] == [ben_at]
    assert outcome.conflicts == [{"batch": "Shots", "file": "a.mp4", "kept": "ours",
                                  "ours": {"flag": "pick", "rating": 0, "audio_verdict": "undecided"},
                                  "theirs": {"flag": "reject", "rating": 0, "audio_verdict": "undecided"}}]
    sync(ben, server)
    assert take_named(ben, "a.mp4").flag == "pick" == take_named(anna, "a.mp4").flag


def test_a_sync_stopped_halfway_keeps_the_queue_loses_nothing_and_resumes(reviewers):
    anna, ben = reviewers
    server = FakeTeamServer()
    decide_offline(anna, ben)
    mine = state(anna)
    server.posts_before_stop = 2
    stopped = sync(anna, server)
    assert "stopped answering" in stopped.stopped and not stopped.complete
    assert stopped.queued == len(anna.queued_changes()) > 0
    assert state(anna) == mine
    server.posts_before_stop = None
    resumed = sync(anna, server)
    assert resumed.complete and anna.queued_changes() == []
    sync(ben, server)
    sync(anna, server)
    assert state(anna) == state(ben)
    assert len(server.comments("note")) == 2 and len(server.comments("take")) == 3


def test_a_comment_that_reached_the_server_before_the_stop_is_not_posted_twice(reviewers):
    anna, _ = reviewers
    server = FakeTeamServer()
    anna.set_flag(take_named(anna, "a.mp4").id, "pick")
    server.lose_answer_of_post = 2      # the decision is stored, its answer never arrives
    assert sync(anna, server).stopped
    assert len(anna.queued_changes()) == 1
    assert sync(anna, server).complete
    assert len(server.comments("decision")) == 1 and anna.queued_changes() == []


def _hostile_answers(server, ben):
    sync(ben, server)
    good = server.comments()
    take = next(e for e in good if e["kind"] == "take")
    decision = next(e for e in good if e["kind"] == "decision")
    return {
        "huge": [dict(take) for _ in range(MAX_ENTRIES + 1)],
        "malformed rating": [take, {**decision, "rating": 9}],
        "not a list": {"oops": True},
        "note of a megabyte": [take, {"soundon": 1, "kind": "note", "take": take["take"], "text": "x" * 1_000_000,
                                      "start": None, "end": None, "at": decision["at"]}],
        "unknown take": [take, {**decision, "take": "f" * 40}],
        "future time": [take, {**decision, "at": "2999-01-01T00:00:00+00:00"}],
    }


@pytest.mark.parametrize("case", ["huge", "malformed rating", "not a list", "note of a megabyte", "unknown take",
                                  "future time"])
def test_a_hostile_answer_is_refused_without_touching_local_decisions(reviewers, case):
    anna, ben = reviewers
    server = FakeTeamServer()
    ben.set_flag(take_named(ben, "a.mp4").id, "reject")
    answers = _hostile_answers(server, ben)
    anna.set_flag(take_named(anna, "b.mp4").id, "pick")
    mine, queued = state(anna), anna.queued_changes()
    server.answer_override = answers[case]
    outcome = sync(anna, server)
    assert len(outcome.refused) == 1 and "refused" in outcome.refused[0]["reason"]
    assert outcome.pushed == [] and outcome.pulled == []
    assert state(anna) == mine and anna.queued_changes() == queued


def test_a_take_only_the_server_has_is_listed_never_invented(reviewers, media, tmp_path):
    anna, ben = reviewers
    server = FakeTeamServer()
    media.clip("d.mp4", folder=tmp_path / "ben" / "Shots", duration=0.9, size="64x36")
    Importer(ben).run([tmp_path / "ben" / "Shots"])
    ben.set_flag(take_named(ben, "d.mp4").id, "pick")
    sync(ben, server)
    outcome = sync(anna, server)
    assert outcome.unknown_takes == [{"batch": "Shots", "file": "d.mp4"}]
    assert "d.mp4" not in state(anna)


def test_the_swap_spec_rides_along_and_the_newer_one_wins(reviewers, media, tmp_path):
    anna, ben = reviewers
    server = FakeTeamServer()
    track = media.clip("post.wav", folder=tmp_path / "anna" / "Shots", duration=0.5, video="")
    shutil.copyfile(track, tmp_path / "ben" / "Shots" / "post.wav")
    anna.save_swap_spec(take_named(anna, "a.mp4").id, track, SwapSpec(offset=0.25))
    sync(anna, server)
    outcome = sync(ben, server)
    assert {"batch": "Shots", "file": "a.mp4", "kind": "swap"} in outcome.pulled
    swapped = take_named(ben, "a.mp4").swap
    assert swapped.path == str(tmp_path / "ben" / "Shots" / "post.wav") and swapped.spec.offset == 0.25
    assert ben.queued_changes() == []     # a pulled change is not sent back


def test_every_way_of_deciding_is_queued_as_it_is_written(reviewers, tmp_path):
    anna, ben = reviewers
    a = take_named(anna, "a.mp4").id
    anna.set_rating(a, 2)
    anna.set_rating(a, 3)       # one decision queued, sent as it stands at the sync
    anna.add_note(a, Note("one"))
    assert [c["kind"] for c in anna.queued_changes()] == ["decision", "note"]
    ben.set_flag(take_named(ben, "c.mp4").id, "pick")
    merge_decisions(anna, json.loads(json.dumps(export_decisions(ben))))
    assert [(c["kind"], c["rel_path"]) for c in anna.queued_changes()][-1] == ("decision", "c.mp4")
    server = FakeTeamServer()
    sync(anna, server)
    assert [d["rating"] for d in server.comments("decision") if d["file"] == "a.mp4"] == [3]


def test_previews_are_uploaded_only_when_asked(reviewers):
    anna, _ = reviewers
    server = FakeTeamServer()
    anna.set_flag(take_named(anna, "a.mp4").id, "pick")
    sync(anna, server)
    assert server.previews == []
    anna.set_flag(take_named(anna, "b.mp4").id, "pick")
    sync(anna, server, previews=True)
    assert [p.name for p in server.previews] == ["b.mp4"]


def test_decisions_made_before_the_upgrade_are_queued_for_the_first_sync(reviewers, tmp_path):
    anna, _ = reviewers
    a = take_named(anna, "a.mp4").id
    anna.add_note(a, Note("made before the queue existed"))
    triggers = [r[0] for r in anna.db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'sync_queue_%'")]
    for name in triggers:
        anna.db.execute(f"DROP TRIGGER {name}")
    for name in ("sync_queue", "sync_quiet", "sync_seen"):     # back to a version 3 library
        anna.db.execute(f"DROP TABLE {name}")
    for name in ("takes_model_name", "takes_duration_name"):  # and without version 5's sort indexes
        anna.db.execute(f"DROP INDEX {name}")
    anna.db.execute("PRAGMA user_version = 3")
    anna.db.execute("UPDATE reviews SET flag = 'pick', updated_at = '2026-01-05T10:00:00+00:00' WHERE take_id = ?", [a])
    anna.close()
    upgraded = Library(tmp_path / "anna" / "library.sqlite")
    assert sorted(c["kind"] for c in upgraded.queued_changes()) == ["decision", "note"]
    upgraded.close()
