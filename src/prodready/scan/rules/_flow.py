"""Intra-function tracking of local names, shared by PR102 and PR108 (not a rule).

A `Scope` records, in one walk of one function body (or of the module's top level), what
each local name is bound to: assignments, `+=`, loop targets, `list.append`, `d[k] = v`,
and which names the code validated (`x in ALLOWED`, `x.isdigit()`, `re.fullmatch(.., x)`).
It is flow-insensitive on purpose: a name's bindings are the union of all of them, which
is what a reviewer reads when a query is built in one statement and run in a later one.

`Strings` answers the question PR108 asks of an expression: is this a string built by
f-string, `%`, `.format`, `+` or `str.join`, and which of the values it interpolates are
not constants (`Built.unsafe`)? Constants, module-level and ALL_CAPS names, Enum members
and class constants, numeric casts and settings, server-made values (`uuid4()`, `now()`),
placeholder lists (`", ".join(["%s"] * n)`), quoted or escaped values (the project's own
`identifier()`/`literal_string()` helpers, quotes doubled by `.replace`), allow-listed names,
loops over literals (also module-level ones) and over names read from the database catalog,
integer primary keys, numeric arithmetic, attributes only ever set to a UUID, configuration
settings and parameters every call in the file sets to a literal count as safe; so do
names spliced outside quotes by a schema migration's own functions.
A nested function's free names are judged in the function enclosing it.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar
from weakref import WeakKeyDictionary

from prodready.scan.context import FileContext, FunctionNode

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class Scope:
    """Names bound in one function (nested functions included) or at module level."""

    def __init__(self, node: FunctionNode | ast.Module) -> None:
        self.node = node
        self.params: dict[str, ast.arg] = {}
        self.defaults: dict[str, ast.expr] = {}
        self.bindings: dict[str, list[ast.expr]] = {}
        self.opaque: set[str] = set()  # bound by unpacking, `with ... as`, imports
        self.unpacked: dict[str, list[ast.expr]] = {}  # `rows, err = run(q)`: rows -> call
        self.items: dict[str, list[ast.expr]] = {}  # elements added by append/insert/extend
        self.stores: dict[str, list[tuple[ast.expr, ast.expr]]] = {}  # name[key] = value
        self.loops: dict[str, list[ast.expr]] = {}  # loop target -> iterable
        # comprehension target -> iterable: Python 3 keeps these inside the comprehension,
        # so they say nothing about a function-level name of the same spelling
        self.comprehended: dict[str, list[ast.expr]] = {}
        self.validated: set[str] = set()
        self.compiled: set[str] = set()  # SQL fragments returned together with parameters
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self._params(node.args)
            self._collect(node.body, module=False)
        else:
            self._collect(node.body, module=True)

    def _params(self, args: ast.arguments) -> None:
        positional = [*args.posonlyargs, *args.args]
        with_default = positional[len(positional) - len(args.defaults) :]
        for arg, default in zip(with_default, args.defaults, strict=True):
            self.defaults[arg.arg] = default
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is not None:
                self.defaults[arg.arg] = kw_default
        for param in [*positional, *args.kwonlyargs, args.vararg, args.kwarg]:
            if param is not None:
                self.params[param.arg] = param

    def _collect(self, body: list[ast.stmt], *, module: bool) -> None:
        stack: list[ast.AST] = list(reversed(body))
        while stack:
            node = stack.pop()
            self._visit(node)
            for child in ast.iter_child_nodes(node):
                if module and isinstance(child, _NESTED):
                    continue
                stack.append(child)

    def _bind(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            if value is None:
                self.opaque.add(target.id)
            else:
                self.bindings.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Tuple | ast.List):
            values = value.elts if isinstance(value, ast.Tuple | ast.List) else None
            if values is not None and len(values) == len(target.elts):
                for sub, sub_value in zip(target.elts, values, strict=True):
                    self._bind(sub, sub_value)
                return
            names = [e.id for e in target.elts if isinstance(e, ast.Name)]
            if len(names) == 2 == len(target.elts) and names[1] in _PARAMS_NAMES:
                # `sql, params = qs.query.sql_with_params()`, `where, args = build_where(f)`:
                # SQL that comes with its own parameters was built to be parameterised
                self.compiled.add(names[0])
            if target.elts and isinstance(target.elts[0], ast.Name) and value is not None:
                self.unpacked.setdefault(target.elts[0].id, []).append(value)
            for sub in target.elts:
                self._bind(sub, None)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, None)
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and value is not None
        ):
            self.stores.setdefault(target.value.id, []).append((target.slice, value))

    def _loop(self, target: ast.expr, iterable: ast.expr, into: dict[str, list[ast.expr]]) -> None:
        index = _enumerate_index(target, iterable)
        if index is not None:  # `for i, row in enumerate(rows)`: `i` counts, whatever rows hold
            into.setdefault(index, []).append(_COUNTER)
            assert isinstance(target, ast.Tuple | ast.List)
            self._loop(target.elts[1], iterable, into)
            return
        if isinstance(target, ast.Name):
            into.setdefault(target.id, []).append(iterable)
        elif isinstance(target, ast.Tuple | ast.List):
            # `for key, value in CONSTANT.items()` keeps both names constant
            for sub in target.elts:
                self._loop(sub, iterable, into)

    def _visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind(target, node.value)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self._bind(node.target, node.value)
        elif isinstance(node, ast.AugAssign):
            if isinstance(node.target, ast.Name):
                if isinstance(node.op, ast.Add):  # `q += x` appends x: model as "" + x
                    concat = ast.BinOp(left=ast.Constant(""), op=ast.Add(), right=node.value)
                    self._bind(node.target, ast.copy_location(concat, node))
                else:  # `q %= args` formats q; model it as `"" % args`
                    fmt = ast.BinOp(left=ast.Constant(""), op=node.op, right=node.value)
                    self._bind(node.target, ast.copy_location(fmt, node))
        elif isinstance(node, ast.For | ast.AsyncFor):
            self._loop(node.target, node.iter, self.loops)
        elif isinstance(node, ast.comprehension):
            self._loop(node.target, node.iter, self.comprehended)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, None)
        elif isinstance(node, ast.NamedExpr):
            self._bind(node.target, node.value)
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.Compare):
            self._compare(node)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.opaque.add(node.name)

    def _call(self, call: ast.Call) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return
        receiver = func.value
        if isinstance(receiver, ast.Name):
            if func.attr in ("append", "add") and call.args:
                self.items.setdefault(receiver.id, []).append(call.args[0])
            elif func.attr == "insert" and len(call.args) == 2:
                self.items.setdefault(receiver.id, []).append(call.args[1])
            elif func.attr == "extend" and call.args:
                self.items.setdefault(receiver.id, []).append(ast.Starred(call.args[0]))
            elif func.attr in _VALIDATING_METHODS:
                self.validated.add(receiver.id)
        if func.attr in ("match", "fullmatch", "search") and call.args:
            # re.fullmatch(PATTERN, x) or PATTERN.fullmatch(x)
            subject = call.args[-1] if len(call.args) <= 2 else call.args[1]
            if isinstance(subject, ast.Name):
                self.validated.add(subject.id)

    def _compare(self, node: ast.Compare) -> None:
        if not isinstance(node.left, ast.Name) or len(node.ops) != 1:
            return
        if isinstance(node.ops[0], ast.In | ast.NotIn) and _fixed_collection(node.comparators[0]):
            self.validated.add(node.left.id)

    # -- questions ------------------------------------------------------------------
    def local(self, name: str) -> bool:
        return (
            name in self.bindings
            or name in self.params
            or name in self.opaque
            or name in self.loops
            or name in self.comprehended
        )

    def loops_of(self, name: str) -> list[ast.expr]:
        """What a name iterates over: its loops, else (a name bound only by
        comprehensions, read where no comprehension frame says more) theirs."""
        found = self.loops.get(name)
        if found is not None or name in self.bindings:
            return found or []
        return self.comprehended.get(name, [])

    def values(self, name: str) -> list[ast.expr]:
        return self.bindings.get(name, [])


# What an `enumerate()` index iterates over, for the loop questions: a range of numbers.
_COUNTER = ast.Call(func=ast.Name(id="range", ctx=ast.Load()), args=[], keywords=[])


def _enumerate_index(target: ast.expr, iterable: ast.expr) -> str | None:
    """The index name of `for i, item in enumerate(items)`: always an int."""
    if not (
        isinstance(target, ast.Tuple | ast.List)
        and len(target.elts) == 2
        and isinstance(target.elts[0], ast.Name)
        and isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "enumerate"
    ):
        return None
    return target.elts[0].id


_REGEX_MATCHERS = frozenset({"re.match", "re.fullmatch", "re.search"})
# Pattern pieces that can match a quote: any character, negated classes and escapes,
# a quote itself, code-point escapes.
_LOOSE_REGEX = re.compile(r"(?<!\\)\.|\\[SWDBbxuUN0-7]|\[\^|['\"`]")


def _capture_group(pattern: str, number: int) -> str | None:
    """The text of capture group `number` of a pattern (0: the whole pattern)."""
    if number == 0:
        return pattern
    seen, depth, start, target, index = 0, 0, -1, 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
            capturing = not pattern.startswith("(?", index) or pattern.startswith("(?P<", index)
            if capturing:
                seen += 1
                if seen == number:
                    start, target = index + 1, depth
        elif char == ")":
            if start >= 0 and depth == target:
                return pattern[start:index]
            depth -= 1
        index += 1
    return None


def _loop_shadow(gen: ast.comprehension, fixed: bool) -> dict[str, bool]:
    """A comprehension's targets, safe when its iterable is fixed; an `enumerate()` index
    always is."""
    shadow = {t.id: fixed for t in ast.walk(gen.target) if isinstance(t, ast.Name)}
    index = _enumerate_index(gen.target, gen.iter)
    if index is not None:
        shadow[index] = True
    return shadow


_PARAMS_NAMES = frozenset({"params", "args", "sql_params", "query_params", "bind", "bindings"})
_VALIDATING_METHODS = frozenset({"isdigit", "isdecimal", "isnumeric", "isalnum", "isidentifier"})


def _fixed_collection(node: ast.expr) -> bool:
    """A collection the code spells out: a literal of constants or an ALL_CAPS name."""
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(isinstance(k, ast.Constant) for k in node.keys)
    if isinstance(node, ast.Call) and node.args == []:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("keys", "values", "items"):
            return _fixed_collection(func.value)
    if isinstance(node, ast.Call) and len(node.args) == 1:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _COLLECTION_TYPES:
            return _fixed_collection(node.args[0])
    name = _last_name(node)
    return bool(name) and _is_constant_name(name)


_COLLECTION_TYPES = frozenset({"frozenset", "set", "tuple", "list", "sorted"})
_FETCHES = frozenset({"fetchall", "fetchone", "fetchmany"})
# Result readers chained on `execute(...)`: `conn.execute(q).scalars().all()`.
_ROW_READERS = _FETCHES | {"all", "scalars", "mappings", "tuples", "scalar", "first", "one"}
# SQLAlchemy's Inspector and Django's introspection: the catalog, read through an API.
_CATALOG_METHODS = frozenset(
    {
        "get_table_names",
        "get_view_names",
        "get_schema_names",
        "get_columns",
        "get_indexes",
        "get_foreign_keys",
        "get_unique_constraints",
        "get_check_constraints",
        "get_sequence_names",
        "get_table_list",
        "get_table_description",
        "get_constraints",
    }
)
_INSPECTOR = re.compile(r"(?i)inspect|introspect")
_CATALOG = re.compile(
    r"(?i)\b(?:sqlite_master|sqlite_schema|information_schema|pg_catalog|pg_indexes|pg_tables"
    r"|pg_class|pg_index|pg_namespace|pg_views|pg_constraint|pg_attribute|pg_trigger|pg_proc"
    r"|sys\.(?:tables|indexes|objects|columns))\b"
)
# Functions whose name says they quote or escape what they are given: the project's own
# `identifier()`, `literal_string()`, `quote_ident()`, `escape_like()`.
_QUOTING_WORDS = frozenset({"identifier", "ident", "quote", "quoted", "escape", "escaped"})
# SQLAlchemy constructs rendered with their name quoted as an identifier.
_QUOTED_CONSTRUCTS = frozenset(
    {"sqlalchemy.column", "sqlalchemy.sql.column", "sqlalchemy.sql.expression.column"}
)
_SERIALISERS = frozenset({"dumps"})


def quoting_helper(name: str) -> bool:
    """`identifier`, `quote_ident`, `literal_string`, `escape_like`: a quoting helper
    (`literal_column`, which inserts its text verbatim, is not one)."""
    parts = set(name.lower().strip("_").split("_"))
    if parts & _QUOTING_WORDS or "quote" in name.lower():
        return True
    return "literal" in parts and "column" not in parts


def quote_escaped(call: ast.Call) -> bool:
    """`s.replace("'", "''")` anywhere in a chain of `.replace` calls: quotes doubled."""
    node: ast.expr = call
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "replace"
    ):
        args = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if args in (["'", "''"], ['"', '""']):
            return True
        node = node.func.value
    return False


def _camel(name: str) -> bool:
    """`LinkType`: a class name."""
    return name[:1].isupper() and any(c.islower() for c in name)


_LITERALS: WeakKeyDictionary[FileContext, frozenset[str]] = WeakKeyDictionary()


def _module_literals(ctx: FileContext) -> frozenset[str]:
    """Module-level names bound once to a literal collection of constants
    (`mapping = {0: "first_last", 1: "last_first"}`)."""
    found = _LITERALS.get(ctx)
    if found is not None:
        return found
    bound: dict[str, int] = {}
    literal: set[str] = set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    bound[target.id] = bound.get(target.id, 0) + 1
                    if _constant_collection(stmt.value):
                        literal.add(target.id)
    found = frozenset(n for n in literal if bound[n] == 1)
    _LITERALS[ctx] = found
    return found


def _constant_collection(node: ast.expr) -> bool:
    if isinstance(node, ast.Dict):
        return all(
            k is not None and isinstance(k, ast.Constant) and _constant_collection(v)
            for k, v in zip(node.keys, node.values, strict=True)
        )
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_constant_collection(e) for e in node.elts)
    return isinstance(node, ast.Constant)


_CLASS_CONSTANTS: WeakKeyDictionary[FileContext, dict[str, frozenset[str]]] = WeakKeyDictionary()


def _class_body_constants(ctx: FileContext) -> dict[str, frozenset[str]]:
    """Class of this file -> its attributes bound only to constants in the class body."""
    found = _CLASS_CONSTANTS.get(ctx)
    if found is not None:
        return found
    found = {}
    for cls in ctx.classes:
        constant: set[str] = set()
        other: set[str] = set()
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                target, value = stmt.target, stmt.value
            else:
                continue
            if isinstance(target, ast.Name):
                (constant if isinstance(value, ast.Constant) else other).add(target.id)
        if cls.name in found:
            found[cls.name] = frozenset()  # two classes of that name: unknown
        else:
            found[cls.name] = frozenset(constant - other)
    _CLASS_CONSTANTS[ctx] = found
    return found


_CONFIG_OWNERS = frozenset({"config", "settings", "conf"})


def _setting(owner: ast.expr, key: ast.expr) -> bool:
    """`current_app.config["HISTORY_LIMIT"]`, `app.config.get("PAGE_SIZE")`: a setting
    of the application's configuration, chosen by whoever deploys it, like `settings.X`."""
    return (
        _last_name(owner).lower() in _CONFIG_OWNERS
        and isinstance(key, ast.Constant)
        and isinstance(key.value, str)
        and _is_constant_name(key.value)
    )


