"""Findings in code that can never run are dropped, except credentials written there."""

from __future__ import annotations

import ast
import textwrap

from prodready.scan.unreachable import DeadLines, unreachable_spans
from tests.scan.harness import flagged_lines


def spans(code: str) -> list[tuple[int, int]]:
    return unreachable_spans(ast.parse(textwrap.dedent(code)))


def test_statements_after_a_terminal_statement_are_dead() -> None:
    code = """\
    def f(x):
        return 1
        g()
        h()

    for item in items:
        if item:
            continue
            skip()
        use(item)
    """
    assert spans(code) == [(3, 4), (9, 9)]


def test_an_if_is_terminal_only_when_every_branch_is() -> None:
    code = """\
    def f(x):
        if x:
            return 1
        else:
            raise ValueError(x)
        after()

    def g(x):
        if x:
            return 1
        after()
    """
    assert spans(code) == [(6, 6)]


def test_a_with_block_ending_in_raise_may_fall_through() -> None:
    code = """\
    def f():
        with suppress(KeyError):
            raise KeyError
        runs()
        with lock:
            return 1
        never()
    """
    assert spans(code) == [(7, 7)]


def test_try_handlers_are_not_followed_but_their_own_bodies_are() -> None:
    code = """\
    def f():
        try:
            return g()
        except OSError:
            pass
        runs()
        try:
            pass
        except OSError:
            raise
            never()
    """
    assert spans(code) == [(11, 11)]


def test_dead_lines_answer_for_nested_spans() -> None:
    dead = DeadLines([(3, 10), (5, 6), (20, 20)])
    assert [n for n in range(1, 22) if n in dead] == [3, 4, 5, 6, 7, 8, 9, 10, 20]


def test_rules_skip_dead_code_but_a_written_credential_still_counts() -> None:
    code = textwrap.dedent(
        """\
        import requests

        def check(user):
            return None
            requests.get("https://example.org/" + user)
            api_key = "sk_live_51FAKEkeyDoNotUse0000000000abcdEF"
        """
    )
    assert flagged_lines(code, "PR101") == []
    assert flagged_lines(code, "PR109") == [6]
