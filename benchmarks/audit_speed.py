"""Audit wall time on Django's source beside a plain parse of the same Python files.

Both run as fresh processes in the same run, three times each; the medians and their ratio
are printed. Target (issue 2): the audit takes no more than 3 times the plain parse.

    python benchmarks/audit_speed.py [PATH]
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import django_tree

PLAIN_PARSE = r"""
import ast, os, sys
root = sys.argv[1]
n = 0
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if x not in {".git", "__pycache__"}]
    for f in files:
        if f.endswith(".py"):
            p = os.path.join(d, f)
            with open(p, "rb") as fh:
                data = fh.read()
            try:
                ast.parse(data, p)
            except (SyntaxError, ValueError):
                pass
            n += 1
print(n)
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else django_tree()
    runs = 3
    parse_times, audit_times, audit_mem = [], [], 0.0
    for _ in range(runs):
        t, _mem = timed([sys.executable, "-c", PLAIN_PARSE, str(root)])
        parse_times.append(t)
        t, mem = timed(
            [
                sys.executable,
                "-m",
                "prodready",
                "audit",
                str(root),
                "--format",
                "json",
                "-o",
                "/dev/null",
            ]
        )
        audit_times.append(t)
        audit_mem = max(audit_mem, mem)
    files = sum(1 for _ in root.rglob("*.py"))
    parse, audit = statistics.median(parse_times), statistics.median(audit_times)
    print(f"tree: {root} ({files} Python files)")
    print(f"plain ast.parse, one process : {parse:6.2f} s (median of {runs})")
    print(f"prodready audit              : {audit:6.2f} s (median of {runs})")
    print(f"ratio audit / parse          : {audit / parse:6.2f}  (target <= 3.0)")
    print(f"peak RSS of a child process  : {audit_mem:6.0f} MB")


if __name__ == "__main__":
    main()
