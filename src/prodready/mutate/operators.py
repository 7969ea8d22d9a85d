"""The mutants of one Python file's changed lines, as minimal text splices.

Mutants are splices of the source text rather than rewritten syntax trees because
`ast.unparse` would reformat the whole file: every line number after the first change
would move, coverage could no longer say which tests reach a mutant, and a report could
not show the line as the author wrote it. A splice touches only the operator, literal or
statement it mutates and keeps every other byte.

The file is parsed once. Operators are not nodes, so their tokens are found in the short
gap between the operand spans instead of by tokenizing the file again. Every candidate is
compiled before it is returned, and one whose tree is unchanged is dropped: a mutant the
compiler rejects, or that cannot change behaviour, would only be reported as noise.
"""

from __future__ import annotations

import ast
import bisect
import hashlib
import io
import re
import tokenize
import warnings
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from prodready.astwalk import parse_quietly

OPERATORS: tuple[str, ...] = (
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


@dataclass(frozen=True)
class Mutant:
    """One splice of the source, with what a report and the runner need to place it."""

    path: str
    line: int
    end_line: int
    statement_line: int
    operator: str
    original: str
    mutated: str
    start: int
    end: int
    replacement: str

    @property
    def id(self) -> str:
        """A name for the mutant that survives re-runs and process boundaries, so results
        can be cached and compared; it changes whenever the splice itself would."""
        key = "\0".join(
            (
                self.path,
                str(self.line),
                self.operator,
                str(self.start),
                str(self.end),
                self.replacement,
            )
        )
        return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def apply(self, source: str) -> str:
        return source[: self.start] + self.replacement + source[self.end :]


# Operator tables. Each maps an AST operator class to the source text it is written as
# and the text(s) it is mutated into, so the token found in the source can be checked
# against the tree before anything is replaced.
_COMPARE_TEXT: dict[type[ast.cmpop], tuple[str, ...]] = {
    ast.Eq: ("==",),
    ast.NotEq: ("!=",),
    ast.Lt: ("<",),
    ast.LtE: ("<=",),
    ast.Gt: (">",),
    ast.GtE: (">=",),
    ast.Is: ("is",),
    ast.IsNot: ("is", "not"),
    ast.In: ("in",),
    ast.NotIn: ("not", "in"),
}
_NEGATED_COMPARE: dict[type[ast.cmpop], str] = {
    ast.Eq: "!=",
    ast.NotEq: "==",
    ast.Is: "is not",
    ast.IsNot: "is",
    ast.In: "not in",
    ast.NotIn: "in",
    ast.Lt: ">=",
    ast.GtE: "<",
    ast.Gt: "<=",
    ast.LtE: ">",
}
_BOUNDARY: dict[type[ast.cmpop], str] = {
    ast.Lt: "<=",
    ast.LtE: "<",
    ast.Gt: ">=",
    ast.GtE: ">",
}
_BINOP_TEXT: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.MatMult: "@",
}
_ARITHMETIC: dict[type[ast.operator], str] = {
    ast.Add: "-",
    ast.Sub: "+",
    ast.Mult: "/",
    ast.Div: "*",
    ast.FloorDiv: "/",
    ast.Mod: "/",
    ast.Pow: "*",
    ast.LShift: ">>",
    ast.RShift: "<<",
    ast.BitAnd: "|",
    ast.BitOr: "&",
    ast.BitXor: "&",
}

# Calls whose removal no test is meant to notice: output and telemetry. The names are
# matched against every name in the receiver (`self.logger.info`, `LOG.debug`).
_SILENT_RECEIVERS = frozenset({"logger", "log", "logging", "LOG", "LOGGER", "_log", "_logger"})
_SILENT_CALLS = frozenset({("print",), ("warnings", "warn")})
# Module metadata that tools read statically; mutating it tests nothing.
_METADATA_NAMES = frozenset({"__all__", "__version__"})

_NO_MUTATE = re.compile(r"pragma:\s*no\s*mutate|prodready:\s*no-mutate")
_NO_MUTATE_HINT = ("no mutate", "no-mutate")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_OPERATOR_CHARS = frozenset("<>=!+-*/%&|^@~")
_GAP_SKIP = frozenset(" \t\f\r\n()")

# Typed as a plain int so `compile` is checked against its general signature.
_ONLY_AST: int = ast.PyCF_ONLY_AST
_Token = tuple[int, int]
_Children = Iterable[ast.AST]


