import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SOUNDON = shutil.which("soundon", path=str(Path(sys.executable).parent)) or "soundon"


class Cli:
    def __init__(self, library: Path):
        self.library = library

    def __call__(self, *args: str, env: dict | None = None, check_json: bool = False) -> subprocess.CompletedProcess:
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run([SOUNDON, *args], capture_output=True, text=True, env=full_env, timeout=300)
        # No bad input ever shows the editor a traceback.
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    def json(self, *args: str, **kw):
        proc = self(*args, "--json", "--library", str(self.library), **kw)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(tmp_path / "cli-library" / "library.sqlite")
