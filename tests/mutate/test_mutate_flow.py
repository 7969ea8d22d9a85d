"""The whole `prodready mutate` flow on real temporary projects: a git repository with a base
on `main` and a change on a branch, the project's own pytest suite run for real under
coverage, mutants run in private copies by the fork-server workers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prodready.errors import UsageError
from prodready.mutate.report import MutationReport, load_report, to_json
from prodready.mutate.run import MutateOptions, run_mutate
from tests.conftest import RepoFactory, git
from tests.gate.gatekit import branch, commit

PYPROJECT = """
[tool.pytest.ini_options]
testpaths = ["tests"]
"""

BASE = {
    "pyproject.toml": PYPROJECT,
    "src/shop/__init__.py": "",
    "tests/test_smoke.py": "def test_smoke():\n    assert True\n",
}

PRICING = """
def discount(total, vip):
    if total > 100 and vip:
        return total - 10
    return total


def unused(x):
    return x * 2
"""

STRONG_TESTS = """
from shop.pricing import discount


def test_vip_over_limit():
    assert discount(200, True) == 190


def test_vip_at_limit():
    assert discount(100, True) == 100


def test_vip_just_over_limit():
    assert discount(101, True) == 91


def test_not_vip():
    assert discount(200, False) == 200
"""

WEAK_TESTS = """
from shop.pricing import discount


def test_runs():
    discount(200, True)
    discount(50, False)
