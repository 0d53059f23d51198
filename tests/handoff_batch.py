"""A small reviewed batch of real clips for the NLE hand-off tests: names with unicode, & and <, a
folder with spaces, two picks (one with notes, one without) and a reject."""
import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from soundon.core.review import Note
from soundon.jobs.importer import Importer

RATES = {"23.976": "24000/1001", "25": "25", "29.97": "30000/1001", "30": "30", "60": "60"}
NAMES = ("kling café & <one>.mp4", "veo b.mp4", "seedance c.mp4")
NOTES = (("hiss & <pop> at the start", 0.25, 0.5), ("lip sync drifts — café", 0.75, None))


@dataclass
class Batch:
    name: str
    folder: Path
    rate: Fraction
    takes: list
    frames: dict          # file name → frame count, as ffprobe counts them


def counted_frames(path: Path) -> int:
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                          "stream=nb_read_frames", "-of", "json", str(path)], capture_output=True, text=True, check=True)
    return int(json.loads(out.stdout)["streams"][0]["nb_read_frames"])


def reviewed_batch(library, media, tmp_path, rate: str = "25", name: str = "Night & <Day> café",
                   extra: tuple = ()) -> Batch:
    folder = tmp_path / f"batch {rate} fps"
    for number, clip in enumerate(NAMES):
        media.clip(clip, duration=1, folder=folder, fps=RATES.get(rate, rate), size="64x36",
                   audio=f"sine=frequency={300 + 100 * number}", extra=list(extra))
    Importer(library).run([folder], name=name)
    takes = library.takes(name)
    by_name = {Path(t.path).name: t for t in takes}
    first, second, third = (by_name[n] for n in NAMES)
    library.set_flag(first.id, "pick")
    library.set_rating(first.id, 4)
    library.set_audio_verdict(first.id, "keep")
    for text, start, end in NOTES:
        library.add_note(first.id, Note(text, start, end))
    library.set_flag(second.id, "pick")
    library.set_flag(third.id, "reject")
    takes = [library.take(t.id) for t in (first, second, third)]
    return Batch(name, folder, Fraction(RATES.get(rate, rate)), takes,
                 {n: counted_frames(folder / n) for n in NAMES})


def note_frames(rate: Fraction) -> list[tuple[int, int]]:
    """Each note's (start, duration) in frames: a note without an out point lasts one frame."""
    out = []
    for _, start, end in NOTES:
        first = int(Fraction(start) * rate)
        out.append((first, 1 if end is None else int(Fraction(end) * rate) - first))
    return out
