"""The team server as Kitsu (zou) through its Python client, gazu: the `TeamServer` the sync engine
(store/team_sync.py) pushes to and pulls from. README's "Team review on Kitsu" gives the mapping.

gazu is the optional extra `team`; this module is imported only when a sync runs. Every failure of
the server or the network becomes a TeamServerError with one sentence for the editor; a server that
stops answering part-way is a ServerUnreachable, which the engine turns into "sync again to go on".
TLS certificates are verified (requests' default, kept as it is); a request waits at most TIMEOUT_S.
"""
from __future__ import annotations

import functools
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from soundon.core.decision_time import parse_time
from soundon.core.team_entries import HostileAnswer, comment_text
from soundon.store.team_sync import ServerUnreachable, TeamServerError

SEQUENCE = "Sound-On"
TASK_TYPE = "Sound-On review"
TIMEOUT_S = 30
MAX_ANSWER_BYTES = 256 * 1024 * 1024      # a batch's comments; more is refused, not read
OLDEST_ZOU = (0, 19)
NEXT_MAJOR = 2


class MissingClient(TeamServerError):
    pass


@dataclass(frozen=True)
class StatusMap:
    """Which of the studio's task statuses (short names) a decision sets."""

    pick: str = "done"
    reject: str = "retake"
    undecided: str = "wfa"

    @classmethod
    def parse(cls, text: str) -> "StatusMap":
        """`pick=done,reject=retake,undecided=wfa` (any of the three; the others keep their default)."""
        values = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, _, short = part.partition("=")
            name, short = name.strip(), short.strip()
            if name not in ("pick", "reject", "undecided") or not short:
                raise ValueError(f"{part!r} is not pick=, reject= or undecided= followed by a status's short name")
            values[name] = short
        return cls(**values)

    def for_flag(self, flag: str) -> str:
        return {"pick": self.pick, "reject": self.reject}.get(flag, self.undecided)


def api_url(url: str) -> str:
    """Kitsu's address as the editor gives it (https://kitsu.studio or …/api) → its API root."""
    url = url.strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", url):
        raise TeamServerError(f"{url!r} is not a server address; give one like https://kitsu.example.studio.")
    return url if url.endswith("/api") else url + "/api"


def connect(url: str, user: str, password: str, production: str | None,
            statuses: StatusMap = StatusMap()) -> "KitsuServer":
    """Log in and find the production; raises TeamServerError saying what is wrong."""
    try:
        import gazu                       # noqa: PLC0415 — optional, and heavy for every other verb
        import requests                   # noqa: PLC0415
    except ImportError:
        raise MissingClient("Syncing with Kitsu needs Sound-On's team extra: pip install 'soundon[team]'.") from None
    host = api_url(url)
    client = gazu.client.create_client(host)
    client.session.request = functools.partial(client.session.request, timeout=TIMEOUT_S)
    server = KitsuServer(gazu, requests, client, host, statuses)
    server.check_version()
    server.log_in(user, password)
    server.choose_production(production)
    return server