"""


def _run(root: Path, tmp_path: Path, **kw: object) -> MutationReport:
    options = MutateOptions(base="main", head="HEAD", cache_dir=tmp_path / "cache", **kw)  # type: ignore[arg-type]
    return run_mutate(root, options)


def _by_line(report: MutationReport) -> dict[tuple[int, str], str]:
    return {(m.line, m.mutated): m.status for m in report.mutants}


@pytest.fixture
def strong(make_repo: RepoFactory) -> Path:
    return branch(
        make_repo,
        BASE,
        {"src/shop/pricing.py": PRICING, "tests/test_pricing.py": STRONG_TESTS},
    )


def test_tests_that_check_results_kill_every_mutant_they_run(strong: Path, tmp_path: Path) -> None:
    report = _run(strong, tmp_path, jobs=2)
    covered = [m for m in report.mutants if m.line < 7]
    assert covered, "the change's covered lines must produce mutants"
    assert {m.status for m in covered} == {"killed"}
    # every mutant of discount() ran only discount's tests, never the smoke test
    for m in covered:
        assert m.tests and all(t.startswith("tests/test_pricing.py::") for t in m.tests)
    # `unused` is in the change and no test runs it
    assert {m.status for m in report.mutants if m.line == 8} == {"uncovered"}
    assert all(m.tests == () for m in report.mutants if m.line == 8)
    counts = report.counts
    assert report.score == pytest.approx(counts["killed"] / len(report.mutants))
    assert report.test_executions > 0
    assert git(strong, "status", "--porcelain") == ""


def test_an_assertion_free_test_kills_nothing(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = branch(
        make_repo, BASE, {"src/shop/pricing.py": PRICING, "tests/test_pricing.py": WEAK_TESTS}
    )
    report = _run(root, tmp_path, jobs=1)
    ran = [m for m in report.mutants if m.line < 7]
    assert ran and {m.status for m in ran} == {"survived"}
    assert all(m.tests == ("tests/test_pricing.py::test_runs",) for m in ran)
    assert report.score == 0.0
    survivors = {(m.line, m.operator, m.original, m.mutated) for m in report.survivors}
    assert (2, "boundary", "if total > 100 and vip:", "if total >= 100 and vip:") in survivors
    assert (3, "arithmetic", "return total - 10", "return total + 10") in survivors


def test_code_no_test_runs_is_uncovered_without_running_anything(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = branch(make_repo, BASE, {"src/shop/pricing.py": PRICING})
    report = _run(root, tmp_path)
    assert report.mutants and {m.status for m in report.mutants} == {"uncovered"}
    assert report.test_executions == 0
    assert report.score == 0.0


def test_json_contract(strong: Path, tmp_path: Path) -> None:
    data = to_json(_run(strong, tmp_path))
    assert data["schema"] == "prodready.mutate/1"
    assert isinstance(data["score"], float)
    first = data["mutants"][0]
    assert set(first) >= {"path", "line", "operator", "original", "mutated", "status", "tests"}
    assert first["path"] == "src/shop/pricing.py"
    assert {m["status"] for m in data["mutants"]} <= {
        "killed",
        "survived",
        "uncovered",
        "timeout",
        "error",
    }
    out = tmp_path / "m.json"
    out.write_text(json.dumps(data))
    again = load_report(out)
    assert [(m.line, m.status) for m in again.mutants] == [
        (m["line"], m["status"]) for m in data["mutants"]
    ]


def test_results_are_cached_and_a_new_test_reruns_only_its_lines(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = branch(
        make_repo, BASE, {"src/shop/pricing.py": PRICING, "tests/test_pricing.py": STRONG_TESTS}
    )
    first = _run(root, tmp_path)
    assert not any(m.cached for m in first.mutants)
    second = _run(root, tmp_path)
    assert second.test_executions == 0
    assert all(m.cached for m in second.mutants if m.status != "uncovered")
    assert _by_line(first) == _by_line(second)
    # a new test of `unused` only: discount's mutants keep their cached results
    commit(
        root,
        {
            "tests/test_unused.py": (
                "from shop.pricing import unused\n\n\ndef test_unused():\n"
                "    assert unused(3) == 6\n"
            )
        },
    )
    third = _run(root, tmp_path)
    assert all(m.cached for m in third.mutants if m.line < 7)
    rerun = [m for m in third.mutants if m.line == 8]
    assert rerun and not any(m.cached for m in rerun)
    assert {m.status for m in rerun} == {"killed"}


def test_a_mutant_that_hangs_times_out(make_repo: RepoFactory, tmp_path: Path) -> None:
    countdown = "def countdown(n):\n    while n > 0:\n        n -= 1\n    return n\n"
    tests = (
        "from shop.loop import countdown\n\n\ndef test_countdown():\n    assert countdown(3) == 0\n"
    )
    root = branch(make_repo, BASE, {"src/shop/loop.py": countdown, "tests/test_loop.py": tests})
    report = _run(root, tmp_path, timeout_factor=1.0)
    statuses = {(m.line, m.mutated): m.status for m in report.mutants}
    assert statuses[(3, "n += 1")] == "timeout"  # never reaches 0: the loop runs forever
    assert statuses[(4, "return None")] == "killed"


def test_uncommitted_edits_are_not_mutated_nor_touched(strong: Path, tmp_path: Path) -> None:
    pricing = strong / "src/shop/pricing.py"
    edited = pricing.read_text() + "\n# work in progress\n"
    pricing.write_text(edited)
    report = _run(strong, tmp_path)
    assert report.mutants
    assert pricing.read_text() == edited
    assert git(strong, "status", "--porcelain").strip() == "M src/shop/pricing.py"


def test_a_python_without_pytest_is_a_clear_error(strong: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    with pytest.raises(UsageError, match="cannot import pytest"):
        _run(strong, tmp_path, python=str(bare / "bin" / "python"))


def test_a_change_without_python_code_runs_nothing(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = branch(make_repo, BASE, {"README.md": "# shop\n"})
    report = _run(root, tmp_path)
    assert report.mutants == () and report.score is None
    assert any("no executable production Python lines" in n for n in report.notes)


SLOW_TESTS = """
import os
import time

from shop.pricing import discount


def _slow():
    if "PRODREADY_MUTANT" not in os.environ:  # only in a mutant's run, not the first
        return
    with open(os.environ["PIDS_FILE"], "a") as fh:
        fh.write(f"{os.getpid()}\\n")
    time.sleep(30)