def generate(path: str, source: str, lines: Collection[int]) -> list[Mutant]:
    """Every mutant whose splice begins on one of `lines`, in a stable order.

    A source that does not parse yields nothing: the caller reports unparsable files,
    and a mutant of one could never be told apart from the syntax error.
    """
    return _generate(path, source, lines, local_check=True)


def _generate(path: str, source: str, lines: Collection[int], *, local_check: bool) -> list[Mutant]:
    wanted = sorted({line for line in lines if line > 0})
    if not wanted:
        return []
    # A byte-order mark is legal in a file but not in `str` source: parse without it and
    # shift every offset back over it, so splices still apply to the source as given.
    base = 1 if source.startswith("\ufeff") else 0
    text = source[base:]
    try:
        tree = parse_quietly(text, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return _Generator(path, text, base, tree, wanted, local_check).run()


def _only_statement(tree: ast.Module | None, *, nested: bool) -> ast.stmt | None:
    """The single statement a fragment was compiled for, looking inside its `if 1:`."""
    if tree is None or len(tree.body) != 1:
        return None
    statement = tree.body[0]
    if not nested:
        return statement
    if isinstance(statement, ast.If) and len(statement.body) == 1 and not statement.orelse:
        return statement.body[0]
    return None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _docstring_free(body: list[ast.stmt]) -> list[ast.stmt]:
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return body[1:]
    return body


def _name_chain(node: ast.expr) -> list[str]:
    """The names along a dotted receiver, root first: `self.log.info` -> self, log, info.

    Calls and subscripts in the chain are walked through (`logging.getLogger(x).info`),
    because the receiver is still the logger however it was obtained.
    """
    names: list[str] = []
    current: ast.expr = node
    while True:
        if isinstance(current, ast.Attribute):
            names.append(current.attr)
            current = current.value
        elif isinstance(current, ast.Call):
            current = current.func
        elif isinstance(current, ast.Subscript):
            current = current.value
        elif isinstance(current, ast.Name):
            names.append(current.id)
            break
        else:
            break
    names.reverse()
    return names


def _is_silent_call(call: ast.Call) -> bool:
    chain = _name_chain(call.func)
    if not chain:
        return False
    if tuple(chain) in _SILENT_CALLS or chain[0] in _METADATA_NAMES:
        return True
    receiver = chain[:-1] if isinstance(call.func, ast.Attribute) else []
    return any(name in _SILENT_RECEIVERS for name in receiver)


def _is_stringy(node: ast.expr) -> bool:
    """True when the expression is certainly a string, so `+` on it is concatenation."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | bytes)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Add):
            return _is_stringy(node.left) or _is_stringy(node.right)
        if isinstance(node.op, ast.Mod):
            return _is_stringy(node.left)
    return False


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_main_guard(test: ast.expr) -> bool:
    if not (
        isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
    ):
        return False
    sides = (test.left, test.comparators[0])
    has_name = any(isinstance(side, ast.Name) and side.id == "__name__" for side in sides)
    has_main = any(isinstance(side, ast.Constant) and side.value == "__main__" for side in sides)
    return has_name and has_main


def _targets_metadata(targets: Sequence[ast.expr]) -> bool:
    return any(isinstance(t, ast.Name) and t.id in _METADATA_NAMES for t in targets)


_Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, eq=False)
class _Candidate:
    operator: str
    start: int
    end: int
    replacement: str
    statement_line: int
    scope: ast.stmt | None  # the unit recompiled to check it: see `_changes_tree`


@dataclass(frozen=True)
class _Fragment:
    """A statement's own text, which can be compiled without the rest of the file.

    `prefix` is the `if 1:` that lets an indented method parse on its own; `dump` is the
    statement's tree, the thing a mutant inside it must change.
    """

    start: int
    end: int
    prefix: str
    dump: str


class _Generator:
    """The state of one file's pass: its text, line table and the candidates found."""

    def __init__(
        self,
        path: str,
        text: str,
        base: int,
        tree: ast.Module,
        wanted: list[int],
        local_check: bool,
    ):
        self.path = path
        self.text = text
        self.base = base
        self.tree = tree
        self.wanted = wanted
        self.wanted_set = frozenset(wanted)
        # Python ends a line at \r\n, \r or \n and at nothing else; str.splitlines would
        # also split at form feeds and Unicode separators and shift every line after them.
        self.line_starts = [0]
        self.line_ends: list[int] = []
        for match in _NEWLINE.finditer(text):
            self.line_ends.append(match.start())
            self.line_starts.append(match.end())
        self.line_ends.append(len(text))
        self.encoded: dict[int, bytes | None] = {}
        self.candidates: list[_Candidate] = []
        self.scope: ast.stmt | None = None
        self.local_check = local_check
        self.fragments: dict[int, _Fragment | None] = {}
        self.original_dump: str | None = None
        self.handlers: dict[type[ast.AST], Callable[[ast.AST, int], _Children | None]] = {
            ast.Module: self._module,
            ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function,
            ast.ClassDef: self._class,
            ast.Lambda: self._lambda,
            ast.Assert: self._nothing,
            ast.arguments: self._nothing,
            ast.JoinedStr: self._nothing,
            ast.Assign: self._assign,
            ast.AnnAssign: self._ann_assign,
            ast.AugAssign: self._aug_assign,
            ast.If: self._if,
            ast.While: self._while,
            ast.IfExp: self._if_exp,
            ast.Expr: self._expr,
            ast.Return: self._return,
            ast.Raise: self._raise,
            ast.Compare: self._compare,
            ast.BinOp: self._bin_op,
            ast.BoolOp: self._bool_op,
            ast.UnaryOp: self._unary_op,
            ast.Constant: self._constant,
        }

    # -- positions ---------------------------------------------------------------------

    def _offset(self, lineno: int, byte_col: int) -> int:
        """The `str` offset of an AST position, whose column counts UTF-8 bytes."""
        start = self.line_starts[lineno - 1]
        if lineno not in self.encoded:
            line = self.text[start : self.line_ends[lineno - 1]]
            self.encoded[lineno] = None if line.isascii() else line.encode("utf-8")
        encoded = self.encoded[lineno]
        if encoded is None:
            return start + byte_col
        return start + len(encoded[:byte_col].decode("utf-8"))

    def _start(self, node: ast.expr | ast.stmt) -> int:
        return self._offset(node.lineno, node.col_offset)

    def _end(self, node: ast.expr | ast.stmt) -> int:
        assert node.end_lineno is not None and node.end_col_offset is not None
        return self._offset(node.end_lineno, node.end_col_offset)

    def _line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.line_starts, offset)

    def _touches(self, first: int, last: int) -> bool:
        index = bisect.bisect_left(self.wanted, first)
        return index < len(self.wanted) and self.wanted[index] <= last

    def _gap_tokens(self, start: int, end: int) -> list[_Token] | None:
        """The tokens between two operand spans, which can only be the operator itself
        plus layout: parentheses around the operands, comments, line continuations.
        Anything else means the positions are not what they seem; None refuses."""
        text = self.text
        tokens: list[_Token] = []
        i = start
        while i < end:
            char = text[i]
            if char in _GAP_SKIP or char == "\\":
                i += 1
            elif char == "#":
                while i < end and text[i] not in "\r\n":
                    i += 1
            elif _is_word_char(char):
                j = i + 1
                while j < end and _is_word_char(text[j]):
                    j += 1
                tokens.append((i, j))
                i = j
            elif char in _OPERATOR_CHARS:
                j = i + 1
                while j < end and text[j] in _OPERATOR_CHARS:
                    j += 1
                tokens.append((i, j))
                i = j
            else:
                return None
        return tokens

    def _operator_tokens(
        self, left: ast.expr, right: ast.expr, expected: Sequence[str]
    ) -> list[_Token] | None:
        tokens = self._gap_tokens(self._end(left), self._start(right))
        if tokens is None or [self.text[s:e] for s, e in tokens] != list(expected):
            return None
        return tokens

    def _pad(self, start: int, end: int, replacement: str) -> str:
        """Keep a replacement from fusing with its neighbours: `1if` is legal Python, and
        `else-x` with the minus removed must become `else x`, not the name `elsex`."""
        before = self.text[start - 1] if start > 0 else ""
        after = self.text[end] if end < len(self.text) else ""
        if not replacement:
            return " " if _is_word_char(before) and _is_word_char(after) else ""
        if _is_word_char(before) and _is_word_char(replacement[0]):
            replacement = " " + replacement
        if _is_word_char(after) and _is_word_char(replacement[-1]):
            replacement += " "
        return replacement

    def _emit(
        self, operator: str, start: int, end: int, replacement: str, statement_line: int
    ) -> None:
        if self._line_of(start) in self.wanted_set:
            replacement = self._pad(start, end, replacement)
            self.candidates.append(
                _Candidate(operator, start, end, replacement, statement_line, self.scope)
            )

    # -- the walk ----------------------------------------------------------------------

    def run(self) -> list[Mutant]:
        # An explicit stack: a long chain like `a + b + ... + z` nests as deep as it is
        # long, and recursion would hit the interpreter's limit where the parser did not.
        stack: list[tuple[ast.AST, int, ast.stmt | None]] = [(self.tree, 1, None)]
        handlers = self.handlers
        while stack:
            node, statement_line, scope = stack.pop()
            lineno = getattr(node, "lineno", None)
            if lineno is not None and not self._touches(
                lineno, getattr(node, "end_lineno", lineno)
            ):
                continue
            if isinstance(node, ast.stmt):
                statement_line = node.lineno
                if scope is None or (
                    isinstance(node, _Function) and not isinstance(scope, _Function)
                ):
                    scope = node
            elif isinstance(node, ast.ExceptHandler):
                statement_line = node.lineno
            elif isinstance(node, ast.match_case):
                # coverage.py records each `case` on its own line, not on the `match`.
                statement_line = node.pattern.lineno
            self.scope = scope
            handler = handlers.get(type(node))
            children = handler(node, statement_line) if handler is not None else None
            if children is None:
                children = ast.iter_child_nodes(node)
            stack.extend((child, statement_line, scope) for child in children)
        return self._mutants()

    def _nothing(self, node: ast.AST, statement_line: int) -> _Children:
        return ()

    def _module(self, node: ast.AST, statement_line: int) -> _Children:
        assert isinstance(node, ast.Module)
        return _docstring_free(node.body)

    def _function(self, node: ast.AST, statement_line: int) -> _Children:
        # Decorators, defaults and annotations run once, at import: a mutant there either
        # breaks every test at once or changes nothing a test looks at. Only the body.
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        return _docstring_free(node.body)

    def _class(self, node: ast.AST, statement_line: int) -> _Children:
        assert isinstance(node, ast.ClassDef)
        return [*node.bases, *node.keywords, *_docstring_free(node.body)]

    def _lambda(self, node: ast.AST, statement_line: int) -> _Children:
        assert isinstance(node, ast.Lambda)
        return (node.body,)

    def _assign(self, node: ast.AST, statement_line: int) -> _Children | None:
        assert isinstance(node, ast.Assign)
        return () if _targets_metadata(node.targets) else None

    def _ann_assign(self, node: ast.AST, statement_line: int) -> _Children:
        assert isinstance(node, ast.AnnAssign)
        if _targets_metadata([node.target]) or node.value is None:
            return ()
        return (node.target, node.value)

    def _aug_assign(self, node: ast.AST, statement_line: int) -> _Children:
        assert isinstance(node, ast.AugAssign)
        if _targets_metadata([node.target]):
            return ()
        new = _ARITHMETIC.get(type(node.op))
        if new is not None and not (isinstance(node.op, ast.Add) and _is_stringy(node.value)):
            old = _BINOP_TEXT[type(node.op)] + "="
            tokens = self._operator_tokens(node.target, node.value, (old,))
            if tokens is not None:
                ((start, end),) = tokens
                self._emit("arithmetic", start, end, new + "=", statement_line)
        return (node.target, node.value)

    def _negate(self, test: ast.expr, statement_line: int) -> None:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return
        start, end = self._start(test), self._end(test)
        self._emit("negate-condition", start, end, f"not ({self.text[start:end]})", statement_line)

    def _if(self, node: ast.AST, statement_line: int) -> _Children:
        assert isinstance(node, ast.If)
        if _is_type_checking(node.test):
            return node.orelse
        if _is_main_guard(node.test):
            return [*node.body, *node.orelse]
        self._negate(node.test, statement_line)
        return [node.test, *node.body, *node.orelse]

    def _while(self, node: ast.AST, statement_line: int) -> None:
        assert isinstance(node, ast.While)
        self._negate(node.test, statement_line)

    def _if_exp(self, node: ast.AST, statement_line: int) -> None:
        assert isinstance(node, ast.IfExp)
        self._negate(node.test, statement_line)

    def _expr(self, node: ast.AST, statement_line: int) -> _Children | None:
        assert isinstance(node, ast.Expr)
        value = node.value
        call = value.value if isinstance(value, ast.Await) else value
        if isinstance(call, ast.Call):
            if _is_silent_call(call):
                return ()
            self._emit("remove-call", self._start(node), self._end(node), "pass", statement_line)
        return None

    def _return(self, node: ast.AST, statement_line: int) -> None:
        assert isinstance(node, ast.Return)
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return
        self._emit("return-value", self._start(value), self._end(value), "None", statement_line)

    def _raise(self, node: ast.AST, statement_line: int) -> None:
        assert isinstance(node, ast.Raise)
        self._emit("remove-raise", self._start(node), self._end(node), "pass", statement_line)

    def _compare(self, node: ast.AST, statement_line: int) -> None:
        assert isinstance(node, ast.Compare)
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            kind = type(op)
            tokens = self._operator_tokens(left, right, _COMPARE_TEXT[kind])
            if tokens is not None:
                start, end = tokens[0][0], tokens[-1][1]
                self._emit("comparison", start, end, _NEGATED_COMPARE[kind], statement_line)
                if kind in _BOUNDARY:
                    self._emit("boundary", start, end, _BOUNDARY[kind], statement_line)
            left = right

    def _bin_op(self, node: ast.AST, statement_line: int) -> None:
        assert isinstance(node, ast.BinOp)
        new = _ARITHMETIC.get(type(node.op))
        if new is None:
            return
        if isinstance(node.op, ast.Add) and (_is_stringy(node.left) or _is_stringy(node.right)):
            return
        if isinstance(node.op, ast.Mod) and _is_stringy(node.left):
            return  # %-formatting, not arithmetic
        tokens = self._operator_tokens(node.left, node.right, (_BINOP_TEXT[type(node.op)],))
        if tokens is not None:
            ((start, end),) = tokens
            self._emit("arithmetic", start, end, new, statement_line)

    def _bool_op(self, node: ast.AST, statement_line: int) -> None:
        # `a and b and c` is one node with one operator: all its tokens swap together, as
        # one splice from the first token to the last.
        assert isinstance(node, ast.BoolOp)
        old, new = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        found: list[_Token] = []
        for left, right in pairwise(node.values):
            tokens = self._operator_tokens(left, right, (old,))
            if tokens is None:
                return
            found.extend(tokens)
        start, end = found[0][0], found[-1][1]
        parts: list[str] = []
        position = start
        for token_start, token_end in found:
            parts.append(self.text[position:token_start])
            parts.append(self._pad(token_start, token_end, new))
            position = token_end
        self._emit("boolean", start, end, "".join(parts), statement_line)

    def _unary_op(self, node: ast.AST, statement_line: int) -> None:
        assert isinstance(node, ast.UnaryOp)
        if isinstance(node.op, ast.Not):
            operator, prefix = "boolean", "not"
        elif isinstance(node.op, ast.USub):
            operator, prefix = "arithmetic", "-"
        else:
            return
        # Only the operator and the blanks after it go: the operand may begin with a
        # parenthesis that is not part of its span (`not(ready)`).
        start, limit = self._start(node), self._start(node.operand)
        if self.text.startswith(prefix, start):
            end = start + len(prefix)
            while end < limit and self.text[end] in " \t":
                end += 1
            self._emit(operator, start, end, "", statement_line)

    def _constant(self, node: ast.AST, statement_line: int) -> None:
        assert isinstance(node, ast.Constant)
        value = node.value
        if isinstance(value, bool):
            replacement = "False" if value else "True"
        elif isinstance(value, int):
            try:
                replacement = str(value + 1)
            except ValueError:  # beyond the interpreter's int-to-str digit limit
                return
        elif isinstance(value, float):
            bumped = value + 1.0
            if bumped == value or bumped - bumped != 0.0:  # too large to change, or inf/nan
                return
            replacement = repr(bumped)
        else:
            return
        self._emit("constant", self._start(node), self._end(node), replacement, statement_line)

    # -- results -----------------------------------------------------------------------

    def _no_mutate_lines(self) -> frozenset[int]:
        """Lines whose comment opts out of mutation. Tokenizing finds real comments only,
        not the marker quoted in a string; it runs only when the marker's text is there."""
        if not any(hint in self.text for hint in _NO_MUTATE_HINT):
            return frozenset()
        found: set[int] = set()
        try:
            # newline=None reads \r and \r\n as line ends, as the parser numbered them.
            readline = io.StringIO(self.text, newline=None).readline
            for token in tokenize.generate_tokens(readline):
                if token.type == tokenize.COMMENT and _NO_MUTATE.search(token.string):
                    found.add(token.start[0])
        except (tokenize.TokenError, SyntaxError):
            # Fall back to the plain text: skipping a mutant is the safe side to err on.
            for number, start in enumerate(self.line_starts, start=1):
                line = self.text[start : self.line_ends[number - 1]]
                if "#" in line and _NO_MUTATE.search(line):
                    found.add(number)
        return frozenset(found)

    def _formatted(self, first: int, last: int, start: int, end: int, replacement: str) -> str:
        region_start = self.line_starts[first - 1]
        region = self.text[region_start : self.line_ends[last - 1]]
        offset_start, offset_end = start - region_start, end - region_start
        region = region[:offset_start] + replacement + region[offset_end:]
        return "\n".join(line.strip() for line in _NEWLINE.split(region))

    def _compile(self, source: str) -> ast.Module | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = compile(source, self.path, "exec", _ONLY_AST, dont_inherit=True)
                # The second step finds what only the compiler checks: `return` outside a
                # function, `await` outside `async`, misplaced `nonlocal`.
                compile(tree, self.path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return tree if isinstance(tree, ast.Module) else None

    def _fragment(self, scope: ast.stmt) -> _Fragment | None:
        """The statement's text as a unit that compiles alone, or None when it cannot be cut
        out cleanly (`x = 1; y = 2`, `class A: def f(self): ...`, `@(decorator)`)."""
        key = id(scope)
        if key in self.fragments:
            return self.fragments[key]
        fragment = None
        decorators: list[ast.expr] = getattr(scope, "decorator_list", [])
        first = decorators[0] if decorators else scope
        start = self.line_starts[first.lineno - 1]
        lead = self.text[start : self._start(first)]
        if decorators:
            lead = lead.rstrip(" \t")
            lead = lead[:-1] if lead.endswith("@") else "@"
        if not lead.strip(" \t") and scope.end_lineno is not None:
            end = self.line_ends[scope.end_lineno - 1]
            prefix = "if 1:\n" if lead else ""
            tree = self._compile(prefix + self.text[start:end])
            node = _only_statement(tree, nested=bool(prefix))
            dump = ast.dump(scope)
            if node is not None and ast.dump(node) == dump:
                fragment = _Fragment(start, end, prefix, dump)
        self.fragments[key] = fragment
        return fragment

    def _changes_tree(self, candidate: _Candidate) -> bool:
        """Whether the mutant compiles and its tree differs from the original's.

        Only the smallest unit that compiles alone is recompiled: the outermost function
        around the splice, or else the top-level statement. The splices never change
        bracket, quote or indentation balance, so the rest of the file parses as it did,
        and recompiling a large module for each of its mutants was most of the cost. The
        whole file is the fallback, for a unit that cannot be cut out of its lines.
        """
        start, end, replacement = candidate.start, candidate.end, candidate.replacement
        fragment = None
        if self.local_check and candidate.scope is not None:
            fragment = self._fragment(candidate.scope)
        if fragment is not None:
            text = self.text
            source = fragment.prefix + text[fragment.start : start] + replacement
            tree = self._compile(source + text[end : fragment.end])
            node = _only_statement(tree, nested=bool(fragment.prefix))
            return node is not None and ast.dump(node) != fragment.dump
        tree = self._compile(self.text[:start] + replacement + self.text[end:])
        if tree is None:
            return False
        if self.original_dump is None:
            self.original_dump = ast.dump(self.tree)
        return ast.dump(tree) != self.original_dump

    def _mutants(self) -> list[Mutant]:
        if not self.candidates:
            return []
        no_mutate = self._no_mutate_lines()
        unique = {(c.start, c.end, c.replacement, c.operator): c for c in self.candidates}
        ordered = sorted(
            unique.values(),
            key=lambda c: (self._line_of(c.start), c.start, c.operator, c.replacement),
        )
        mutants: list[Mutant] = []
        for candidate in ordered:
            start, end, replacement = candidate.start, candidate.end, candidate.replacement
            line = self._line_of(start)
            end_line = self._line_of(end - 1) if end > start else line
            while end > self.line_ends[end_line - 1]:
                end_line += 1
            if no_mutate and (
                candidate.statement_line in no_mutate
                or any(number in no_mutate for number in range(line, end_line + 1))
            ):
                continue
            if not self._changes_tree(candidate):
                continue
            mutants.append(
                Mutant(
                    path=self.path,
                    line=line,
                    end_line=end_line,
                    statement_line=candidate.statement_line,
                    operator=candidate.operator,
                    original=self._formatted(line, end_line, start, start, ""),
                    mutated=self._formatted(line, end_line, start, end, replacement),
                    start=start + self.base,
                    end=end + self.base,
                    replacement=replacement,
                )
            )
        return mutants
