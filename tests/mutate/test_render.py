"""The mutation report as text and Markdown: survivors with where, what and which tests."""

from __future__ import annotations

from prodready.mutate.render import render_mutate
from prodready.mutate.report import MutantResult, MutationReport


def _report() -> MutationReport:
    mutants = (
        MutantResult("app/a.py", 3, "boundary", "if a < b:", "if a <= b:", "killed", ("t::x",)),
        MutantResult(
            "app/a.py",
            7,
            "boolean",
            "return a or b | c",
            "return a and b | c",
            "survived",
            ("tests/test_a.py::test_one", "tests/test_a.py::test_two", "t::3", "t::4"),
        ),
        MutantResult("app/b.py", 2, "constant", "LIMIT = 0", "LIMIT = 1", "uncovered"),
        MutantResult(
            "app/b.py",
            9,
            "remove-call",
            "save()",
            "pass",
            "error",
            ("t::y",),
            detail="the test session failed (exit 3)",
        ),
    )
    return MutationReport(
        base="a" * 40,
        head="b" * 40,
        merge_base="a" * 40,
        mutants=mutants,
        changed_lines=12,
        test_executions=5,
        notes=("1 test(s) fail at head without any mutant; they were not used",),
    )


def test_text_lists_survivors_and_uncovered_then_errors() -> None:
    text = render_mutate(_report(), "text")
    assert "mutation score: 33%" in text  # 1 killed of 3 judged; the error is not counted
    assert "app/a.py:7 [boolean] survived" in text
    assert "    - return a or b | c\n    + return a and b | c" in text
    assert "ran tests/test_a.py::test_one, tests/test_a.py::test_two, t::3 and 1 more" in text
    assert "app/b.py:2 [constant] uncovered" in text and "no test runs this line" in text
    assert "app/b.py:9 [remove-call] the test session failed (exit 3)" in text
    assert "app/a.py:3" not in text  # killed mutants are not listed
    assert text.rstrip().endswith("they were not used")


def test_markdown_escapes_table_cells() -> None:
    md = render_mutate(_report(), "markdown")
    assert "**Mutation score: 33%**" in md
    assert "| `app/a.py:7` | boolean | `return a or b \\| c` | `return a and b \\| c` |" in md
    assert md.count("\n| `app/") == 2  # the survivor and the uncovered mutant
