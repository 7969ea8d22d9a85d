"""Gate items about verification: acceptance criteria, CI, tests of the change, new risk."""

from __future__ import annotations

import re

from prodready.criteria.base import criterion
from prodready.criteria.tests import judge_junit
from prodready.gate.change import ExecutableLines
from prodready.gate.context import GateContext
from prodready.gate.description import checklist, find_section, list_items
from prodready.gate.registry import GATE_ITEMS
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier

_MAX = 25
_ACCEPTANCE = re.compile(r"acceptance|definition of done|done when", re.I)


@criterion(
    "gate.acceptance-criteria",
    "Acceptance criteria stated",
    Dimension.TESTS,
    Layer.INTENT,
    required_from=Tier.PRODUCTION,
    registry=GATE_ITEMS,
)
def acceptance(ctx: GateContext) -> Outcome:
    """
    What it does:
        Looks in the change description (`--description`, or the pull request's body
        from `--github-event`) for a section headed "Acceptance criteria" (or "Definition
        of done", "Done when") with at least one item, or a Markdown checklist; with
        `--spec`, the spec's acceptance criteria count too (`gate.spec-criteria` then
        checks that tests verify them).
    Why it matters:
        Without stated criteria nobody can say whether the change does what was asked,
        and tests written afterwards confirm the code rather than the intent.
    Example:
        A pull request titled "Add refunds" whose body is one line: "adds refunds".
    Fix:
        Add a section "## Acceptance criteria" with one observable outcome per item, e.g.
        "- [ ] A refund of more than the order total is rejected with 422".
    """
    in_spec = _spec_criteria(ctx)
    if ctx.description is None:
        if in_spec is not None:
            return Outcome.met(in_spec)
        return Outcome.unknown(
            "no change description given (pass --description pr-body.md or --github-event)"
        )
    section = find_section(ctx.description, _ACCEPTANCE)
    source = ctx.description_source or "description"
    if section is not None:
        items = list_items(section) or list(section.body)
        return Outcome.met(
            Evidence(f"'{section.title}': {len(items)} item(s)", source, section.line)
        )
    boxes = checklist(ctx.description)
    if boxes:
        return Outcome.met(Evidence(f"checklist of {len(boxes)} item(s)", source, boxes[0][0]))
    if in_spec is not None:
        return Outcome.met(in_spec)
    return Outcome.gap(f"{source} has no acceptance criteria section or checklist")


def _spec_criteria(ctx: GateContext) -> Evidence | None:
    """The acceptance criteria of the `--spec`, which state them as well as a description."""
    spec = ctx.spec
    if spec is None or not spec.criteria:
        return None
    ids = ", ".join(c.id for c in spec.criteria[:10])
    more = ", …" if len(spec.criteria) > 10 else ""
    return Evidence(
        f"the spec states {len(spec.criteria)} acceptance criteria ({ids}{more})",
        ctx.spec_path or spec.path,
        spec.criteria[0].line,
    )


@criterion(
    "gate.ci-passing",
    "CI passes",
    Dimension.TESTS,
    Layer.VERIFICATION,
    required_from=Tier.INTERNAL,
    registry=GATE_ITEMS,
)
def ci_passing(ctx: GateContext) -> Outcome:
    """
    What it does:
        Reads every JUnit XML report given with `--junit` and names each failed or errored
        test. No report means `unknown`.
    Why it matters:
        A change is only as good as the test run that judged it; a claim of green CI is
        not evidence.
    Example:
        `--junit results.xml` with `tests/test_refund.py::test_partial_refund` failing.
    Fix:
        Fix the failures, or pass the report of the CI run for this head commit.
    """
    if not ctx.junit:
        return Outcome.unknown("no test results given (pass --junit results.xml)")
    bad = [s for s in ctx.junit if s.value is None]
    if bad:
        return Outcome.unknown(f"test report {bad[0].path} could not be read: {bad[0].error}")
    return judge_junit(ctx.junit)


@criterion(
    "gate.tests-for-change",
    "Tests run the changed code",
    Dimension.TESTS,
    Layer.VERIFICATION,
    required_from=Tier.INTERNAL,
    registry=GATE_ITEMS,
)
def tests_for_change(ctx: GateContext) -> Outcome:
    """
    What it does:
        With coverage data (`--coverage`), lists per file the changed executable lines of
        production Python code that no test ran, as line ranges, and compares the share
        that ran with the tier's floor (internal 50%, production 80%, critical 90%;
        `thresholds.min_changed_coverage`). Lines that only moved, comments, docstrings
        and blank lines do not count. Without coverage data it falls back to whether tests
        changed alongside the code, and says that evidence is weaker.
    Why it matters:
        Code no test has run is shipped on faith; a change is the cheapest moment to test
        it, while the author still knows what it should do.
    Example:
        `app/billing/refund.py lines 40-58 changed; no test executes them`.
    Fix:
        Add tests that exercise the listed lines (the error paths first), run them under
        coverage and pass the report.
    """
    executable = {p: e for p, e in ctx.change.executable.items() if e.lines}
    if not executable:
        return Outcome.not_applicable("the change has no executable production Python lines")
    total = sum(len(e.lines) for e in executable.values())
    if ctx.coverage is None or ctx.coverage.value is None:
        return _without_coverage(ctx, total)
    data = ctx.coverage.value
    missed: list[Evidence] = []
    ran = 0
    unknown_files: list[str] = []
    for path, lines in sorted(executable.items()):
        fc = data.for_path(path)
        if fc is None:
            unknown_files.append(path)
            missed.append(Evidence(f"not in the coverage report: {_ranges(lines.lines)}", path))
            continue
        not_run = sorted(ln for ln in lines.lines if _statement(lines, ln) not in fc.covered)
        ran += len(lines.lines) - len(not_run)
        if not_run:
            missed.append(
                Evidence(
                    f"lines {_ranges(not_run)} changed; no test executes them", path, not_run[0]
                )
            )
    share = 100.0 * ran / total
    floor = ctx.policy.thresholds.changed_floor(ctx.tier)
    summary = Evidence(f"{ran} of {total} changed executable lines ran under tests ({share:.0f}%)")
    if share >= floor and not missed:
        return Outcome.met(summary)
    if share >= floor:
        return Outcome.met(summary, *missed[:_MAX])
    return Outcome.gap(
        f"{share:.0f}% of the changed executable lines ran under tests (floor {floor:.0f}%)",
        *missed[:_MAX],
        summary,
    )


