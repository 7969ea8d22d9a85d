"""JUnit XML parsing against real pytest output, other runners' shapes, and hostile input."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodready.errors import EvidenceError
from prodready.evidence._common import UNEXPECTED_PREFIX
from prodready.evidence.junit import JUnitReport, TestCaseResult, load_junit

DATA = Path(__file__).parent / "data"

MIXED_TESTS = """import pytest


@pytest.fixture
def broken():
    raise RuntimeError("fixture exploded")


def test_passes():
    assert 1 + 1 == 2


def test_fails():
    assert 1 + 1 == 3, "arithmetic is off"


@pytest.mark.skip(reason="not today")
def test_skipped():
    pass


def test_errors(broken):
    pass
"""


def _pytest_junit(root: Path, *options: str) -> Path:
    report = root / f"junit{len(options)}.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COVERAGE_"))}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *options,
            f"--junitxml={report}",
            "test_mixed.py",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1, completed.stdout  # 1: some tests failed
    return report


@pytest.fixture(scope="module")
def pytest_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("junitproject")
    (root / "test_mixed.py").write_text(MIXED_TESTS)
    (root / "pytest.ini").write_text("[pytest]\n")
    return root


def test_real_pytest_report(pytest_project: Path) -> None:
    report = load_junit(_pytest_junit(pytest_project))
    outcomes = {case.name: (case.outcome, case.classname, case.file) for case in report.cases}
    assert outcomes == {
        "test_passes": ("passed", "test_mixed", None),
        "test_fails": ("failed", "test_mixed", None),
        "test_skipped": ("skipped", "test_mixed", None),
        "test_errors": ("error", "test_mixed", None),
    }
    messages = {case.name: case.message for case in report.cases}
    assert messages["test_passes"] == ""
    assert "arithmetic is off" in messages["test_fails"]
    assert messages["test_skipped"] == "not today"
    assert "fixture exploded" in messages["test_errors"]
    assert (report.tests, report.failures, report.errors, report.skipped) == (4, 1, 1, 1)
    assert not report.passed


def test_real_pytest_xunit1_report_names_files(pytest_project: Path) -> None:
    report = load_junit(_pytest_junit(pytest_project, "-o", "junit_family=xunit1"))
    assert {case.file for case in report.cases} == {"test_mixed.py"}
    assert [case.outcome for case in report.cases] == ["passed", "failed", "skipped", "error"]


def test_surefire_report() -> None:
    report = load_junit(DATA / "surefire_TEST-com.example.AppTest.xml")
    assert report.cases == (
        TestCaseResult("testApp", "com.example.AppTest", None, "passed", ""),
        TestCaseResult(
            "testAppFailure",
            "com.example.AppTest",
            None,
            "failed",
            "expected:<true> but was:<false>",
        ),
        TestCaseResult("testAppError", "com.example.AppTest", None, "error", "Connection refused"),
        TestCaseResult(
            "testAppIgnored", "com.example.AppTest", None, "skipped", "not implemented yet"
        ),
        # Failed once, passed on rerun: Surefire counts it as passed (and flaky).
        TestCaseResult("testAppFlaky", "com.example.AppTest", None, "passed", ""),
    )
    assert (report.tests, report.failures, report.errors, report.skipped) == (5, 1, 1, 1)
    assert not report.passed


def test_jest_junit_report() -> None:
    report = load_junit(DATA / "jest-junit.xml")
    assert [(c.name, c.outcome, c.file) for c in report.cases] == [
        ("sum adds numbers", "passed", "src/sum.test.js"),
        ("sum handles negatives", "failed", "src/sum.test.js"),
        ("sum handles floats", "skipped", "src/sum.test.js"),
        ("product multiplies", "passed", "src/product.test.js"),
    ]
    # No message attribute: the first line of the body stands in for it.
    assert report.cases[1].message == (
        "Error: expect(received).toBe(expected) // Object.is equality"
    )
    assert (report.tests, report.failures, report.errors, report.skipped) == (4, 1, 0, 1)


def _write(tmp_path: Path, text: str) -> Path:
    report = tmp_path / "report.xml"
    report.write_text(text)
    return report


def test_nested_suites_and_lying_attributes(tmp_path: Path) -> None:
    report = load_junit(
        _write(
            tmp_path,
            '<testsuites tests="99" failures="0"><testsuite name="outer" failures="0">'
            '<testsuite name="inner"><testcase name="a" classname="x">'
            '<failure message="boom"/></testcase></testsuite>'
            '<testcase name="b" classname="x"/></testsuite></testsuites>',
        )
    )
    assert [(c.name, c.outcome) for c in report.cases] == [("a", "failed"), ("b", "passed")]
    assert (report.tests, report.failures) == (2, 1)
    assert not report.passed


def test_attributes_are_honoured_without_testcases(tmp_path: Path) -> None:
    report = load_junit(
        _write(
            tmp_path,
            '<testsuites><testsuite name="a" tests="3" failures="1" errors="0" skipped="1"/>'
            '<testsuite name="b" tests="2" failures="0" errors="1" skip="1"/></testsuites>',
        )
    )
    assert report.cases == ()
    assert (report.tests, report.failures, report.errors, report.skipped) == (5, 1, 1, 2)
    assert not report.passed


def test_lone_testsuite_root_and_empty_report(tmp_path: Path) -> None:
    single = load_junit(_write(tmp_path, '<testsuite name="s"><testcase name="t"/></testsuite>'))
    assert single.cases == (TestCaseResult("t", "", None, "passed", ""),)
    assert single.passed
    empty = load_junit(_write(tmp_path, "<testsuites/>"))
    assert (empty.tests, empty.passed) == (0, True)


def test_failure_outranks_error_and_skip(tmp_path: Path) -> None:
    report = load_junit(
        _write(
            tmp_path,
            '<testsuite><testcase name="t"><skipped/><error message="e"/>'
            '<failure message="f"/></testcase></testsuite>',
        )
    )
    assert report.cases[0].outcome == "failed"
    assert report.cases[0].message == "f"


def test_long_messages_are_clipped(tmp_path: Path) -> None:
    report = load_junit(
        _write(
            tmp_path,
            f'<testsuite><testcase name="t"><failure message="{"x" * 50_000}"/>'
            "</testcase></testsuite>",
        )
    )
    assert len(report.cases[0].message) <= 2000


# --- broken and hostile input --------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + ']><testsuite name="&j;"/>'
)

MALFORMED: list[tuple[str, str, str]] = [
    ("invalid-xml", "<testsuite>\n<testcase>\n</testsuite>", "not well-formed XML at line 3"),
    ("truncated", '<testsuites><testsuite name="a"><testcase name=', "not well-formed XML"),
    ("billion-laughs", BILLION_LAUGHS, "refused XML that declares entities"),
    (
        "xxe",
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<testsuite name="&x;"/>',
        "refused XML that declares entities",
    ),
    ("wrong-root", "<coverage/>", "not a JUnit report: root element is <coverage>"),
    ("empty", "", "file is empty"),
    ("bad-count", '<testsuite failures="many"/>', "invalid failures count 'many'"),
    ("negative-count", '<testsuite errors="-1"/>', "invalid errors count '-1'"),
]


@pytest.mark.parametrize(
    ("content", "reason"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_input_is_an_evidence_error(tmp_path: Path, content: str, reason: str) -> None:
    report = _write(tmp_path, content)
    with pytest.raises(EvidenceError) as caught:
        load_junit(report)
    assert reason in caught.value.reason


def test_binary_garbage(tmp_path: Path) -> None:
    report = tmp_path / "garbage.xml"
    report.write_bytes(bytes(range(256)))
    with pytest.raises(EvidenceError, match="not well-formed XML"):
        load_junit(report)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="file not found"):
        load_junit(tmp_path / "absent.xml")
    with pytest.raises(EvidenceError, match="is a directory"):
        load_junit(tmp_path)


# --- fuzzing -------------------------------------------------------------------------------


def _accepts_or_rejects(load: Callable[[], JUnitReport]) -> None:
    try:
        report = load()
    except EvidenceError as error:
        assert not error.reason.startswith(UNEXPECTED_PREFIX), error.reason
        return
    assert min(report.tests, report.failures, report.errors, report.skipped) >= 0
    assert report.passed == (report.failures == 0 and report.errors == 0)
    if report.cases:
        assert report.tests == len(report.cases)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(content=st.binary(max_size=2048))
def test_fuzz_arbitrary_bytes(fuzz_dir: Path, content: bytes) -> None:
    report = fuzz_dir / "bytes.xml"
    report.write_bytes(content)
    _accepts_or_rejects(lambda: load_junit(report))


_TAGS = st.sampled_from(
    ["testsuites", "testsuite", "testcase", "failure", "error", "skipped", "properties"]
)
_ATTRS = st.dictionaries(
    st.sampled_from(
        ["name", "classname", "file", "message", "tests", "failures", "errors", "skipped", "skip"]
    ),
    st.one_of(st.integers(-3, 10**30).map(str), st.text(max_size=6)),
    max_size=4,
)


def _escape(text: str) -> str:
    cleaned = "".join(c for c in text if c in "\t\n\r" or " " <= c < "\ud800")
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


# (tag, attributes, text, children): a generated element tree.
Tree = tuple[str, dict[str, str], str, list[Any]]


def _xml(tree: Tree) -> str:
    tag, attrs, text, children = tree
    rendered = "".join(f' {k}="{_escape(v)}"' for k, v in attrs.items())
    return f"<{tag}{rendered}>{_escape(text)}{''.join(_xml(c) for c in children)}</{tag}>"


_TREES: st.SearchStrategy[Tree] = st.recursive(
    st.tuples(_TAGS, _ATTRS, st.text(max_size=8), st.just([])),
    lambda inner: st.tuples(_TAGS, _ATTRS, st.text(max_size=8), st.lists(inner, max_size=4)),
    max_leaves=20,
)


@FUZZ
@given(tree=_TREES)
def test_fuzz_junit_shapes(fuzz_dir: Path, tree: Tree) -> None:
    report = fuzz_dir / "shape.xml"
    report.write_text(_xml(tree))
    _accepts_or_rejects(lambda: load_junit(report))


@settings(max_examples=100, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.none() | st.integers(0, 10**6),
)
def test_fuzz_mutated_real_report(
    fuzz_dir: Path, edits: list[tuple[int, int]], cut: int | None
) -> None:
    content = bytearray((DATA / "surefire_TEST-com.example.AppTest.xml").read_bytes())
    for position, value in edits:
        content[position % len(content)] = value
    if cut is not None:
        content = content[: cut % (len(content) + 1)]
    report = fuzz_dir / "mutated.xml"
    report.write_bytes(bytes(content))
    _accepts_or_rejects(lambda: load_junit(report))
