"""Links from a spec's criteria, endpoints and callers to the tests at head and their
results: each way a test declares a criterion, near misses that must not link, pytest's
JUnit names matched back to test functions (from a real pytest run), and test files read
from git rather than the working tree."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from prodready.evidence.junit import load_junit
from prodready.evidence.supplied import Supplied
from prodready.gate.spec_links import (
    FAILED,
    UNKNOWN_RESULT,
    UNVERIFIED,
    VERIFIED,
    RequestCall,
    Results,
    TestFunction,
    caller_modules,
    caller_tests,
    collect_tests,
    link_criteria,
    normalise_id,
    parse_tests,
    route_segments,
    same_route,
)
from prodready.spec import AcceptanceCriterion, parse_spec
from tests.conftest import RepoFactory, git, write_tree

IDS = ("AC-1", "AC-2", "AC-3", "AC-12")


def parse(source: str, path: str = "tests/test_refund.py") -> dict[str, TestFunction]:
    return {t.name: t for t in parse_tests(path, textwrap.dedent(source), IDS)}


def test_ids_normalise_to_one_spelling() -> None:
    assert [normalise_id(s) for s in ("AC-1", "ac1", "AC_01", "AC 1", " Ac-12 ", "REQ-3")] == [
        "AC-1",
        "AC-1",
        "AC-1",
        "AC-1",
        "AC-12",
        "REQ-3",
    ]
    assert normalise_id("smoke") == "smoke"


def test_a_marker_declares_criteria_on_a_function_a_class_and_a_module() -> None:
    tests = parse(
        """
        import pytest
        from pytest import mark

        pytestmark = [pytest.mark.slow, pytest.mark.acceptance("AC-3")]


        @pytest.mark.acceptance("AC-1", "ac2")
        def test_partial_refund():
            assert True


        @pytest.mark.acceptance("AC-12")
        class TestRefund:
            @mark.acceptance(["AC-2"])
            def test_twice(self):
                pass

            def helper(self):
                pass


        def test_plain():
            pass
        """
    )
    assert sorted(tests) == ["TestRefund.test_twice", "test_partial_refund", "test_plain"]
    assert tests["test_partial_refund"].criteria == (
        ("AC-3", "marker"),
        ("AC-1", "marker"),
        ("AC-2", "marker"),
    )
    assert tests["TestRefund.test_twice"].criteria == (
        ("AC-3", "marker"),
        ("AC-12", "marker"),
        ("AC-2", "marker"),
    )
    assert tests["test_plain"].criteria == (("AC-3", "marker"),)
    assert tests["TestRefund.test_twice"].id == "tests/test_refund.py::TestRefund::test_twice"
    assert tests["TestRefund.test_twice"].line == 16


def test_the_id_in_a_name_or_a_docstring_declares_a_criterion() -> None:
    tests = parse(
        '''
        def test_ac_1_partial_refund():
            pass

        def test_AC2_over_total():
            pass

        async def test_refused():
            """Verifies AC-3: the provider refuses and we answer 422."""

        def test_ac12_big():
            pass
        '''
    )
    assert tests["test_ac_1_partial_refund"].criteria == (("AC-1", "name"),)
    assert tests["test_AC2_over_total"].criteria == (("AC-2", "name"),)
    assert tests["test_refused"].criteria == (("AC-3", "docstring"),)
    assert tests["test_ac12_big"].criteria == (("AC-12", "name"),)
    assert tests["test_ac12_big"].declares("ac-12") == "name"
    assert tests["test_ac12_big"].declares("AC-1") is None


def test_near_misses_declare_nothing() -> None:
    tests = parse(
        '''
        import pytest

        def test_back_1():
            """Uses the AC-10 fixture and the AC-1x rule."""

        def test_vac_2():
            pass

        def test_ac_10_only():
            pass

        def test_ac_1x_rule():
            pass

        @pytest.mark.parametrize("x", ["AC-1"])
        def test_parametrised_with_an_id(x):
            pass

        def helper_ac_1():
            pass

        class Refund:
            def test_ac_1_outside_a_test_class(self):
                pass
        '''
    )
    assert sorted(tests) == [
        "test_ac_10_only",
        "test_ac_1x_rule",
        "test_back_1",
        "test_parametrised_with_an_id",
        "test_vac_2",
    ]
    assert {name: t.criteria for name, t in tests.items()} == {
        "test_ac_10_only": (),
        "test_ac_1x_rule": (),
        "test_back_1": (),
        "test_parametrised_with_an_id": (),
        "test_vac_2": (),
    }


def test_a_testcase_subclass_is_read_and_a_broken_file_is_skipped() -> None:
    tests = parse(
        """
        import unittest

        class RefundChecks(unittest.TestCase):
            def test_ac_2_rejected(self):
                with self.assertRaises(ValueError):
                    raise ValueError
        """
    )
    assert tests["RefundChecks.test_ac_2_rejected"].criteria == (("AC-2", "name"),)
    assert tests["RefundChecks.test_ac_2_rejected"].raises
    assert parse_tests("tests/test_broken.py", "def test_(:\n", IDS) == []


def test_requests_statuses_and_calls_are_recorded() -> None:
    tests = parse(
        """
        import pytest
        from app import billing
        from app.refunds import issue_refund as issue
        from rest_framework import status

        def test_over_total(client):
            oid = 7
            resp = client.post(f"/orders/{oid}/refunds?dry=1", json={"amount": 9})
            assert resp.status_code == 422
            client.request("DELETE", "http://testserver/orders/7")
            client.open("/health", method="head")
            client.get(URL)

        def test_calls(self):
            billing.charge(1)
            issue(2)
            Billing().refund()
            self.assertEqual(resp.status_code, status.HTTP_403_FORBIDDEN)
            with pytest.raises(KeyError):
                pass
        """
    )
    over = tests["test_over_total"]
    assert over.requests == (
        RequestCall("POST", "/orders/{}/refunds", 9),
        RequestCall("DELETE", "/orders/7", 11),
        RequestCall("HEAD", "/health", 12),
    )
    assert over.error_statuses == (422,)
    assert not over.raises
    calls = tests["test_calls"]
    assert {"app.billing.charge", "app.refunds.issue_refund", "refund"} <= calls.calls
    assert calls.error_statuses == (403,)
    assert calls.raises
    assert "app.refunds" in calls.imports and "app.refunds.issue_refund" in calls.imports


def test_route_segments_treat_every_parameter_syntax_alike() -> None:
    expected = ("orders", "{}", "refunds")
    for path in (
        "/orders/{id}/refunds",
        "/orders/<int:id>/refunds/",
        "/orders/:id/refunds",
        r"^orders/(?P<pk>\d+)/refunds/$",
        "https://api.example.com/orders/{order_id}/refunds?x=1",
    ):
        assert route_segments(path) == expected, path
    assert same_route(("orders", "7", "refunds"), expected)
    assert not same_route(("orders", "refunds"), expected)
    assert not same_route(("orders", "{}", "payments"), expected)


def test_caller_modules_and_tests_calling_a_caller() -> None:
    assert caller_modules("src/app/billing.py") == ["src.app.billing", "app.billing", "billing"]
    assert caller_modules("app/__init__.py") == ["app"]
    tests = parse(
        """
        from app.billing import charge
        import app.billing as b

        def test_direct():
            charge(1)

        def test_aliased():
            b.charge(2)

        def test_method():
            b.Billing().charge(3)

        def test_other():
            b.refund(3)
        """
    )
    # a file that does not import the caller's module: a `charge` there is someone else's
    other = parse_tests(
        "tests/test_other.py",
        "from other import Billing\n\ndef test_x():\n    Billing().charge(4)\n",
    )
    found = caller_tests("app/billing.py:charge", [*tests.values(), *other])
    assert [t.name for t in found] == ["test_direct", "test_aliased", "test_method"]
    assert caller_tests("app/billing.py:Billing.charge", [tests["test_method"]]) == [
        tests["test_method"]
    ]
    assert caller_tests("app/billing.py", tests.values()) == []


PROJECT = {
    "pytest.ini": """
        [pytest]
        markers =
            acceptance(ids): the acceptance criteria a test verifies
    """,
    "calc.py": """
        def add(a, b):
            return a + b
    """,
    "tests/test_calc.py": '''
        import pytest

        import calc


        @pytest.mark.acceptance("AC-1")
        def test_adds():
            assert calc.add(1, 2) == 3


        class TestBroken:
            def test_ac_2_wrong(self):
                assert calc.add(1, 1) == 3

            @pytest.mark.parametrize("n", [1, 2])
            def test_many(self, n):
                """Verifies AC-3."""
                assert calc.add(n, 0) == n


        @pytest.mark.skip(reason="later")
        def test_ac_4_later():
            pass
    ''',
}


def run_pytest(root: Path, *args: str) -> Path:
    """A real JUnit report: pytest run in a subprocess on the project at `root`."""
    out = root.parent / f"{root.name}-junit.xml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={out}",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return out


def test_junit_results_from_real_pytest_are_matched_to_test_functions(
    make_repo: RepoFactory,
) -> None:
    root = make_repo(PROJECT)
    report = run_pytest(root, "tests/test_calc.py")
    results = Results([Supplied(str(report), load_junit(report))])
    ids = ["AC-1", "AC-2", "AC-3", "AC-4", "AC-5"]
    text = (root / "tests/test_calc.py").read_text()
    tests = {t.name: t for t in parse_tests("tests/test_calc.py", text, ids)}
    assert {name: results.outcome(t) for name, t in tests.items()} == {
        "test_adds": "passed",
        "TestBroken.test_ac_2_wrong": "failed",
        "TestBroken.test_many": "passed",
        "test_ac_4_later": "skipped",
    }
    absent = parse_tests("tests/test_more.py", "def test_adds():\n    pass\n")
    assert results.outcome(absent[0]) == "not-run"
    # a project tested from a subdirectory: classname `tests.test_calc` ends its path
    moved = parse_tests("service/tests/test_calc.py", text, ids)
    assert results.outcome(moved[0]) == "passed"

    criteria = [AcceptanceCriterion(i, f"criterion {i}", n) for n, i in enumerate(ids, start=3)]
    links = {
        link.criterion.id: link for link in link_criteria(criteria, list(tests.values()), results)
    }
    assert {cid: link.status for cid, link in links.items()} == {
        "AC-1": VERIFIED,
        "AC-2": FAILED,
        "AC-3": VERIFIED,
        "AC-4": UNKNOWN_RESULT,
        "AC-5": UNVERIFIED,
    }
    assert [(t.test.id, t.how, t.outcome) for t in links["AC-3"].tests] == [
        ("tests/test_calc.py::TestBroken::test_many", "docstring", "passed")
    ]
    without = link_criteria(criteria, list(tests.values()), Results([]))
    assert [link.status for link in without] == [
        UNKNOWN_RESULT,
        UNKNOWN_RESULT,
        UNKNOWN_RESULT,
        UNKNOWN_RESULT,
        UNVERIFIED,
    ]


SPEC = """\
# Sums

