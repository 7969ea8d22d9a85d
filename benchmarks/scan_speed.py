"""Scan speed on Django's source: plain parse vs Bandit vs prodready scan, in one run.

Each tool runs as a fresh process over the same tree (the `django/` package, i.e. what the
wheel ships), three times; medians and ratios are printed. prodready is measured cold (an
empty cache directory) and warm (the same cache again, nothing changed). Peak memory is the
largest resident set of any one process of the run (prodready's workers included).

The speed of a shared machine drifts by a quarter within a minute, so each cold scan is
set against the plain parses run just before and just after it: the ratio printed is the
median of those paired ratios, and Bandit's is the median of Bandit's time over the cold
scan's in the same round. The medians of the times themselves are printed too.

Targets (issue 3): cold within 1.5x the plain one-process parse; at least 6x faster than
Bandit; warm under 0.3 s; peak memory under 300 MB.

    python benchmarks/scan_speed.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import django_tree
from _tools import compile_prodready, tool, version
from audit_speed import PLAIN_PARSE

RUNS = 3
# Runs the CLI in-process and reports the peak resident memory of the main process and of
# its largest worker, which `resource` can see from inside.
MEMORY_PROBE = """
import resource, runpy, sys
sys.argv = ["prodready", *sys.argv[1:]]
try:
    runpy.run_module("prodready", run_name="__main__")
except SystemExit:
    pass
main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(main, worker, file=sys.stderr)
"""


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds and the exit code."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, proc.returncode


def main() -> None:
    compile_prodready()
    root = django_tree() / "django"
    files = sum(1 for _ in root.rglob("*.py"))
    bandit = str(tool("bandit"))
    args = ["scan", str(root), "--format", "json", "-o", os.devnull]
    prodready = [sys.executable, "-m", "prodready", *args]
    plain = [sys.executable, "-c", PLAIN_PARSE, str(root)]
    parse_t, bandit_t, cold_t, warm_t, cold_ratios, bandit_ratios = [], [], [], [], [], []
    for _ in range(RUNS):
        before = run(plain)[0]
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "PRODREADY_CACHE_DIR": cache}
            cold_t.append(run(prodready, env)[0])
            warm_t.append(run(prodready, env)[0])
        after = run(plain)[0]
        parse_t += [before, after]
        cold_ratios.append(cold_t[-1] / ((before + after) / 2))
        bandit_t.append(run([bandit, "-r", str(root), "-q", "-f", "json", "-o", os.devnull])[0])
        bandit_ratios.append(bandit_t[-1] / cold_t[-1])
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "PRODREADY_CACHE_DIR": cache}
        probe = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, *args], capture_output=True, text=True, env=env
        )
        main_mb, worker_mb = (int(x) for x in probe.stderr.split()[-2:])
    parse, bandit_m = statistics.median(parse_t), statistics.median(bandit_t)
    cold, warm = statistics.median(cold_t), statistics.median(warm_t)
    print(f"tree: {root} ({files} Python files), {os.cpu_count()} cores, median of {RUNS}")
    print(f"plain ast.parse, one process : {parse:6.2f} s")
    print(f"{version('bandit'):<29}: {bandit_m:6.2f} s")
    ratio = statistics.median(cold_ratios)
    print(f"prodready scan, cold         : {cold:6.2f} s   {ratio:5.2f}x parse (target <= 1.5)")
    print(f"  paired ratios, each round  : {', '.join(f'{r:.2f}' for r in cold_ratios)}")
    print(f"prodready scan, warm         : {warm:6.2f} s   (target < 0.3)")
    faster = statistics.median(bandit_ratios)
    print(f"Bandit / prodready cold      : {faster:6.2f}x faster (target >= 6)")
    total = main_mb + worker_mb * (os.cpu_count() or 1)
    print(f"peak RSS, cold scan          : main {main_mb} MB + largest worker {worker_mb} MB")
    print(f"                               x {os.cpu_count()} workers = {total} MB (target < 300)")


if __name__ == "__main__":
    main()
