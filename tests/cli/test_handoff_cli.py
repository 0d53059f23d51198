"""`soundon handoff` and `soundon export --nle`, run as the editor runs them (a subprocess)."""
import json
from pathlib import Path

import opentimelineio as otio
from lxml import etree

from soundon.resources import resource_path
from tests.handoff_batch import NAMES, NOTES, reviewed_batch

DTD = etree.DTD(str(resource_path("fcpxml", "FCPXMLv1_10.dtd")))
SUFFIXES = {".fcpxml", ".xml", ".edl", ".otio"}


def nle_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if p.suffix in SUFFIXES)


def fcpxml_sources(path: Path) -> list[str]:
    document = etree.parse(str(path))
    assert DTD.validate(document), DTD.error_log.filter_from_errors()
    return [Path(otio.url_utils.filepath_from_url(m.get("src"))).name for m in document.iter("media-rep")]


def test_handoff_writes_the_four_files_on_the_original_media(cli, library, media, tmp_path):
    batch = reviewed_batch(library, media, tmp_path, "25")
    out = tmp_path / "for the NLE"
    proc = cli("handoff", "--batch", batch.name, "--to", str(out), "--library", str(library.path))
    assert proc.returncode == 0, proc.stderr
    files = nle_files(out)
    assert {p.suffix for p in files} == SUFFIXES
    assert all(str(p) in proc.stdout for p in files)
    fcpxml = next(p for p in files if p.suffix == ".fcpxml")
    document = etree.parse(str(fcpxml))
    assert sorted(Path(otio.url_utils.filepath_from_url(m.get("src"))) for m in document.iter("media-rep")) == \
        sorted(batch.folder / n for n in NAMES)             # every take in the bin, on its original file
    assert not list(out.glob("*.mp4"))                      # no media copied, no swap


def test_handoff_of_a_batch_with_no_picks_writes_nothing(cli, library, media, tmp_path):
    batch = reviewed_batch(library, media, tmp_path, "25")
    for take in batch.takes:
        library.set_flag(take.id, "none")
    out = tmp_path / "nle"
    proc = cli("handoff", "--batch", batch.name, "--to", str(out), "--library", str(library.path))
    assert proc.returncode == 1
    assert "has no picks" in proc.stderr and "no NLE files were written" in proc.stderr
    assert not out.exists()


def test_handoff_with_mixed_rates_keeps_the_bin_and_refuses_the_timelines(cli, library, media, tmp_path):
    batch = reviewed_batch(library, media, tmp_path, "25")
    other = media.clip("veo 30fps.mp4", duration=1, folder=batch.folder, fps="30000/1001", size="64x36")
    cli("import", str(batch.folder), "--name", batch.name, "--library", str(library.path))
    take = next(t for t in library.takes(batch.name) if Path(t.path).name == other.name)
    library.set_flag(take.id, "pick")
    out = tmp_path / "nle"
    proc = cli("handoff", "--batch", batch.name, "--to", str(out), "--library", str(library.path), "--json")
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert set(result["files"]) == {"fcpxml"}
    assert set(result["refused"]) == {"xmeml", "edl", "otio"}
    assert "different frame rates (25 fps" in result["refused"]["edl"] and "29.97 fps" in result["refused"]["edl"]
    assert "event but no project" in result["notes"][0]
    assert len(fcpxml_sources(Path(result["files"]["fcpxml"]))) == 4


def test_a_variable_frame_rate_pick_gets_a_warning_file_beside(cli, library, media, tmp_path):
    batch = reviewed_batch(library, media, tmp_path, "25")
    vfr = media.clip("kling vfr.mp4", duration=1, folder=batch.folder, size="64x36",
                     extra=["-vf", "setpts='if(lt(N,12),N/25,N/25+0.3)/TB'", "-fps_mode", "passthrough"])
    cli("import", str(batch.folder), "--name", batch.name, "--library", str(library.path))
    take = next(t for t in library.takes(batch.name) if Path(t.path).name == vfr.name)
    library.set_flag(take.id, "pick")
    out = tmp_path / "nle"
    proc = cli("handoff", "--batch", batch.name, "--to", str(out), "--library", str(library.path), "--nle", "edl")
    assert proc.returncode == 1            # its average rate is not the others' 25 fps: no timeline
    proc = cli("handoff", "--batch", batch.name, "--to", str(out), "--library", str(library.path), "--nle", "fcpxml")
    assert proc.returncode == 0, proc.stderr
    warning = next(out.glob("*-warnings.txt"))
    assert warning.parent == next(out.glob("*.fcpxml")).parent
    text = warning.read_text(encoding="utf-8")
    assert "kling vfr: variable frame rate; placed at its average rate" in text
    assert "variable frame rate" in proc.stderr and str(warning) in proc.stderr