_T = TypeVar("_T")
_TYPED: WeakKeyDictionary[FileContext, frozenset[str]] = WeakKeyDictionary()
_TYPED_MAKERS = frozenset({"uuid1", "uuid4", "uuid7", "int", "float", "len", "Decimal"})


def _self_attribute(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
    )


def _typed_attributes(ctx: FileContext) -> frozenset[str]:
    """Attributes (`self.x`) that every assignment in this file sets to a server-made
    number or UUID (`WorkspaceUUID.new(...)`, `uuid4()`, `int(...)`): their text is
    digits, hex and dashes, which cannot change a statement."""
    found = _TYPED.get(ctx)
    if found is not None:
        return found
    typed: set[str] = set()
    other: set[str] = set()
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Attribute) and _self_attribute(target):
                (typed if _typed_maker(value) else other).add(target.attr)
            elif isinstance(target, ast.Tuple | ast.List):
                other.update(e.attr for e in target.elts if isinstance(e, ast.Attribute))
    found = frozenset(typed - other)
    _TYPED[ctx] = found
    return found


def _typed_maker(value: ast.expr) -> bool:
    """`uuid4()`, `int(x)`, `UUID(x)`, `WorkspaceUUID.new(x)`: a number or a UUID."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if _last_name(func) in _TYPED_MAKERS:
        return True
    if _last_name(func) == "str" and len(value.args) == 1:
        return _typed_maker(value.args[0])
    owner = func.value if isinstance(func, ast.Attribute) else func
    return _last_name(owner).lower().endswith("uuid")


_MIGRATIONS: WeakKeyDictionary[FileContext, frozenset[int]] = WeakKeyDictionary()


def migration_functions(ctx: FileContext) -> frozenset[int]:
    """Ids of the functions a schema migration runs: an Alembic revision's `upgrade` and
    `downgrade` (module-level `revision` and `down_revision`), what a Django `Migration`
    class names (`RunPython(forwards, backwards)`), and the functions of the file those
    call or define. Code the operator runs once against their own database; other code
    kept in the same file (a cache helper) is not part of it."""
    found = _MIGRATIONS.get(ctx)
    if found is not None:
        return found
    assigned: set[str] = set()
    roots: set[str] = set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign):
            assigned.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            assigned.add(stmt.target.id)
        elif (
            isinstance(stmt, ast.ClassDef)
            and stmt.name == "Migration"
            and any(_last_name(b) == "Migration" for b in stmt.bases)
        ):
            roots.update(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name))
    if {"revision", "down_revision"} <= assigned:
        roots.update(
            stmt.name
            for stmt in ctx.tree.body
            if isinstance(stmt, ast.FunctionDef)
            and stmt.name.split("_", 1)[0] in ("upgrade", "downgrade")
        )
    found = _MIGRATIONS[ctx] = _reached(ctx, roots) if roots else frozenset()
    return found


def _reached(ctx: FileContext, roots: set[str]) -> frozenset[int]:
    """The functions named in `roots`, those they call by name and those nested in them."""
    by_name: dict[str, list[FunctionNode]] = {}
    for fn in ctx.functions:
        by_name.setdefault(fn.name, []).append(fn)
    todo = [fn for name in roots for fn in by_name.get(name, [])]
    done: set[int] = set()
    while todo:
        fn = todo.pop()
        if id(fn) in done:
            continue
        done.add(id(fn))
        for node in walk_body(fn.body):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                todo.append(node)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                todo.extend(by_name.get(node.func.id, []))
    return frozenset(done)


_REQUEST_NAMES = frozenset({"request", "req"})


def _from_request(node: ast.expr) -> bool:
    """`request.GET.get("q")`, `self.request.POST["x"]`: request data, whatever its case."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in _REQUEST_NAMES:
                return True
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return isinstance(node, ast.Name) and node.id in _REQUEST_NAMES


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_constant_name(name: str) -> bool:
    stripped = name.lstrip("_")
    return bool(stripped) and stripped.isupper()


