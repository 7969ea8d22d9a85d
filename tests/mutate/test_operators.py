"""The mutant generator: exact mutants per operator, the code it must leave alone, and the
offset, line and ordering guarantees the runner relies on to splice and place them."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodready.mutate.operators import OPERATORS, Mutant, _generate, generate

Row = tuple[int, str, str, str]


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def all_lines(source: str) -> range:
    return range(1, source.count("\n") + 2)


def run(source: str, lines: Iterable[int] | None = None) -> list[Mutant]:
    return generate("pkg/mod.py", source, list(all_lines(source) if lines is None else lines))


def rows(source: str, lines: Iterable[int] | None = None) -> list[Row]:
    return [(m.line, m.operator, m.original, m.mutated) for m in run(source, lines)]


def mutated(source: str, operator: str | None = None) -> list[str]:
    return [m.mutated for m in run(source) if operator is None or m.operator == operator]


# -- operators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "comparison", "boundary"),
    [
        ("a == b", ["a != b"], []),
        ("a != b", ["a == b"], []),
        ("a is b", ["a is not b"], []),
        ("a is not b", ["a is b"], []),
        ("a in b", ["a not in b"], []),
        ("a not in b", ["a in b"], []),
        ("a < b", ["a >= b"], ["a <= b"]),
        ("a <= b", ["a > b"], ["a < b"]),
        ("a > b", ["a <= b"], ["a >= b"]),
        ("a >= b", ["a < b"], ["a > b"]),
    ],
)
def test_comparison_and_boundary(expr: str, comparison: list[str], boundary: list[str]) -> None:
    source = f"x = {expr}\n"
    assert mutated(source, "comparison") == [f"x = {e}" for e in comparison]
    assert mutated(source, "boundary") == [f"x = {e}" for e in boundary]


def test_chained_comparison_mutates_each_operator_separately() -> None:
    assert rows("ok = lo <= x < hi\n") == [
        (1, "boundary", "ok = lo <= x < hi", "ok = lo < x < hi"),
        (1, "comparison", "ok = lo <= x < hi", "ok = lo > x < hi"),
        (1, "boundary", "ok = lo <= x < hi", "ok = lo <= x <= hi"),
        (1, "comparison", "ok = lo <= x < hi", "ok = lo <= x >= hi"),
    ]


def test_two_word_operators_with_odd_spacing_and_line_breaks() -> None:
    assert mutated("x = a is   not b\n") == ["x = a is b"]
    assert mutated("x = a not\tin b\n") == ["x = a in b"]
    source = src(
        """
        x = (a not
             in b)
        """
    )
    assert rows(source) == [(1, "comparison", "x = (a not\nin b)", "x = (a in b)")]
    assert mutated("x = (a)is(b)\n") == ["x = (a)is not(b)"]


def test_operators_found_past_comments_parentheses_and_continuations() -> None:
    source = src(
        """
        total = (a  # a + b - c is a comment, not the operator
                 * (b))
        other = (a) \\
            - b
        """
    )
    # A mutant's text is the lines of its span: here only the operator's line.
    assert rows(source) == [
        (2, "arithmetic", "* (b))", "/ (b))"),
        (4, "arithmetic", "- b", "+ b"),
    ]
    assert run(source)[1].apply(source).endswith("other = (a) \\\n    + b\n")


def test_boolean_swaps_every_operator_of_one_node_together() -> None:
    assert rows("x = a and b and c\n") == [(1, "boolean", "x = a and b and c", "x = a or b or c")]
    assert mutated("x = a or b\n") == ["x = a and b"]
    # Two nodes, two mutants: `(a or b)` is a separate operator from the outer `and`.
    assert mutated("x = (a or b) and c\n") == ["x = (a and b) and c", "x = (a or b) or c"]


def test_boolean_removes_not() -> None:
    assert rows("x = not ready\n") == [(1, "boolean", "x = not ready", "x = ready")]
    assert mutated("x = not(ready)\n") == ["x = (ready)"]
    assert mutated("x = -(a)\n") == ["x = (a)"]
    assert mutated("x = not \\\n    ready\n") == ["x = \\"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a + b", "a - b"),
        ("a - b", "a + b"),
        ("a * b", "a / b"),
        ("a / b", "a * b"),
        ("a // b", "a / b"),
        ("a % b", "a / b"),
        ("a ** b", "a * b"),
        ("a << b", "a >> b"),
        ("a >> b", "a << b"),
        ("a & b", "a | b"),
        ("a | b", "a & b"),
        ("a ^ b", "a & b"),
        ("-a", "a"),
    ],
)
def test_arithmetic(before: str, after: str) -> None:
    assert rows(f"x = {before}\n") == [(1, "arithmetic", f"x = {before}", f"x = {after}")]


@pytest.mark.parametrize(
    ("before", "after"),
    [("+=", "-="), ("-=", "+="), ("*=", "/="), ("//=", "/="), ("**=", "*="), ("^=", "&=")],
)
def test_arithmetic_on_augmented_assignment(before: str, after: str) -> None:
    assert mutated(f"x {before} y\n") == [f"x {after} y"]


def test_no_arithmetic_mutant_for_matrix_multiply_or_unary_plus_and_invert() -> None:
    assert run("x = a @ b\ny = +a\nz = ~a\n") == []


def test_unary_minus_removal_keeps_tokens_apart() -> None:
    # `else-1` is legal; removing the minus must not make the name `else1`.
    assert mutated("y = a if b else-c\n", "arithmetic") == ["y = a if b else c"]


@pytest.mark.parametrize(
    ("literal", "after"),
    [
        ("0", "1"),
        ("1", "2"),
        ("41", "42"),
        ("0x10", "17"),
        ("1_000", "1001"),
        ("1.5", "2.5"),
        ("0.0", "1.0"),
        ("True", "False"),
        ("False", "True"),
    ],
)
def test_constant(literal: str, after: str) -> None:
    assert rows(f"x = {literal}\n") == [(1, "constant", f"x = {literal}", f"x = {after}")]


def test_constant_leaves_strings_bytes_none_ellipsis_and_complex_alone() -> None:
    assert run("a = 'text'\nb = b'raw'\nc = None\nd = ...\ne = 2j\n") == []


def test_constant_is_kept_apart_from_a_following_keyword() -> None:
    assert mutated("z = 1if a else b\n", "constant") == ["z = 2 if a else b"]


def test_constant_skips_a_float_too_large_to_change() -> None:
    assert run("x = 1e16\ny = 1e400\n") == []


def test_return_value() -> None:
    source = src(
        """
        def f(a, b):
            if a:
                return
            if b:
                return None
            return a, b
        """
    )
    assert [r for r in rows(source) if r[1] == "return-value"] == [
        (6, "return-value", "return a, b", "return None")
    ]


def test_remove_call_replaces_the_whole_statement() -> None:
    source = src(
        """
        async def f(db, item):
            db.save(item)
            await db.flush(
                item,
            )
            (notify(item))
        """
    )
    assert [(m.line, m.end_line, m.original, m.mutated) for m in run(source)] == [
        (2, 2, "db.save(item)", "pass"),
        (3, 5, "await db.flush(\nitem,\n)", "pass"),
        (6, 6, "(notify(item))", "pass"),
    ]


@pytest.mark.parametrize(
    "call",
    [
        "print(a + 1)",
        "logger.info('x %s', a + 1)",
        "log.debug(a + 1)",
        "LOG.warning(a + 1)",
        "LOGGER.error(a + 1)",
        "_log.info(a + 1)",
        "_logger.info(a + 1)",
        "logging.info(a + 1)",
        "logging.getLogger(__name__).info(a + 1)",
        "self.logger.info(a + 1)",
        "warnings.warn(a + 1)",
        "__all__.append(a + 1)",
    ],
)
def test_output_and_telemetry_calls_are_not_removed_nor_mutated(call: str) -> None:
    assert run(f"{call}\n") == []


def test_negate_condition() -> None:
    source = src(
        """
        if ready:
            pass
        elif waiting:
            pass
        while busy:
            pass
        x = a if flag else b
        """
    )
    assert rows(source) == [
        (1, "negate-condition", "if ready:", "if not (ready):"),
        (3, "negate-condition", "elif waiting:", "elif not (waiting):"),
        (5, "negate-condition", "while busy:", "while not (busy):"),
        (7, "negate-condition", "x = a if flag else b", "x = a if not (flag) else b"),
    ]


def test_negate_condition_leaves_a_not_test_to_the_boolean_operator() -> None:
    assert rows("if not ready:\n    pass\n") == [
        (1, "boolean", "if not ready:", "if ready:"),
    ]


def test_negate_condition_wraps_a_multi_line_test() -> None:
    source = "if (a and\n        b):\n    pass\n"
    negated = [m for m in run(source) if m.operator == "negate-condition"]
    assert [(m.line, m.end_line, m.mutated) for m in negated] == [
        (1, 2, "if (not (a and\nb)):"),
    ]


def test_remove_raise() -> None:
    source = src(
        """
        try:
            go()
        except KeyError as error:
            raise
        except ValueError as error:
            raise RuntimeError("bad") from error
        """
    )
    assert [r for r in rows(source) if r[1] == "remove-raise"] == [
        (4, "remove-raise", "raise", "pass"),
        (6, "remove-raise", 'raise RuntimeError("bad") from error', "pass"),
    ]


def test_every_operator_name_is_public() -> None:
    assert OPERATORS == (
        "comparison",
        "boundary",
        "boolean",
        "arithmetic",
        "constant",
        "return-value",
        "remove-call",
        "negate-condition",
        "remove-raise",
    )


# -- what is never mutated ---------------------------------------------------------------


def test_nothing_inside_f_strings() -> None:
    assert run('x = f"{a + 1} {b == c} {d if e else 0}"\n') == []


def test_string_concatenation_is_not_arithmetic() -> None:
    source = src(
        """
        a = "prefix" + name
        b = name + f"{suffix}"
        c = "x" + name + other
        d = b"raw" + data
        e = "%s items" % count
        name += "!"
        """
    )
    assert run(source) == []


def test_docstrings_are_left_alone() -> None:
    source = src(
        '''
        """Module docstring."""


        class A:
            """Class docstring."""

            def f(self):
                """Function docstring."""
        '''
    )
    assert run(source) == []


def test_annotations_decorators_and_defaults_are_left_alone() -> None:
    source = src(
        """
        @register(priority=1 + 2, enabled=not DEBUG)
        def f(a: Literal[1] = 1, *, b: int = -1, c=lambda x=0: x) -> Literal[True]:
            pass


        @dataclass(frozen=True)
        class Config:
            limit: Annotated[int, 1 + 1] = 10
        """
    )
    assert rows(source) == [
        (8, "constant", "limit: Annotated[int, 1 + 1] = 10", "limit: Annotated[int, 1 + 1] = 11"),
    ]


def test_lambda_body_is_mutated_but_not_its_defaults() -> None:
    assert mutated("key = lambda x, n=1: x + 1\n") == [
        "key = lambda x, n=1: x - 1",
        "key = lambda x, n=1: x + 2",
    ]


def test_asserts_type_checking_and_main_guard() -> None:
    source = src(
        """
        from typing import TYPE_CHECKING
        import typing

        if TYPE_CHECKING:
            LIMIT = 1
        else:
            LIMIT = 2
        if typing.TYPE_CHECKING:
            other = a + b

        assert total > 0, "positive"

        if __name__ == "__main__":
            main()
        """
    )
    assert rows(source) == [
        (7, "constant", "LIMIT = 2", "LIMIT = 3"),
        (14, "remove-call", "main()", "pass"),
    ]


def test_module_metadata_is_left_alone() -> None:
    source = '__all__ = ["a"] + ["b"]\n__all__ += ["c"]\n__version__ = "1." + str(2)\n'
    assert run(source) == []


@pytest.mark.parametrize("marker", ["# pragma: no mutate", "# prodready: no-mutate"])
def test_no_mutate_markers(marker: str) -> None:
    source = src(
        f"""
        x = a + 1  {marker}
        y = compute(
            a + 1,  {marker}
        )
        z = compute(  {marker}
            a - 1,
        )
        w = a * 2
        """
    )
    assert [(m.line, m.mutated) for m in run(source)] == [(8, "w = a / 2"), (8, "w = a * 3")]


def test_a_marker_inside_a_string_is_not_a_comment() -> None:
    source = 'x = a + 1; y = "# pragma: no mutate"\n'
    assert mutated(source) == [
        'x = a - 1; y = "# pragma: no mutate"',
        'x = a + 2; y = "# pragma: no mutate"',
    ]


# -- positions ---------------------------------------------------------------------------


def test_offsets_are_characters_not_utf8_bytes() -> None:
    source = 'label = "é🎉"; total = price + tax  # prix € \nnext = "ß" < limit\n'
    found = run(source)
    assert [(m.line, m.operator) for m in found] == [
        (1, "arithmetic"),
        (2, "boundary"),
        (2, "comparison"),
    ]
    assert found[0].apply(source) == source.replace("price + tax", "price - tax")
    assert found[0].mutated == 'label = "é🎉"; total = price - tax  # prix €'
    assert source[found[1].start : found[1].end] == "<"
    assert found[2].apply(source).endswith('next = "ß" >= limit\n')


def test_non_ascii_on_the_last_line_of_a_multi_line_span() -> None:
    source = 'def f():\n    save("ü",\n         "€")\n'
    (m,) = run(source)
    assert m.apply(source) == "def f():\n    pass\n"


def test_statement_line_is_the_first_line_of_the_innermost_statement() -> None:
    source = src(
        """
        def f(a, b):
            result = compute(
                a,
                b + 1,
            )
            if (a and
                    b > 2):
                return [
                    x * 2 for x in a
                ]
            elif b:
                pass
            try:
                pass
            except (KeyError if a else ValueError):
                pass
            match a:
                case {"k": 3} if b < 4:
                    pass
        """
    )
    placed = {
        (m.line, m.operator, m.mutated.splitlines()[0]): m.statement_line for m in run(source)
    }
    assert placed[(4, "arithmetic", "b - 1,")] == 2
    assert placed[(6, "boolean", "if (a or")] == 6
    assert placed[(7, "boundary", "b >= 2):")] == 6
    assert placed[(9, "arithmetic", "x / 2 for x in a")] == 8
    assert placed[(11, "negate-condition", "elif not (b):")] == 11
    assert placed[(15, "negate-condition", "except (KeyError if not (a) else ValueError):")] == 15
    # coverage.py records a `case` on its own line, so the guard belongs to it.
    assert placed[(18, "boundary", 'case {"k": 3} if b <= 4:')] == 18


def test_only_mutants_starting_on_the_given_lines() -> None:
    source = src(
        """
        def f(a, b):
            x = a + 1
            y = (a
                 - b)
            return x * y
        """
    )
    assert [(m.line, m.mutated) for m in run(source, [2])] == [(2, "x = a - 1"), (2, "x = a + 2")]
    # The operator of the split expression is on line 4, where its mutant starts.
    assert [(m.line, m.mutated) for m in run(source, [3])] == []
    assert [(m.line, m.mutated) for m in run(source, [4])] == [(4, "+ b)")]
    assert run(source, []) == []
    assert run(source, [99]) == []


def test_line_endings_other_than_newline() -> None:
    crlf = "x = 1\r\nif a < b:\r\n    go()\r\n"
    assert [(m.line, m.operator) for m in run(crlf, [2, 3])] == [
        (2, "negate-condition"),
        (2, "boundary"),
        (2, "comparison"),
        (3, "remove-call"),
    ]
    assert run(crlf, [3])[0].apply(crlf) == "x = 1\r\nif a < b:\r\n    pass\r\n"
    # A lone carriage return ends a line for Python; a form feed does not.
    assert [m.line for m in run("x = 1\ry = a + b\n", [2])] == [2]
    assert [m.line for m in run("x = 1\n\x0c\ny = a + b\n", [3])] == [3]


def test_byte_order_mark_is_kept_and_skipped() -> None:
    source = "\ufeffx = a + b\n"
    (m,) = run(source)
    assert m.apply(source) == "\ufeffx = a - b\n"


def test_unparsable_source_gives_nothing() -> None:
    assert run("def f(:\n    return 1\n") == []
    assert run("x = 1\0\n") == []


# -- verification ------------------------------------------------------------------------


def test_mutants_the_compiler_rejects_are_dropped() -> None:
    # Mapping patterns may not repeat a key: bumping 1 to 2 compiles to a SyntaxError,
    # which the parser alone does not report.
    source = src(
        """
        def f(p):
            match p:
                case {1: x, 2: y}:
                    return x
        """
    )
    assert [m.mutated for m in run(source, [3])] == ["case {1: x, 3: y}:"]


def test_fragment_check_agrees_with_whole_file_check() -> None:
    for source in MODULES:
        lines = list(all_lines(source))
        assert generate("m.py", source, lines) == _generate(
            "m.py", source, lines, local_check=False
        )


def test_order_and_ids_are_stable_across_hash_seeds() -> None:
    script = (
        "import json, sys\n"
        "from prodready.mutate.operators import generate\n"
        "source = sys.stdin.read()\n"
        "ms = generate('pkg/mod.py', source, set(range(1, source.count(chr(10)) + 2)))\n"
        "print(json.dumps([[m.id, m.line, m.start, m.operator, m.replacement] for m in ms]))\n"
    )
    outputs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script],
            input=MODULES[0],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]
    here = run(MODULES[0])
    assert [m.id for m in here] == [row[0] for row in outputs[0]]


def test_id_depends_on_the_splice() -> None:
    a, b = run("x = a < b\n")
    assert len(a.id) == 16 and a.id != b.id
    assert a.id == run("x = a < b\n")[0].id
    assert generate("other.py", "x = a < b\n", [1])[0].id != a.id


# -- properties over real-looking modules --------------------------------------------------

MODULES = [
    src(
        '''
        """Order pricing."""

        from __future__ import annotations

        import logging
        from dataclasses import dataclass
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from collections.abc import Iterable

        logger = logging.getLogger(__name__)
        __all__ = ["Order", "total"]


        @dataclass(frozen=True)
        class Order:
            """One order line."""

            sku: str
            quantity: int = 1
            price: float = 0.0

            @property
            def amount(self) -> float:
                return self.quantity * self.price


        def total(orders: Iterable[Order], *, vip: bool = False, limit: int = 100) -> float:
            """Sum the orders, with the VIP discount above the limit."""
            amount = sum(o.amount for o in orders if o.quantity > 0)
            logger.debug("total %s", amount)
            if vip and amount >= limit:
                amount -= amount * 0.1
            elif not orders or amount < 0:
                raise ValueError(f"bad total {amount + 1}")
            return round(amount, 2) if amount else 0.0
        '''
    ),
    src(
        """
        import asyncio
        import re

        PATTERN = re.compile(r"(?P<key>\\w+)=(?P<value>[^;]*)")  # clé=valeur; naïve ☃


        class Parser:
            retries = 3

            def __init__(self, text: str) -> None:
                self.text = text
                self.pos = 0

            def parse(self) -> dict[str, str]:
                result = {}
                while self.pos < len(self.text) and self.text[self.pos] != "#":
                    match = PATTERN.match(self.text, self.pos)
                    if match is None:
                        break
                    key, value = match["key"], match["value"]
                    if key in result and value is not None:
                        result[key] += ";" + value
                    else:
                        result[key] = value
                    self.pos = match.end() + 1
                return result

            async def fetch(self, client, url):
                for attempt in range(self.retries):
                    try:
                        return await client.get(url, timeout=2 ** attempt)
                    except TimeoutError:
                        await asyncio.sleep(0.5 * (attempt + 1))
                raise TimeoutError(url)


        def kind(value):
            match value:
                case 0 | 1:
                    return "bit"
                case [x, y, *rest] if x > y:
                    return "desc"
                case {"n": n} if n <= -1:
                    return "neg"
                case _:
                    return None
        """
    ),
    src(
        """
        def flags(mask, bits=8):
            out = []
            for i in range(bits):
                if mask & (1 << i) and not (mask >> i) % 2 == 0:
                    out.append(i)
                mask ^= i | 1
            return [b // 2 for b in out if b is not None and b not in (3, 5)]


        def clamp(x, lo, hi):
            return lo if x < lo else hi if x > hi else x


        def walk(tree, visit):
            stack = [tree]
            while stack:
                node = stack.pop()
                visit(node)
                stack.extend(
                    child for child in node.children  # children first
                    if child is not node
                )
            nonlocal_free = -len(stack) + 1
            return nonlocal_free
        """
    ),
]


@pytest.mark.parametrize("source", MODULES, ids=["pricing", "parser", "bits"])
def test_every_mutant_is_a_valid_minimal_splice(source: str) -> None:
    found = run(source)
    assert len(found) > 20
    assert {m.operator for m in found} <= set(OPERATORS)
    assert found == sorted(found, key=lambda m: (m.line, m.start, m.operator, m.replacement))
    assert len({m.id for m in found}) == len(found)
    original_tree = ast.dump(ast.parse(source))
    lines = source.splitlines()
    for m in found:
        out = m.apply(source)
        assert ast.dump(ast.parse(out)) != original_tree, m
        # Only the span changed: the prefix and suffix are byte-for-byte the original.
        assert out[: m.start] == source[: m.start]
        assert out[m.start + len(m.replacement) :] == source[m.end :]
        assert source.count("\n", 0, m.start) + 1 == m.line
        assert source.count("\n", 0, max(m.start, m.end - 1)) + 1 == m.end_line
        assert m.statement_line <= m.line <= m.end_line
        assert m.original == "\n".join(line.strip() for line in lines[m.line - 1 : m.end_line])
        added = m.replacement.count("\n") - source.count("\n", m.start, m.end)
        new_lines = out.splitlines()[m.line - 1 : m.end_line + added]
        assert m.mutated == "\n".join(line.strip() for line in new_lines)


def test_every_operator_appears_in_the_sample_modules() -> None:
    seen = {m.operator for source in MODULES for m in run(source)}
    assert seen == set(OPERATORS)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(MODULES), st.sets(st.integers(min_value=-2, max_value=60)))
def test_line_filter_is_a_filter_of_the_whole_file(source: str, lines: set[int]) -> None:
    everything = run(source)
    assert generate("pkg/mod.py", source, lines) == [m for m in everything if m.line in lines]
