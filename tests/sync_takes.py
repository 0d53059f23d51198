"""Synthetic takes for the A/V sync estimate: one-frame white flashes on black, with a short
2 kHz click for each flash at a known offset, or steady noise over a moving pattern."""
from __future__ import annotations

import subprocess
from pathlib import Path

from soundon.media import tools
from soundon.media.synth import ClipSpec, make_clip

FPS = 25
# Irregular on purpose: evenly spaced events would match their neighbours as well.
FLASH_FRAMES = (12, 31, 55, 68, 97, 118, 131)
DURATION_S = 6.0


def flash_and_click_take(path: Path, offset_ms: float) -> Path:
    """An h264 + AAC take whose clicks come `offset_ms` after their flashes (negative: before)."""
    flashes = "+".join(f"eq(N\\,{n})" for n in FLASH_FRAMES)
    clicks = "+".join(f"between(t\\,{n / FPS + offset_ms / 1000:.4f}\\,{n / FPS + offset_ms / 1000 + 0.006:.4f})"
                      for n in FLASH_FRAMES)
    subprocess.run([tools.ffmpeg().path, "-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"color=c=black:size=160x90:rate={FPS},format=gray,"
                                         f"geq=lum=if({flashes}\\,235\\,16),format=yuv420p",
                    "-f", "lavfi", "-i", f"aevalsrc=exprs=0.8*({clicks})*sin(2*PI*2000*t):sample_rate=48000",
                    "-t", str(DURATION_S), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "128k", str(path)], check=True, capture_output=True, timeout=120)
    return path


def steady_noise_take(path: Path) -> Path:
    return make_clip(path, ClipSpec(duration=DURATION_S, size="160x90", fps=str(FPS),
                                    audio="anoisesrc=color=pink:amplitude=0.3:sample_rate=48000"))
