"""Code in Python 3.12 to 3.14 syntax is read on Python 3.11, at its own lines."""

from __future__ import annotations

import ast
import textwrap

from prodready.newer_syntax import rewrite_newer_syntax
from prodready.repo.python_facts import analyse_source
from tests.scan.harness import flagged_lines

EXCEPT_GROUPS = textwrap.dedent(
    """\
    import requests

    def fetch(url):
        try:
            return requests.get(url)
        except ValueError, KeyError:
            return None
    """
)


def test_an_unparenthesised_except_tuple_gets_the_tree_python_314_builds() -> None:
    rewritten = rewrite_newer_syntax(EXCEPT_GROUPS)
    assert rewritten is not None
    assert rewritten.splitlines()[5] == "    except(ValueError, KeyError):"
    handler = ast.parse(rewritten).body[1].body[0].handlers[0]  # type: ignore[attr-defined]
    assert isinstance(handler.type, ast.Tuple)
    assert [n.id for n in handler.type.elts] == ["ValueError", "KeyError"]
    assert (handler.type.elts[0].lineno, handler.type.elts[0].col_offset) == (6, 11)


def test_except_star_and_multi_line_tuples_keep_their_lines() -> None:
    source = "try:\n    pass\nexcept* OSError, (\n    TimeoutError):\n    pass\n"
    rewritten = rewrite_newer_syntax(source)
    assert rewritten == "try:\n    pass\nexcept*(OSError, (\n    TimeoutError)):\n    pass\n"
    ast.parse(rewritten)


def test_code_that_python_311_already_reads_is_not_rewritten() -> None:
    source = textwrap.dedent(
        """\
        try:
            pass
        except (ValueError, KeyError) as exc:  # except A, B: in a comment
            print(exc)
        type = "text"
        if type(x) == int:
            pass
        """
    )
    assert rewrite_newer_syntax(source) is None


def test_type_parameters_are_blanked_and_aliases_become_annotations() -> None:
    source = textwrap.dedent(
        """\
        def first[T: (int, str)](items: list[T]) -> T:
            return items[0]
        async def fetch[T](url: str) -> T: ...
        class Box[T](Base[T]):
            type Pair[K] = tuple[K, K]
        type Alias = dict[str, int]
        """
    )
    rewritten = rewrite_newer_syntax(source)
    assert rewritten is not None
    assert rewritten.splitlines() == [
        "def first               (items: list[T]) -> T:",
        "    return items[0]",
        "async def fetch   (url: str) -> T: ...",
        "class Box   (Base[T]):",
        "    type:Pair    = tuple[K, K]",
        "type:Alias = dict[str, int]",
    ]
    tree = ast.parse(rewritten)
    assert [type(node).__name__ for node in tree.body] == [
        "FunctionDef",
        "AsyncFunctionDef",
        "ClassDef",
        "AnnAssign",
    ]


def test_type_parameters_over_several_lines_keep_the_statement_on_its_lines() -> None:
    source = textwrap.dedent(
        """\
        class Service[
            T: Model,  # the stored type

            K,
        ](Base):
            type Key[**P] = Callable[P, K]
        """
    )
    rewritten = rewrite_newer_syntax(source)
    assert rewritten is not None
    assert rewritten.splitlines() == [
        "class Service\\",
        " " * 31 + "\\",
        "\\",
        "     \\",
        " (Base):",
        "    type:Key      = Callable[P, K]",
    ]
    cls = ast.parse(rewritten).body[0]
    assert isinstance(cls, ast.ClassDef)
    assert (cls.lineno, cls.body[0].lineno) == (1, 6)


def test_pep_701_f_strings_get_the_other_quote_inside_their_braces() -> None:
    """DefectDojo's Jira views: `f'JIRA "{form.get('name')}" added'`. Each clashing inner
    string takes the other quote, at any nesting and in a format spec, column for column;
    a string that Python 3.11 already reads is left as it is."""
    written = [
        "title = f'JIRA \"{jform.get('name')}\" added by {user}'",
        'names = f"{", ".join(names)!r:>{width}}"',
        'nested = f"{f"{x}"} and {y:{"w"}}"',
        "triple = f" + "'" * 3 + "{d['k']}" + "'" * 3 + " + f\"{d['k']}\"",
    ]
    rewritten = rewrite_newer_syntax("\n".join(written) + "\n")
    assert rewritten is not None
    assert rewritten.splitlines() == [
        'title = f\'JIRA "{jform.get("name")}" added by {user}\'',
        "names = f\"{', '.join(names)!r:>{width}}\"",
        "nested = f\"{f'{x}'} and {y:{'w'}}\"",
        written[3],
    ]
    tree = ast.parse(rewritten)
    title = tree.body[0].value  # type: ignore[attr-defined]
    call = title.values[1].value
    assert ast.unparse(call) == "jform.get('name')"
    assert (call.lineno, call.col_offset) == (1, 17)


def test_pep_701_f_strings_a_swap_cannot_fix_are_left_alone() -> None:
    """An inner string holding the other quote, a backslash or a comment inside the
    braces, or three clashing levels: Python 3.11 has no spelling for them."""
    for source in (
        'x = f"{d["it\'s"]}"\n',
        'x = f"{"\\n".join(lines)}"\n',
        "x = f'{f\"{d['k']}\"}'\n",
        'x = f"{a  # why\n}"\n',
    ):
        assert rewrite_newer_syntax(source) is None, source


def test_the_rules_judge_a_file_written_for_python_314_at_its_own_lines() -> None:
    assert flagged_lines(EXCEPT_GROUPS, "PR101") == [5]
    generic = textwrap.dedent(
        """\
        import requests

        def fetch[T](url: str, parse: type[T]) -> T:
            try:
                return parse(requests.post(url).json())
            except ValueError, KeyError:
                pass
        """
    )
    assert flagged_lines(generic, "PR101") == [5]
    quoted = 'import requests\n\nlog(f"{", ".join(ids)}")\nrequests.get(url)\n'
    assert flagged_lines(quoted, "PR101") == [4]


def test_other_syntax_errors_keep_their_own_line() -> None:
    source = b"try:\n    pass\nexcept A, B:\n    pass\nx = = 1\n"
    facts = analyse_source("pkg/mod.py", source, is_test=False)
    assert facts.error is not None
    assert facts.error.startswith("syntax error at line 5: invalid syntax (parsed as")