class _LineIndex:
    """Functions and loops of one file sorted by first line, to find what contains a line
    without scanning them all (nested ones start later than what contains them)."""

    def __init__(self, ctx: FileContext) -> None:
        self.functions = sorted(ctx.functions, key=lambda f: f.lineno)
        self.function_starts = [f.lineno for f in self.functions]
        self.loops = sorted(ctx.loops, key=lambda lp: lp.lineno)
        self.loop_starts = [lp.lineno for lp in self.loops]

    def function(self, line: int) -> FunctionNode | None:
        index = bisect_right(self.function_starts, line)
        while index > 0:
            index -= 1
            fn = self.functions[index]
            if line <= (fn.end_lineno or fn.lineno):
                return fn
        return None

    def loops_around(self, line: int, since: int) -> list[ast.For | ast.AsyncFor | ast.While]:
        """Loops containing `line` that start at or after line `since`, innermost first."""
        found: list[ast.For | ast.AsyncFor | ast.While] = []
        index = bisect_right(self.loop_starts, line)
        while index > 0:
            index -= 1
            loop = self.loops[index]
            if loop.lineno < since:
                break
            if line <= (loop.end_lineno or loop.lineno):
                found.append(loop)
        return found


_INDEXES: WeakKeyDictionary[FileContext, _LineIndex] = WeakKeyDictionary()


def line_index(ctx: FileContext) -> _LineIndex:
    index = _INDEXES.get(ctx)
    if index is None:
        index = _INDEXES[ctx] = _LineIndex(ctx)
    return index


def enclosing_function(ctx: FileContext, node: ast.AST) -> FunctionNode | None:
    """Innermost function whose lines contain `node`, found without the parents map."""
    return line_index(ctx).function(getattr(node, "lineno", 0))


class Scopes:
    """One `Scope` per function, built on first use."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._cache: dict[int, Scope] = {}

    def of(self, node: ast.AST) -> Scope:
        fn = enclosing_function(self.ctx, node)
        owner: FunctionNode | ast.Module = fn if fn is not None else self.ctx.tree
        scope = self._cache.get(id(owner))
        if scope is None:
            scope = self._cache[id(owner)] = Scope(owner)
        return scope


def _enclosing_of(ctx: FileContext, fn: FunctionNode) -> FunctionNode | None:
    """The innermost function of this file that `fn` is defined in."""
    end = fn.end_lineno or fn.lineno
    best: FunctionNode | None = None
    for other in line_index(ctx).functions:
        if other.lineno > fn.lineno:
            break
        if (
            other is not fn
            and other.lineno <= fn.lineno
            and end <= (other.end_lineno or other.lineno)
            and (best is None or other.lineno >= best.lineno)
        ):
            best = other
    return best


def _inside(node: ast.AST, fn: FunctionNode) -> bool:
    line = getattr(node, "lineno", 0)
    return fn.lineno <= line <= (fn.end_lineno or fn.lineno)


_SITES: WeakKeyDictionary[FileContext, dict[str, list[ast.Call]]] = WeakKeyDictionary()


def _call_sites(ctx: FileContext) -> dict[str, list[ast.Call]]:
    """Calls by the name of the function of this file they call (`f()`, `self.f()`);
    a function also named anywhere else (`map(f, xs)`, `handler = f`) has unknown callers
    and is left out."""
    found = _SITES.get(ctx)
    if found is not None:
        return found
    found = {}
    called: set[int] = set()
    for call in ctx.calls:
        func = call.func
        name = ""
        if isinstance(func, ast.Name):
            name = func.id
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
        ):
            name = func.attr
        if name:
            found.setdefault(name, []).append(call)
            called.add(id(func))
    defined = {fn.name for fn in ctx.functions}
    for node in ast.walk(ctx.tree):
        if id(node) in called:
            continue
        if isinstance(node, ast.Name) and node.id in defined:
            found.pop(node.id, None)
        elif isinstance(node, ast.Attribute) and node.attr in defined:
            found.pop(node.attr, None)
        elif isinstance(node, ast.alias) and (node.asname or node.name) in defined:
            found.pop(node.asname or node.name, None)
    _SITES[ctx] = found
    return found


def _literal(node: ast.expr) -> bool:
    """A literal argument: a constant, or a conventional constant name (`USERS_TABLE`)."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Name | ast.Attribute) and _is_constant_name(_last_name(node))


def _primary_keys(call: ast.Call) -> bool:
    """`qs.values_list("id", flat=True)`, `values_list("pk")`: integer primary keys."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "values_list"
        and bool(call.args)
        and all(isinstance(a, ast.Constant) and a.value in ("id", "pk") for a in call.args)
    )


# Calls that read from outside even when their arguments are literals.
_READS_INPUT = frozenset(
    {
        "input",
        "raw_input",
        "getpass",
        "prompt",
        "getenv",
        "get",
        "getlist",
        "pop",
        "read",
        "readline",
        "readlines",
        "recv",
        "json",
        "load",
        "loads",
        "fetchone",
        "fetchall",
        "fetchmany",
        "urlopen",
    }
)


def call_line(call: ast.Call) -> int:
    """Where a finding on a call starts: the method's own line in a chain spread over lines
    (`get_db()` / `.execute(...)`), else the call's first line."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.end_lineno is not None:
        return func.end_lineno
    return call.lineno


