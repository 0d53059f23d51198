"""Nothing half-written ever sits under the final name; nothing existing is ever replaced."""
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from soundon.core.swap_spec import Level, SwapSpec
from soundon.jobs import swap_job
from soundon.jobs.swap_job import SwapJob, SwapRequest
from soundon.media import destination
from soundon.media.swap_errors import Cancelled, DestinationError, DiskFull, VerificationFailed
from tests.swap_helpers import small_filesystem

LONG_S = 30


@pytest.fixture
def long_take(media):
    """Long enough (30 s of audio to encode) that a run can be stopped while ffmpeg works."""
    return media.clip("long.mp4", duration=LONG_S, size="64x64", fps="5")


@pytest.fixture
def long_track(media):
    return media.clip("long-post.wav", video="", duration=LONG_S, audio="anoisesrc=color=pink:amplitude=0.1")


@pytest.fixture
def take(media):
    return media.clip("take.mp4", duration=1)


@pytest.fixture
def track(media):
    return media.clip("post.wav", video="", duration=1, audio="anoisesrc=color=pink:amplitude=0.1")


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.glob(f".*{destination.PART_SUFFIX}"))


def ffmpeg_writing(temp_name: str) -> list[int]:
    """Processes whose command line mentions the temporary file."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if temp_name.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_cancel_mid_run_kills_ffmpeg_and_leaves_nothing(long_take, long_track, tmp_path):
    out = tmp_path / "out" / "swapped.mp4"
    out.parent.mkdir()
    seen: list[tuple[float, str]] = []
    temps: list[str] = []

    def on_progress(fraction, phase):
        seen.append((fraction, phase))
        if phase == "writing" and 0 < fraction < 1 and not job.cancelled:
            temps.extend(p.name for p in leftovers(out.parent))
            job.cancel()

    job = SwapJob(SwapRequest(long_take, out, long_track, SwapSpec(level=Level(target="social"))),
                  on_progress=on_progress)
    started = time.monotonic()
    with pytest.raises(Cancelled):
        job.run()
    assert any(phase == "writing" and 0 < f < 1 for f, phase in seen), "cancelled while ffmpeg was writing"
    assert temps and not ffmpeg_writing(temps[0])
    assert not out.exists() and leftovers(out.parent) == []
    assert time.monotonic() - started < 20


def test_progress_runs_from_zero_to_one_in_order(take, track, tmp_path):
    seen = []
    SwapJob(SwapRequest(take, tmp_path / "o.mp4", track, SwapSpec(level=Level(target="podcast"))),
            on_progress=lambda f, p: seen.append((f, p))).run()
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert [p for p in dict.fromkeys(p for _, p in seen)] == ["measuring", "writing", "verifying"]


def test_an_existing_file_is_never_overwritten(take, track, tmp_path):
    existing = tmp_path / "swapped.mp4"
    existing.write_bytes(b"the editor's own file")
    first = SwapJob(SwapRequest(take, existing, track)).run()
    second = SwapJob(SwapRequest(take, existing, track)).run()
    assert existing.read_bytes() == b"the editor's own file"
    assert first.output.name == "swapped (2).mp4" and second.output.name == "swapped (3).mp4"
    assert first.renamed and any("already exists" in n for n in first.notes)


def test_output_named_like_the_source_never_touches_it(take, track):
    before = take.read_bytes()
    outcome = SwapJob(SwapRequest(take, take, track)).run()
    assert take.read_bytes() == before and outcome.output == take.with_name("take (2).mp4")


def _flip_a_byte_of_video_packet(path: Path, number: int) -> None:
    """Change one byte in the middle of the file's video packet `number`, in place."""
    import av
    with av.open(str(path)) as container:
        packets = [p for p in container.demux(container.streams.video[0]) if p.size]
        where = packets[number].pos + packets[number].size // 2
    with open(path, "r+b") as fh:
        fh.seek(where)
        byte = fh.read(1)
        fh.seek(where)
        fh.write(bytes([byte[0] ^ 0x40]))


