"""Test criteria: is there verification, and does it verify anything?"""

from __future__ import annotations

import configparser
import fnmatch
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodready.context import AuditContext
from prodready.criteria.base import criterion
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier
from prodready.repo.python_facts import PyFacts

if TYPE_CHECKING:
    from prodready.evidence.junit import JUnitReport
    from prodready.evidence.supplied import Supplied

_MAX_LISTED = 25
_PYTEST_DEFAULT = ("test_*.py", "*_test.py")


@dataclass(frozen=True)
class Runner:
    name: str
    evidence: Evidence
    patterns: tuple[str, ...]
    skip_dirs: tuple[str, ...] = ()  # pytest's norecursedirs: folders it never collects from

    def skips(self, rel: str) -> bool:
        dirs = rel.split("/")[:-1]
        return any(fnmatch.fnmatch(d, p) for d in dirs for p in self.skip_dirs)


def detect_runner(ctx: AuditContext) -> Runner | None:
    """The runner that would collect the tests, with where its configuration lives."""
    repo = ctx.repo
    text = repo.read_text("pyproject.toml")
    if text is not None:
        try:
            tool = tomllib.loads(text).get("tool", {})
        except tomllib.TOMLDecodeError:
            tool = {}
        pytest_cfg = tool.get("pytest", {}) if isinstance(tool, dict) else {}
        if isinstance(pytest_cfg, dict) and pytest_cfg:
            ini = pytest_cfg.get("ini_options", pytest_cfg)
            ini = ini if isinstance(ini, dict) else {}
            return Runner(
                "pytest",
                Evidence("[tool.pytest] in pyproject.toml", "pyproject.toml"),
                _patterns(ini.get("python_files")),
                _words(ini.get("norecursedirs")),
            )
    for rel, section in (
        ("pytest.ini", "pytest"),
        ("tox.ini", "pytest"),
        ("setup.cfg", "tool:pytest"),
    ):
        cfg_text = repo.read_text(rel)
        if cfg_text is None:
            continue
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(cfg_text)
        except configparser.Error:
            continue
        if parser.has_section(section):
            raw = parser.get(section, "python_files", fallback=None)
            skip = _words(parser.get(section, "norecursedirs", fallback=None))
            return Runner("pytest", Evidence(f"[{section}] in {rel}", rel), _patterns(raw), skip)
    conftests = [f for f in repo.files if f.endswith("conftest.py")]
    if conftests:
        return Runner("pytest", Evidence("conftest.py present", conftests[0]), _PYTEST_DEFAULT)
    scripts = ["runtests.py", "tests/runtests.py", "manage.py"]
    scripts += [f for f in repo.files if f.count("/") == 1 and f.endswith("/manage.py")]
    for rel in scripts:
        if repo.is_file(rel):
            name = "django" if rel.endswith("manage.py") else "unittest/django"
            return Runner(name, Evidence("test runner script", rel), ("test*.py",))
    if repo.is_file("noxfile.py"):
        return Runner("nox", Evidence("noxfile.py", "noxfile.py"), (*_PYTEST_DEFAULT, "test*.py"))
    if any(t.tests for t in ctx.python.tests()):
        return Runner("pytest (default collection)", Evidence("test_*.py files"), _PYTEST_DEFAULT)
    return None


def _words(raw: object) -> tuple[str, ...]:
    if isinstance(raw, str):
        return tuple(raw.split())
    if isinstance(raw, list):
        return tuple(x for x in raw if isinstance(x, str))
    return ()


def _patterns(raw: object) -> tuple[str, ...]:
    if isinstance(raw, str):
        return tuple(raw.split()) or _PYTEST_DEFAULT
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return tuple(raw) or _PYTEST_DEFAULT
    return _PYTEST_DEFAULT


def _imported_by(files: list[PyFacts]) -> set[str]:
    names: set[str] = set()
    for f in files:
        for imp in f.imports:
            names.add(imp.module)
            names.update(f"{imp.module}.{n}" for n in imp.names)
    return names


def _is_imported(module: str | None, imported: set[str]) -> bool:
    """A file of shared test cases runs through the test modules that import it, even
    though its own name does not match the collection pattern."""
    if module is None:
        return False
    return any(name == module or name.endswith("." + module) for name in imported)


def _collected(rel: str, runner: Runner) -> bool:
    name = rel.rsplit("/", 1)[-1]
    # unittest-style classes are also collected by pytest; Django's runner uses test*.py
    return any(fnmatch.fnmatch(name, p) for p in runner.patterns)