## Acceptance criteria

- AC-1: adding two numbers returns their sum
- AC-2: adding a number to itself doubles it

## Interfaces

### POST /sums/{id}

- Validation: numbers only
"""


def test_tests_are_read_from_git_at_head_not_the_working_tree(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "tests/test_calc.py": """
                def test_ac_1_adds():
                    pass

                def test_unrelated():
                    pass
            """,
            "tests/test_other.py": """
                def test_nothing_spec_related():
                    pass
            """,
            "tests/test_sums.py": """
                def test_posts(client):
                    assert client.post("/sums/3").status_code == 400
            """,
            "calc.py": "def test_ac_2_not_a_test_file():\n    pass\n",
        }
    )
    head = git(root, "rev-parse", "HEAD").strip()
    write_tree(root, {"tests/test_calc.py": "def test_ac_2_uncommitted():\n    pass\n"})
    spec = parse_spec(SPEC, "specs/sums.md")
    found = collect_tests(root, head, spec)
    assert [t.id for t in found] == [
        "tests/test_calc.py::test_ac_1_adds",
        "tests/test_calc.py::test_unrelated",
        "tests/test_sums.py::test_posts",
    ]
    assert found[2].requests == (RequestCall("POST", "/sums/3", 2),)


_PIECES = st.sampled_from(
    [
        "import pytest\n",
        "@pytest.mark.acceptance(",
        '"AC-1"',
        "AC-2, ",
        ")\n",
        "def test_ac_1_x(client):\n",
        "class TestA:\n",
        "    ",
        '    """Verifies AC-3."""\n',
        'client.post(f"/a/{x}", 1)\n',
        "assert r.status_code == 422\n",
        "pytestmark = [",
        "]\n",
        "\x00",
        "(",
        "lambda: (yield)\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=20).map("".join))
def test_reading_any_source_never_raises(source: str) -> None:
    for test in parse_tests("tests/test_fuzz.py", source, IDS):
        assert test.path == "tests/test_fuzz.py"
        assert all(how in ("marker", "name", "docstring") for _, how in test.criteria)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_route_segments_of_any_text(path: str) -> None:
    segments = route_segments(path)
    assert all(s and "/" not in s for s in segments)
    assert same_route(segments, segments)


def test_tests_in_python_314_syntax_are_read() -> None:
    source = "def test_retry():\n    try:\n        run()\n    except OSError, TimeoutError:\n        pass\n"
    assert [t.name for t in parse_tests("tests/test_retry.py", source, IDS)] == ["test_retry"]