def _statement(lines: ExecutableLines, line: int) -> int:
    """Coverage records a multi-line statement on its first line."""
    candidates = [s for s in lines.statements if s <= line]
    return max(candidates) if candidates else line


def _without_coverage(ctx: GateContext, total: int) -> Outcome:
    added = ctx.change.tests_added
    touched = [f for f in ctx.change.files if f.added and _is_test(f.path)]
    unread = ctx.coverage
    weaker = Evidence(
        f"coverage report {unread.path} could not be read ({unread.error}), so this is "
        "weaker evidence: fix the report"
        if unread is not None
        else "no coverage data given, so this is weaker evidence: pass --coverage"
    )
    if added or touched:
        what = (
            f"{len(added)} test function(s) added"
            if added
            else f"{len(touched)} test file(s) changed"
        )
        return Outcome.met(Evidence(f"{what} alongside {total} changed executable lines"), weaker)
    return Outcome.gap(
        f"{total} changed executable lines and no test changed with them",
        *[
            Evidence(f"lines {_ranges(e.lines)} changed", path, min(e.lines))
            for path, e in sorted(ctx.change.executable.items())
            if e.lines
        ][:_MAX],
        weaker,
    )


def _is_test(path: str) -> bool:
    from prodready.repo.files import is_test_path

    return is_test_path(path)


def _ranges(lines: object) -> str:
    numbers = sorted(lines)  # type: ignore[call-overload]
    parts: list[str] = []
    start = prev = numbers[0] if numbers else 0
    for n in numbers[1:]:
        if n == prev + 1:
            prev = n
            continue
        parts.append(f"{start}-{prev}" if prev > start else str(start))
        start = prev = n
    if numbers:
        parts.append(f"{start}-{prev}" if prev > start else str(start))
    return ", ".join(parts)


@criterion(
    "gate.no-new-risk",
    "No new risk on changed lines",
    Dimension.SECURITY,
    Layer.CONSTRAINTS,
    required_from=Tier.INTERNAL,
    registry=GATE_ITEMS,
)
def no_new_risk(ctx: GateContext) -> Outcome:
    """
    What it does:
        Runs the scan rules over the files the change touches (and reads any `--sarif`
        report) and keeps the findings on lines the change adds or modifies; findings
        elsewhere do not block this change. A finding suppressed in code with a reason is
        accepted risk. A changed file the rules cannot read (a syntax error, not UTF-8) or
        a `--sarif` report that cannot be read makes the item `unknown`, never `met`.
    Why it matters:
        The change is the moment a risk enters; catching it there costs a review comment
        instead of an incident.
    Example:
        `app/payments.py:42 PR101 timeout: requests.post() has no timeout` on an added line.
    Fix:
        Fix each finding as `prodready explain RULE` says, or suppress it in code with
        `# prodready: ignore[RULE] reason`. Findings of rules below the policy's
        `[scan] blocking_confidence` (default "high") are listed to review, not counted.
    """
    unsuppressed = [f for f in ctx.findings if not f.suppressed]
    # another analyzer's SARIF was supplied on purpose: its findings count at any confidence
    active = [
        f for f in unsuppressed if f.category == "external" or ctx.policy.blocks_on(f.confidence)
    ]
    review = [
        Evidence(f"to review ({f.confidence} confidence): {f.rule} {f.message}", f.path, f.line)
        for f in unsuppressed
        if f not in active
    ][:_MAX]
    unanalysed = ctx.unanalysed[:_MAX]
    if not active:
        if unanalysed:
            return Outcome.unknown(
                f"{len(ctx.unanalysed)} changed file(s) or report(s) could not be analysed: "
                + "; ".join(f"{e.location()} {e.text}" for e in unanalysed[:3]),
                *unanalysed,
            )
        suppressed = len(ctx.findings) - len(unsuppressed)
        note = [Evidence(f"{suppressed} finding(s) suppressed in code")] if suppressed else []
        return Outcome.met(Evidence("no blocking finding on the changed lines"), *note, *review)
    return Outcome.gap(
        f"{len(active)} finding(s) on changed lines",
        *[Evidence(f"{f.rule} {f.category}: {f.message}", f.path, f.line) for f in active[:_MAX]],
        *unanalysed,
        *review,
    )