class KitsuServer:
    def __init__(self, gazu, requests, client, host: str, statuses: StatusMap):
        self._gazu, self._requests, self._client = gazu, requests, client
        self.host = host
        self.statuses = statuses
        self.production: dict | None = None
        self._status_ids: dict[str, str] = {}
        self._task_type: dict | None = None
        self._sequence: dict | None = None

    # -- connecting --------------------------------------------------------------------------------

    @contextmanager
    def _talking(self, doing: str):
        gazu, requests = self._gazu, self._requests
        try:
            yield
        except requests.exceptions.SSLError:
            raise TeamServerError(
                f"The certificate of {self.host} could not be verified, so nothing was sent. If the studio "
                "uses its own certificate authority, point REQUESTS_CA_BUNDLE at its certificate.") from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                requests.exceptions.ChunkedEncodingError) as exc:
            raise ServerUnreachable(f"The Kitsu server at {self.host} stopped answering while {doing} "
                                    f"({type(exc).__name__}).") from None
        except gazu.exception.NotAllowedException:
            raise TeamServerError(f"Kitsu did not allow this user to go on while {doing}; ask the production "
                                  "manager for access.") from None
        except gazu.exception.GazuException as exc:
            raise TeamServerError(f"Kitsu refused while {doing} ({type(exc).__name__}: {exc}).") from None
        except ValueError:     # an answer that is not JSON
            raise TeamServerError(f"{self.host} answered something that is not Kitsu's while {doing}.") from None

    def check_version(self) -> None:
        try:
            answer = self._client.session.get(self.host)
        except self._requests.exceptions.SSLError:
            raise TeamServerError(
                f"The certificate of {self.host} could not be verified, so nothing was sent. If the studio "
                "uses its own certificate authority, point REQUESTS_CA_BUNDLE at its certificate.") from None
        except (self._requests.exceptions.ConnectionError, self._requests.exceptions.Timeout):
            raise TeamServerError(f"Nothing answers at {self.host}. Check the address and that the Kitsu server "
                                  "is running.") from None
        try:
            about = answer.json()
            version = str(about["version"])
            is_zou = about.get("api") == "Zou"
        except (ValueError, KeyError, TypeError, AttributeError):
            is_zou = False
        if answer.status_code != 200 or not is_zou:
            raise TeamServerError(f"{self.host} is not a Kitsu server (its API does not answer as zou does). "
                                  "Check the address.")
        numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
        if len(numbers) < 2 or numbers < OLDEST_ZOU or numbers[0] >= NEXT_MAJOR:
            raise TeamServerError(
                f"The Kitsu server runs zou {version}; Sound-On syncs with zou {OLDEST_ZOU[0]}.{OLDEST_ZOU[1]} "
                f"up to {NEXT_MAJOR - 1}.x. Nothing was sent.")

    def log_in(self, user: str, password: str) -> None:
        gazu = self._gazu
        try:
            with self._talking("logging in"):
                gazu.log_in(user, password, client=self._client)
        except TeamServerError as exc:
            if "AuthFailed" in str(exc) or "NotAuthenticated" in str(exc) or "Parameter" in str(exc):
                raise BadCredentials(f"Kitsu at {self.host} refused the user {user!r} with this password. "
                                     "Check both; the password was not kept.") from None
            raise

    def choose_production(self, name: str | None) -> None:
        gazu = self._gazu
        with self._talking("looking for the production"):
            projects = gazu.project.all_open_projects(client=self._client)
        names = sorted(p["name"] for p in projects)
        if name is None:
            if len(projects) != 1:
                raise TeamServerError(f"Say which production to sync with --production NAME (this user sees "
                                      f"{', '.join(names) or 'none'}).")
            self.production = projects[0]
        else:
            found = [p for p in projects if p["name"] == name]
            if not found:
                raise TeamServerError(f"There is no open production named {name!r} on {self.host} for this user "
                                      f"(it sees {', '.join(names) or 'none'}).")
            self.production = found[0]
        with self._talking("reading the task statuses"):
            for decision in ("pick", "reject", "undecided"):
                short = getattr(self.statuses, decision)
                status = gazu.task.get_task_status_by_short_name(short, client=self._client)
                if not status:
                    raise TeamServerError(f"The task status {short!r} (for {decision}) is not on the server; set the "
                                          "studio's own with --statuses pick=…,reject=…,undecided=….")
                self._status_ids[short] = status["id"]

    # -- the batch's place: a shot of the production and its review task -----------------------------

    def find_batch(self, name: str) -> str | None:
        return self._place(name, make=False)

    def open_batch(self, name: str) -> str:
        return self._place(name, make=True)

    def _place(self, name: str, make: bool) -> str | None:
        gazu, client, project = self._gazu, self._client, self.production
        with self._talking(f"finding the shot of {name}"):
            if self._sequence is None:
                self._sequence = gazu.shot.get_sequence_by_name(project, SEQUENCE, client=client)
                if self._sequence is None and make:
                    self._sequence = gazu.shot.new_sequence(project, SEQUENCE, client=client)
            if self._sequence is None:
                return None
            shot = gazu.shot.get_shot_by_name(self._sequence, name, client=client)
            if shot is None:
                if not make:
                    return None
                shot = gazu.shot.new_shot(project, self._sequence, name, client=client)
            task_type = self._review_task_type(make)
            if task_type is None:
                return None
            task = gazu.task.get_task_by_entity(shot, task_type, client=client)
            if task is None:
                if not make:
                    return None
                task = gazu.task.new_task(shot, task_type, client=client)
        return task["id"]

    def _review_task_type(self, make: bool) -> dict | None:
        if self._task_type is None:
            gazu = self._gazu
            self._task_type = gazu.task.get_task_type_by_name(TASK_TYPE, "Shot", client=self._client)
            if self._task_type is None and make:
                try:
                    self._task_type = gazu.task.new_task_type(TASK_TYPE, "#3a86ff", "Shot", client=self._client)
                    gazu.project.add_task_type(self.production, self._task_type, 1, client=self._client)
                except gazu.exception.NotAllowedException:
                    raise TeamServerError(f"The production has no task type {TASK_TYPE!r} and this user may not add "
                                          "one; ask a Kitsu administrator to add it (for shots).") from None
        return self._task_type

    # -- comments --------------------------------------------------------------------------------

    def entries(self, place: str) -> list:
        """Each comment's data, oldest first. Read with a cap on its size: a huge answer is refused
        before it is held in memory."""
        gazu = self._gazu
        url = gazu.client.get_full_url(f"data/tasks/{place}/comments", client=self._client)
        with self._talking("reading the comments"):
            answer = self._client.session.get(url, headers=gazu.client.make_auth_header(client=self._client),
                                              stream=True)
            gazu.client.check_status(answer, url, client=self._client)
            body = bytearray()
            for chunk in answer.iter_content(1 << 20):
                body += chunk
                if len(body) > MAX_ANSWER_BYTES:
                    answer.close()
                    raise HostileAnswer(f"its comments are more than {MAX_ANSWER_BYTES >> 20} MB")
        try:
            comments = json.loads(body)
        except ValueError:
            raise HostileAnswer("its comments are not JSON") from None
        if not isinstance(comments, list):
            raise HostileAnswer("its comments are not a list")
        comments = [c for c in comments if isinstance(c, dict)]
        comments.sort(key=lambda c: str(c.get("created_at", "")))
        return [c.get("data") for c in comments]

    def post(self, place: str, entry: dict, preview: Path | None = None) -> None:
        gazu, client = self._gazu, self._client
        with self._talking("sending a comment"):
            if entry["kind"] == "decision":
                status = self._status_ids[self.statuses.for_flag(entry["flag"])]
            else:      # other comments leave the task's status as it is
                status = gazu.task.get_task(place, client=client)["task_status_id"]
            comment = gazu.task.add_comment(place, status, comment_text(entry), created_at=_kitsu_time(entry.get("at")),
                                            client=client)
            # The comment's data is set by its author in a second call (the create route takes none).
            gazu.task.update_comment({"id": comment["id"], "data": entry}, client=client)
            if preview is not None:
                gazu.task.add_preview(place, comment, str(preview), client=client)


class BadCredentials(TeamServerError):
    pass


def _kitsu_time(at: str | None) -> str | None:
    """zou reads a naive UTC time; it keeps it only for a manager (the entry's own `at` is what counts)."""
    if not at:
        return None
    return parse_time(at).replace(tzinfo=None).isoformat(timespec="seconds")
