"""The GitHub Action and the pre-commit hooks run what they say, on a real repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import RepoFactory, git, write_tree

ROOT = Path(__file__).resolve().parents[2]


def test_action_gate_step_runs_on_a_pull_request_clone(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    upstream = make_repo(
        {"app/a.py": "def f():\n    return 1\n", "prodready.toml": 'tier = "internal"\n'}
    )
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(upstream), str(clone)], check=True)
    git(clone, "checkout", "-q", "-b", "feature")
    write_tree(
        clone, {"app/b.py": "import requests\n\n\ndef g():\n    return requests.get('https://x')\n"}
    )
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "add b")
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "pull_request": {
                    "body": "## Acceptance criteria\n- [ ] g works\n",
                    "user": {"login": "dev"},
                }
            }
        )
    )
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "gate")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "BASE": "main",
        "COVERAGE": "",
        "JUNIT": "",
        "SARIF": "",
        "VULNS": "",
        "MUTATION": "",
        "EXTRA": "--no-history",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
        "PRODREADY_CACHE_DIR": str(tmp_path / "cache"),
    }
    proc = subprocess.run(
        ["bash", "-c", step["run"]], cwd=clone, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1, proc.stderr  # a new call without a timeout blocks at tier internal
    page = summary.read_text()
    assert page.startswith("## prodready gate: BLOCK (tier internal)")
    assert "app/b.py:5" in page and "PR101" in page
    assert output.read_text().strip() == "verdict=block"


def test_pre_commit_hooks_name_real_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    ids = {h["id"]: h["entry"] for h in hooks}
    assert set(ids) == {"prodready-scan", "prodready-gate"}
    for entry in ids.values():
        args = entry.split()[1:]
        proc = subprocess.run(
            [sys.executable, "-m", "prodready", args[0], "--help"], capture_output=True, text=True
        )
        assert proc.returncode == 0
        for option in (a for a in args[1:] if a.startswith("--")):
            assert option in proc.stdout, option