def test_a_changed_video_packet_fails_the_check_and_leaves_nothing(take, track, tmp_path, monkeypatch):
    real = swap_job.remux

    def damaged_on_the_way(plan, temp, **kw):       # one byte of a written packet changes
        real(plan, temp, **kw)
        _flip_a_byte_of_video_packet(temp, 3)
    monkeypatch.setattr(swap_job, "remux", damaged_on_the_way)
    with pytest.raises(VerificationFailed, match="video packet 3 differs"):
        SwapJob(SwapRequest(take, tmp_path / "out.mp4", track)).run()
    assert not (tmp_path / "out.mp4").exists() and leftovers(tmp_path) == []


def test_leftovers_of_a_killed_run_are_cleaned_next_time(take, track, tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".out.mp4.{dead.pid}.abcdef{destination.PART_SUFFIX}"
    stale.write_bytes(b"half a file")
    running = tmp_path / f".other.mp4.{os.getpid()}.123456{destination.PART_SUFFIX}"
    running.write_bytes(b"being written right now")
    outcome = SwapJob(SwapRequest(take, tmp_path / "out.mp4", track)).run()
    assert not stale.exists() and running.exists()
    assert outcome.cleaned_leftovers == [str(stale)] and (tmp_path / "out.mp4").is_file()


def test_work_folders_of_killed_runs_are_removed(take, track, tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = Path(destination.tempfile.gettempdir()) / f"{destination.WORK_PREFIX}{dead.pid}-test"
    orphan.mkdir(exist_ok=True)
    (orphan / "source.framehash").write_text("#format: frame checksums\n")
    SwapJob(SwapRequest(take, tmp_path / "out.mp4", track)).run()
    assert not orphan.exists()
    assert not list(Path(destination.tempfile.gettempdir()).glob(f"{destination.WORK_PREFIX}{os.getpid()}-*"))


def test_full_disk_before_and_while_writing(take, track, monkeypatch):
    with small_filesystem("256k") as folder:
        with pytest.raises(DiskFull, match="MB free"):
            SwapJob(SwapRequest(take, folder / "out.mp4", track)).run()
        assert list(folder.iterdir()) == []
        # Past the up-front check (as if other files had grown since), ffmpeg itself hits ENOSPC.
        monkeypatch.setattr(destination, "check_free_space", lambda folder, needed: None)
        filler = folder / "filler.bin"
        filler.write_bytes(b"\0" * (200 * 1024))
        with pytest.raises(DiskFull, match="filled up while writing"):
            SwapJob(SwapRequest(take, folder / "out.mp4", track)).run()
        assert sorted(p.name for p in folder.iterdir()) == ["filler.bin"]


def test_read_only_destination(take, track):
    with small_filesystem("1m", read_only=True) as folder:
        with pytest.raises(DestinationError, match="read-only"):
            SwapJob(SwapRequest(take, folder / "out.mp4", track)).run()


def test_missing_destination_folder(take, track, tmp_path):
    with pytest.raises(DestinationError, match="does not exist"):
        SwapJob(SwapRequest(take, tmp_path / "nowhere" / "out.mp4", track)).run()


def test_two_jobs_racing_for_one_name_both_keep_their_files(take, track, tmp_path):
    out = tmp_path / "same.mp4"
    results, errors = [], []

    def work():
        try:
            results.append(SwapJob(SwapRequest(take, out, track)).run().output)
        except Exception as exc:  # noqa: BLE001 — the assertion below reports it
            errors.append(exc)
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and sorted(p.name for p in results) == ["same (2).mp4", "same.mp4"]


def test_a_name_past_the_file_systems_limit_is_shortened_with_its_suffix_kept(take, track, tmp_path):
    long_name = "prise nocturne é" * 20 + ".mp4"               # 340 bytes in UTF-8, 320 characters
    assert len(long_name.encode()) > 255
    first = SwapJob(SwapRequest(take, tmp_path / long_name, track)).run()
    assert first.output.exists() and first.output.suffix == ".mp4"
    assert len(first.output.name.encode()) <= 255 and long_name.startswith(first.output.stem)
    assert any("shortened" in n and "255 bytes" in n for n in first.notes), first.notes
    second = SwapJob(SwapRequest(take, tmp_path / long_name, track)).run()
    assert second.output.name.endswith(" (2).mp4") and len(second.output.name.encode()) <= 255
    assert first.output.exists() and second.output.exists() and leftovers(tmp_path) == []
    # A name that fits, but whose temporary name would not, is written as asked.
    just_fits = "a" * 251 + ".mov"
    assert SwapJob(SwapRequest(take, tmp_path / just_fits, track)).run().output.name == just_fits