def test_a():
    _slow()
    assert discount(200, True) == 190


def test_b():
    _slow()
    assert discount(200, False) == 200
"""


def test_interrupting_a_run_leaves_the_repository_as_it_was(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = branch(
        make_repo, BASE, {"src/shop/pricing.py": PRICING, "tests/test_pricing.py": SLOW_TESTS}
    )
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    pids = tmp_path / "pids"
    env = {
        **os.environ,
        "TMPDIR": str(scratch),
        "PIDS_FILE": str(pids),
        "PRODREADY_CACHE_DIR": str(tmp_path / "cache"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "prodready", "mutate", "--base", "main", "--repo", str(root)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not pids.exists():
        time.sleep(0.1)
    assert pids.exists(), "the tests never started"
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert b"aborted" in err
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before
    assert git(root, "status", "--porcelain") == ""
    assert [str(p.relative_to(scratch)) for p in scratch.rglob("*")] == []  # copies gone
    for pid in map(int, pids.read_text().split()):  # no test process left running
        assert not _alive(pid), pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (already dead, not yet reaped by init) does not count as running
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_module_level_code_is_judged_by_every_test_not_only_its_first_importer(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    limits = "LIMIT = 100\n\n\ndef over(total):\n    return total > LIMIT\n"
    first = "def test_imports_it_first():\n    import shop.limits  # noqa: F401\n"
    checks = (
        "def test_checks_the_limit():\n    from shop.limits import over\n\n"
        "    assert not over(100)\n    assert over(101)\n"
    )
    root = branch(
        make_repo,
        BASE,
        {"src/shop/limits.py": limits, "tests/test_a.py": first, "tests/test_b.py": checks},
    )
    report = _run(root, tmp_path)
    constant = next(m for m in report.mutants if m.line == 1)
    assert constant.mutated == "LIMIT = 101"
    # coverage credits line 1 to test_a alone (it imported the module); test_b notices
    assert constant.status == "killed"
    assert constant.tests[0] == "tests/test_a.py::test_imports_it_first"
    assert "tests/test_b.py::test_checks_the_limit" in constant.tests


SHAPES = """
import functools


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


class Cart:
    def __init__(self, items):
        self.items = items

    @property
    def count(self):
        return len(self.items) + 0

    @staticmethod
    def fee(total):
        return 5 if total < 50 else 0

    @logged
    def total(self):
        def price(item):
            return item * 2

        return sum(price(i) for i in self.items)


@functools.lru_cache(maxsize=None)
def tax(amount):
    return amount // 10
"""

SHAPE_TESTS = """
from shop.shapes import Cart, tax


def test_cart():
    cart = Cart([10, 20])
    assert cart.count == 2
    assert cart.total() == 60
    assert Cart.fee(49) == 5
    assert Cart.fee(50) == 0


def test_tax():
    assert tax(100) == 10
"""

LAZY_TESTS = """
def test_lazy():
    from shop.lazy import double  # imported only when the test runs

    assert double(4) == 8
