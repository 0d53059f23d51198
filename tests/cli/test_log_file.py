"""The log file in the data folder: refusals and bugs are written there, and the self-test names it."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

from soundon.core.logs import log_file_path


def test_a_refusal_is_logged_in_the_data_folder(cli):
    log = log_file_path()
    assert "xdg-data" in str(log)   # the test's own data folder, never the editor's
    refused = cli("review", "12345", "--pick", "--library", str(cli.library))
    assert refused.returncode == 1 and "No take" in refused.stderr
    text = log.read_text(encoding="utf-8")
    assert "No take" in text and "review" in text


def test_a_bug_is_reported_as_one_and_logged_with_its_traceback(cli, media):
    media.clip("a.mp4", duration=1)
    cli.json("import", str(media.folder), "--name", "Shoot 1")
    conn = sqlite3.connect(cli.library)
    conn.execute("ALTER TABLE reviews RENAME COLUMN flag TO flag_was")   # a schema the code doesn't expect
    conn.close()
    failed = cli("list", "--library", str(cli.library))
    assert failed.returncode == 1
    assert "unexpected problem (OperationalError: no such column" in failed.stderr
    assert str(log_file_path()) in failed.stderr   # the report goes with the log
    text = log_file_path().read_text(encoding="utf-8")
    assert "Traceback" in text and "no such column" in text


def test_an_uncaught_exception_in_the_app_is_logged_with_its_traceback(tmp_path):
    script = textwrap.dedent("""
        import threading
        from soundon.core.logs import log_uncaught_exceptions, start_logging
        start_logging()
        log_uncaught_exceptions()
        worker = threading.Thread(target=lambda: 1 / 0)
        worker.start(); worker.join()
        raise RuntimeError("a slot went wrong")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "a slot went wrong" in proc.stderr   # still shown as Python shows it
    text = log_file_path().read_text(encoding="utf-8")
    assert "RuntimeError: a slot went wrong" in text and "ZeroDivisionError" in text
    assert text.count("Traceback") == 2


def test_a_data_folder_that_cant_be_written_leaves_no_log_and_the_work_goes_on(cli, tmp_path):
    not_a_folder = tmp_path / "data-is-a-file"
    not_a_folder.write_text("")
    env = {"XDG_DATA_HOME": str(not_a_folder)}
    refused = cli("review", "12345", "--pick", "--library", str(cli.library), env=env)
    assert refused.returncode == 1
    assert refused.stderr.startswith("No take") and refused.stderr.count("\n") == 1   # no logging noise
    listed = cli("list", "--json", "--library", str(cli.library), env=env)
    assert listed.returncode == 0 and listed.stdout.strip() == "[]"
