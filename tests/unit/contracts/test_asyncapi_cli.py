"""CI validates the committed AsyncAPI document with the AsyncAPI CLI (npm, pinned by tools/asyncapi/package-lock.json).

A static check of a committed file: no service runs. Warnings fail it as well as errors, so the
document stays free of governance findings too. The CLI's usage analytics are switched off.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from shared.contracts.asyncapi import COMMITTED

pytestmark = pytest.mark.unit

CLI = Path(__file__).resolve().parents[3] / "tools" / "asyncapi" / "node_modules" / ".bin" / "asyncapi"


def test_the_asyncapi_cli_finds_the_committed_document_valid(tmp_path: Path) -> None:
    assert CLI.exists(), f"{CLI} is missing: run `make deps` (scripts/web-deps.sh installs tools/asyncapi)"
    analytics = tmp_path / "asyncapi-analytics"
    analytics.write_text(json.dumps({"analyticsEnabled": "false", "infoMessageShown": "true", "userID": "ci"}))
    env = {
        **os.environ,
        "ASYNCAPI_METRICS_CONFIG_PATH": str(analytics),
        "SUPPRESS_NO_CONFIG_WARNING": "1",
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        [str(CLI), "validate", str(COMMITTED), "--fail-severity", "warn"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is valid" in done.stdout, done.stdout