def test_export_writes_the_chosen_nle_files_for_the_delivered_media(cli, library, media, tmp_path):
    batch = reviewed_batch(library, media, tmp_path, "29.97")
    out = tmp_path / "delivery"
    proc = cli("export", "--batch", batch.name, "--to", str(out), "--library", str(library.path),
               "--nle", "fcpxml,edl")
    assert proc.returncode == 0, proc.stderr
    assert {p.suffix for p in nle_files(out)} == {".fcpxml", ".edl"}
    fcpxml = next(out.glob("*.fcpxml"))
    # the two takes written (not the reject), on the delivered files
    assert sorted(fcpxml_sources(fcpxml)) == sorted(NAMES[:2])
    assert all((out / name).is_file() for name in NAMES[:2])
    document = etree.parse(str(fcpxml))
    assert {Path(otio.url_utils.filepath_from_url(m.get("src"))).parent for m in document.iter("media-rep")} == {out}
    edl = next(out.glob("*.edl")).read_text(encoding="utf-8")
    assert f"* SOURCE FILE: {out / NAMES[0]}" in edl


def test_a_real_export_imports_into_the_otio_readers_with_every_pick_and_note(cli, library, media, tmp_path):
    batch = reviewed_batch(library, media, tmp_path, "23.976")
    out = tmp_path / "delivery"
    proc = cli("export", "--batch", batch.name, "--to", str(out), "--library", str(library.path), "--json")
    assert proc.returncode == 0, proc.stderr
    files = json.loads(proc.stdout)["nle"]["files"]
    assert set(files) == {"fcpxml", "xmeml", "edl", "otio"}
    for name, adapter in (("fcpxml", "fcpx_xml"), ("xmeml", "fcp_xml"), ("edl", "cmx_3600"), ("otio", None)):
        options = {"rate": float(batch.rate)} if name == "edl" else {}
        read = otio.adapters.read_from_file(files[name], adapter_name=adapter, **options)
        if isinstance(read, otio.schema.SerializableCollection):
            read = next(iter(read.find_children(descended_from_type=otio.schema.Timeline)))
        clips = list(read.video_tracks()[0].find_clips())
        assert [c.name for c in clips] == [Path(n).stem for n in NAMES[:2]], name
        assert [m.name for m in clips[0].markers] == [n[0] for n in NOTES], name


def test_export_nle_none_and_a_bad_choice(cli, library, media, tmp_path):
    batch = reviewed_batch(library, media, tmp_path, "25")
    out = tmp_path / "delivery"
    proc = cli("export", "--batch", batch.name, "--to", str(out), "--library", str(library.path), "--nle", "none")
    assert proc.returncode == 0, proc.stderr
    assert nle_files(out) == [] and (out / NAMES[0]).is_file()
    proc = cli("export", "--batch", batch.name, "--to", str(out), "--library", str(library.path), "--nle", "aaf")
    assert proc.returncode == 2 and "--nle takes fcpxml, xmeml, edl, otio" in proc.stderr


def test_export_of_a_batch_with_no_picks_writes_the_media_and_says_why_no_nle_files(cli, library, media, tmp_path):
    batch = reviewed_batch(library, media, tmp_path, "25")
    for take in batch.takes:
        library.set_flag(take.id, "none")
    out = tmp_path / "delivery"
    proc = cli("export", "--batch", batch.name, "--to", str(out), "--library", str(library.path))
    assert proc.returncode == 0, proc.stderr
    assert "has no picks" in proc.stderr and nle_files(out) == []
    assert len(list(out.glob("*.mp4"))) == 3