@criterion(
    "tests.suite",
    "A test suite a known runner collects",
    Dimension.TESTS,
    Layer.VERIFICATION,
    required_from=Tier.INTERNAL,
)
def suite(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Finds the test runner (pytest configuration, conftest.py, a Django or unittest
        runner script, nox) and the test functions it would collect, and names test files
        whose names the runner's collection patterns do not match.
    Why it matters:
        A test file the runner never collects passes forever. It is a common way for
        generated tests to look present and verify nothing.
    Example:
        `tests/payment_tests.py` defines `test_refund` but pytest collects only
        `test_*.py` and `*_test.py`.
    Fix:
        Add tests under `tests/` named `test_*.py`, configure the runner
        (`[tool.pytest.ini_options]`), or rename files the runner skips.
    """
    runner = detect_runner(ctx)
    test_files = [f for f in ctx.python.tests() if f.tests and not (runner and runner.skips(f.rel))]
    if runner is None or not test_files:
        return Outcome.gap("no test functions found (looked for test_*.py, *_test.py, tests/)")
    collected = [f for f in test_files if _collected(f.rel, runner)]
    imported = _imported_by(collected)
    skipped = [
        f
        for f in test_files
        if not _collected(f.rel, runner)
        and not _is_imported(ctx.python.module_of(f.rel), imported)
        and any("." in t.name or t.name.startswith("test_") for t in f.tests)
    ]
    count = sum(len(f.tests) for f in collected)
    evidence = [runner.evidence, Evidence(f"{count} test functions in {len(collected)} files")]
    if skipped:
        names = ", ".join(runner.patterns)
        return Outcome.gap(
            f"{len(skipped)} file(s) define tests that {runner.name} does not collect ({names})",
            *[
                Evidence(f"{len(f.tests)} tests not collected", f.rel)
                for f in skipped[:_MAX_LISTED]
            ],
        )
    if count == 0:
        return Outcome.gap("the runner collects no test functions", *evidence)
    return Outcome.met(*evidence)


@criterion(
    "tests.assertions",
    "Tests assert something",
    Dimension.TESTS,
    Layer.VERIFICATION,
    required_from=Tier.PRODUCTION,
)
def assertions(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Names each test function with no assertion: no `assert` statement, no
        `assert*`/`pytest.raises`/`expect`/`check` style call, no raised
        `AssertionError`, and no call to a helper in the same file that asserts.
    Why it matters:
        A test that only calls the code proves it did not crash, not that it is right.
        Assistant-written suites often contain such tests; they raise coverage and catch
        nothing.
    Example:
        `def test_refund(): refund(order)` with nothing checked afterwards.
    Fix:
        Assert the observable outcome (the returned value, the stored state, the call made
        to the payment provider), or delete the test.
    """
    runner = detect_runner(ctx)
    tests = [
        (f.rel, t)
        for f in ctx.python.tests()
        if not (runner and runner.skips(f.rel))
        for t in f.tests
    ]
    if not tests:
        return Outcome.not_applicable("no test functions found")
    empty = [(rel, t) for rel, t in tests if not t.asserts]
    if not empty:
        return Outcome.met(Evidence(f"all {len(tests)} test functions assert something"))
    evidence = [
        Evidence(f"{t.name} asserts nothing", rel, t.line) for rel, t in empty[:_MAX_LISTED]
    ]
    return Outcome.gap(f"{len(empty)} of {len(tests)} test functions assert nothing", *evidence)


@criterion(
    "tests.ratio",
    "Enough test code for the source",
    Dimension.TESTS,
    Layer.VERIFICATION,
    required_from=None,
)
def ratio(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Compares code lines of tests with code lines of production Python code; below
        `thresholds.min_test_ratio` (default 0.2) is a gap.
    Why it matters:
        It is a coarse signal, which is why it is advisory: a very low ratio means most
        behaviour has never been exercised by anything but a user.
    Example:
        12,000 lines of source and 600 lines of tests: ratio 0.05.
    Fix:
        Add tests for the modules that change most, starting with the sensitive ones.
    """
    source = sum(f.code_lines for f in ctx.python.production())
    tests = sum(f.code_lines for f in ctx.python.tests())
    if source == 0:
        return Outcome.not_applicable("no production Python code")
    value = tests / source
    floor = ctx.policy.thresholds.min_test_ratio
    ev = Evidence(f"{tests} test code lines / {source} source code lines = {value:.2f}")
    if value >= floor:
        return Outcome.met(ev)
    return Outcome.gap(f"test-to-source ratio {value:.2f} is below {floor:.2f}", ev)


@criterion(
    "tests.coverage",
    "Coverage meets the tier's floor",
    Dimension.TESTS,
    Layer.VERIFICATION,
    required_from=Tier.PRODUCTION,
)
def coverage(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Reads the coverage report given with `--coverage` (Cobertura XML, coverage.py
        `.coverage` data or `coverage json`) and compares total line coverage of the
        repository's files with the floor: `thresholds.min_coverage` or the tier's
        default (internal 50, production 70, critical 80).
    Why it matters:
        Uncovered code is code no test has ever run. Without a report the criterion is
        `unknown`, never `met`.
    Example:
        `prodready audit --coverage coverage.xml` with 61.2% at tier production (floor 70).
    Fix:
        Run the tests under coverage (`coverage run -m pytest && coverage xml`), pass the
        report, and add tests for the files listed as least covered.
    """
    supplied = ctx.coverage
    if supplied is None:
        return Outcome.unknown("no coverage report given (pass --coverage coverage.xml)")
    if supplied.value is None:
        return Outcome.unknown(
            f"coverage report {supplied.path} could not be read: {supplied.error}"
        )
    data = supplied.value
    percent = data.percent()
    if percent is None or not data.files:
        return Outcome.unknown(
            f"coverage report {supplied.path} covers none of this repository's files"
        )
    floor = ctx.policy.thresholds.coverage_floor(ctx.tier)
    ev = [
        Evidence(
            f"{percent:.1f}% of lines in {len(data.files)} files ({data.format})", supplied.path
        )
    ]
    if percent >= floor:
        return Outcome.met(*ev)
    worst = sorted(
        (
            (len(fc.covered) / len(fc.executable), rel, len(fc.executable) - len(fc.covered))
            for rel, fc in data.files.items()
            if fc.executable
        ),
    )[:5]
    ev += [
        Evidence(f"{share * 100:.0f}% covered, {missed} lines not run", rel)
        for share, rel, missed in worst
    ]
    return Outcome.gap(f"coverage {percent:.1f}% is below the floor of {floor:.0f}%", *ev)


@criterion(
    "tests.results",
    "Supplied test results pass",
    Dimension.TESTS,
    Layer.VERIFICATION,
    required_from=Tier.PRODUCTION,
)
def results(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Reads every JUnit XML report given with `--junit` and names failed and errored
        test cases. Without a report the criterion is `unknown`.
    Why it matters:
        "The tests pass" is a claim until a report shows it; a readiness verdict must not
        rest on a claim.
    Example:
        `--junit results.xml` with `tests/test_refund.py::test_partial` failing.
    Fix:
        Fix the failing tests, or pass the report of the CI run that produced the build.
    """
    if not ctx.junit:
        return Outcome.unknown("no test results given (pass --junit results.xml)")
    unreadable = [s for s in ctx.junit if s.value is None]
    if unreadable:
        first = unreadable[0]
        return Outcome.unknown(f"test report {first.path} could not be read: {first.error}")
    return judge_junit(ctx.junit)


def judge_junit(reports: Sequence[Supplied[JUnitReport]]) -> Outcome:
    """Readable JUnit reports -> met (none failed), a gap naming each failed or errored
    case, or unknown when they hold no test case. Shared by the audit and the gate."""
    failed: list[Evidence] = []
    total = 0
    for supplied in reports:
        report = supplied.value
        if report is None:
            continue
        total += report.tests
        for case in report.cases:
            if case.outcome in ("failed", "error"):
                label = f"{case.classname}::{case.name}" if case.classname else case.name
                failed.append(Evidence(f"{case.outcome}: {label}", supplied.path))
        if report.failures + report.errors and not any(c.outcome != "passed" for c in report.cases):
            failed.append(
                Evidence(f"{report.failures} failures, {report.errors} errors", supplied.path)
            )
    if failed:
        return Outcome.gap(f"{len(failed)} test(s) failed or errored", *failed[:_MAX_LISTED])
    if total == 0:
        return Outcome.unknown("the supplied test reports contain no test cases")
    return Outcome.met(Evidence(f"{total} tests, none failed", reports[0].path))