"""


def test_the_forked_session_judges_like_a_fresh_process(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = branch(
        make_repo,
        BASE,
        {
            "src/shop/shapes.py": SHAPES,
            "src/shop/lazy.py": "def double(x):\n    return x * 2\n",
            "tests/test_shapes.py": SHAPE_TESTS,
            "tests/test_lazy.py": LAZY_TESTS,
        },
    )
    session = _run(root, tmp_path / "a", jobs=2)
    fresh = _run(root, tmp_path / "b", jobs=2, fresh_process=True)
    assert [(m.line, m.mutated, m.status) for m in session.mutants] == [
        (m.line, m.mutated, m.status) for m in fresh.mutants
    ]
    statuses = {(m.path, m.line, m.mutated): m.status for m in session.mutants}
    # a property, a staticmethod, a method behind a functools.wraps decorator, a nested
    # function, an lru_cache'd function and a module imported only inside a test
    assert statuses[("src/shop/shapes.py", 18, "return len(self.items) + 1")] == "killed"
    assert statuses[("src/shop/shapes.py", 22, "return 5 if total <= 50 else 0")] == "killed"
    assert statuses[("src/shop/shapes.py", 27, "return item / 2")] == "killed"
    assert statuses[("src/shop/shapes.py", 34, "return amount // 11")] == "killed"
    assert statuses[("src/shop/shapes.py", 34, "return amount / 10")] == "survived"  # 10.0 == 10
    assert statuses[("src/shop/lazy.py", 2, "return x / 2")] == "killed"
    assert session.score == fresh.score
    # everything ran in the forked sessions but the lazily imported module, `return
    # wrapper` (it runs when the decorator is applied, at import) and `return None` in
    # `wrapper`, whose closure then no longer holds `func` (a code object of another shape)
    lazy = sum(m.path == "src/shop/lazy.py" and m.status != "uncovered" for m in session.mutants)
    assert statuses[("src/shop/shapes.py", 9, "return None")] == "killed"
    assert statuses[("src/shop/shapes.py", 7, "return None")] == "killed"
    assert session.process_runs == lazy + 2
    judged = len(session.mutants) - session.counts["uncovered"]
    assert session.session_runs + session.process_runs == judged
    assert fresh.session_runs == 0


def test_a_change_no_operator_applies_to_says_so(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = branch(make_repo, BASE, {"src/shop/deps.py": "import os\nimport sys\n"})
    report = _run(root, tmp_path)
    assert report.mutants == () and report.score is None
    assert report.notes == ("no mutation operator applies to the changed lines",)


def test_the_command_line_prints_survivors_and_fails_under_the_score(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    root = branch(
        make_repo, BASE, {"src/shop/pricing.py": PRICING, "tests/test_pricing.py": WEAK_TESTS}
    )
    out = tmp_path / "mutation.json"
    env = {**os.environ, "PRODREADY_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "prodready", "mutate", "--base", "main", "--repo", str(root)]
    text = subprocess.run(
        [*cmd, "--fail-under", "0.5"], env=env, capture_output=True, text=True, timeout=300
    )
    assert text.returncode == 1, text.stderr
    assert "mutation score: 0%" in text.stdout
    assert "src/shop/pricing.py:2 [boundary] survived" in text.stdout
    assert "    + if total >= 100 and vip:" in text.stdout
    assert text.stderr == ""  # no progress bar when stderr is not a terminal
    saved = subprocess.run(
        [*cmd, "--format", "json", "--output", str(out)], env=env, capture_output=True, text=True
    )
    assert saved.returncode == 0
    assert "report written to" in saved.stderr
    assert load_report(out).score == 0.0


def test_a_project_whose_pytest_config_is_in_a_subdirectory(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    backend = {
        "README.md": "# monorepo\n",
        "backend/pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["app"]\n',
        "backend/app/billing/__init__.py": "",
        "backend/tests/test_smoke.py": "def test_smoke():\n    assert True\n",
    }
    change = {
        "backend/app/billing/fees.py": "def fee(total):\n    return 5 if total < 50 else 0\n",
        "backend/tests/test_fees.py": (
            "from billing.fees import fee\n\n\ndef test_fee():\n"
            "    assert fee(49) == 5\n    assert fee(50) == 0\n"
        ),
    }
    root = branch(make_repo, backend, change)
    # from the top, pytest finds neither the config nor `app` on its path: a clear error
    with pytest.raises(UsageError, match="could not run in a copy of head"):
        _run(root, tmp_path / "top")
    args = ("--rootdir=backend", "--config-file=backend/pyproject.toml", "backend/tests")
    for fresh in (False, True):
        report = _run(root, tmp_path / f"sub-{fresh}", pytest_args=args, fresh_process=fresh)
        assert {m.status for m in report.mutants} == {"killed"}, report.mutants
        assert all(
            t.startswith("backend/tests/test_fees.py::") for m in report.mutants for t in m.tests
        )
