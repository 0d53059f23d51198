"""`soundon sync` refusals, each one sentence with exit 1 and the library untouched; the password
goes to the keyring and nowhere else."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from tests.kitsu_stub import PASSWORD, KitsuStub

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def keyring_env(tmp_path):
    return {"PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring",
            "SOUNDON_TEST_KEYRING": str(tmp_path / "keyring.json"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def sync(cli, keyring_env, url, *extra, password=PASSWORD):
    import subprocess
    from tests.cli.conftest import SOUNDON
    args = [SOUNDON, "sync", "--library", str(cli.library), "--server", url, *extra]
    if password is not None:
        args += ["--user", "anna@studio.test", "--password-stdin"]
    proc = subprocess.run(args, input=(password or "") + "\n", capture_output=True, text=True,
                          env={**os.environ, **keyring_env}, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_wrong_url_says_nothing_answers_there(cli, keyring_env):
    proc = sync(cli, keyring_env, f"http://127.0.0.1:{closed_port()}")
    assert proc.returncode == 1 and "Nothing answers at" in proc.stderr


def test_an_address_that_is_not_one_is_bad_usage(cli, keyring_env):
    proc = sync(cli, keyring_env, "kitsu.studio")
    assert proc.returncode == 2 and "is not a server address" in proc.stderr


@pytest.mark.parametrize("stub, extra, words", [
    (dict(api=None), (), "is not a Kitsu server"),
    (dict(version="0.12.3"), (), "runs zou 0.12.3"),
    (dict(version="2.1.0"), (), "runs zou 2.1.0"),
    (dict(), ("--production", "Feature"), "no open production named 'Feature'"),
    (dict(projects=("Trailer", "Feature")), (), "--production NAME"),
])
def test_each_server_refusal_has_its_own_sentence(cli, keyring_env, stub, extra, words):
    with KitsuStub(**stub) as server:
        proc = sync(cli, keyring_env, server.url, *extra)
    assert proc.returncode == 1 and words in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2


def test_bad_credentials_are_refused_and_not_kept(cli, keyring_env, tmp_path):
    with KitsuStub() as server:
        proc = sync(cli, keyring_env, server.url, password="wrong")
    assert proc.returncode == 1 and "refused the user 'anna@studio.test'" in proc.stderr
    kept = tmp_path / "keyring.json"
    assert not kept.exists() or "wrong" not in kept.read_text()


def test_the_password_is_kept_in_the_keyring_only_and_the_next_sync_needs_only_the_address(cli, keyring_env, tmp_path):
    with KitsuStub() as server:
        first = sync(cli, keyring_env, server.url, "--json")
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["pushed"] == []
        again = sync(cli, keyring_env, server.url, password=None)
    assert again.returncode == 0, again.stderr
    assert PASSWORD in (tmp_path / "keyring.json").read_text()
    for path in cli.library.parent.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
    logs = Path(os.environ["XDG_DATA_HOME"])
    for path in logs.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_bad_statuses_are_bad_usage(cli, keyring_env):
    proc = sync(cli, keyring_env, "http://127.0.0.1:1", "--statuses", "keep=done")
    assert proc.returncode == 2 and "--statuses" in proc.stderr
