"""`prodready scan` as a user runs it: real files, a real cache, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_tree

APP = {
    "app/client.py": """
        import requests


        def charge(payload):
            return requests.post("https://pay.example.com", json=payload)


        def probe():
            return requests.get("https://internal/health")  # prodready: ignore[PR101] probe runs under a 2 s OS alarm


        def other():
            return 1  # prodready: ignore[timeout]
        """,
    "app/broken.py": "def f(:\n",
    "app/binary.py": b"\x00\x01",
    "tests/test_client.py": "import requests\nrequests.get('x')\n",
}


def scan(root: Path, *args: str, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRODREADY_CACHE_DIR": str(cache or root / ".cache")}
    return subprocess.run(
        [sys.executable, "-m", "prodready", "scan", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_json_contract_suppressions_and_errors(tmp_path: Path) -> None:
    write_tree(tmp_path, APP)
    proc = scan(tmp_path, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["schema"] == "prodready.scan/1"
    got = [(f["rule"], f["path"], f["line"], f["suppressed"]) for f in report["findings"]]
    assert got == [
        ("PR101", "app/client.py", 5, False),
        ("PR101", "app/client.py", 9, True),
        ("PR000", "app/client.py", 13, False),  # a suppression without a reason is reported
    ]
    assert report["findings"][1]["suppression_reason"] == "probe runs under a 2 s OS alarm"
    assert {e["path"]: e["reason"][:16] for e in report["errors"]} == {
        "app/binary.py": "binary file with",
        "app/broken.py": "syntax error at ",
    }
    assert report["stats"]["files"] == 3  # the test file is not scanned


def test_sarif_marks_suppressed_findings(tmp_path: Path) -> None:
    write_tree(tmp_path, APP)
    sarif = json.loads(scan(tmp_path, "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in suppressed] == [9]
    assert suppressed[0]["suppressions"][0]["kind"] == "inSource"
    assert {d["id"] for d in sarif["runs"][0]["tool"]["driver"]["rules"]} == {"PR000", "PR101"}


def test_cache_serves_unchanged_files_and_sees_changes(tmp_path: Path) -> None:
    write_tree(tmp_path, APP)
    first = json.loads(scan(tmp_path, "--format", "json").stdout)
    second = json.loads(scan(tmp_path, "--format", "json").stdout)
    assert second["findings"] == first["findings"]
    assert second["stats"]["cached"] == 3
    client = tmp_path / "app" / "client.py"
    client.write_text(client.read_text().replace("json=payload)", "json=payload, timeout=5)"))
    third = json.loads(scan(tmp_path, "--format", "json").stdout)
    assert third["stats"]["cached"] == 2
    assert [f["line"] for f in third["findings"] if f["rule"] == "PR101"] == [9]


def test_baseline_reports_only_new_findings_across_line_shifts(tmp_path: Path) -> None:
    write_tree(tmp_path, APP)
    baseline = tmp_path / "baseline.json"
    proc = scan(tmp_path, "--write-baseline", str(baseline))
    assert proc.returncode == 0 and "baseline of 2 finding(s)" in proc.stderr
    client = tmp_path / "app" / "client.py"
    client.write_text(
        "# moved everything down\n\n"
        + client.read_text()
        + "\n\ndef new():\n    return requests.get('https://x')\n"
    )
    report = json.loads(scan(tmp_path, "--baseline", str(baseline), "--format", "json").stdout)
    assert [(f["rule"], f["line"]) for f in report["findings"] if not f["suppressed"]] == [
        ("PR101", 19)
    ]


def test_bad_baseline_is_a_usage_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "x = 1\n", "base.json": "{}"})
    proc = scan(tmp_path, "--baseline", str(tmp_path / "base.json"))
    assert proc.returncode == 2
    assert "not a prodready baseline" in proc.stderr


def test_clean_code_exits_0(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "import requests\nrequests.get('https://x', timeout=3)\n"})
    proc = scan(tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "0 finding(s) in 1 file(s)"
