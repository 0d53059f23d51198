"""Does a libVLC decode the takes the app plays? One short clip of each of the app's TAKE_FORMATS
(soundon.media.synth), played to its end through that libVLC (picture and sound to its dummy
outputs), and its decoder counts read back.

A bundle's libVLC decodes through its own FFmpeg 5.1 build, which carries only the decoders,
demuxers and parsers of the formats AI takes and their post tracks come in
(build-ffmpeg-linux.sh). This is the check that the list is enough: a format whose picture or
sound decodes to nothing fails it. The clips are made with the given ffmpeg's encoders; HEVC and
AV1 have no encoder in the bundle's ffmpeg, so they are not among them.

    vlc_decodes.py check --libvlc DIR/libvlc.so.5 --plugins DIR/plugins [--ffmpeg PATH]
(exit 1 and one line per failing format when one decodes nothing)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAY_TIMEOUT_S = 20


def make_clips(folder: Path, ffmpeg: str) -> list[Path]:
    """The app's TAKE_FORMATS (soundon.media.synth), made with the given ffmpeg."""
    from soundon.media.synth import AUDIO_CODECS, TAKE_FORMATS, VIDEO_ENCODERS
    clips = []
    for name, video, audio in TAKE_FORMATS:
        out = folder / name
        subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
                        "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                        "-t", "0.6", "-ac", "2", *VIDEO_ENCODERS[video], *AUDIO_CODECS[audio], str(out)], check=True)
        clips.append(out)
    return clips


def play(clips: list[str]) -> dict[str, dict]:
    """In this process (its libVLC chosen by PYTHON_VLC_LIB_PATH): each clip's decoder counts."""
    import vlc
    # (no --avcodec-hw: an option of the FFmpeg plugin, unknown where that plugin is missing)
    instance = vlc.Instance(["--vout=dummy", "--aout=adummy", "--no-video-title-show", "--quiet", "--stats"])
    if instance is None:
        raise SystemExit("libVLC did not start (no plugins where it looked?)")
    found = {}
    for clip in clips:
        player = instance.media_player_new()
        media = instance.media_new_path(clip)
        player.set_media(media)
        player.play()
        deadline = time.monotonic() + PLAY_TIMEOUT_S
        while time.monotonic() < deadline and player.get_state() not in (vlc.State.Ended, vlc.State.Error):
            time.sleep(0.02)
        stats = vlc.MediaStats()
        media.get_stats(stats)
        found[clip] = {"state": str(player.get_state()), "video": stats.decoded_video, "audio": stats.decoded_audio}
        player.stop()
        player.release()
    return found


def problems(libvlc: Path, plugins: Path, ffmpeg: str) -> list[str]:
    """One sentence per format whose picture or sound the libVLC decoded nothing of."""
    with tempfile.TemporaryDirectory(prefix="vlc-decodes-") as folder:
        clips = make_clips(Path(folder), ffmpeg)
        # libvlccore beside the libvlc given (not the system's): libVLC looks for its plugins
        # where its core was loaded from, as well as in VLC_PLUGIN_PATH.
        env = dict(os.environ, PYTHON_VLC_LIB_PATH=str(libvlc), PYTHON_VLC_MODULE_PATH=str(plugins),
                   VLC_PLUGIN_PATH=str(plugins),
                   LD_LIBRARY_PATH=os.pathsep.join(filter(None, [str(libvlc.parent), os.environ.get("LD_LIBRARY_PATH")])))
        run = subprocess.run([sys.executable, __file__, "play", *map(str, clips)], env=env,
                             capture_output=True, text=True, timeout=PLAY_TIMEOUT_S * len(clips) + 60)
        if run.returncode != 0:
            return [f"libVLC {libvlc} could not play: {run.stderr.strip()[-400:]}"]
        found = json.loads(run.stdout.strip().splitlines()[-1])
    out = []
    for clip, counts in found.items():
        lacking = [what for what in ("video", "audio") if counts[what] <= 0]
        if lacking:
            out.append(f"{Path(clip).name}: libVLC decoded no {' and no '.join(lacking)} "
                       f"(state {counts['state']}): a decoder, demuxer or parser is missing.")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    check = verbs.add_parser("check")
    check.add_argument("--libvlc", type=Path, required=True)
    check.add_argument("--plugins", type=Path, required=True)
    check.add_argument("--ffmpeg", default=shutil.which("ffmpeg"))
    child = verbs.add_parser("play")
    child.add_argument("clips", nargs="+")
    args = parser.parse_args(argv)
    if args.verb == "play":
        print(json.dumps(play(args.clips)))
        return 0
    found = problems(args.libvlc, args.plugins, args.ffmpeg)
    for line in found:
        print(line, file=sys.stderr)
    if not found:
        from soundon.media.synth import TAKE_FORMATS
        print(f"libVLC ({args.libvlc}) decodes every format: {', '.join(name for name, _, _ in TAKE_FORMATS)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
