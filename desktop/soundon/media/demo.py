"""The demo batch: generated with ffmpeg from resources/demo/recipe.json, so nothing large ships.

One prompt rendered by three 'models' (different looks, durations and native audio), one take with a
phase problem, plus a post-production track — enough to try every part of the app on first run.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from soundon.media.synth import ClipSpec, make_clip
from soundon.resources import resource_path

READY_MARK = ".complete"


def recipe() -> dict:
    return json.loads(resource_path("demo", "recipe.json").read_text(encoding="utf-8"))


def ensure_demo_batch(folder: Path) -> Path:
    """Generate the demo batch into folder (once) and return the folder."""
    if (folder / READY_MARK).is_file():
        return folder
    plan = recipe()
    staging = folder.with_name(folder.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for take in plan["takes"]:
        make_clip(staging / take["file"], ClipSpec(
            duration=take["duration"], size=take["size"], fps=take["fps"], video=take["video"],
            audio=take["audio"], audio_filter=take["audio_filter"],
            extra=["-vf", take["video_filter"]] if take["video_filter"] else []))
        sidecar = {k: take[k] for k in ("model", "seed", "variation")}
        sidecar["prompt"] = plan["prompt"]
        (staging / take["file"]).with_suffix(".json").write_text(json.dumps(sidecar, indent=2), encoding="utf-8")
    post = plan["post_track"]
    make_clip(staging / post["file"], ClipSpec(duration=post["duration"], video="", audio=post["audio"],
                                               audio_filter=post["audio_filter"]))
    (staging / READY_MARK).write_text("generated from resources/demo/recipe.json\n", encoding="utf-8")
    # Only a complete batch takes the final name, so an interrupted first run starts over cleanly.
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return folder
