"""A real Kitsu server for the slow tier: a PostgreSQL cluster and a Redis of its own on the loopback
interface, and zou (from .venv-zou, installed by `bootstrap.sh --slow`) served by gunicorn. Everything
lives in one temporary folder and is stopped afterwards; the machine's own services are not used.

`ZouServer.kill()` stops zou at once (SIGKILL) and `start()` brings it back on the same port, for the
sync that loses its server halfway."""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ZOU_BIN = ROOT / ".venv-zou" / "bin"
ADMIN = ("admin@example.com", "admin-password-1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def missing() -> str:
    """Why the real server can't be started here ('' when it can)."""
    if not (ZOU_BIN / "zou").exists():
        return "zou is not installed (make test-slow installs it: bash packaging/bootstrap.sh --slow)"
    if postgres_bin() is None or shutil.which("redis-server") is None:
        return "PostgreSQL or Redis is not installed (bash packaging/bootstrap.sh --slow)"
    return ""


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: the cluster belongs to the postgres system user then.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class ZouServer:
    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="soundon-zou-"))
        self.pg_port, self.kv_port, self.port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DB_HOST": "127.0.0.1", "DB_PORT": str(self.pg_port), "DB_USERNAME": "postgres",
                    "DB_PASSWORD": "unused", "DB_DATABASE": "zoudb", "KV_HOST": "127.0.0.1",
                    "KV_PORT": str(self.kv_port), "SECRET_KEY": "soundon-slow-tier-" + os.urandom(8).hex(),
                    "PREVIEW_FOLDER": str(self.folder / "previews"), "TMP_DIR": str(self.folder / "tmp"),
                    "INDEXER_KEY": "", "ENABLE_JOB_QUEUE": "False", "BCRYPT_LOG_ROUNDS": "4",
                    "MAIL_CHECK_DELIVERABILITY": "False"}   # no DNS on the loopback-only tier
        self._pg_data = self.folder / "pg"
        self._redis = self._zou = None
        self.log = self.folder / "zou.log"

    def __enter__(self) -> "ZouServer":
        try:
            self._start_postgres()
            self._redis = subprocess.Popen(
                [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(self.kv_port), "--save", "",
                 "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for step in (["init-db"], ["init-data"], ["create-admin", ADMIN[0], "--password", ADMIN[1]]):
                subprocess.run([str(ZOU_BIN / "zou"), *step], env=self.env, check=True, capture_output=True,
                               timeout=300, cwd=self.folder)
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def add_person(self, email: str, password: str) -> None:
        """A person who can log in. Made with zou's own command: the API checks an e-mail's domain
        in the DNS, which the loopback-only tier doesn't have."""
        subprocess.run([str(ZOU_BIN / "zou"), "create-admin", email, "--password", password], env=self.env,
                       check=True, capture_output=True, timeout=120, cwd=self.folder)

    def _start_postgres(self) -> None:
        bin_dir = postgres_bin()
        self._pg_data.mkdir()
        (self.folder / "run").mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            for path in (self._pg_data, self.folder / "run"):
                shutil.chown(path, "postgres")
        subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(self._pg_data), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8"]), check=True, capture_output=True, timeout=120)
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(self._pg_data), "-w", "-l",
                                     str(self._pg_data / "log"), "-o",
                                     f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.folder / 'run'}",
                                     "start"]), check=True, capture_output=True, timeout=120)
        subprocess.run(_as_postgres([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                                     "-U", "postgres", "zoudb"]), check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self._zou = subprocess.Popen(
                [str(ZOU_BIN / "gunicorn"), "-b", f"127.0.0.1:{self.port}", "-w", "1", "--timeout", "120",
                 "zou.app:app"], env={**self.env, "SCRIPT_NAME": "/api"},   # under /api, as behind Kitsu's proxy
                 stdout=log, stderr=log, cwd=self.folder,
                start_new_session=True)   # its own process group: a kill takes its worker too
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/api", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                if self._zou.poll() is not None:
                    raise RuntimeError(f"zou did not start: {self.log.read_text()[-2000:]}")
                time.sleep(0.3)
        raise RuntimeError("zou did not answer within two minutes")

    def kill(self) -> None:
        if self._zou is not None and self._zou.poll() is None:
            os.killpg(self._zou.pid, signal.SIGKILL)
            self._zou.wait(30)
        self._zou = None

    def __exit__(self, *exc) -> None:
        self.kill()
        if self._redis is not None:
            self._redis.terminate()
            self._redis.wait(30)
        bin_dir = postgres_bin()
        if (self._pg_data / "postmaster.pid").exists():
            subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(self._pg_data), "-m", "immediate", "-w",
                                         "stop"]), capture_output=True, timeout=60)
        if not os.environ.get("SOUNDON_KEEP_ZOU"):
            shutil.rmtree(self.folder, ignore_errors=True)
