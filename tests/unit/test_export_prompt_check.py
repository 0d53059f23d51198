"""The export manifest carries each take's prompt check: its score and findings."""
import csv
import json
from pathlib import Path

from soundon.core.prompt_check import check_prompt
from soundon.jobs.export_job import ExportJob, ExportRequest
from soundon.jobs.importer import Importer

PROMPT = "A quiet library beside loud construction, a student reads."


def test_the_manifest_carries_the_score_and_the_findings(library, media, tmp_path):
    folder = tmp_path / "batch"
    media.clip("kling_a.mp4", duration=1, folder=folder)
    (folder / "kling_a.json").write_text(json.dumps({"prompt": PROMPT}), encoding="utf-8")
    media.clip("veo_b.mp4", duration=1, folder=folder, audio="sine=frequency=500")
    Importer(library).run([folder], name="B")
    result = ExportJob(library, ExportRequest("B", tmp_path / "out", verify=False)).run()
    check = check_prompt(PROMPT, 1.0)
    files = {Path(f["source"]).name: f for f in json.loads(Path(result.manifest_json).read_text())["files"]}
    carried = files["kling_a.mp4"]["prompt_check"]
    assert carried["score"] == check.score and carried["explanation"] == check.explanation()
    assert [f["rule"] for f in carried["findings"]] == [f.rule for f in check.findings]
    conflict = next(f for f in carried["findings"] if f["rule"] == "contradictions")
    assert [w["text"] for w in conflict["words"]] == ["quiet", "loud"] and conflict["suggestion"]
    assert files["veo_b.mp4"]["prompt_check"] is None           # no prompt, nothing to check
    rows = {Path(r["source"]).name: r for r in csv.DictReader(Path(result.manifest_csv).open())}
    assert rows["kling_a.mp4"]["prompt_score"] == str(check.score)
    assert "contradictions" in rows["kling_a.mp4"]["prompt_findings"]
    assert rows["veo_b.mp4"]["prompt_score"] == ""
