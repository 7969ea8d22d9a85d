"""Mutation testing of one real change: prodready mutate beside mutmut, in one run.

The change is humanize 4.14.0 -> 4.15.0 (see `_mutate_project.py`): two real releases
committed one after the other, the project's own pytest suite, nothing installed but the
test dependencies. Every tool gets 2 parallel workers (this machine has 2 cores) and an
empty cache.

- prodready: `prodready mutate --base <4.14.0> --head <4.15.0> --jobs 2 --no-cache`, the
  tests run with the project's test venv (`--python`). Also once more with its cache
  warm, for information.
- mutmut (3.x), restricted as far as it allows: the functions that contain a changed line
  (what a user can ask it for), and — with a pre-pass only this benchmark can do for it —
  exactly its mutants on changed lines.

Printed: wall seconds, test executions, mutants and their outcomes, the ratios, and for
mutations both tools generate (same file, line and mutated code), whether they agree on
which survive. Target (issue 6): prodready at least 5x faster than mutmut, with the same
survivors where the mutations are the same.

    python benchmarks/mutate_speed.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _mutate_project import WORK, changed_lines, prepare
from _mutmut import MutmutResult, run_mutmut
from _mutmut import version as mutmut_version

JOBS = 2


def run_prodready(
    project_repo: Path, base: str, head: str, python: Path, cache: Path | None
) -> tuple[float, dict[str, Any]]:
    out = Path(tempfile.mkdtemp(prefix="prodready-bench-")) / "mutate.json"
    cmd = [
        sys.executable,
        "-m",
        "prodready",
        "mutate",
        "--repo",
        str(project_repo),
        "--base",
        base,
        "--head",
        head,
        "--jobs",
        str(JOBS),
        "--python",
        str(python),
        "--format",
        "json",
        "--output",
        str(out),
    ]
    env = None
    if cache is None:
        cmd.append("--no-cache")
    else:
        env = {**os.environ, "PRODREADY_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"prodready mutate failed ({proc.returncode}):\n{proc.stderr}")
    return wall, json.loads(out.read_text())


def _norm(code: str) -> str:
    return " ".join(code.split())


def compare_survivors(report: dict[str, Any], mutmut: MutmutResult) -> tuple[int, list[str]]:
    """Mutations both tools made (same path, line, original and mutated code); the ones on
    which they disagree about surviving."""
    ours = {
        (m["path"], m["line"], _norm(m["original"]), _norm(m["mutated"])): m["status"]
        for m in report["mutants"]
    }
    theirs = {
        (m.path, m.line, _norm(m.original), _norm(m.mutated)): m.status for m in mutmut.mutants
    }
    shared = sorted(set(ours) & set(theirs))
    noticed = {"killed", "timeout"}
    disagreements = [
        f"{p}:{line} {orig!r} -> {mut!r}: prodready {ours[k]}, mutmut {theirs[k]}"
        for k in shared
        for (p, line, orig, mut) in [k]
        if (ours[k] in noticed) != (theirs[k] in noticed)
    ]
    return len(shared), disagreements


def main() -> None:
    print("preparing humanize 4.14.0 -> 4.15.0 ...", file=sys.stderr)
    project = prepare(WORK / "mutate-bench")
    lines = changed_lines(project)
    print(
        f"change: {len(project.changed_files)} production files, "
        f"{sum(map(len, lines.values()))} changed executable lines; mutmut {mutmut_version()}",
    )
    args = (project.repo, project.base, project.head, project.python)
    cold_wall, report = run_prodready(*args, None)
    cache_dir = Path(tempfile.mkdtemp(prefix="prodready-bench-cache-"))
    run_prodready(*args, cache_dir)
    warm_wall, _ = run_prodready(*args, cache_dir)
    functions = run_mutmut(project, lines, WORK / "mutmut-functions")
    exact = run_mutmut(project, lines, WORK / "mutmut-lines", changed_lines_only=True)

    stats = report["stats"]
    ours = Counter(m["status"] for m in report["mutants"])
    print()
    print(f"{'tool':<38} {'wall s':>8} {'tests run':>10} {'mutants':>8}  outcomes")
    print(
        f"{'prodready mutate (cold)':<38} {cold_wall:>8.1f} {stats['test_executions']:>10} "
        f"{len(report['mutants']):>8}  {dict(ours)}"
    )
    print(f"{'prodready mutate (warm cache)':<38} {warm_wall:>8.1f}")
    for label, result in (
        ("mutmut, changed functions", functions),
        ("mutmut, changed lines (pre-pass)", exact),
    ):
        print(
            f"{label:<38} {result.wall_seconds:>8.1f} {result.test_executions:>10} "
            f"{len(result.mutants):>8}  {dict(result.statuses())}"
        )
    print()
    for label, result in (("changed functions", functions), ("changed lines", exact)):
        print(
            f"vs mutmut ({label}): {result.wall_seconds / cold_wall:.1f}x faster, "
            f"{result.test_executions / max(1, stats['test_executions']):.1f}x fewer test runs"
        )
    print(f"prodready coverage run: {stats['coverage_seconds']:.1f} s of {cold_wall:.1f} s")
    shared, disagree = compare_survivors(report, exact)
    print(f"mutations both tools made on changed lines: {shared}; disagreements: {len(disagree)}")
    for line in disagree:
        print(f"  {line}")


if __name__ == "__main__":
    main()
