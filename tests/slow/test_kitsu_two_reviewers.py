"""Two Sound-On libraries as two reviewers against a real Kitsu server (zou on PostgreSQL and Redis,
all on the loopback interface, started by tests/slow/zou_server.py). Each decides offline, then they
sync in both orders, once with the server killed in the middle of a sync.

Against a studio's own server instead: SOUNDON_KITSU_URL, SOUNDON_KITSU_PRODUCTION (a production
made for the test: the test adds a shot to it) and SOUNDON_KITSU_USERS ("email:password,email:password",
two people of that production allowed to comment). The kill case needs a server of its own and is
skipped there."""
from __future__ import annotations

import os
import shutil

import pytest

from soundon.jobs.importer import Importer
from soundon.jobs.kitsu_client import TASK_TYPE, connect
from soundon.store.library import Library
from soundon.store.team_sync import sync
from tests.slow import zou_server
from tests.unit.test_team_sync import decide_offline, state

pytestmark = pytest.mark.slow

PRODUCTION = "Sound-On slow tier"
REVIEWERS = (("anna@studio", "anna-password-1"), ("ben@studio", "ben-password-1"))


def _prepare(server) -> None:
    """As the studio's admin: a production with the two reviewers in its team, its review task type."""
    import gazu
    for email, password in REVIEWERS:
        server.add_person(email, password)
    client = gazu.client.create_client(server.url + "/api")
    gazu.log_in(*zou_server.ADMIN, client=client)
    statuses = gazu.task.all_task_statuses(client=client)
    project = gazu.project.new_project(PRODUCTION, "short", client=client)
    for status in statuses:
        gazu.project.add_task_status(project, status, client=client)
    task_type = gazu.task.new_task_type(TASK_TYPE, "#3a86ff", "Shot", client=client)
    gazu.project.add_task_type(project, task_type, 1, client=client)
    for email, _ in REVIEWERS:
        gazu.project.add_person_to_team(project, gazu.person.get_person_by_email(email, client=client), client=client)


@pytest.fixture(scope="module")
def kitsu():
    """(url, production, users, server or None): a local zou, or the studio's own from the environment."""
    if os.environ.get("SOUNDON_KITSU_URL"):
        users = tuple(tuple(pair.split(":", 1)) for pair in os.environ["SOUNDON_KITSU_USERS"].split(","))
        yield os.environ["SOUNDON_KITSU_URL"], os.environ["SOUNDON_KITSU_PRODUCTION"], users, None
        return
    why = zou_server.missing()
    if why:
        pytest.skip(why)
    with zou_server.ZouServer() as server:
        _prepare(server)
        yield server.url, PRODUCTION, REVIEWERS, server


@pytest.fixture
def reviewers(media, tmp_path, request):
    batch = f"Shots {request.node.callspec.id}"       # a shot of its own per case
    source = tmp_path / "source"
    for number, name in enumerate(("a.mp4", "b.mp4", "c.mp4")):
        media.clip(name, folder=source, duration=0.4 + number / 10, size="64x36")
    libraries = []
    for who in ("anna", "ben"):
        folder = tmp_path / who / batch
        shutil.copytree(source, folder)
        library = Library(tmp_path / who / "library.sqlite")
        Importer(library).run([folder])
        libraries.append(library)
    yield libraries
    for library in libraries:
        library.close()


def _sync(kitsu, who: int, library, kill_after: int | None = None):
    url, production, users, server = kitsu
    kitsu_server = connect(url, *users[who], production)
    if kill_after is not None:
        post, posted = kitsu_server.post, []

        def post_then_kill(place, entry, preview=None):
            if len(posted) == kill_after:
                server.kill()           # the real server, SIGKILL, in the middle of the push
            post(place, entry, preview)
            posted.append(entry)
        kitsu_server.post = post_then_kill
    return sync(library, kitsu_server)


def _comments(kitsu, library, kind):
    url, production, users, _ = kitsu
    server = connect(url, *users[0], production)
    place = server.find_batch(library.batches()[0]["name"])
    return [d for d in server.entries(place) if isinstance(d, dict) and d.get("kind") == kind]


@pytest.mark.parametrize("order", ["anna first", "ben first, server killed mid-sync"])
def test_two_reviewers_end_with_the_same_decisions_and_notes(kitsu, reviewers, order):
    anna, ben = reviewers
    decide_offline(anna, ben)
    anna_before, ben_before = state(anna), state(ben)
    if order == "anna first":
        assert _sync(kitsu, 0, anna).complete
        assert _sync(kitsu, 1, ben).complete
    else:
        if kitsu[3] is None:
            pytest.skip("the kill case needs a server of its own")
        stopped = _sync(kitsu, 1, ben, kill_after=2)
        assert stopped.stopped and stopped.queued > 0
        assert state(ben) == ben_before            # nothing local lost
        kitsu[3].start()
        assert _sync(kitsu, 1, ben).complete and ben.queued_changes() == []
        assert _sync(kitsu, 0, anna).complete
    assert _sync(kitsu, 0 if order == "anna first" else 1, anna if order == "anna first" else ben).complete
    assert state(anna) == state(ben)
    merged = state(anna)
    assert merged["a.mp4"][:2] == ("pick", 4) and merged["b.mp4"][0] == "reject" and merged["c.mp4"][2] == "replace"
    assert sorted(merged["a.mp4"][3]) == sorted(anna_before["a.mp4"][3] + ben_before["a.mp4"][3])
    # Nothing duplicated on the server: one comment per take and per note.
    assert len(_comments(kitsu, anna, "take")) == 3
    assert len(_comments(kitsu, anna, "note")) == 2
