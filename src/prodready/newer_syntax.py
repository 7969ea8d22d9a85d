"""Read code written for a newer Python than the one prodready runs on.

Projects adopt new syntax quickly once their formatter writes it: `except A, B:` (PEP 758,
Python 3.14) and type parameters (`def first[T](items: list[T]) -> T`, `class Box[T]:`,
`type Pair = tuple[int, int]`; PEP 695, Python 3.12). Under Python 3.11 such a file does
not parse, and a file that does not parse is not judged at all. In the 219 applications
scanned while building the rules, these two forms were what kept 343 of the 402 files
that did not parse from being read.

Both forms are rewritten here into Python 3.11 syntax that the rules read the same way,
keeping every line where it was (so findings and `# prodready: ignore` comments still
match their lines) and every name in its column:

- `except A, B:` becomes `except(A, B):`; its syntax tree is the one Python 3.14 builds.
- Type parameter brackets after a function or class name become blanks (a span over
  several lines also ends each of them with a backslash): the rules never look at type
  parameters.
- `type Pair[T] = ...` becomes `type:Pair    = ...`, an annotated assignment with the
  same value.

F-strings that reuse their quotes inside the braces (PEP 701, Python 3.12) are requoted
first, by `fstring_quotes`, where a swap of quote characters is all they need.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass

from prodready.fstring_quotes import requote_fstrings

_LINE_STARTS = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT})
_OPENING = frozenset("([{")
_CLOSING = frozenset(")]}")


@dataclass(frozen=True)
class _Edit:
    row: int
    col: int
    end_col: int  # the characters [col, end_col) on `row` are replaced
    text: str


def rewrite_newer_syntax(source: str) -> str | None:
    """The source with newer forms rewritten, or None when it holds none of them (or
    cannot be tokenized), so the caller reports the original syntax error."""
    requoted = requote_fstrings(source)
    source = requoted or source
    try:
        tokens = [
            tok
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type != tokenize.COMMENT
        ]
    except (tokenize.TokenError, SyntaxError):
        return None
    lines = io.StringIO(source).readlines()  # rows as the tokenizer counts them
    edits: list[_Edit] = []
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.NAME:
            continue
        at_line_start = i == 0 or tokens[i - 1].type in _LINE_STARTS
        if tok.string == "except" and at_line_start:
            edits.extend(_except_group(tokens, i))
        elif tok.string in ("def", "class"):
            edits.extend(_type_parameters(tokens, i + 1, lines))
        elif tok.string == "type" and at_line_start:
            edits.extend(_type_alias(tokens, i, lines))
    if not edits:
        return requoted
    return _apply(lines, edits)


def _except_group(tokens: list[tokenize.TokenInfo], i: int) -> list[_Edit]:
    """`except A, B:` (and `except* A, B:`): parentheses around the unparenthesised
    tuple. With `as` the parentheses were always required, so that form is left alone."""
    start = i + 1
    if start < len(tokens) and tokens[start].string == "*":
        start += 1
    depth = 0
    top_level_comma = False
    for j in range(start, len(tokens)):
        tok = tokens[j]
        if tok.type == tokenize.OP and tok.string in _OPENING:
            depth += 1
        elif tok.type == tokenize.OP and tok.string in _CLOSING:
            depth -= 1
        elif depth == 0 and tok.string == ",":
            top_level_comma = True
        elif tok.type == tokenize.NEWLINE or (depth == 0 and tok.string == "as"):
            return []
        elif depth == 0 and tok.string == ":":
            if not top_level_comma:
                return []
            row, col = tok.start
            return [_open_before(tokens[start], tokens[start - 1]), _Edit(row, col, col, ")")]
    return []


def _open_before(first: tokenize.TokenInfo, previous: tokenize.TokenInfo) -> _Edit:
    """A `(` in the blank between the keyword and the tuple, so the names keep their
    columns; inserted when there is no blank (`except*A, B:`)."""
    row, col = first.start
    if previous.end[0] == row and previous.end[1] < col:
        return _Edit(row, col - 1, col, "(")
    return _Edit(row, col, col, "(")


def _type_parameters(
    tokens: list[tokenize.TokenInfo], name_at: int, lines: list[str]
) -> list[_Edit]:
    """`def f[T](...)` / `class C[T]:`: the bracketed parameters, blanked."""
    if name_at + 1 >= len(tokens) or tokens[name_at].type != tokenize.NAME:
        return []
    if tokens[name_at + 1].string != "[":
        return []
    closing = _matching_close(tokens, name_at + 1)
    return [] if closing is None else _blank(tokens[name_at + 1], tokens[closing], lines)


def _type_alias(tokens: list[tokenize.TokenInfo], i: int, lines: list[str]) -> list[_Edit]:
    """`type Name = value` / `type Name[T] = value`: the blank after `type` becomes a colon,
    an annotated assignment that Python 3.11 parses; type parameters are blanked."""
    if i + 2 >= len(tokens) or tokens[i + 1].type != tokenize.NAME:
        return []
    name = tokens[i + 1]
    keyword_end = tokens[i].end
    if name.start[0] != keyword_end[0] or name.start[1] == keyword_end[1]:
        return []
    edits = [_Edit(keyword_end[0], keyword_end[1], keyword_end[1] + 1, ":")]
    after = i + 2
    if tokens[after].string == "[":
        closing = _matching_close(tokens, after)
        if closing is None or closing + 1 >= len(tokens):
            return []
        edits.extend(_blank(tokens[after], tokens[closing], lines))
        after = closing + 1
    return edits if tokens[after].string == "=" else []


def _blank(
    opening: tokenize.TokenInfo, closing: tokenize.TokenInfo, lines: list[str]
) -> list[_Edit]:
    """Blanks over a bracketed span. A span over several lines ends each of its lines with
    a backslash, so the statement stays one logical line on the lines it had."""
    (row, col), (end_row, end_col) = opening.start, closing.end
    if row == end_row:
        return [_Edit(row, col, end_col, " " * (end_col - col))]
    edits = []
    for number in range(row, end_row):
        text = lines[number - 1].rstrip("\r\n")
        first = col if number == row else 0
        width = len(text) - first
        edits.append(_Edit(number, first, len(text), " " * (width - 1) + "\\" if width else "\\"))
    edits.append(_Edit(end_row, 0, end_col, " " * end_col))
    return edits


def _matching_close(tokens: list[tokenize.TokenInfo], open_at: int) -> int | None:
    depth = 0
    for j in range(open_at, len(tokens)):
        tok = tokens[j]
        if tok.type != tokenize.OP:
            continue
        if tok.string in _OPENING:
            depth += 1
        elif tok.string in _CLOSING:
            depth -= 1
            if depth == 0:
                return j
    return None


def _apply(lines: list[str], edits: list[_Edit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.row, e.col), reverse=True):
        line = lines[edit.row - 1]
        lines[edit.row - 1] = line[: edit.col] + edit.text + line[edit.end_col :]
    return "".join(lines)
