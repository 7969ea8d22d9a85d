"""Test results from a supplied JUnit-style XML report.

JUnit XML is the one test-result format nearly every runner can write (pytest
``--junitxml``, Maven Surefire, jest-junit, Gradle, go-junit-report), but there is no single
schema: the root is ``<testsuites>`` or a lone ``<testsuite>``, suites nest, and the summary
attributes are sometimes missing or wrong. So outcomes are counted from the ``<testcase>``
elements themselves, and the attributes are used only when a report carries no test cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from prodready.evidence._common import (
    ShapeError,
    brief,
    clip,
    guard,
    local_name,
    parse_xml,
    read_evidence,
)

PASSED = "passed"
FAILED = "failed"
ERROR = "error"
SKIPPED = "skipped"

# Checked in this order: a test that failed and then also errored in teardown failed.
_OUTCOME_ELEMENTS = (("failure", FAILED), ("error", ERROR), ("skipped", SKIPPED))


@dataclass(frozen=True)
class TestCaseResult:
    """One test's outcome, with enough context to point a reader at the failing test."""

    __test__ = False  # not a pytest test class, despite the name

    name: str
    classname: str
    file: str | None
    outcome: str  # PASSED | FAILED | ERROR | SKIPPED
    message: str  # failure, error or skip reason; "" if passed


@dataclass(frozen=True)
class JUnitReport:
    """A test run as evidence: totals plus every case that produced them."""

    source: str
    tests: int
    failures: int
    errors: int
    skipped: int
    cases: tuple[TestCaseResult, ...]

    @property
    def passed(self) -> bool:
        """No failures and no errors. An empty run passes too; check ``tests`` for that."""
        return self.failures == 0 and self.errors == 0


def load_junit(path: Path) -> JUnitReport:
    """Read a JUnit XML report; raises EvidenceError, and nothing else, if it is not one."""
    name = str(path)
    with guard(name):
        root = parse_xml(read_evidence(path), name)
        tag = local_name(root)
        if tag not in ("testsuites", "testsuite"):
            raise ShapeError(f"not a JUnit report: root element is <{clip(tag, 80)}>")
        cases = tuple(
            _case(element) for element in root.iter() if local_name(element) == "testcase"
        )
        if not cases:
            tests, failures, errors, skipped = _declared_totals(root)
        else:
            tests = len(cases)
            failures = sum(case.outcome == FAILED for case in cases)
            errors = sum(case.outcome == ERROR for case in cases)
            skipped = sum(case.outcome == SKIPPED for case in cases)
        return JUnitReport(name, tests, failures, errors, skipped, cases)


def _case(element: Element) -> TestCaseResult:
    outcome, message = PASSED, ""
    children = {local_name(child): child for child in reversed(list(element))}
    for tag, kind in _OUTCOME_ELEMENTS:
        child = children.get(tag)
        if child is not None:
            outcome, message = kind, _message(child)
            break
    return TestCaseResult(
        name=element.get("name", ""),
        classname=element.get("classname", ""),
        file=element.get("file"),
        outcome=outcome,
        message=message,
    )


def _message(element: Element) -> str:
    """The ``message`` attribute, or the first line of the body for runners (jest-junit)
    that put everything in the body."""
    message = (element.get("message") or "").strip()
    if not message and element.text:
        lines = [line.strip() for line in element.text.splitlines() if line.strip()]
        message = lines[0] if lines else ""
    if not message:
        message = (element.get("type") or "").strip()
    return clip(message)


def _declared_totals(root: Element) -> tuple[int, int, int, int]:
    """Totals from the summary attributes, for reports that list no individual cases.

    Innermost suites are summed so nested suites are not counted twice; a root with no
    suites speaks for itself. Unparsable numbers are an error, not zero, because a report
    whose failure count cannot be read cannot be said to have passed.
    """
    suites = [
        element
        for element in root.iter()
        if local_name(element) == "testsuite"
        and not any(local_name(child) == "testsuite" for child in element)
    ]
    totals = [0, 0, 0, 0]
    for suite in suites or [root]:
        skipped = suite.get("skipped")
        if skipped is None:
            skipped = suite.get("skip")
        values = (suite.get("tests"), suite.get("failures"), suite.get("errors"), skipped)
        for index, (label, value) in enumerate(
            zip(("tests", "failures", "errors", "skipped"), values, strict=True)
        ):
            totals[index] += _count(value, label, suite)
    return totals[0], totals[1], totals[2], totals[3]


def _count(value: str | None, label: str, suite: Element) -> int:
    if value is None or not value.strip():
        return 0
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        where = f"<{local_name(suite)} name={brief(suite.get('name', ''), 80)}>"
        raise ShapeError(f"{where} has an invalid {label} count {brief(value, 40)}")
    return number
