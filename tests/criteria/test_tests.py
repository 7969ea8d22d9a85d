from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from prodready.model import Status
from tests.conftest import RepoFactory
from tests.criteria.helpers import assert_status, evaluate, locations

PROJECT = {
    "pyproject.toml": "[tool.pytest.ini_options]\ntestpaths = ['tests']\n",
    "calc/__init__.py": "",
    "calc/ops.py": "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n",
    "tests/test_ops.py": (
        "from calc.ops import add, sub\n\n"
        "def test_add():\n    assert add(1, 2) == 3\n\n"
        "def test_sub_runs():\n    sub(3, 1)\n"
    ),
}


def test_suite_found_with_runner_evidence(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo(PROJECT), "tests.suite")
    assert_status(r, Status.MET)
    assert [e.text for e in r.evidence] == [
        "[tool.pytest] in pyproject.toml",
        "2 test functions in 1 files",
    ]


def test_no_tests_is_missing(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo({"calc/ops.py": "x = 1\n"}), "tests.suite")
    assert_status(r, Status.MISSING)


def test_uncollected_test_file_is_named(make_repo: RepoFactory) -> None:
    files = dict(PROJECT)
    files["tests/payment_tests.py"] = "def test_refund():\n    assert True\n"
    r = evaluate(make_repo(files), "tests.suite")
    assert_status(r, Status.MISSING)
    assert locations(r) == [("tests/payment_tests.py", None)]


def test_configured_python_files_are_respected(make_repo: RepoFactory) -> None:
    files = dict(PROJECT)
    files["pytest.ini"] = "[pytest]\npython_files = check_*.py\n"
    files["pyproject.toml"] = "[project]\nname = 'calc'\n"
    files["tests/check_ops.py"] = "def test_more():\n    assert 1\n"
    r = evaluate(make_repo(files), "tests.suite")
    assert_status(r, Status.MISSING)  # tests/test_ops.py is no longer collected
    assert locations(r) == [("tests/test_ops.py", None)]


def test_assertion_free_tests_are_named(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo(PROJECT), "tests.assertions")
    assert_status(r, Status.MISSING)
    assert locations(r) == [("tests/test_ops.py", 6)]
    assert r.evidence[0].text == "test_sub_runs asserts nothing"


def test_ratio(make_repo: RepoFactory) -> None:
    r = evaluate(make_repo(PROJECT), "tests.ratio")
    assert_status(r, Status.MET)
    assert r.evidence[0].text == "5 test code lines / 4 source code lines = 1.25"


def test_coverage_unknown_without_report_and_blocking_from_production(
    make_repo: RepoFactory,
) -> None:
    root = make_repo({**PROJECT, "prodready.toml": 'tier = "production"\n'})
    r = evaluate(root, "tests.coverage")
    assert_status(r, Status.UNKNOWN)
    assert r.required
    assert r.missing == "no coverage report given (pass --coverage coverage.xml)"


def _run_coverage(root: Path) -> Path:
    env_python = sys.executable
    subprocess.run(
        [
            env_python,
            "-m",
            "coverage",
            "run",
            "--source=calc",
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [env_python, "-m", "coverage", "xml", "-o", "coverage.xml"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return root / "coverage.xml"


def test_coverage_from_a_real_report(make_repo: RepoFactory) -> None:
    root = make_repo({**PROJECT, "prodready.toml": "[thresholds]\nmin_coverage = 90\n"})
    report = _run_coverage(root)
    r = evaluate(root, "tests.coverage", coverage=report)
    assert_status(r, Status.MET)  # every line runs (test_sub_runs executes sub)
    assert r.evidence[0].text.startswith("100.0% of lines in")


def test_coverage_below_floor_names_least_covered_files(make_repo: RepoFactory) -> None:
    files = {
        **PROJECT,
        "calc/unused.py": "def never():\n    x = 1\n    return x\n",
        "prodready.toml": "[thresholds]\nmin_coverage = 95\n",
    }
    root = make_repo(files)
    r = evaluate(root, "tests.coverage", coverage=_run_coverage(root))
    assert_status(r, Status.MISSING)
    assert (
        r.missing is not None
        and r.missing.startswith("coverage ")
        and "below the floor of 95%" in r.missing
    )
    assert ("calc/unused.py", None) in locations(r)


def test_broken_coverage_report_is_unknown_and_an_error(make_repo: RepoFactory) -> None:
    root = make_repo(PROJECT)
    bad = root / "coverage.xml"
    bad.write_text("<coverage><packages>", encoding="utf-8")
    r = evaluate(root, "tests.coverage", coverage=bad)
    assert_status(r, Status.UNKNOWN)
    assert r.missing is not None and r.missing.startswith(
        f"coverage report {bad} could not be read"
    )


def test_junit_results(make_repo: RepoFactory) -> None:
    root = make_repo(PROJECT)
    ok = root / "ok.xml"
    ok.write_text(
        '<testsuite tests="2" failures="0"><testcase classname="t" name="a"/><testcase classname="t" name="b"/></testsuite>'
    )
    bad = root / "bad.xml"
    bad.write_text(
        '<testsuites><testsuite tests="2" failures="1"><testcase classname="tests.test_ops" name="test_add"><failure message="boom"/></testcase><testcase classname="t" name="b"/></testsuite></testsuites>'
    )
    assert_status(evaluate(root, "tests.results", junit=(ok,)), Status.MET)
    r = evaluate(root, "tests.results", junit=(ok, bad))
    assert_status(r, Status.MISSING)
    assert [e.text for e in r.evidence] == ["failed: tests.test_ops::test_add"]
    assert_status(evaluate(root, "tests.results"), Status.UNKNOWN)


def test_shared_test_cases_imported_by_collected_tests_are_not_flagged(
    make_repo: RepoFactory,
) -> None:
    files = {
        **PROJECT,
        "tests/__init__.py": "",
        "tests/cases.py": "class Base:\n    def test_shared(self):\n        assert True\n",
        "tests/test_more.py": "from .cases import Base\n\nclass TestMore(Base):\n    pass\n",
        "tests/views.py": "def testview(request):\n    return request\n",
    }
    assert_status(evaluate(make_repo(files), "tests.suite"), Status.MET)


def test_norecursedirs_folders_are_not_tests(make_repo: RepoFactory) -> None:
    files = {
        **PROJECT,
        "pyproject.toml": "[tool.pytest.ini_options]\nnorecursedirs = ['corpus']\n",
        "tests/corpus/app/routes.py": "def test_email(to):\n    send(to)\n",
    }
    root = make_repo(files)
    assert_status(evaluate(root, "tests.suite"), Status.MET)
    assert locations(evaluate(root, "tests.assertions")) == [("tests/test_ops.py", 6)]
