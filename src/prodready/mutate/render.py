"""The mutation report as text, Markdown or JSON: survivors first, since they are what a
reviewer acts on (a test to write or an assertion to sharpen)."""

from __future__ import annotations

import json

from prodready.mutate.report import STATUSES, MutantResult, MutationReport, to_json

FORMATS = ("text", "json", "markdown")
_MAX_LISTED = 50
_MAX_TESTS = 3


def render_mutate(report: MutationReport, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_json(report), indent=2) + "\n"
    if fmt == "markdown":
        return _markdown(report)
    return _text(report)


def _score(report: MutationReport) -> str:
    score = report.score
    return "n/a (no mutant could be judged)" if score is None else f"{score:.0%}"


def _counts(report: MutationReport) -> str:
    counts = report.counts
    return ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts.get(s))


def _tests(m: MutantResult) -> str:
    if not m.tests:
        return "no test runs this line"
    shown = ", ".join(m.tests[:_MAX_TESTS])
    more = f" and {len(m.tests) - _MAX_TESTS} more" if len(m.tests) > _MAX_TESTS else ""
    return f"ran {shown}{more}"


def _summary(report: MutationReport) -> str:
    cached = sum(m.cached for m in report.mutants)
    return (
        f"{len(report.mutants)} mutant(s) on {report.changed_lines} changed executable "
        f"line(s): {_counts(report) or 'none'}; {report.test_executions} test execution(s), "
        f"{cached} result(s) from the cache, {report.seconds:.1f} s"
    )


def _text(report: MutationReport) -> str:
    out = [
        f"prodready mutate {report.merge_base[:12]}..{report.head[:12]}",
        f"mutation score: {_score(report)}",
        _summary(report),
    ]
    survivors = report.survivors
    if survivors:
        out.append("")
        out.append("Mutants no test noticed:")
        for m in survivors[:_MAX_LISTED]:
            out.append(f"  {m.path}:{m.line} [{m.operator}] {m.status}")
            out.append(f"    - {_one_line(m.original)}")
            out.append(f"    + {_one_line(m.mutated)}")
            out.append(f"    {_tests(m)}")
        if len(survivors) > _MAX_LISTED:
            out.append(f"  … and {len(survivors) - _MAX_LISTED} more (see --format json)")
    errors = [m for m in report.mutants if m.status == "error"]
    if errors:
        out.append("")
        out.append("Mutants whose tests could not run (not counted in the score):")
        for m in errors[:_MAX_LISTED]:
            out.append(f"  {m.path}:{m.line} [{m.operator}] {_one_line(m.detail or '')}")
    for note in report.notes:
        out.append(f"note: {note}")
    return "\n".join(out) + "\n"


def _markdown(report: MutationReport) -> str:
    out = [
        "## prodready mutate",
        "",
        f"**Mutation score: {_score(report)}** — {_summary(report)}.",
    ]
    survivors = report.survivors
    if survivors:
        out += [
            "",
            "| Where | Operator | Original | Mutated | Status | Tests |",
            "|---|---|---|---|---|---|",
        ]
        for m in survivors[:_MAX_LISTED]:
            out.append(
                f"| `{m.path}:{m.line}` | {m.operator} | {_cell(m.original)} | "
                f"{_cell(m.mutated)} | {m.status} | {_escape(_tests(m))} |"
            )
        if len(survivors) > _MAX_LISTED:
            out.append(f"\n… and {len(survivors) - _MAX_LISTED} more (see the JSON report).")
    if report.notes:
        out.append("")
        out += [f"- {_escape(n)}" for n in report.notes]
    return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return " ⏎ ".join(part for part in text.splitlines() if part) or text


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _cell(code: str) -> str:
    flat = _one_line(code).replace("`", "'")
    return f"`{_escape(flat)}`"
