"""Links from a change spec to the tests at head, and from those tests to their results.

A test says what it verifies in one of three ways: a pytest marker
(`@pytest.mark.acceptance("AC-1")`, also on its class, or `pytestmark = ...` for a module
or class), the criterion's id in its name (`test_ac_1_partial_refund`, `test_AC1_...`),
or the id in its docstring ("Verifies AC-2."). Names and docstrings are matched against
the spec's own ids only, so `test_back_10` never claims AC-10 and `AC-1` never matches
`AC-12`. The same reading records what else the spec's interface checks need to know of
a test: the HTTP paths it requests, the error statuses it asserts, and the functions it
calls (for a refactor's callers).

Test files are read from git at the head commit, like everything else the gate judges;
a file is parsed only if its bytes mention something the spec asks about, so a large
repository's tests cost one `git cat-file` call and a regular-expression scan.

Results come from the supplied JUnit reports. pytest names a case by its module's dotted
path relative to its rootdir (`tests.test_refund`, `tests.test_refund.TestRefund`) and
the function (`test_x`, `test_x[param]`); a case matches a test when the name matches and
the classname is the test's module path (and classes) or a dotted suffix of it, which
covers a project tested from a subdirectory. An exact classname wins over a suffix.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from prodready.astwalk import parse_quietly
from prodready.gate import git
from prodready.gate.change import MAX_SOURCE_BYTES
from prodready.repo.files import is_test_path
from prodready.scan.context import FileContext

if TYPE_CHECKING:
    from prodready.evidence.junit import JUnitReport
    from prodready.evidence.supplied import Supplied
    from prodready.spec import AcceptanceCriterion, Spec

MARKER = "acceptance"
VERIFIED = "verified"
FAILED = "failed"
UNVERIFIED = "unverified"
UNKNOWN_RESULT = "unknown-result"

# outcome of one test across the supplied reports
PASSED = "passed"
SKIPPED = "skipped"
NOT_RUN = "not-run"

_ID = re.compile(r"^\s*([A-Za-z]+)[-_ ]?0*(\d+)\s*$")
_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_ANY_METHOD_CALLS = frozenset({"open", "request", "fetch", "generic"})
_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/]*", re.I)
_STATUS_ATTR = re.compile(r"HTTP_([45]\d\d)")
_PARAM_SEGMENT = re.compile(r"^(\{[^}]*\}|<[^>]*>|:\w+)$")
# a regular expression's group in a Django `re_path`: `(?P<pk>\d+)`, `([^/]+)`
_REGEX_GROUP = re.compile(r"\((\?P<\w+>)?[^()]*\)")


@dataclass(frozen=True)
class RequestCall:
    """A request a test makes to the application: `client.post("/refunds", ...)`."""

    method: str  # upper-case verb; "" when the call does not say (`client.open(path)`)
    path: str  # as written, without scheme, host and query; f-string values as "{}"
    line: int


@dataclass(frozen=True)
class TestFunction:
    """One test function at head, and what it says and does that the spec asks about."""

    __test__: ClassVar[bool] = False  # not a pytest test class, despite the name

    path: str
    name: str  # qualified within its file: "TestRefund.test_twice"
    line: int
    criteria: tuple[tuple[str, str], ...] = ()  # (criterion id as the spec writes it, how)
    calls: frozenset[str] = frozenset()  # called names resolved through the imports
    imports: frozenset[str] = frozenset()  # modules (and names) its file imports
    requests: tuple[RequestCall, ...] = ()
    error_statuses: tuple[int, ...] = ()  # 4xx/5xx statuses it compares or asserts
    raises: bool = False  # uses `pytest.raises` / `assertRaises`

    @property
    def id(self) -> str:
        """The pytest node id: `tests/test_refund.py::TestRefund::test_twice`."""
        return f"{self.path}::{self.name.replace('.', '::')}"

    def declares(self, criterion_id: str) -> str | None:
        """How this test declares `criterion_id` (marker, name, docstring), or None."""
        key = normalise_id(criterion_id)
        return next((how for cid, how in self.criteria if normalise_id(cid) == key), None)


@dataclass(frozen=True)
class LinkedTest:
    test: TestFunction
    how: str  # "marker" | "name" | "docstring"
    outcome: str | None  # passed | failed | error | skipped | not-run; None: no results given


@dataclass(frozen=True)
class CriterionLink:
    """One acceptance criterion and the evidence that it is verified."""

    criterion: AcceptanceCriterion
    status: str  # VERIFIED | FAILED | UNVERIFIED | UNKNOWN_RESULT
    tests: tuple[LinkedTest, ...] = ()


def normalise_id(text: str) -> str:
    """`AC-1`, `ac1`, `AC_01`, `AC 1` -> `AC-1`; anything else stripped, as written."""
    match = _ID.match(text)
    if match is None:
        return text.strip()
    return f"{match.group(1).upper()}-{int(match.group(2))}"


# -- reading tests ------------------------------------------------------------------------


def collect_tests(root: Path, head: str, spec: Spec) -> list[TestFunction]:
    """The test functions at `head` in test files that mention something `spec` asks about
    (the acceptance marker, a criterion id, a path segment of an endpoint, a caller)."""
    from prodready.gate.collect import ls_tree

    needle = _needle(spec)
    if needle is None:
        return []
    tree = ls_tree(root, head)
    wanted = {p: b for p, b in tree.items() if p.endswith(".py") and is_test_path(p)}
    blobs = git.read_blobs(root, wanted.values())
    ids = [c.id for c in spec.criteria]
    found: list[TestFunction] = []
    for path in sorted(wanted):
        data = blobs.get(wanted[path])
        if data is None or len(data) > MAX_SOURCE_BYTES or not needle.search(data):
            continue
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        found.extend(parse_tests(path, text, ids))
    return found


def _needle(spec: Spec) -> re.Pattern[bytes] | None:
    words: set[str] = set()
    for c in spec.criteria:
        match = _ID.match(c.id)
        words.add(rf"{match.group(1)}[-_ ]?0*{int(match.group(2))}" if match else re.escape(c.id))
    if words:
        words.add(MARKER)
    for endpoint in spec.endpoints:
        static = [s for s in route_segments(endpoint.path) if s != "{}"]
        if static:
            words.add(re.escape(max(static, key=len)))
    for caller in spec.callers:
        words.add(re.escape(caller.rpartition(":")[2].rsplit(".", 1)[-1]))
    words.discard("")
    if not words:
        return None
    return re.compile("|".join(sorted(words)).encode(), re.I)


def parse_tests(path: str, source: str, ids: Collection[str] = ()) -> list[TestFunction]:
    """The test functions of one file (pytest's conventions: `test*` functions, `test*`
    methods of `Test*` classes or `TestCase` subclasses, nested classes too). `ids` are the
    spec's criterion ids, looked for in names and docstrings; markers name any id."""
    try:
        tree = parse_quietly(source, path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    ctx = FileContext(path, source, tree)
    reader = _Reader(ctx, [(i, *_id_patterns(i)) for i in ids])
    module_marks = reader.pytestmark(tree.body)
    reader.visit(tree.body, "", module_marks)
    return reader.found


def _id_patterns(criterion_id: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(in a function name, in a docstring) patterns for one criterion id."""
    match = _ID.match(criterion_id)
    if match is None:
        escaped = re.escape(criterion_id)
        return re.compile(rf"(?:^|_){escaped}(?:_|$)", re.I), re.compile(rf"\b{escaped}\b", re.I)
    prefix, number = match.group(1), int(match.group(2))
    return (
        re.compile(rf"(?:^|_){prefix}_?0*{number}(?![0-9A-Za-z])", re.I),
        re.compile(rf"(?<![A-Za-z0-9]){prefix}[-_ ]?0*{number}(?![0-9A-Za-z])", re.I),
    )


@dataclass
class _Reader:
    ctx: FileContext
    ids: list[tuple[str, re.Pattern[str], re.Pattern[str]]]
    found: list[TestFunction] = field(default_factory=list)

    def __post_init__(self) -> None:
        imported: set[str] = set()
        for node in ast.walk(self.ctx.tree):
            if isinstance(node, ast.Import):
                imported.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module)
                imported.update(f"{node.module}.{a.name}" for a in node.names)
        self.imports = frozenset(imported)

    def visit(self, body: list[ast.stmt], prefix: str, marks: list[str]) -> None:
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                if stmt.name.startswith("test"):
                    self.found.append(self.test(stmt, prefix, marks))
            elif isinstance(stmt, ast.ClassDef) and self._test_class(stmt):
                inner = [*marks, *self.markers(stmt.decorator_list), *self.pytestmark(stmt.body)]
                self.visit(stmt.body, f"{prefix}{stmt.name}.", inner)

    def _test_class(self, cls: ast.ClassDef) -> bool:
        if cls.name.startswith("Test"):
            return True
        return any(self.ctx.qualname(b).endswith("TestCase") for b in cls.bases)

    def test(
        self, fn: ast.FunctionDef | ast.AsyncFunctionDef, prefix: str, marks: list[str]
    ) -> TestFunction:
        declared: dict[str, str] = {}
        known = {normalise_id(i): i for i, _, _ in self.ids}
        for mark in [*marks, *self.markers(fn.decorator_list)]:
            key = normalise_id(mark)
            declared.setdefault(known.get(key, mark.strip()), "marker")
        doc = ast.get_docstring(fn) or ""
        for cid, in_name, in_doc in self.ids:
            if cid in declared:
                continue
            if in_name.search(fn.name):
                declared[cid] = "name"
            elif doc and in_doc.search(doc):
                declared[cid] = "docstring"
        calls: set[str] = set()
        requests: list[RequestCall] = []
        statuses: set[int] = set()
        raises = False
        for node in ast.walk(fn):
            if isinstance(node, ast.Call):
                name = self.ctx.call_name(node)
                if name:
                    calls.add(name)
                elif isinstance(node.func, ast.Attribute):
                    calls.add(node.func.attr)  # `Billing().charge()`: the method's name
                short = name.rsplit(".", 1)[-1] if name else getattr(node.func, "attr", "")
                raises = raises or short in {"raises", "assertRaises", "assertRaisesRegex"}
                request = _request(node)
                if request is not None:
                    requests.append(request)
                if "assert" in short.lower() or "status" in short.lower():
                    statuses.update(_error_statuses(node.args))
            elif isinstance(node, ast.Compare | ast.Assert):
                statuses.update(_error_statuses([node]))
        return TestFunction(
            path=self.ctx.path,
            name=f"{prefix}{fn.name}",
            line=fn.lineno,
            criteria=tuple(declared.items()),
            calls=frozenset(calls),
            imports=self.imports,
            requests=tuple(requests),
            error_statuses=tuple(sorted(statuses)),
            raises=raises,
        )

    def markers(self, decorators: Iterable[ast.expr]) -> list[str]:
        """Criterion ids in `@pytest.mark.acceptance("AC-1", "AC-2")` decorators."""
        ids: list[str] = []
        for dec in decorators:
            ids.extend(self._marker_ids(dec))
        return ids

    def pytestmark(self, body: list[ast.stmt]) -> list[str]:
        """Ids in `pytestmark = pytest.mark.acceptance(...)` (or a list of marks)."""
        ids: list[str] = []
        for stmt in body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
            ):
                value = stmt.value
                marks = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
                for mark in marks:
                    ids.extend(self._marker_ids(mark))
        return ids

    def _marker_ids(self, node: ast.expr) -> list[str]:
        if not isinstance(node, ast.Call):
            return []
        name = self.ctx.qualname(node.func)
        if not (name == f"pytest.mark.{MARKER}" or name.endswith(f"mark.{MARKER}")):
            return []
        ids: list[str] = []
        for arg in node.args:
            items = arg.elts if isinstance(arg, ast.List | ast.Tuple | ast.Set) else [arg]
            ids.extend(
                i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)
            )
        return ids


def _request(call: ast.Call) -> RequestCall | None:
    """`client.post("/refunds")`, `client.get(f"/orders/{oid}")`, `client.open(path,
    method="POST")`, `client.request("POST", "/refunds")`: a request in a test."""
    if not isinstance(call.func, ast.Attribute) or not call.args:
        return None
    attr = call.func.attr
    if attr not in _VERBS and attr not in _ANY_METHOD_CALLS:
        return None
    method = attr.upper() if attr in _VERBS else ""
    target = call.args[0]
    first = call.args[0]
    if (
        not method
        and len(call.args) > 1
        and isinstance(first, ast.Constant)
        and str(first.value).lower() in _VERBS
    ):
        method, target = str(first.value).upper(), call.args[1]
    for kw in call.keywords:
        if kw.arg == "method" and isinstance(kw.value, ast.Constant):
            method = str(kw.value.value).upper()
    path = _literal_path(target)
    return None if path is None else RequestCall(method, path, call.lineno)


def _literal_path(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "{}"
            for v in node.values
        )
    else:
        return None
    text = _HOST.sub("", text).split("?", 1)[0].split("#", 1)[0]
    return text if text.startswith("/") else None


def _error_statuses(nodes: Iterable[ast.AST]) -> set[int]:
    found: set[int] = set()
    for root in nodes:
        for node in ast.walk(root):
            if isinstance(node, ast.Constant) and type(node.value) is int:
                if 400 <= node.value <= 599:
                    found.add(node.value)
            elif isinstance(node, ast.Attribute):
                match = _STATUS_ATTR.match(node.attr)
                if match:
                    found.add(int(match.group(1)))
    return found


# -- paths --------------------------------------------------------------------------------


def route_segments(path: str) -> tuple[str, ...]:
    """A route's segments with every parameter as "{}": `/orders/{id}/refunds`,
    `/orders/<int:id>/refunds`, `/orders/:id/refunds` and `^orders/(?P<id>\\d+)/refunds/$`
    are all `("orders", "{}", "refunds")`."""
    text = _REGEX_GROUP.sub("{}", path.strip().removeprefix("^").removesuffix("$"))
    text = _HOST.sub("", text).split("?", 1)[0]
    return tuple("{}" if _PARAM_SEGMENT.match(s) else s for s in text.split("/") if s)


def same_route(a: Sequence[str], b: Sequence[str]) -> bool:
    """Same length, and each segment equal or a parameter on either side."""
    return len(a) == len(b) and all(x == y or "{}" in (x, y) for x, y in zip(a, b, strict=True))


# -- results ------------------------------------------------------------------------------


class Results:
    """The supplied JUnit reports, indexed by test function name."""

    def __init__(self, supplied: Sequence[Supplied[JUnitReport]]) -> None:
        # the first report that could not be read (its path), if any
        self.unreadable = next((s.path for s in supplied if s.value is None), None)
        self.given = any(s.value is not None for s in supplied)
        self._cases: dict[str, list[tuple[str, str, str]]] = {}
        for s in supplied:
            if s.value is None:
                continue
            for case in s.value.cases:
                base = case.name.split("[", 1)[0]
                self._cases.setdefault(base, []).append((case.classname, case.outcome, s.path))

    def outcome(self, test: TestFunction) -> str | None:
        """failed (or error), passed, skipped or not-run; None when no report was given."""
        if not self.given:
            return None
        outcomes = [o for o, _ in self.cases(test)]
        for bad in (FAILED, "error"):
            if bad in outcomes:
                return bad
        if PASSED in outcomes:
            return PASSED
        return SKIPPED if outcomes else NOT_RUN

    def report_of(self, test: TestFunction) -> str:
        cases = self.cases(test)
        return cases[0][1] if cases else ""

    def cases(self, test: TestFunction) -> list[tuple[str, str]]:
        """(outcome, report path) of every case of `test` (parametrised: several)."""
        function = test.name.rsplit(".", 1)[-1]
        classes = test.name.rsplit(".", 1)[0] if "." in test.name else ""
        module = test.path.removesuffix(".py").replace("/", ".")
        expected = f"{module}.{classes}" if classes else module
        candidates = self._cases.get(function, [])
        exact = [(o, p) for cn, o, p in candidates if cn == expected]
        if exact:
            return exact
        return [(o, p) for cn, o, p in candidates if cn and expected.endswith("." + cn)]


def link_criteria(
    criteria: Iterable[AcceptanceCriterion], tests: Sequence[TestFunction], results: Results
) -> list[CriterionLink]:
    """Each criterion's status: verified (a linked test passed, none failed), failed (a
    linked test failed or errored), unverified (no test declares it), unknown-result
    (tests declare it, but no results were given or none of them ran)."""
    links: list[CriterionLink] = []
    for criterion in criteria:
        linked = tuple(
            LinkedTest(t, how, results.outcome(t))
            for t in tests
            if (how := t.declares(criterion.id)) is not None
        )
        outcomes = {t.outcome for t in linked}
        if not linked:
            status = UNVERIFIED
        elif outcomes & {FAILED, "error"}:
            status = FAILED
        elif PASSED in outcomes:
            status = VERIFIED
        else:
            status = UNKNOWN_RESULT
        links.append(CriterionLink(criterion, status, linked))
    return links


def caller_modules(path: str) -> list[str]:
    """The module names a file may be imported as: `src/app/billing.py` -> `src.app.billing`,
    `app.billing`, `billing` (longest first); a package's `__init__.py` is the package."""
    parts = path.removesuffix(".py").split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return [".".join(parts[i:]) for i in range(len(parts)) if parts[i:]]


def caller_tests(caller: str, tests: Iterable[TestFunction]) -> list[TestFunction]:
    """Tests of a caller `path:function` (or `path:Class.method`): they call it by its
    imported name (`app.billing.charge`), or their file imports its module and they call
    something named like it (`Billing().charge(...)`, a fixture-built object)."""
    path, _, function = caller.partition(":")
    short = function.rsplit(".", 1)[-1]
    if not path or not function:
        return []
    modules = caller_modules(path)
    full = {f"{m}.{function}" for m in modules}
    found: list[TestFunction] = []
    for test in tests:
        if test.calls & full:
            found.append(test)
            continue
        imports_module = any(
            imp == m or imp.startswith(m + ".") for imp in test.imports for m in modules
        )
        if imports_module and any(c.rsplit(".", 1)[-1] == short for c in test.calls):
            found.append(test)
    return found
