"""soundon sync --server URL [--production NAME] [--user EMAIL] [--password-stdin] [--previews]
                [--statuses pick=S,reject=S,undecided=S]

Pushes this library's queued review changes to a Kitsu server and pulls the other reviewers'
(store/team_sync.py; README's "Team review on Kitsu"). Exit 0 when everything went; 1 when the
server could not be used, stopped answering (what was not sent stays queued), or an answer was
refused.
"""
from __future__ import annotations

import argparse
import sys

from soundon.commands.common import UsageError, UserError, emit_json, open_library, say, warn


def register(subparsers, common) -> None:
    p = subparsers.add_parser("sync", parents=[common], help="share review decisions through a Kitsu server")
    p.add_argument("--server", metavar="URL", required=True, help="the studio's Kitsu address")
    p.add_argument("--production", metavar="NAME", help="the Kitsu production (default: the only one open)")
    p.add_argument("--user", metavar="EMAIL", help="the Kitsu user (remembered in the keyring)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--previews", action="store_true", help="upload each newly shared take as a preview too")
    p.add_argument("--statuses", metavar="MAP", default="",
                   help="the task statuses a decision sets, e.g. pick=done,reject=retake,undecided=wfa")
    p.set_defaults(run=run)


def run(args) -> int:
    # The Kitsu client is imported here only: every other verb starts without it.
    from soundon.jobs import team_credentials as credentials   # noqa: PLC0415
    from soundon.jobs.kitsu_client import BadCredentials, StatusMap, api_url, connect   # noqa: PLC0415
    from soundon.store.team_sync import TeamServerError, sync   # noqa: PLC0415

    try:
        statuses = StatusMap.parse(args.statuses)
    except ValueError as exc:
        raise UsageError(f"--statuses: {exc}.") from None
    try:
        url = api_url(args.server)
    except TeamServerError as exc:
        raise UsageError(f"--server: {exc}") from None
    user = args.user or credentials.remembered_user(url)
    if not user:
        raise UserError(f"Give the Kitsu user with --user EMAIL the first time you sync with {url}.")
    password, asked = _password(args, credentials, url, user)
    try:
        server = connect(url, user, password, args.production, statuses)
    except BadCredentials:
        credentials.forget(url, user)
        raise
    if asked:
        try:
            credentials.keep(url, user, password)
        except credentials.KeyringUnavailable as exc:
            warn(str(exc))
    library = open_library(args)      # only once the server is known to be usable
    outcome = sync(library, server, previews=args.previews, report=lambda batch: warn(f"Syncing {batch}…"))
    for refusal in outcome.refused:
        warn(refusal["reason"])
    if outcome.stopped:
        warn(outcome.stopped)
    if args.json:
        emit_json(outcome.to_dict())
    else:
        say(f"Pushed {len(outcome.pushed)} change(s), pulled {len(outcome.pulled)}, "
            f"{len(outcome.conflicts)} conflict(s); {outcome.queued} change(s) still queued.")
        for conflict in outcome.conflicts:
            kept = "this library's" if conflict["kept"] == "ours" else "the other reviewer's"
            say(f"  conflict: {conflict['batch']}/{conflict['file']}: kept {kept} newer decision "
                f"({_decision(conflict['ours'])} here, {_decision(conflict['theirs'])} there)")
        for unknown in outcome.unknown_takes:
            say(f"  not in this library: {unknown['batch']}/{unknown['file']}")
    return 0 if outcome.complete else 1


def _password(args: argparse.Namespace, credentials, url: str, user: str) -> tuple[str, bool]:
    """The password and whether it was just asked for (so it is kept once the server takes it)."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UserError("--password-stdin read no password.")
        return password, True
    stored = credentials.stored_password(url, user)
    if stored:
        return stored, False
    if not sys.stdin.isatty():
        raise UserError(f"No password for {user} at {url} in the keyring; run once from a terminal, or with "
                        "--password-stdin.")
    import getpass   # noqa: PLC0415
    return getpass.getpass(f"Kitsu password for {user}: "), True


def _decision(values: dict) -> str:
    flag = values["flag"] if values["flag"] != "none" else "undecided"
    return f"{flag}, {values['rating']}★, audio {values['audio_verdict']}"
