"""Gate speed: `prodready gate` on a ~1,000-line change in Django's source, beside `git diff`.

Django's source distribution (package, tests and docs, about 6,800 files) is copied into a
temporary git repository and committed on `main`; a branch then changes 20 production
modules (a new function appended to each, a few existing lines edited) and adds a new
module with a routed view, an outbound call and a payment-like helper, about 1,000 added lines in
all; the repository is then packed (`git gc`), as a clone is. Both commands run as fresh
processes, once untimed to settle the disk, then three times each; medians and the ratio
are printed. The gate is measured cold (an empty scan cache each run, via
`PRODREADY_CACHE_DIR`) and warm (the same cache again).

Targets (issue 4): the gate under 2 s, and within 10x `git diff main...HEAD`.

    python benchmarks/gate_speed.py
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import django_tree
from _tools import compile_prodready

RUNS = 3
CHANGED_FILES = 20
GIT = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.invalid", "-c", "gc.auto=0"]

APPENDED = '''

def _prodready_bench_{n}(items, limit=10, *, strict=False):
    """Summarise `items` for the benchmark change number {n}."""
    seen = set()
    total = 0
    errors = []
    for index, item in enumerate(items):
        if index >= limit:
            break
        key = repr(item)
        if key in seen:
            continue
        seen.add(key)
        try:
            total += len(key)
        except TypeError as exc:
            errors.append((index, str(exc)))
            if strict:
                raise
    if errors and strict:
        raise ValueError(errors)
    result = {{
        "count": len(seen),
        "total": total,
        "errors": errors,
        "limit": limit,
    }}
    if total > 1000:
        result["large"] = True
    return result
'''

NEW_MODULE_HEAD = '''"""Refunds: a routed view, an outbound call, a payment helper."""

import logging

import requests
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

logger = logging.getLogger(__name__)


@require_POST
def refund_view(request, order_id):
    amount = int(request.POST.get("amount", "0"))
    response = requests.post(
        "https://payments.example.invalid/refunds",
        json={"order": order_id, "amount": amount},
        timeout=5,
    )
    if response.status_code != 200:
        logger.error("refund failed for %s", order_id)
        return JsonResponse({"ok": False}, status=502)
    return JsonResponse({"ok": True})


urlpatterns = [path("orders/<int:order_id>/refunds/", refund_view)]
'''

NEW_FUNCTION = '''

def refund_step_{n}(order, amount, ledger):
    """Step {n} of the refund bookkeeping."""
    if amount <= 0:
        raise ValueError("amount must be positive")
    balance = ledger.get(order, 0)
    if amount > balance:
        logger.warning("refund %s exceeds balance %s", amount, balance)
        amount = balance
    ledger[order] = balance - amount
    return amount
'''


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        [*GIT, *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def build_repository(target: Path) -> tuple[int, int]:
    """Django's source committed on `main`, the change committed on `change`."""
    source = django_tree()
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "Django source")
    git(target, "checkout", "-q", "-b", "change")
    candidates = sorted(
        p
        for p in (target / "django").rglob("*.py")
        if "migrations" not in p.parts
        and "locale" not in p.parts
        and 300 < len(p.read_text(encoding="utf-8").splitlines()) < 3000
    )
    step = max(1, len(candidates) // CHANGED_FILES)
    chosen = candidates[::step][:CHANGED_FILES]
    for n, path in enumerate(chosen):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        edited = 0
        for i, line in enumerate(lines):  # edit a few existing comment-free return lines
            if edited < 3 and line.strip() == "return None":
                lines[i] = line.replace("return None", "return None  # unchanged result")
                edited += 1
        path.write_text("".join(lines) + APPENDED.format(n=n), encoding="utf-8")
    module = NEW_MODULE_HEAD + "".join(NEW_FUNCTION.format(n=n) for n in range(24))
    (target / "django" / "contrib" / "refunds.py").write_text(module, encoding="utf-8")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "A ~1,000-line change")
    git(target, "gc", "-q")  # packed, as a clone is
    stat = git(target, "diff", "--shortstat", "main...change")
    tracked = len(git(target, "ls-files").splitlines())
    added = int(stat.split(" insertion")[0].rsplit(" ", 1)[-1])
    return tracked, added


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:4])} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    compile_prodready()
    gate = [sys.executable, "-m", "prodready", "gate", "--base", "main", "--no-history"]
    gate += ["--format", "json", "--output", os.devnull]
    with tempfile.TemporaryDirectory(prefix="gate-speed-") as tmp:
        repo = Path(tmp) / "django"
        tracked, added = build_repository(repo)
        with tempfile.TemporaryDirectory(prefix="gate-cache-") as cache:  # untimed warm-up:
            timed(["git", "diff", "main...HEAD"], repo)  # the files just written settle
            report = Path(cache) / "gate.json"
            timed([*gate[:-1], str(report)], repo, {**os.environ, "PRODREADY_CACHE_DIR": cache})
            seen = json.loads(report.read_text(encoding="utf-8"))
        diff_t, cold_t, warm_t = [], [], []
        for _ in range(RUNS):
            diff_t.append(timed(["git", "diff", "main...HEAD"], repo))
            with tempfile.TemporaryDirectory(prefix="gate-cache-") as cache:
                env = {**os.environ, "PRODREADY_CACHE_DIR": cache}
                cold_t.append(timed(gate, repo, env))
                warm_t.append(timed(gate, repo, env))
        diff, cold, warm = (statistics.median(t) for t in (diff_t, cold_t, warm_t))
    print(f"repository: Django {tracked} files; change: {added} lines added; median of {RUNS}")
    rules = ", ".join(f"{f['rule']} {f['path']}:{f['line']}" for f in seen["findings"]) or "none"
    print(f"gate verdict: {seen['verdict']}; findings on changed lines: {rules}")
    print(f"git diff main...HEAD         : {diff:6.3f} s")
    print(f"prodready gate, cold cache   : {cold:6.3f} s   (target < 2 s)")
    print(f"prodready gate, warm cache   : {warm:6.3f} s")
    print(f"gate cold / git diff         : {cold / diff:6.1f}x   (target <= 10x)")
    print(f"gate warm / git diff         : {warm / diff:6.1f}x")


if __name__ == "__main__":
    main()
