"""The command line as a user runs it: a real process, real exit codes, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import RepoFactory

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders-service"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prodready", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_example_ships_with_known_risk() -> None:
    proc = run("audit", str(EXAMPLE), "--today", "2026-11-21", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["schema"] == "prodready.audit/1"
    assert report["verdict"] == "ship-with-known-risk"
    assert report["tier"] == "internal"
    assert report["kind"] == "service"
    statuses = {c["id"]: c["status"] for c in report["criteria"]}
    assert statuses["tests.assertions"] == "waived"
    assert statuses["arch.layers"] == "met"
    assert statuses["deploy.ci"] == "met"
    assert statuses["obs.health-endpoint"] == "met"
    assert statuses["obs.metrics"] == "missing"
    assert proc.stderr == ""  # not a terminal: no progress, no noise


def test_example_blocks_once_the_waiver_expires() -> None:
    proc = run("audit", str(EXAMPLE), "--today", "2027-07-01", "--format", "json")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["verdict"] == "block"
    assert report["decision"]["blocking"] == ["tests.assertions"]
    assert any("expired on 2027-06-30" in n for n in report["policy_notes"])


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html", "sarif"])
def test_every_format_writes_a_file(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    proc = run(
        "audit", str(EXAMPLE), "--today", "2026-11-21", "--format", fmt, "--output", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "tests.assertions" in text
    assert "report written to" in proc.stderr


def test_invalid_policy_exits_2_naming_file_and_key(make_repo: RepoFactory) -> None:
    root = make_repo({"prodready.toml": 'tier = "prod"\n', "app.py": "x = 1\n"})
    proc = run("audit", str(root))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert f"{root / 'prodready.toml'}: tier: expected one of experimental" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_invalid_toml_exits_2(make_repo: RepoFactory) -> None:
    root = make_repo({"pyproject.toml": "[tool.prodready\n"})
    proc = run("audit", str(root))
    assert proc.returncode == 2
    assert "pyproject.toml: invalid TOML" in proc.stderr


def test_missing_path_and_bad_option_exit_2(tmp_path: Path) -> None:
    assert run("audit", str(tmp_path / "nope")).returncode == 2
    assert run("audit", str(tmp_path), "--format", "pdf").returncode == 2
    assert run("audit", str(tmp_path), "--coverage", str(tmp_path / "none.xml")).returncode == 2


def test_malformed_repository_contents_never_traceback(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = make_repo(
        {
            "pkg/binary.py": b"\x00\x01\x02\xff",
            "pkg/latin1.py": b"# caf\xe9\nx = 1\n",
            "pkg/broken.py": "def f(:\n",
            "pkg/ok.py": "x = 1\n",
            "scaffold/{{cookiecutter.name}}/driver.py": "class {{cookiecutter.name}}:\n",
            "README.md": b"\xff\xfe not utf8",
        }
    )
    (root / "loop").symlink_to(root / "loop")
    bad_cov = tmp_path / "coverage.xml"
    bad_cov.write_text("<?xml version='1.0'?><coverage><unclosed>", encoding="utf-8")
    proc = run("audit", str(root), "--format", "json", "--coverage", str(bad_cov))
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    errors = {e["path"]: e["reason"] for e in report["errors"]}
    assert errors["pkg/binary.py"] == "binary file with a .py name"
    assert errors["pkg/latin1.py"].startswith("not UTF-8")
    assert errors["pkg/broken.py"].startswith(
        "syntax error at line 1: invalid syntax (parsed as Python 3."
    )
    assert errors["pkg/broken.py"].endswith(
        "; code written for a newer Python is read when prodready runs on that Python)"
    )
    assert errors["loop"].startswith("symlink loop")
    assert not any("cookiecutter" in path for path in errors)  # a template, not broken code
    assert str(bad_cov) in errors
    statuses = {c["id"]: c["status"] for c in report["criteria"]}
    assert statuses["tests.coverage"] == "unknown"
    assert statuses["docs.readme"] == "unknown"


def test_empty_repository_and_repository_without_commits(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run("audit", str(empty), "--format", "json")
    assert proc.returncode == 1  # internal tier: no tests, no CI, no README
    report = json.loads(proc.stdout)
    assert report["kind"] == "unknown"
    uncommitted = make_repo({"app.py": "x = 1\n"}, commit=False)
    proc = run("audit", str(uncommitted), "--format", "json")
    assert proc.returncode in (0, 1) and json.loads(proc.stdout)["schema"] == "prodready.audit/1"


def test_explain_prints_the_four_sections() -> None:
    proc = run("explain", "deploy.rollback")
    assert proc.returncode == 0
    for section in ("What it does", "Why it matters", "Example", "Fix"):
        assert f"\n{section}\n" in proc.stdout
    assert "required from tier production" in proc.stdout
    listing = run("explain", "--list")
    assert "arch.import-cycles" in listing.stdout and "security.debug-mode" in listing.stdout


def test_explain_unknown_id_exits_2_with_a_hint() -> None:
    proc = run("explain", "rollback")
    assert proc.returncode == 2
    assert "did you mean deploy.rollback" in proc.stderr


def test_init_writes_a_valid_policy_and_refuses_to_overwrite(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "app/billing/refund.py": "x = 1\n",
            "app/api/__init__.py": "",
            "app/storage/__init__.py": "",
            "app/__init__.py": "",
        }
    )
    proc = run("init", str(root))
    assert proc.returncode == 0, proc.stderr
    text = (root / "prodready.toml").read_text()
    assert 'tier = "internal"' in text
    assert "#   payments: app/billing/refund.py" in text
    assert '# layers = ["api", "storage"]' in text
    assert run("audit", str(root), "--format", "json").returncode in (
        0,
        1,
    )  # the file it wrote is valid
    again = run("init", str(root))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert run("init", str(root), "--force").returncode == 0


def test_cli_formats_match_the_reporters() -> None:
    from prodready import cli, reporters

    assert cli.FORMATS == reporters.FORMATS
