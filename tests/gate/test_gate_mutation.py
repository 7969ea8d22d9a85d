"""The gate's mutation item: a `prodready mutate` report of this head, judged against the
tier's floor, blocking from tier critical and naming each mutant no test noticed."""

from __future__ import annotations

import json
from pathlib import Path

from prodready.model import Status
from prodready.mutate.report import MutantResult, MutationReport, to_json
from prodready.mutate.run import MutateOptions, run_mutate
from tests.conftest import RepoFactory, git
from tests.gate.gatekit import branch, item, policy, run, texts, where

BASE = {"src/shop/__init__.py": "", "tests/test_smoke.py": "def test_smoke():\n    pass\n"}
CHANGE = {
    "src/shop/pricing.py": (
        "def discount(total, vip):\n"
        "    if total > 100 and vip:\n"
        "        return total - 10\n"
        "    return total\n"
    ),
    "tests/test_pricing.py": (
        "from shop.pricing import discount\n\n\ndef test_runs():\n    discount(200, True)\n"
    ),
}
ID = "gate.mutation-score"


def _report(head: str, *statuses: str) -> MutationReport:
    mutants = tuple(
        MutantResult(
            path="src/shop/pricing.py",
            line=2 + i,
            operator="boundary",
            original="if total > 100 and vip:",
            mutated="if total >= 100 and vip:",
            status=s,
            tests=("tests/test_pricing.py::test_runs",) if s != "uncovered" else (),
        )
        for i, s in enumerate(statuses)
    )
    return MutationReport(base="b", head=head, merge_base="b", mutants=mutants)


def _save(tmp_path: Path, report: MutationReport) -> Path:
    path = tmp_path / "mutation.json"
    path.write_text(json.dumps(to_json(report)), encoding="utf-8")
    return path


def _repo(make_repo: RepoFactory, tier: str) -> tuple[Path, str]:
    root = branch(make_repo, {**BASE, "prodready.toml": policy(tier=tier)}, CHANGE)
    return root, git(root, "rev-parse", "HEAD").strip()


def test_below_the_floor_at_critical_blocks_naming_each_survivor(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root, head = _repo(make_repo, "critical")
    saved = _save(tmp_path, _report(head, "survived", "killed", "uncovered"))
    result = item(run(root, mutation=saved), ID)
    assert result.status is Status.MISSING and result.required
    assert "33%" in (result.missing or "") and "70%" in (result.missing or "")
    assert where(result) == ["src/shop/pricing.py:2", "src/shop/pricing.py:4", str(saved)]
    assert "ran tests/test_pricing.py::test_runs" in texts(result)[0]
    assert "no test runs this line" in texts(result)[1]


def test_above_the_floor_is_met(make_repo: RepoFactory, tmp_path: Path) -> None:
    root, head = _repo(make_repo, "critical")
    saved = _save(tmp_path, _report(head, "killed", "killed", "timeout", "survived"))
    result = item(run(root, mutation=saved), ID)
    assert result.status is Status.MET
    assert "mutation score 75%" in texts(result)[0]


def test_below_the_floor_is_advisory_under_critical(make_repo: RepoFactory, tmp_path: Path) -> None:
    root, head = _repo(make_repo, "production")
    saved = _save(tmp_path, _report(head, "survived"))
    result = item(run(root, mutation=saved), ID)
    assert result.status is Status.MISSING and not result.required


def test_the_policy_sets_the_floor(make_repo: RepoFactory, tmp_path: Path) -> None:
    extra = "[thresholds]\nmin_mutation_score = 20\n"
    root = branch(
        make_repo, {**BASE, "prodready.toml": policy(tier="critical", extra=extra)}, CHANGE
    )
    head = git(root, "rev-parse", "HEAD").strip()
    saved = _save(tmp_path, _report(head, "survived", "survived", "survived", "killed"))
    assert item(run(root, mutation=saved), ID).status is Status.MET


def test_no_report_is_unknown_and_blocks_at_critical(make_repo: RepoFactory) -> None:
    root, _ = _repo(make_repo, "critical")
    report = run(root)
    result = item(report, ID)
    assert result.status is Status.UNKNOWN and result.required
    assert "prodready mutate" in (result.missing or "")
    assert report.verdict == "block"


def test_a_report_of_another_head_is_unknown(make_repo: RepoFactory, tmp_path: Path) -> None:
    root, _ = _repo(make_repo, "critical")
    saved = _save(tmp_path, _report("0" * 40, "killed"))
    result = item(run(root, mutation=saved), ID)
    assert result.status is Status.UNKNOWN
    assert "is for head 000000000000" in (result.missing or "")


def test_an_unreadable_report_is_unknown_never_met(make_repo: RepoFactory, tmp_path: Path) -> None:
    root, _ = _repo(make_repo, "critical")
    bad = tmp_path / "mutation.json"
    bad.write_text('{"schema": "prodready.mutate/1", "mutants": [{"line": 0}]}')
    report = run(root, mutation=bad)
    result = item(report, ID)
    assert result.status is Status.UNKNOWN
    assert "mutants[0].status" in (result.missing or "")
    assert any(e.path == str(bad) for e in report.errors)


def test_the_report_prodready_mutate_writes_feeds_the_gate(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root, _ = _repo(make_repo, "critical")
    mutated = run_mutate(root, MutateOptions(base="main", cache_dir=tmp_path / "cache"))
    saved = _save(tmp_path, mutated)
    result = item(run(root, mutation=saved), ID)
    # the one test runs discount() without checking anything: every mutant survives
    assert result.status is Status.MISSING
    assert "src/shop/pricing.py:2" in where(result)
