"""Precision and recall of prodready scan, Bandit and Ruff's S rules on the labelled corpus.

Ground truth: `tests/scan/corpus/<category>/`, where each line a careful reviewer would call
a real instance of the category ends with `# expect: PRxxx`. Each category folder is
scanned on its own (a sub-folder is one application, so app-level rules see the whole app);
a tool's finding counts for a category only if the tool has a rule for that category, and
it is a true positive when it starts on (or, for Bandit, spans) a labelled line.

    python benchmarks/scan_accuracy.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _tools import tool, version

from prodready.scan.confidence import DEFAULT_MIN_CONFIDENCE, at_least
from prodready.scan.engine import scan_paths
from prodready.scan.registry import all_rules

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "scan" / "corpus"
_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)")

# Which competitor checks speak to which of our categories (only where they exist at all).
BANDIT = {
    "timeout": {"B113"},
    "swallowed-exception": {"B110", "B112"},
    "sql-injection": {"B608", "B610", "B611"},
    "hardcoded-secret": {"B105", "B106", "B107"},
    "unvalidated-input": {"B102", "B301", "B307", "B506", "B602", "B604", "B605", "B609"},
}
RUFF = {
    "timeout": {"S113"},
    "swallowed-exception": {"S110", "S112"},
    "sql-injection": {"S608", "S610", "S611"},
    "hardcoded-secret": {"S105", "S106", "S107"},
    "unvalidated-input": {"S102", "S301", "S307", "S506", "S602", "S604", "S605", "S609"},
}

Key = tuple[str, int]  # (file path relative to the category folder, line)


def labels(folder: Path, rule_ids: set[str]) -> set[Key]:
    truth: set[Key] = set()
    for path in sorted(folder.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _EXPECT.search(line)
            if match and rule_ids & {r.strip() for r in match.group(1).split(",")}:
                truth.add((path.relative_to(folder).as_posix(), number))
    return truth


def prodready_hits(folder: Path, category: str) -> dict[Key, str]:
    """Each sub-folder is scanned as one application, each loose file on its own.
    The value is the finding's confidence, to score what the default floor shows."""
    hits: dict[Key, str] = {}
    targets = [p for p in sorted(folder.iterdir()) if p.is_dir() or p.suffix == ".py"]
    for target in targets:
        result = scan_paths([target], jobs=1)
        for f in result.findings:
            if f.category == category and not f.suppressed:
                rel = f"{target.name}/{f.path}" if target.is_dir() else target.name
                hits[(rel, f.line)] = f.confidence
    return hits


def bandit_issues(folder: Path, codes: set[str]) -> list[tuple[str, frozenset[int]]]:
    """Bandit issues as (file, the lines the issue spans)."""
    out = subprocess.run(
        [str(tool("bandit")), "-r", str(folder), "-f", "json", "-q"], capture_output=True, text=True
    )
    issues = []
    for issue in json.loads(out.stdout or "{}").get("results", []):
        if issue["test_id"] in codes:
            rel = Path(issue["filename"]).resolve().relative_to(folder.resolve()).as_posix()
            issues.append((rel, frozenset(issue.get("line_range") or [issue["line_number"]])))
    return issues


def ruff_issues(folder: Path, codes: set[str]) -> list[tuple[str, frozenset[int]]]:
    out = subprocess.run(
        [
            str(tool("ruff")),
            "check",
            "--isolated",
            "--select",
            "S",
            "--output-format",
            "json",
            "--exit-zero",
            str(folder),
        ],
        capture_output=True,
        text=True,
    )
    issues = []
    for item in json.loads(out.stdout or "[]"):
        if item["code"] in codes:
            rel = Path(item["filename"]).resolve().relative_to(folder.resolve()).as_posix()
            issues.append((rel, frozenset({item["location"]["row"]})))
    return issues


def score(truth: set[Key], issues: list[tuple[str, frozenset[int]]]) -> tuple[int, int, int]:
    """An issue is a true positive when it touches a labelled line, else a false positive;
    labelled lines no issue touches are false negatives."""
    found: set[Key] = set()
    fp = 0
    for rel, lines in issues:
        touched = {(rel, line) for line in lines} & truth
        if touched:
            found |= touched
        else:
            fp += 1
    return len(found), fp, len(truth - found)


def fmt(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    return f"P {p:4.2f} R {r:4.2f} ({tp:3d}/{fp:3d}/{fn:3d})"


def main() -> None:
    rules = all_rules()
    by_category: dict[str, set[str]] = defaultdict(set)
    for rule in rules.values():
        by_category[rule.category].add(rule.id)
    totals = {name: [0, 0, 0] for name in ("prodready", "shown", "bandit", "ruff")}
    print(f"corpus: {CORPUS}  (cells: precision, recall, (TP/FP/FN))")
    print(f"competitors: {version('bandit')}, {version('ruff')}")
    print(
        f"prodready: every finding; shown: what `prodready scan` shows by default "
        f"(confidence {DEFAULT_MIN_CONFIDENCE} and up)"
    )
    print(f"{'category':<20} {'prodready':<28} {'shown':<28} {'Bandit':<28} {'Ruff S':<28}")
    for category in sorted(by_category):
        folder = CORPUS / category
        if not folder.is_dir():
            print(f"{category:<20} (no corpus)")
            continue
        truth = labels(folder, by_category[category])
        cells = []
        hits = prodready_hits(folder, category)
        ours = score(truth, [(rel, frozenset({line})) for rel, line in hits])
        shown = score(
            truth,
            [
                (rel, frozenset({line}))
                for (rel, line), confidence in hits.items()
                if at_least(confidence, DEFAULT_MIN_CONFIDENCE)
            ],
        )
        cells += [fmt(*ours), fmt(*shown)]
        for name, table, fetch in (("bandit", BANDIT, bandit_issues), ("ruff", RUFF, ruff_issues)):
            if category not in table:
                cells.append("not covered")
                continue
            result = score(truth, fetch(folder, table[category]))
            totals[name] = [a + b for a, b in zip(totals[name], result, strict=True)]
            cells.append(fmt(*result))
        totals["prodready"] = [a + b for a, b in zip(totals["prodready"], ours, strict=True)]
        totals["shown"] = [a + b for a, b in zip(totals["shown"], shown, strict=True)]
        print(f"{category:<20} " + " ".join(f"{cell:<28}" for cell in cells))
    print(
        f"{'all categories':<20} "
        + " ".join(f"{fmt(*totals[name]):<28}" for name in ("prodready", "shown", "bandit", "ruff"))
    )
    print("Bandit and Ruff totals cover only the categories they have rules for.")


if __name__ == "__main__":
    main()
