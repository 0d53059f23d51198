"""The render cache and the background render job, with real ffmpeg renders."""
from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from soundon.core.listening import ListeningSetup, renders_to_prepare
from soundon.jobs.listening_job import ListeningRenderJob
from soundon.media import listening
from soundon.media.listening_renders import RenderCache, RenderSource
from soundon.media.fingerprint import fingerprint
from tests.signals import RATE, write_wav
from tests.unit.test_listening_response import read_wav


@pytest.fixture
def take(media):
    path = media.clip("take.mp4", duration=1)
    return {"path": str(path), "fingerprint": fingerprint(path), "audio_channels": 2, "duration": 1.0}


@pytest.fixture
def render_calls(monkeypatch):
    """Counts the real renders (the real function still runs)."""
    calls = []
    real = listening.render

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(listening, "render", counting)
    return calls


def test_a_render_is_made_once(tmp_path, take, render_calls):
    cache = RenderCache(tmp_path / "cache")
    source = RenderSource.native(take)
    first = cache.ensure(source, ListeningSetup("phone"))
    content = first.read_bytes()
    again = cache.ensure(source, ListeningSetup("phone"))
    assert again == first and again.read_bytes() == content
    assert len(render_calls) == 1
    assert len(read_wav(first)) == pytest.approx(RATE, abs=1024)


def test_keys_follow_what_shapes_the_sound(tmp_path, take):
    cache = RenderCache(tmp_path / "cache")
    source = RenderSource.native(take)
    paths = {cache.path_for(source, s) for s in (
        ListeningSetup("phone"), ListeningSetup("phone", "cafe"), ListeningSetup("phone", "cafe", -6),
        ListeningSetup("phone", match_loudness=True), ListeningSetup("laptop"), ListeningSetup("headphones"))}
    assert len(paths) == 6
    # A laptop takes no noise or phone volume: those settings render the same.
    assert cache.path_for(source, ListeningSetup("laptop", "train", -12)) == cache.path_for(source, ListeningSetup("laptop"))
    other = RenderSource(take["path"], "another-fingerprint", 2)
    assert cache.path_for(other, ListeningSetup("phone")) != cache.path_for(source, ListeningSetup("phone"))


def test_trim_removes_the_least_recently_used_but_never_what_is_in_use(tmp_path, take):
    cache = RenderCache(tmp_path / "cache", max_bytes=0)
    source = RenderSource.native(take)
    old = cache.ensure(source, ListeningSetup("phone"))
    new = cache.ensure(source, ListeningSetup("laptop"))
    os.utime(old, (1, 1))
    cache.max_bytes = new.stat().st_size + 10
    freed = cache.trim(keep=set())
    assert freed > 0 and not old.exists() and new.exists()
    cache.max_bytes = 0
    cache.trim(keep={new})
    assert new.exists()


def test_post_track_render_sits_on_the_take_timeline(tmp_path, take):
    clicks = np.zeros((RATE * 2, 2))
    clicks[RATE // 2, :] = 0.8                       # a click 0.5 s into the post track
    track = write_wav(tmp_path / "post.wav", clicks)
    cache = RenderCache(tmp_path / "cache")
    source = RenderSource.post_track(take, track, 2, offset_s=0.25)
    out = read_wav(cache.ensure(source, ListeningSetup("headphones")))
    assert len(out) == pytest.approx(RATE * take["duration"], abs=2)   # trimmed to the take
    assert int(np.argmax(np.abs(out[:, 0]))) == pytest.approx(int(0.75 * RATE), abs=2)


def test_job_prepares_every_switch_target_and_announces_each(tmp_path, take):
    cache = RenderCache(tmp_path / "cache")
    ready, lock = [], threading.Lock()

    def on_ready(source, setup, path):
        with lock:
            ready.append((setup, path))

    job = ListeningRenderJob(cache, on_ready)
    try:
        current = ListeningSetup("phone", "cafe", -6)
        assert job.prepare([RenderSource.native(take)], current) == []
        assert job.wait_idle(60)
        expected = renders_to_prepare(current)
        assert {s for s, _ in ready} == set(expected)
        assert all(p.is_file() for _, p in ready)
        # Selecting the take again: everything is already there, nothing is queued.
        again = job.prepare([RenderSource.native(take)], current)
        assert {s for _, s, _ in again} == set(expected) and job.idle()
    finally:
        job.shutdown()


def test_job_reports_a_failed_render(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_text("not media")
    cache = RenderCache(tmp_path / "cache")
    failures = []
    job = ListeningRenderJob(cache, lambda *a: None, lambda source, setup, reason: failures.append(reason))
    try:
        job.prepare([RenderSource(str(broken), "x", 2)], ListeningSetup("headphones"))
        assert job.wait_idle(60)
        assert failures and all("could not render" in f for f in failures)
    finally:
        job.shutdown()