def walk_body(nodes: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node under some statements (used only inside candidate functions)."""
    stack: list[ast.AST] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


# -- strings built from values ---------------------------------------------------------

_SAFE_CALLS = frozenset(
    {
        "int",
        "float",
        "bool",
        "len",
        "abs",
        "round",
        "UUID",
        "Decimal",
        "Identifier",
        "Literal",
        "Placeholder",
        "quote_name",
        "quote_ident",
        "quote_identifier",
        "escape_identifier",
        "escape_string",
        "escape_literal",
        "literal",
        "escape",
        "isoformat",
        "strftime",
        "count",
        "time",
        "time_ns",
        "monotonic",
        "perf_counter",
        "timestamp",
        "uuid1",
        "uuid4",
        "now",
        "utcnow",
        "now_utc",
        "utc_now",
        "today",
        "http_date",
        "formatdate",
    }
)
_SAFE_ATTRS = frozenset({"db_table", "__tablename__", "pk", "id"})
_SAFE_ANNOTATIONS = frozenset(
    {
        "int",
        "float",
        "bool",
        "UUID",
        "date",
        "datetime",
        "Decimal",
        "PositiveInt",
        "NonNegativeInt",
        "conint",
        "Literal",
    }
)
_FRAGMENT = re.compile(
    r"(?:^|_)(?:sql|query|stmt|statement|clause|clauses|where|subquery|fragment|condition|"
    r"conditions|predicates?|joins?|order_by)(?:$|_)",
    re.IGNORECASE,
)
_MAX_NESTING = 100  # expression depth followed before giving up (stays far from the C stack)
_CONVERTER = re.compile(r"<(?:int|float|uuid):(\w+)>")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([a-zA-Z%])")
_NUMERIC_SPECS = frozenset("diouxXeEfFgG")
_PASS_THROUGH = frozenset({"strip", "lstrip", "rstrip", "dedent", "lower", "upper"})
_VIEWS = frozenset({"keys", "values", "items"})
_STRING_METHODS = _PASS_THROUGH | {
    "removeprefix",
    "removesuffix",
    "replace",
    "title",
    "capitalize",
    "casefold",
    "zfill",
}
# Calls that return a number whatever they are given (or raise).
_NUMERIC_CALLS = frozenset({"int", "float", "len", "round", "abs", "ceil", "floor", "trunc"})


def _tidied_statement(value: ast.expr) -> bool:
    """`strip_trailing_semicolon(sql)`, `sql.strip()`: a call whose subject (its first
    argument, or the string whose method it is) is a variable named like SQL, and which is
    given nothing else but constants."""
    if not isinstance(value, ast.Call) or value.keywords:
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        subject: ast.expr | None = func.value
        rest = value.args
    else:
        subject = value.args[0] if value.args else None
        rest = value.args[1:]
    return (
        isinstance(subject, ast.Name)
        and _FRAGMENT.search(subject.id) is not None
        and all(isinstance(a, ast.Constant) for a in rest)
    )


@dataclass
class Built:
    """A string built in code: its constant text and its non-constant parts (as source)."""

    text: str = ""
    unsafe: list[str] = field(default_factory=list)

    def merge(self, other: Built) -> None:
        self.text += "\x00" + other.text
        for part in other.unsafe:
            if part not in self.unsafe:
                self.unsafe.append(part)


class Strings:
    """What PR108 asks of an expression in a scope; memoised per name."""

    def __init__(
        self,
        ctx: FileContext,
        scope: Scope,
        *,
        caller: Strings | None = None,
        arguments: dict[str, ast.expr | None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.scope = scope
        # when judging a helper's return value for one call: its parameters -> arguments
        self.caller = caller
        self.arguments = arguments or {}
        self.depth: int = caller.depth + 1 if caller is not None else 0
        self._names: dict[str, Built | None] = {}
        self._safe: dict[str, bool] = {}
        self._opaque: dict[str, bool] = {}
        self._active: set[str] = set()
        self._shadow: list[dict[str, bool]] = []  # comprehension targets -> safe?
        self._nesting = 0

    def source(self, node: ast.AST) -> str:
        """The code of `node` on one line, shortened (for messages)."""
        text = ""
        first, last = getattr(node, "lineno", 0), getattr(node, "end_lineno", None)
        start, end = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", None)
        lines = self.ctx.lines
        if 0 < first <= len(lines) and last is not None and last <= len(lines) and end is not None:
            chunk = [line.encode() for line in lines[first - 1 : last]]
            chunk[-1] = chunk[-1][:end]
            chunk[0] = chunk[0][start:]
            text = b"\n".join(chunk).decode(errors="replace")
        text = " ".join((text or ast.unparse(node)).split())
        return text if len(text) <= 60 else text[:57] + "..."

    # -- built strings ------------------------------------------------------------------
    def built(self, node: ast.expr) -> Built | None:
        """The string `node` evaluates to, if it is one built in code; None if opaque."""
        return self._guarded(self._built, node, too_deep=None)

    def _guarded(self, step: Callable[[ast.expr], _T], node: ast.expr, too_deep: _T) -> _T:
        """Run one recursive step unless nesting is past the limit: generated code with
        huge expressions gets `too_deep` (the caller's safe answer) instead of a crash."""
        if self._nesting > _MAX_NESTING:
            return too_deep
        self._nesting += 1
        try:
            return step(node)
        finally:
            self._nesting -= 1

    def _built(self, node: ast.expr) -> Built | None:
        if isinstance(node, ast.Constant):
            return Built(node.value) if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add):
                return self._concat(node)
            if isinstance(node.op, ast.Mod):
                return self._percent(node)
            return None
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.IfExp):
            body, other = self.built(node.body), self.built(node.orelse)
            if body is None or other is None:
                return body or other
            body.merge(other)
            return body
        if isinstance(node, ast.Call):
            return self._call(node)
        return None

    def _interpolate(self, result: Built, value: ast.expr, before: str | None = None) -> None:
        inner = self.built(value)
        if inner is not None:
            result.merge(inner)
            if isinstance(value, ast.Name) and self._partly_opaque(value.id):
                result.unsafe.append(value.id)
        elif (
            not self.safe(value)
            and not self._fragment(value, before)
            and not self._migration_identifier(before)
        ):
            part = self.source(value)
            if part not in result.unsafe:
                result.unsafe.append(part)

    def _partly_opaque(self, name: str) -> bool:
        """A name bound to a built string in one place and to an unknown value in another."""
        if name in self.scope.validated or self._shadowed(name) is not None:
            return False
        if name in self.scope.compiled or (self.caller is not None and name in self.arguments):
            return False
        if name in self.scope.params or name in self.scope.opaque:
            return True
        if not self.scope.local(name):
            outer = self._closure(name)
            return outer is not None and outer._partly_opaque(name)
        cached = self._opaque.get(name)
        if cached is not None:
            return cached
        if name in self._active:
            return False
        self._active.add(name)
        try:
            result = any(
                self.built(v) is None and not self.safe(v) for v in self.scope.values(name)
            ) or any(not self._fixed(i) for i in self.scope.loops_of(name))
        finally:
            self._active.discard(name)
        self._opaque[name] = result
        return result

    def _fstring(self, node: ast.JoinedStr) -> Built:
        result = Built()
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                result.text += part.value
            elif isinstance(part, ast.FormattedValue):
                before = result.text
                result.text += "\x00"
                self._interpolate(result, part.value, before)
        return result

    def _fragment(self, value: ast.expr, before: str | None) -> bool:
        """`f"SELECT count(*) FROM ({sql}) t"`: a variable named like SQL, spliced in where
        SQL goes (not inside quotes), carries a statement the caller built: judge it there.
        So does that statement tidied first (WrenAI's connectors wrap
        `strip_trailing_semicolon(sql)`, or a local holding it, in `SELECT * FROM (...)
        LIMIT 0`)."""
        if before is not None and before.rstrip("%").endswith(("'", '"')):
            return False
        if isinstance(value, ast.Name) and not _FRAGMENT.search(value.id):
            values = self.scope.values(value.id)
            if not values or not all(map(_tidied_statement, values)):
                return False
        elif not isinstance(value, ast.Name) and not _tidied_statement(value):
            return False
        return not self.request_value(value)

    def _migration_identifier(self, before: str | None) -> bool:
        """`ALTER TABLE {table} DROP CONSTRAINT {name}` in a schema migration: outside
        quotes, a migration splices the names of the schema it changes, which come from
        its code or the catalog and cannot be parameters; no request reaches it. A value
        inside quotes (`WHERE id = '{row.id}'`) is still judged."""
        return (
            before is not None
            and before.count("'") % 2 == 0
            and id(self.scope.node) in migration_functions(self.ctx)
        )

    def _concat(self, node: ast.BinOp) -> Built | None:
        left, right = self.built(node.left), self.built(node.right)
        if left is None and right is None:
            return None
        result = Built()
        for side, built in ((node.left, left), (node.right, right)):
            if built is not None:
                result.merge(built)
            elif (
                not self.safe(side)
                and not self._fragment(side, result.text or None)
                and not self._migration_identifier(result.text or None)
            ):
                result.unsafe.append(self.source(side))
        return result

    def _percent(self, node: ast.BinOp) -> Built | None:
        fmt = self.built(node.left)
        if fmt is None:
            return None
        result = Built(fmt.text, list(fmt.unsafe))
        values: list[ast.expr]
        if isinstance(node.right, ast.Tuple):
            values = list(node.right.elts)
        elif isinstance(node.right, ast.Dict):
            values = [v for v in node.right.values if v is not None]
        else:
            values = [node.right]
        left = node.left
        template = ""
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            template = left.value
        specs = [s for s in _PERCENT_SPEC.findall(template) if s != "%"] if template else []
        numeric = len(specs) == len(values) and not isinstance(node.right, ast.Dict)
        for index, value in enumerate(values):
            if numeric and specs[index] in _NUMERIC_SPECS:
                continue  # "%d" % value raises on anything but a number
            self._interpolate(result, value)
        return result

    def _name(self, name: str) -> Built | None:
        if self._shadowed(name) is not None:
            return None
        if name in self._names:
            return self._names[name]
        if name in self._active:
            return None
        if self.caller is not None and name in self.arguments:
            bound = self.arguments[name]
            return self.caller.built(bound) if bound is not None else None
        if not self.scope.local(name):
            outer = self._closure(name)
            if outer is not None:
                return outer._name(name)
            constant = self.ctx.module_constants.get(name)
            if isinstance(constant, ast.Constant) and isinstance(constant.value, str):
                return Built(constant.value)
            if constant is not None and isinstance(constant, ast.BinOp):
                return self.built(constant)
            return None
        self._active.add(name)
        try:
            result: Built | None = None
            for value in self.scope.values(name):
                built = self.built(value)
                if built is None:
                    continue
                if result is None:
                    result = Built(built.text, list(built.unsafe))
                else:
                    result.merge(built)
        finally:
            self._active.discard(name)
        self._names[name] = result
        return result

    def _call(self, call: ast.Call) -> Built | None:
        func = call.func
        if isinstance(func, ast.Attribute):
            if func.attr == "format":
                fmt = self.built(func.value)
                if fmt is None:
                    return None
                result = Built(fmt.text, list(fmt.unsafe))
                for arg in call.args:
                    self._interpolate(result, arg.value if isinstance(arg, ast.Starred) else arg)
                for kw in call.keywords:
                    for value in self._keyword_values(kw):
                        self._interpolate(result, value)
                return result
            if func.attr == "join" and len(call.args) == 1:
                sep = self.built(func.value)
                if sep is None:
                    return None
                return self._join(sep, call.args[0])
            if func.attr in _PASS_THROUGH and not call.args:
                return self.built(func.value)
            if func.attr == "replace":
                if quote_escaped(call):
                    return Built()  # `s.replace("'", "''")`: escaped into a literal
                return self.built(func.value)
        name = self.ctx.call_name(call)
        if name in ("str", "textwrap.dedent", "inspect.cleandoc") and len(call.args) == 1:
            return self.built(call.args[0])
        if quoting_helper(_last_name(func)):
            return None  # `_quote_ident(name)`: what it returns is quoted, whatever its body
        return self._helper(call)

    def _keyword_values(self, kw: ast.keyword) -> list[ast.expr]:
        """`.format(**params)` with `params = dict(table=..., where=...)` built in this
        function: the values of that dict; otherwise the keyword's own value."""
        if kw.arg is not None or not isinstance(kw.value, ast.Name):
            return [kw.value]
        bound = self.scope.values(kw.value.id)
        if len(bound) != 1 or kw.value.id in self.scope.stores:
            return [kw.value]
        value = bound[0]
        if isinstance(value, ast.Dict) and None not in value.keys:
            return list(value.values)
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "dict"
            and not value.args
            and all(k.arg is not None for k in value.keywords)
        ):
            return [k.value for k in value.keywords]
        return [kw.value]

    def _helper(self, call: ast.Call) -> Built | None:
        """`cursor.execute(summary_sql(name))`: the string a function of this file returns,
        judged with its parameters bound to this call's arguments."""
        if self.depth >= 2:
            return None
        helper = self._local_function(call)
        if helper is None:
            return None
        returns = [
            node.value
            for node in walk_body(helper.body)
            if isinstance(node, ast.Return) and node.value is not None
        ]
        if not returns:
            return None
        inner = self._bound_view(helper, call)
        if inner is None:
            return None
        result: Built | None = None
        for value in returns:
            built = inner.built(value)
            if built is None:
                return None  # some path returns something else: not a string builder
            if result is None:
                result = built
            else:
                result.merge(built)
        return result

    def _bound_view(self, helper: FunctionNode, call: ast.Call) -> Strings | None:
        """The helper's view with its parameters bound to this call's arguments (None
        when they cannot be matched: `f(*args)`, `f(**options)`)."""
        params = [a.arg for a in [*helper.args.posonlyargs, *helper.args.args]]
        if isinstance(call.func, ast.Attribute) and params[:1] in (["self"], ["cls"]):
            params = params[1:]
        arguments: dict[str, ast.expr | None] = dict.fromkeys(
            [*params, *(a.arg for a in helper.args.kwonlyargs)]
        )
        for param, arg in zip(params, call.args, strict=False):
            if isinstance(arg, ast.Starred):
                return None
            arguments[param] = arg
        for kw in call.keywords:
            if kw.arg is None:
                return None
            arguments[kw.arg] = kw.value
        return Strings(self.ctx, Scope(helper), caller=self, arguments=arguments)

    def _local_function(self, call: ast.Call) -> FunctionNode | None:
        func = call.func
        if isinstance(func, ast.Name) and not self.scope.local(func.id):
            name = func.id
        elif (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
        ):
            name = func.attr
        else:
            return None
        found = [fn for fn in self.ctx.functions if fn.name == name]
        return found[0] if len(found) == 1 else None

    def _join(self, sep: Built, iterable: ast.expr) -> Built:
        result = Built(sep.text, list(sep.unsafe))
        bare = "'" not in sep.text and self._migration_identifier("")
        for element in self._elements(iterable):
            if element is None:
                if bare:
                    continue  # `", ".join(columns)` in a migration: names, outside quotes
                part = self.source(iterable)
                if part not in result.unsafe:
                    result.unsafe.append(part)
            elif isinstance(element, ast.GeneratorExp | ast.ListComp | ast.SetComp):
                self._judge_comprehension(result, element)
            else:
                self._interpolate(result, element)
        return result

    def _elements(self, node: ast.expr, depth: int = 0) -> list[ast.expr | None]:
        """The elements of an iterable being joined; None for "unknown elements"."""
        if depth > 4:
            return [None]
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            out: list[ast.expr | None] = []
            for elt in node.elts:
                if isinstance(elt, ast.Starred):
                    out.extend(self._elements(elt.value, depth + 1))
                else:
                    out.append(elt)
            return out
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            # ["%s"] * len(ids), "?" * n
            for side in (node.left, node.right):
                if isinstance(side, ast.List | ast.Tuple):
                    return self._elements(side, depth + 1)
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    return [side]
            return [None]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._elements(node.left, depth + 1) + self._elements(node.right, depth + 1)
        if isinstance(node, ast.GeneratorExp | ast.ListComp | ast.SetComp):
            return [node]
        if isinstance(node, ast.Call):
            if self._fixed(node):
                return []  # `", ".join(RENAMES.keys())`: the keys of a literal dict
            name = self.ctx.call_name(node)
            if name in ("map",) and len(node.args) == 2:
                func = self.ctx.qualname(node.args[0])
                if func in ("int", "float"):
                    return []
                return [None] if not self._fixed(node.args[1]) else []
            if name in ("sorted", "list", "tuple", "reversed", "set") and node.args:
                return self._elements(node.args[0], depth + 1)
        if isinstance(node, ast.Name):
            if self._fixed(node):
                return []
            outer = None if self.scope.local(node.id) else self._closure(node.id)
            if outer is not None:
                return outer._elements(node, depth + 1)
            if self.scope.local(node.id) and node.id not in self.scope.params:
                out = []
                for value in self.scope.values(node.id):
                    out.extend(self._elements(value, depth + 1))
                for item in self.scope.items.get(node.id, []):
                    if isinstance(item, ast.Starred):
                        out.extend(self._elements(item.value, depth + 1))
                    else:
                        out.append(item)
                return out
        return [None]

    def _judge_comprehension(
        self, result: Built, node: ast.GeneratorExp | ast.ListComp | ast.SetComp
    ) -> None:
        """Interpolate the element with the comprehension's targets marked safe or not."""
        shadow: dict[str, bool] = {}
        for gen in node.generators:
            shadow.update(_loop_shadow(gen, self._fixed(gen.iter)))
        self._shadow.append(shadow)
        try:
            self._interpolate(result, node.elt)
        finally:
            self._shadow.pop()

    def _shadowed(self, name: str) -> bool | None:
        for frame in reversed(self._shadow):
            if name in frame:
                return frame[name]
        return None

    @cached_property
    def _outer(self) -> Strings | None:
        """The enclosing function's view, for the free names of a nested function."""
        node = self.scope.node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return None
        parent = _enclosing_of(self.ctx, node)
        return Strings(self.ctx, Scope(parent)) if parent is not None else None

    def _closure(self, name: str) -> Strings | None:
        """`def run(cursor): cursor.execute(FMT.format(user_input))` inside a function
        taking `user_input`: the enclosing function that binds a free name of this one."""
        outer = self._outer
        while outer is not None:
            if outer.scope.local(name):
                return outer
            outer = outer._outer
        return None

    def request_value(self, node: ast.expr) -> bool:
        """Request data itself (`request.GET["sort"]`), or a local holding only that."""
        if _from_request(node):
            return True
        if isinstance(node, ast.Name) and not self.scope.local(node.id):
            outer = self._closure(node.id)
            return outer is not None and outer.request_value(node)
        if isinstance(node, ast.Name) and self.scope.local(node.id):
            if node.id in self.scope.validated:
                return False
            values = self.scope.values(node.id)
            return bool(values) and all(_from_request(v) for v in values)
        return False

    # -- safe values ------------------------------------------------------------------
    def _fixed(self, node: ast.expr) -> bool:
        """An iterable whose values are spelled out in code (loops over it are safe)."""
        return self._guarded(self._fixed_iterable, node, too_deep=False)

    def _fixed_iterable(self, node: ast.expr) -> bool:
        if _fixed_collection(node):
            return True
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
            # [c for c in COLUMNS if c in data]: a filtered constant is still constant;
            # [f"val_{i}" for i in range(n)]: so is what is made of constants only;
            # {new: old for old, new in RENAMES.items()}: so is a literal dict reversed
            shadow: dict[str, bool] = {}
            for gen in node.generators:
                shadow.update(_loop_shadow(gen, self._fixed(gen.iter)))
            self._shadow.append(shadow)
            try:
                if isinstance(node, ast.DictComp):
                    return self.safe(node.key) and self.safe(node.value)
                return self.safe(node.elt)
            finally:
                self._shadow.pop()
        if isinstance(node, ast.Name) and self.caller is not None and node.id in self.arguments:
            # `_sql_in(CASE_ACTIONS)`: a helper's parameter is what this call passes it
            bound = self.arguments[node.id]
            return bound is not None and self.caller._fixed(bound)
        if isinstance(node, ast.Call):
            name = self.ctx.call_name(node)
            if name == "range" or _primary_keys(node):
                return True
            if name in ("enumerate", "sorted", "reversed", "zip", "list", "tuple") and node.args:
                return all(self._fixed(a) for a in node.args)
            if isinstance(node.func, ast.Attribute) and node.func.attr in _VIEWS and not node.args:
                return self._fixed(node.func.value)
        if isinstance(node, ast.Name) and not self.scope.local(node.id):
            outer = self._closure(node.id)
            if outer is not None:
                return outer._fixed(node)
            return node.id in self.ctx.module_constants or node.id in _module_literals(self.ctx)
        if isinstance(node, ast.Call) and (self._catalog_rows(node) or self._fixed_helper(node)):
            return True
        if self._catalog_result(node):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._fixed(node.left) and self._fixed(node.right)  # `RESTRICT + CASCADE`
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            # a literal spelled out in the function: `for user, pw in [("admin", h("x"))]`
            return all(self._from_constants(e) for e in node.elts)
        if isinstance(node, ast.Name) and node.id not in self.scope.params:
            values = self.scope.values(node.id)
            items = self.scope.items.get(node.id, [])
            return (
                bool(values)
                and all(self._fixed(v) for v in values)
                and all(isinstance(i, ast.Constant) for i in items)
            )
        return False

    def _catalog_rows(self, call: ast.Call) -> bool:
        """`cursor.fetchall()` after `cursor.execute("SELECT name FROM sqlite_master ...")`,
        `conn.execute(text("... FROM pg_class ...")).fetchall()`, `inspector.get_columns(t)`:
        the names of the database's own objects, read from its catalog."""
        func = call.func
        if not isinstance(func, ast.Attribute):
            return False
        if func.attr in _CATALOG_METHODS:
            return self._inspector(func.value)
        executed = call
        while (
            isinstance(executed.func, ast.Attribute)
            and executed.func.attr in _ROW_READERS
            and isinstance(executed.func.value, ast.Call)
        ):
            executed = executed.func.value
        if (
            isinstance(executed.func, ast.Attribute)
            and executed.func.attr == "execute"
            and executed.args
        ):
            return self._catalog_query(executed.args[0])
        if func.attr not in _FETCHES:
            return False
        receiver = ast.unparse(func.value)
        last: ast.Call | None = None
        for node in walk_body(self.scope.node.body):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "execute"
                and node.lineno < call.lineno
                and ast.unparse(node.func.value) == receiver
                and (last is None or node.lineno > last.lineno)
            ):
                last = node
        if last is None or not last.args:
            return False
        return self._catalog_query(last.args[0])

    def _catalog_result(self, node: ast.expr) -> bool:
        """`results["rows"]` after `results, error = self.run_query(CATALOG_SQL, None)`: what
        a call given a constant catalog query (and nothing else but constants) returns,
        through whatever runner the project wraps its driver in."""
        base = node
        while isinstance(base, ast.Subscript):
            base = base.value
        if not isinstance(base, ast.Name) or base.id in self.scope.params:
            return False
        name = base.id
        calls = [*self.scope.unpacked.get(name, []), *self.scope.values(name)]
        if not calls or name in self.scope.loops or name in self.scope.comprehended:
            return False
        return all(
            isinstance(c, ast.Call)
            and bool(c.args)
            and all(
                isinstance(a, ast.Constant) for a in [*c.args[1:], *(k.value for k in c.keywords)]
            )
            and self._catalog_query(c.args[0])
            for c in calls
        )

    def _tight_capture(self, call: ast.Call) -> bool:
        """`m.group(1)` of `m = re.search(r"'(\\d{4}-\\d{2}-\\d{2})'", text)`: a capture whose
        pattern admits only digits, word characters, spaces and fixed punctuation holds no
        quote, so it cannot end a string literal."""
        func = call.func
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
            return False
        if len(call.args) > 1 or call.keywords:
            return False
        number = call.args[0].value if call.args and isinstance(call.args[0], ast.Constant) else 0
        if call.args and not isinstance(call.args[0], ast.Constant):
            return False
        if not isinstance(number, int) or isinstance(number, bool):
            return False
        matches = self.scope.values(func.value.id)
        return bool(matches) and all(self._tight_match(m, number) for m in matches)

    def _tight_match(self, match: ast.expr, number: int) -> bool:
        if not (
            isinstance(match, ast.Call)
            and self.ctx.call_name(match) in _REGEX_MATCHERS
            and len(match.args) >= 2
        ):
            return False
        pattern = match.args[0]
        if isinstance(pattern, ast.Name):
            pattern = self.ctx.module_constants.get(pattern.id, pattern)
        text = pattern.value if isinstance(pattern, ast.Constant) else None
        group = _capture_group(text, number) if isinstance(text, str) else None
        return group is not None and not _LOOSE_REGEX.search(group)

    def _fixed_helper(self, call: ast.Call) -> bool:
        """`_get_fk_constraints(conn)`: a function of this file every return of which is
        fixed (catalog rows, literals), judged with its parameters bound to this call."""
        if self.depth >= 2:
            return False
        helper = self._local_function(call)
        if helper is None:
            return False
        inner = self._bound_view(helper, call)
        if inner is None:
            return False
        returns = [
            node.value
            for node in walk_body(helper.body)
            if isinstance(node, ast.Return) and node.value is not None
        ]
        return bool(returns) and all(inner._fixed(r) for r in returns)

    def _inspector(self, receiver: ast.expr) -> bool:
        """`sa.inspect(bind)`, `inspector`, `connection.introspection`: the catalog API
        (a spreadsheet's `get_columns()` is not)."""
        if isinstance(receiver, ast.Call):
            return bool(_INSPECTOR.search(_last_name(receiver.func)))
        values = self.scope.values(receiver.id) if isinstance(receiver, ast.Name) else []
        if values:
            return all(self._inspector(v) for v in values)
        return bool(_INSPECTOR.search(_last_name(receiver)))

    def _catalog_query(self, query: ast.expr) -> bool:
        """A constant query of the catalog, maybe wrapped: `sa.text("... pg_class ...")`."""
        if (
            isinstance(query, ast.Call)
            and len(query.args) == 1
            and _last_name(query.func) in ("text", "SQL")
        ):
            query = query.args[0]
        built = self.built(query)
        return built is not None and not built.unsafe and bool(_CATALOG.search(built.text))

    def _from_constants(self, node: ast.expr, depth: int = 0) -> bool:
        """A value computed from literals only: a constant, a collection of them, or a call
        such as `hash_password("123456")` that reads nothing from outside."""
        if depth > 4:
            return False
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return all(self._from_constants(e, depth + 1) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(
                k is not None and self._from_constants(k, depth + 1) for k in node.keys
            ) and all(self._from_constants(v, depth + 1) for v in node.values)
        if isinstance(node, ast.Call) and not _from_request(node):
            func = node.func
            root = func
            while isinstance(root, ast.Attribute):
                root = root.value
            if (
                not isinstance(root, ast.Name)
                or self.scope.local(root.id)
                or _last_name(func) in _READS_INPUT
                or self.ctx.call_name(node) in _READS_INPUT
            ):
                return False
            arguments = [*node.args, *(kw.value for kw in node.keywords)]
            return bool(arguments) and all(
                not isinstance(a, ast.Starred) and self._from_constants(a, depth + 1)
                for a in arguments
            )
        return self.safe(node)

    def safe(self, node: ast.expr) -> bool:
        """Is interpolating this value into SQL harmless (a constant, not request data)?"""
        return self._guarded(self._safe_value, node, too_deep=True)

    def _safe_value(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Await):
            node = node.value  # `await _quoted_identifier(conn, name)`: judged by the call
        if isinstance(node, ast.Constant):
            return True
        if _from_request(node):
            return False  # request.GET["q"], request.args.get("q"): ALL_CAPS but not constant
        if isinstance(node, ast.Name):
            return self._safe_name(node.id)
        if isinstance(node, ast.Attribute):
            if _is_constant_name(node.attr) or node.attr in _SAFE_ATTRS:
                return True
            if isinstance(node.value, ast.Name) and node.attr in ("value", "name"):
                return self._safe_name(node.value.id)  # an Enum member's value
            if (
                isinstance(node.value, ast.Name)
                and node.value.id in ("self", "cls")
                and node.attr in self._class_constants
            ):
                return True  # `table = "invoices"` in the class body
            if self._class_member(node):
                return True
            if _self_attribute(node) and node.attr in _typed_attributes(self.ctx):
                return True  # `self._workspace_uuid = WorkspaceUUID.new(...)`
            return "_meta" in self.source(node)
        if isinstance(node, ast.Subscript):
            base = node.value
            if isinstance(node.slice, ast.Slice) and not isinstance(base, ast.Name):
                # `("(%s,%s)," * len(rows))[:-1]`: a slice holds only what its text does
                # (Mayan's migrations build their placeholders so)
                return self.safe(base)
            if isinstance(base, ast.Name) and not _is_constant_name(base.id):
                return self._item_of_safe(base.id)  # `row[0]` of a catalog row
            return _is_constant_name(_last_name(base)) or _setting(base, node.slice)
        if isinstance(node, ast.Tuple | ast.List):
            return all(self.safe(e) for e in node.elts)
        if isinstance(node, ast.Call):
            return self._safe_call(node)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body) and self.safe(node.orelse)
        if isinstance(node, ast.BoolOp):
            return all(self.safe(v) for v in node.values)
        if isinstance(node, ast.UnaryOp):
            return self.safe(node.operand)
        if isinstance(node, ast.BinOp):
            if self._numeric(node):
                return True
            built = self.built(node)
            if built is not None:
                return not built.unsafe
            return self.safe(node.left) and self.safe(node.right)
        if isinstance(node, ast.JoinedStr):
            built = self.built(node)
            return built is not None and not built.unsafe
        return isinstance(node, ast.Compare)  # a boolean

    def _item_of_safe(self, name: str) -> bool:
        """An item of a value that is safe as a whole (a loop variable over catalog rows or
        literals); request data and parameters without a known source are not."""
        if self._shadowed(name) is not None or (
            self.scope.local(name) and name not in self.scope.params
        ):
            return self._safe_name(name)
        return False

    def _safe_name(self, name: str) -> bool:
        shadowed = self._shadowed(name)
        if shadowed is not None:
            return shadowed
        if name in self.scope.validated or name in self.scope.compiled:
            return True
        if name in self._safe:
            return self._safe[name]
        if name in self.scope.params:
            return self._safe_param(name)
        if not self.scope.local(name):
            outer = self._closure(name)
            if outer is not None:
                return outer._safe_name(name)
            return True  # a module-level name, an import or a builtin: not request data
        if name in self.scope.opaque:
            return False
        if name in self._active:
            return True  # `q = q + ...`: judged by its other parts
        self._active.add(name)
        try:
            values = self.scope.values(name)
            loops = self.scope.loops_of(name)
            result = all(self.safe(v) for v in values) and all(self._fixed(i) for i in loops)
            result = result and bool(values or loops)
        finally:
            self._active.discard(name)
        self._safe[name] = result
        return result

    def _safe_param(self, name: str) -> bool:
        arg = self.scope.params[name]
        annotation = arg.annotation
        if annotation is not None and self._safe_annotation(annotation):
            return True  # `value: int`, `unit: TimeUnit`: whoever calls, a number or a member
        if self.caller is not None and name in self.arguments:
            bound = self.arguments[name]
            return bound is None or self.caller.safe(bound)
        if name in self._converted:
            return True
        return self._literal_from_callers(name)

    def _safe_annotation(self, annotation: ast.expr) -> bool:
        for node in ast.walk(annotation):
            if isinstance(node, ast.Name | ast.Attribute) and _last_name(node) == "str":
                return False
        return any(
            isinstance(node, ast.Name | ast.Attribute)
            and (_last_name(node) in _SAFE_ANNOTATIONS or _last_name(node) in self._enums)
            for node in ast.walk(annotation)
        )

    def _literal_from_callers(self, name: str) -> bool:
        """`get_constraints_sql("history_entry")`: a parameter that every call of the
        function in this file sets to a literal (and that nothing else can reach: the
        function is not passed around) is a constant."""
        fn = self.scope.node
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        if any(_last_name(d) not in ("staticmethod", "classmethod") for d in fn.decorator_list):
            return False  # a route, a task, a command: called from outside this file
        sites = _call_sites(self.ctx).get(fn.name)
        if not sites or sum(f.name == fn.name for f in self.ctx.functions) != 1:
            return False
        params = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args]]
        method = params[:1] in (["self"], ["cls"])
        for call in sites:
            index: int | None = None
            if name in params:
                index = params.index(name)
                if method and isinstance(call.func, ast.Attribute):
                    index -= 1
            value: ast.expr | None = None
            for kw in call.keywords:
                if kw.arg == name:
                    value = kw.value
                elif kw.arg is None:
                    return False  # f(**options)
            if value is None and index is not None:
                if any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
                    return False
                if 0 <= index < len(call.args):
                    value = call.args[index]
            if value is None:
                value = self.scope.defaults.get(name)
            if value is None:
                return False
            if isinstance(value, ast.Name) and value.id == name and _inside(call, fn):
                continue  # the function passing its own parameter on to itself
            if not _literal(value) and not self._constant_at(call, value):
                return False
        return True

    def _constant_at(self, call: ast.Call, value: ast.expr) -> bool:
        """`for plugin, revision in {"chat": "3888761f"}.items(): _stamp(plugin, revision)`:
        a local of the calling function bound only to constants or loops over literals."""
        caller = enclosing_function(self.ctx, call)
        if caller is None or caller is self.scope.node or not isinstance(value, ast.Name):
            return False
        view = Strings(self.ctx, Scope(caller))
        return value.id not in view.scope.params and view._safe_name(value.id)

    def _number(self, node: ast.expr) -> bool:
        """An int or float literal, or a module-level name bound to one."""
        if isinstance(node, ast.Name):
            bound = self.ctx.module_constants.get(node.id)
            node = bound if bound is not None else node
        return (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        )

    def _numeric(self, node: ast.expr, depth: int = 0) -> bool:
        """Arithmetic that yields a number or raises: `math.ceil(n / step) * step`,
        `highest + int(buffer)`, `len(refs)`. `+`, `-`, `/`, `//`, `**` with one numeric
        side fail on a string; `*` and `%` need a number on the left (`"ab" * 2` and
        `"%s" % n` are strings), and `*` on both sides."""
        if depth > 8:
            return False
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return self._numeric(node.operand, depth + 1)
        if isinstance(node, ast.Call):
            return _last_name(node.func) in _NUMERIC_CALLS
        if isinstance(node, ast.Name):
            return self._number(node) or self._numeric_name(node.id, depth)
        if not isinstance(node, ast.BinOp):
            return self._number(node)
        left = self._numeric(node.left, depth + 1)
        if isinstance(node.op, ast.Mult):
            return left and self._numeric(node.right, depth + 1)
        if isinstance(node.op, ast.Mod):
            return left
        if isinstance(node.op, ast.Add | ast.Sub | ast.Div | ast.FloorDiv | ast.Pow):
            if isinstance(node.left, ast.Constant) and node.left.value == "":
                return self._numeric(node.right, depth + 1)  # `n += step` (see Scope)
            return left or self._numeric(node.right, depth + 1)
        return False

    def _numeric_name(self, name: str, depth: int) -> bool:
        """A local of this function every binding of which is numeric arithmetic."""
        if name in self._active or not self.scope.local(name) or name in self.scope.params:
            return False
        if name in self.scope.opaque or name in self.scope.loops:
            return False
        values = self.scope.values(name)
        self._active.add(name)
        try:
            return bool(values) and all(self._numeric(v, depth + 1) for v in values)
        finally:
            self._active.discard(name)

    def _class_member(self, node: ast.Attribute) -> bool:
        """`_RevisionType.accepted` of an Enum class of this file, a constant class
        attribute (`Config.table`), or an Enum member's value (`LinkType.event.value`)."""
        owner = node.value
        if isinstance(owner, ast.Name):
            if owner.id in self._enums:
                return True
            return node.attr in _class_body_constants(self.ctx).get(owner.id, frozenset())
        return (
            node.attr in ("value", "name")
            and isinstance(owner, ast.Attribute)
            and isinstance(owner.value, ast.Name)
            and (owner.value.id in self._enums or _camel(owner.value.id))
        )

    @cached_property
    def _class_constants(self) -> frozenset[str]:
        """Class attributes of this file bound to a constant in the class body only."""
        constant: set[str] = set()
        other: set[str] = set()
        for cls in self.ctx.classes:
            for stmt in cls.body:
                target = value = None
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                    target, value = stmt.targets[0], stmt.value
                elif isinstance(stmt, ast.AnnAssign):
                    target, value = stmt.target, stmt.value
                if isinstance(target, ast.Name) and value is not None:
                    (constant if isinstance(value, ast.Constant) else other).add(target.id)
        return frozenset(constant - other)

    @cached_property
    def _converted(self) -> frozenset[str]:
        """Route parameters with a typed converter: `@app.get("/posts/<int:post_id>")`."""
        node = self.scope.node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return frozenset()
        names: set[str] = set()
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call):
                for arg in decorator.args[:1]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        names.update(_CONVERTER.findall(arg.value))
        return frozenset(names)

    @cached_property
    def _enums(self) -> frozenset[str]:
        """Enum classes of this file: a parameter typed with one is validated by FastAPI."""
        return frozenset(
            cls.name
            for cls in self.ctx.classes
            if any(_last_name(b).endswith("Enum") for b in cls.bases)
        )

    def _safe_call(self, call: ast.Call) -> bool:
        func = call.func
        last = _last_name(func)
        if last in _SAFE_CALLS or quoting_helper(last) or quote_escaped(call):
            return True
        name = self.ctx.call_name(call)
        if name in _QUOTED_CONSTRUCTS:
            return True  # `sa.column(name)` renders as a quoted identifier
        if last == "next" and len(call.args) == 1 and isinstance(call.args[0], ast.Name):
            counters = self.scope.values(call.args[0].id)  # `idx = itertools.count()`
            return bool(counters) and all(
                isinstance(c, ast.Call) and _last_name(c.func) == "count" for c in counters
            )
        if last in _SERIALISERS and call.args:
            return all(self.safe(a) for a in call.args)  # json.dumps(<constant>)
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and len(call.args) == 2
            and isinstance(call.args[0], ast.Constant)
            and self._number(call.args[1])
        ):
            return True  # `context.get("query_timeout", _TIMEOUT)`: a numeric setting
        if isinstance(func, ast.Name) and self.scope.local(func.id):
            # qn = connection.ops.quote_name; qn(table)
            bound = self.scope.values(func.id)
            if bound and all("quote" in _last_name(b) for b in bound):
                return True
        if last == "group" and self._tight_capture(call):
            return True
        if last in ("min", "max"):
            return all(self.safe(a) for a in call.args)
        if last in ("str", "repr") and len(call.args) == 1:
            return self.safe(call.args[0])
        if isinstance(func, ast.Attribute) and func.attr in _STRING_METHODS:
            # `name.removeprefix("__")`: text made from a safe value and constants
            arguments = [*call.args, *(kw.value for kw in call.keywords)]
            return self.safe(func.value) and all(self.safe(a) for a in arguments)
        if isinstance(func, ast.Attribute):
            if func.attr in ("get", "__getitem__") and _is_constant_name(_last_name(func.value)):
                return True
            if func.attr == "get" and call.args and _setting(func.value, call.args[0]):
                return True
            if func.attr in ("format", "join") or func.attr in _PASS_THROUGH:
                built = self.built(call)
                return built is not None and not built.unsafe
        return False
