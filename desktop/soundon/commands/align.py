"""soundon align TAKE [--track FILE] [--search S] [--apply]

Finds where the post track lines up with the take's own audio (media/align.py) and prints the
offset in ms and in frames with a confidence. TAKE is a take's library id or path, or any media
file; without --track the take's stored post track is used. With --apply the offset is saved in the
take's swap spec (its other choices kept; a new track becomes the stored one, with the verdict
replace, as `soundon review --track` does), and only when the match is reliable.

No reliable match (unrelated, steady or silent audio) is exit status 1 with the reason on stderr,
with or without --apply, and nothing is changed.
"""
from __future__ import annotations

from pathlib import Path

from soundon.commands.common import UserError, emit_json, open_library, say, warn
from soundon.commands.swap_options import number_between
from soundon.core.swap_spec import OFFSET_LIMIT_S, SwapSpec, SwapSpecError
from soundon.core.swap_timing import plan_timing
from soundon.core.take import PostTrack, Take
from soundon.media.align import CONFIDENCE_THRESHOLD, DEFAULT_SEARCH_S, align_files
from soundon.media.probe import ProbeError, probe
from soundon.media.streams import read_post_track
from soundon.media.swap_errors import SourceError


def register(subparsers, common) -> None:
    p = subparsers.add_parser("align", parents=[common], help="find the post track's offset against the take's audio",
                              description="Find where the post track lines up with the take's own audio by "
                                          "cross-correlation, with a confidence; --apply saves the offset in "
                                          "the take's swap spec when the match is reliable.")
    p.add_argument("take", metavar="TAKE", help="the take's library id or path, or any media file")
    p.add_argument("--track", type=Path, metavar="FILE", help="the post track (default: the take's stored one)")
    p.add_argument("--search", type=number_between(0.01, OFFSET_LIMIT_S, "s"), default=DEFAULT_SEARCH_S,
                   metavar="S", help=f"look this far either way, in seconds (default {DEFAULT_SEARCH_S:g})")
    p.add_argument("--apply", action="store_true", help="save the offset in the take's swap spec")
    p.set_defaults(run=run)


def run(args) -> int:
    library = _existing_library(args)
    take = _take(library, args.take)
    stored = take.swap if take else None
    track = args.track or (Path(stored.path) if stored else None)
    if track is None:
        raise UserError(f"Take {take.id} has no post track stored: name one with --track FILE." if take
                        else "Name the post track to align with --track FILE.")
    if args.apply and not take:
        raise UserError(f"{args.take} is not a take in the library: --apply saves the offset in a take's swap "
                        "spec. Import its batch first, or leave --apply out.")
    path = take.path if take else args.take
    result = align_files(path, track, search_s=args.search)
    fps = _fps(take, path)
    document = {"take": path, "take_id": take.id if take else None, "track": str(track), **result.as_dict(),
                "fps": fps or None, "offset_frames": _frames(result, fps), "applied": False}
    if result.reliable and args.apply:
        saved = _apply(library, take, stored, track, result.offset_s)
        # printed as it always was: the track beside the spec's stored form
        document["swap_spec"] = {"track": saved.swap.path, **saved.as_json()["swap_spec"]}
        document["applied"] = True
    if args.json:
        emit_json(document)
    elif result.reliable:
        frames = f", {document['offset_frames']:+.2f} frames at {fps:g} fps" if fps else ""
        say(result.message)
        say(f"Offset {result.offset_s * 1000:+.1f} ms{frames}; confidence {result.confidence:.2f} "
            f"(reliable from {CONFIDENCE_THRESHOLD:g}).")
        if document["applied"]:
            say(f"Saved in take {take.id}'s swap spec: {saved.swap.spec.describe()}.")
    if not result.reliable:
        warn(result.message + (" The swap spec was not changed." if args.apply else ""))
        return 1
    return 0


def _existing_library(args):
    """The library, only if it already exists: aligning a loose file must not create one."""
    from soundon.store.library import default_library_path
    path = args.library or default_library_path()
    return open_library(args) if Path(path).is_file() else None


def _take(library, ref: str) -> Take | None:
    """The take `ref` names in the library, or None for a loose file. An id that is no take (and no
    file either) is refused with the library's message."""
    from soundon.store.library import LibraryError
    an_id = ref.isdigit() and not Path(ref).exists()
    if library is None:
        if an_id:
            raise UserError(f"No take {ref!r}: the library has no takes yet. Import a batch first.")
        return None
    try:
        return library.resolve_take(ref)
    except LibraryError:
        if an_id:
            raise
        return None


def _fps(take: Take | None, path: str) -> float:
    if take:
        return take.fps
    try:
        return probe(path).fps
    except ProbeError:
        return 0.0


def _frames(result, fps: float) -> float | None:
    frames = result.offset_frames(fps) if fps else None
    return None if frames is None else round(frames, 3)


def _apply(library, take: Take, stored: PostTrack | None, track: Path, offset_s: float) -> Take:
    """Save the offset in the take's swap spec; returns the take as the library now holds it."""
    # a damaged stored spec is replaced, as `review --track` does
    base = stored.spec if stored and not stored.problem else SwapSpec()
    spec = base.with_changes(offset=offset_s)
    try:
        plan_timing(spec, take.duration, read_post_track(track).audio_duration)
    except (SourceError, SwapSpecError) as exc:
        raise UserError(f"The offset was found but can't be used: {exc}") from None
    resolved = str(Path(track).expanduser().resolve())
    library.save_swap_spec(take.id, resolved, spec)
    if not stored or stored.path != resolved:
        library.set_audio_verdict(take.id, "replace")     # giving a post track is choosing to replace
    return library.take(take.id)
