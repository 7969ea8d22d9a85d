"""Request data through one function: which names hold it at a given line, and (in
"validated" mode) which of them have been checked or sanitised since.

The flow is read in source order, without branches: an assignment from request data
taints a name from that line on, a re-assignment from something else clears it. That is
enough for handlers, which are short and mostly straight-line, and it keeps the answer
predictable for a reader of the finding.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prodready.scan.context import FunctionNode, keyword
from prodready.scan.rules._web.auth_signals import verifies_signature
from prodready.scan.rules._web.request_data import REQUEST_SOURCES, REQUEST_TYPES, TEXT_TYPES
from prodready.scan.rules._web.syntax import dotted, last, positional

if TYPE_CHECKING:
    from prodready.scan.rules._web.handler import Handler
    from prodready.scan.rules._web.web_file import WebFile

# Calls that turn request data into something safe (a number, a file name, escaped text).
_SANITIZERS = frozenset(
    {
        "int",
        "float",
        "bool",
        "len",
        "UUID",
        "uuid.UUID",
        "secure_filename",
        "werkzeug.utils.secure_filename",
        "os.path.basename",
        "shlex.quote",
        "pipes.quote",
        "safe_join",
        "werkzeug.security.safe_join",
        "flask.safe_join",
        "escape",
        "html.escape",
        "markupsafe.escape",
        "get_valid_filename",
        "slugify",
        "url_for",
        "reverse",
        "hashlib.sha256",
        "hashlib.md5",
    }
)
# Calls that hand request data on, transformed but still attacker-controlled.
_PROPAGATORS = frozenset(
    {
        "os.path.join",
        "os.path.normpath",
        "os.path.abspath",
        "os.path.realpath",
        "os.path.expanduser",
        "posixpath.join",
        "pathlib.Path",
        "pathlib.PurePath",
        "Path",
        "str",
        "bytes",
        "bytearray",
        "base64.b64decode",
        "base64.urlsafe_b64decode",
        "base64.b32decode",
        "binascii.unhexlify",
        "bytes.fromhex",
        "codecs.decode",
        "zlib.decompress",
        "gzip.decompress",
        "urllib.parse.unquote",
        "urllib.parse.unquote_plus",
        "urllib.parse.urljoin",
        "json.loads",
        "io.BytesIO",
        "io.StringIO",
        "dict",
        "list",
        "tuple",
        "getattr",
        "urllib.parse.parse_qs",
        "urllib.parse.parse_qsl",
        "urllib.parse.urlparse",
        "urllib.parse.urlsplit",
        "cgi.parse_qs",
        "re.split",
    }
)
# Regular expressions that pull pieces out of request data: they pass it on when what they
# capture is loose (`([^&]+)`, `(.*)`), and clean it when it is tight (`(\d+)`, `(\w+)`).
_EXTRACTORS = frozenset({"re.findall", "re.finditer"})
_LOOSE_PATTERN = re.compile(r"\[\^|\.[*+?{]|\\S")
# `self.path` and `self.headers` of the standard library's `BaseHTTPRequestHandler`.
_HTTP_SERVER_SOURCES = frozenset({"path", "headers", "rfile", "requestline", "raw_requestline"})

# Methods on request data that return something else than the data.
_NON_DATA_METHODS = frozenset(
    {
        "isdigit",
        "isalnum",
        "isalpha",
        "isdecimal",
        "isnumeric",
        "isidentifier",
        "startswith",
        "endswith",
        "count",
        "find",
        "index",
        "__len__",
        "is_valid",
        "temporary_file_path",  # where Django's upload handler spooled the file: its choice
    }
)
# Methods and calls that check a value (`name.isalnum()`, `is_safe_url(url)`), and those
# that only look like checks (`os.path.exists(path)` says nothing about where it points).
_VALIDATING_METHODS = frozenset(
    {
        "startswith",
        "isalnum",
        "isalpha",
        "isdigit",
        "isdecimal",
        "isnumeric",
        "isidentifier",
        "isascii",
        "is_relative_to",
        "match",
        "fullmatch",
    }
)
_VALIDATING_CALL = re.compile(
    r"valid|is_safe|safe_(url|path|name|redirect|filename|for)|allowed|^_*(is_|can_)?allow_|"
    r"permitted|whitelist|allowlist|sanitiz|^check_(?!output|call)|^verify|^ensure|^clean|fullmatch|^match$|"
    r"^search$|isabs|commonpath|is_relative_to",
    re.IGNORECASE,
)
_NOT_VALIDATING = frozenset(
    {
        "exists",
        "isfile",
        "isdir",
        "islink",
        "getsize",
        "len",
        "bool",
        "isinstance",
        "hasattr",
        "str",
        "print",
        "log",
        "info",
        "debug",
        "warning",
        "error",
    }
)


class Flow:
    """Request data through one function, in source order.

    `validated=True` asks "is this value unvalidated request data here?": typed parameters,
    `int()`, `secure_filename()` and friends stop the data, unknown calls (a schema's
    `load`, a model constructor) are taken to validate, and a name that was checked against
    an allow-list, a pattern or a prefix counts as validated from then on.
    `validated=False` asks "does this value come from the request?" (an id for a lookup):
    every call and conversion passes it on.
    """

    def __init__(
        self, web: WebFile, fn: FunctionNode, handler: Handler | None, *, validated: bool
    ) -> None:
        self.web = web
        self.fn = fn
        self.validated = validated
        self.roots = set(handler.request_names) if handler else {"request", "req"}
        for p in positional(fn):  # `r: Request` / `req: HttpRequest`
            if p.annotation is not None and last(dotted(p.annotation)) in REQUEST_TYPES:
                self.roots.add(p.arg)
        self.http_server = fn in web.http_server_methods
        self.extensions: set[str] = set()  # names bound to `name.split(".")[-1]`
        self.events: dict[str, list[tuple[int, bool]]] = {}
        self.checked: dict[str, int] = {}  # request reads checked as a whole, by shape
        if handler is not None:
            configured, objects = (
                _code_supplied(fn) if handler.framework in _DJANGO else (set(), set())
            )
            receiver = _receiver(fn)
            for param in handler.params.values():
                if param.name in configured or param.name == receiver:
                    continue  # `next_page=settings.LOGIN_URL`: set by the URLconf or a caller
                typed = param.typed or param.name in objects
                tainted = not (validated and typed)
                self.events.setdefault(param.name, []).append((fn.lineno, tainted))
        self._build()

    def _build(self) -> None:
        body = self.web.body(self.fn)
        steps: list[tuple[int, int, ast.AST]] = []
        for node in body:
            if isinstance(
                node,
                (
                    ast.Assign | ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor,
                    ast.NamedExpr | ast.withitem,
                ),
            ):
                line = getattr(node, "lineno", None)
                if line is None and isinstance(node, ast.withitem):
                    line = node.context_expr.lineno
                steps.append((line or 0, getattr(node, "col_offset", 0), node))
            elif self.validated and isinstance(node, ast.If | ast.While | ast.Assert | ast.IfExp):
                reads: list[ast.expr] = []
                for name in _validated_names(node.test, reads):
                    self.events.setdefault(name, []).append((node.test.lineno, False))
                self._mark_checked(reads, node.test.lineno)
            elif self.validated and isinstance(node, ast.Call):
                short = last(dotted(node.func))
                if _VALIDATING_CALL.search(short) and short not in _NOT_VALIDATING:
                    for arg in [*node.args, *(k.value for k in node.keywords)]:
                        if isinstance(arg, ast.Name):
                            self.events.setdefault(arg.id, []).append((node.lineno, False))
        for name in self.events:
            self.events[name].sort()
        steps.sort(key=lambda s: (s[0], s[1]))
        for line, _, node in steps:
            targets: list[ast.expr]
            value: ast.expr | None
            if isinstance(node, ast.Assign):
                targets, value = list(node.targets), node.value
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets, value = [node.target], node.value
            elif isinstance(node, ast.For | ast.AsyncFor):
                targets, value = [node.target], node.iter
            elif isinstance(node, ast.NamedExpr):
                targets, value = [node.target], node.value
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                targets, value = [node.optional_vars], node.context_expr
            else:
                continue
            if value is None:
                continue
            if _extension(value):
                self.extensions.update(n for t in targets for n in _target_names(t))
            tainted = self.tainted(value, line)
            if isinstance(node, ast.AugAssign):
                tainted = tainted or self.tainted(node.target, line)
            for target in targets:
                for name in _target_names(target):
                    self._record(name, line, tainted)

    def _mark_checked(self, reads: list[ast.expr], line: int) -> None:
        """Remember request reads a condition checked as a whole
        (`if is_safe_url(request.args.get("next")):`), by their shape."""
        for read in reads:
            key = ast.dump(read)
            self.checked[key] = min(line, self.checked.get(key, line))

    def _was_checked(self, node: ast.expr, line: int) -> bool:
        """Is `node` the same request read as one a condition checked before `line`? The
        request does not change within a handler, so `request.args.get("next")` read again
        after `if is_safe_url(request.args.get("next")):` is the value that was checked."""
        checked_at = self.checked.get(ast.dump(node))
        return checked_at is not None and checked_at < line

    def _record(self, name: str, line: int, tainted: bool) -> None:
        events = self.events.setdefault(name, [])
        events.append((line, tainted))
        events.sort()

    def name_tainted(self, name: str, line: int) -> bool:
        state = False
        for ev_line, tainted in self.events.get(name, ()):
            if ev_line >= line:
                break
            state = tainted
        return state

    def is_source(self, node: ast.expr) -> bool:
        """`request.args`, `request.GET`, `self.kwargs`, `request.get_json` (the attribute)."""
        if not isinstance(node, ast.Attribute):
            return False
        owner = dotted(node.value)
        if node.attr in REQUEST_SOURCES and (
            owner in self.roots or owner in {"self.request", "flask.request"}
        ):
            return True
        if owner == "self" and self.http_server:
            return node.attr in _HTTP_SERVER_SOURCES
        return owner == "self" and node.attr == "kwargs"

    def _is_extension(self, node: ast.expr) -> bool:
        """The text after the last dot of a name (`upload.name.split(".")[-1]`), or a name
        bound to it: it holds no dot, so after a fixed stem (`f"{uuid4()}.{ext}"`) it cannot
        climb out of a directory or start an absolute path."""
        return (isinstance(node, ast.Name) and node.id in self.extensions) or _extension(node)

    def tainted(self, node: ast.expr | None, line: int) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Name):
            return self.name_tainted(node.id, line)
        checked = self.checked and isinstance(node, ast.Call | ast.Subscript)
        if checked and self._was_checked(node, line):
            return False
        if isinstance(node, ast.Attribute):
            if self.is_source(node):
                return True
            if dotted(node.value) in self.roots:
                return False  # request.user, request.method, request.path...
            return self.tainted(node.value, line)
        if isinstance(node, ast.Subscript):
            return self.tainted(node.value, line)
        if isinstance(node, ast.Call):
            return self._call_tainted(node, line)
        if isinstance(node, ast.BinOp):
            if self.validated and isinstance(node.op, ast.Add) and self._is_extension(node.right):
                return self.tainted(node.left, line)  # name + "." + ext: ext holds no dot
            return self.tainted(node.left, line) or self.tainted(node.right, line)
        if isinstance(node, ast.JoinedStr):
            return any(
                self.tainted(v.value, line)
                for i, v in enumerate(node.values)
                if isinstance(v, ast.FormattedValue)
                and not (i and self.validated and self._is_extension(v.value))
            )
        if isinstance(node, ast.IfExp):
            return self.tainted(node.body, line) or self.tainted(node.orelse, line)
        if isinstance(node, ast.BoolOp):
            return any(self.tainted(v, line) for v in node.values)
        if isinstance(node, ast.Await | ast.Starred | ast.FormattedValue):
            return self.tainted(node.value, line)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            return any(self.tainted(e, line) for e in node.elts)
        if isinstance(node, ast.Dict):
            return any(self.tainted(v, line) for v in node.values if v is not None)
        if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
            return self._comprehension_tainted(node, line)
        return False

    def _comprehension_tainted(
        self, node: ast.ListComp | ast.GeneratorExp | ast.SetComp, line: int
    ) -> bool:
        """`[x.strip() for x in request.args.getlist("k")]` carries request data;
        `(safe_join(ROOT, t, path) for t in themes)` does not, in validated mode: the element
        is what comes out, so it is judged with each loop name holding what its iterable
        holds."""
        if not any(self.tainted(g.iter, line) for g in node.generators):
            return False
        if not self.validated:
            return True
        saved = {n: self.events.get(n) for g in node.generators for n in _target_names(g.target)}
        try:
            for g in node.generators:
                state = self.tainted(g.iter, line)
                for name in _target_names(g.target):
                    self.events[name] = [(0, state)]
            return self.tainted(node.elt, line)
        finally:
            for name, events in saved.items():
                if events is None:
                    self.events.pop(name, None)
                else:
                    self.events[name] = events

    def _call_tainted(self, call: ast.Call, line: int) -> bool:
        func = call.func
        name = self.web.ctx.qualname(func) or dotted(func)
        short = func.attr if isinstance(func, ast.Attribute) else last(name)
        if verifies_signature(self.web.ctx, call):
            return False  # a signed token: the server issued this value
        if self.validated:
            if name in _SANITIZERS or short in _SANITIZERS:
                return False
            if name in _EXTRACTORS:  # re.findall(r"id=([^&]+)", query)
                return _loose(call) and self._any_arg(call, line)
            if short == "get" and keyword(call, "type") is not None:
                return False  # request.args.get("n", type=int)
        if isinstance(func, ast.Attribute):
            if self.is_source(func):
                return True  # request.get_json(), await request.json()
            if self.tainted(func.value, line):
                return not (self.validated and short in _NON_DATA_METHODS)
            if isinstance(func.value, ast.Constant) and short in {"join", "format"}:
                return self._any_arg(call, line)
        args_tainted = self._any_arg(call, line)
        if not args_tainted:
            return False
        if not self.validated:
            return True
        return name in _PROPAGATORS or short in {"Path", "PurePath", "join", "urljoin"}

    def _any_arg(self, call: ast.Call, line: int) -> bool:
        return any(self.tainted(a, line) for a in call.args) or any(
            self.tainted(k.value, line) for k in call.keywords
        )

    def first_tainted_name(self, node: ast.expr, line: int) -> str:
        """A readable name for the request data inside an expression: `request.args["n"]`,
        `f.filename`, `name`."""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Subscript | ast.Call) and self._reads_source(sub):
                return _short(ast.unparse(sub))
            if isinstance(sub, ast.Attribute) and self.is_source(sub):
                return dotted(sub)
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and self.name_tainted(sub.value.id, line)
            ):
                return dotted(sub)
            if isinstance(sub, ast.Name) and self.name_tainted(sub.id, line):
                return sub.id
        return dotted(node) or "request data"

    def _reads_source(self, node: ast.Subscript | ast.Call) -> bool:
        """`request.args["n"]`, `request.args.get("n")`, `request.get_json()`."""
        inner = node.value if isinstance(node, ast.Subscript) else node.func
        if isinstance(node, ast.Call) and isinstance(inner, ast.Attribute):
            return self.is_source(inner) or self.is_source(inner.value)
        return self.is_source(inner)


_DJANGO = frozenset({"django", "drf"})


def _code_supplied(fn: FunctionNode) -> tuple[set[str], set[str]]:
    """Parameters of a Django view that the URL pattern does not fill with text.

    Django passes URL captures as strings (or a converter's int/UUID). A parameter that
    defaults to a named constant (`next_page=settings.LOGIN_URL`,
    `route_success=routes.SUCCESS`) is configuration, overridden by the URLconf's extra
    keyword arguments or by a view that calls this one, so it is not request data at all.
    A parameter annotated with a class that is not text (`result: ModerationResult`,
    `status: Status`) holds an object some code built and passed in: whatever it holds was
    made by the server, so it is not unvalidated text from the request either. Returns
    (configured, objects)."""
    args = [*fn.args.posonlyargs, *fn.args.args]
    defaults: list[tuple[ast.arg, ast.expr | None]] = list(
        zip(args[len(args) - len(fn.args.defaults) :], fn.args.defaults, strict=True)
    )
    defaults += zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True)
    configured = {a.arg for a, default in defaults if isinstance(default, ast.Name | ast.Attribute)}
    objects = {
        a.arg
        for a in [*args, *fn.args.kwonlyargs]
        if isinstance(a.annotation, ast.Name | ast.Attribute)
        and last(dotted(a.annotation))[:1].isupper()
        and last(dotted(a.annotation)) not in TEXT_TYPES | REQUEST_TYPES
    }
    return configured, objects


def _receiver(fn: FunctionNode) -> str | None:
    """`self` (or `cls`) of a method handler: the view object the framework built, never a
    value the client sent, so the attributes and helpers reached through it
    (`self.service.render(...)`, `self.repo.get_one(slug)`) are not request data."""
    args = [*fn.args.posonlyargs, *fn.args.args]
    if args and args[0].arg in {"self", "cls"}:
        return args[0].arg
    return None


def _extension(node: ast.expr) -> bool:
    """`x.split(".")[-1]`, `x.rsplit(".", 1)[-1]`, `x.rpartition(".")[2]`, also lower-cased."""
    while (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"lower", "upper", "strip", "casefold"}
    ):
        node = node.func.value
    if not isinstance(node, ast.Subscript) or not isinstance(node.value, ast.Call):
        return False
    call, index = node.value, node.slice
    if not isinstance(call.func, ast.Attribute) or not call.args:
        return False
    if not (isinstance(call.args[0], ast.Constant) and call.args[0].value == "."):
        return False
    last_item = (
        isinstance(index, ast.UnaryOp)
        and isinstance(index.op, ast.USub)
        and isinstance(index.operand, ast.Constant)
        and index.operand.value == 1
    )
    if call.func.attr in {"split", "rsplit"}:
        return last_item
    third = isinstance(index, ast.Constant) and index.value == 2
    return call.func.attr == "rpartition" and (last_item or third)


def _loose(call: ast.Call) -> bool:
    """Does the pattern of a `re` call capture loosely (`[^&]+`, `.*`, `\\S+`)?"""
    pattern = call.args[0] if call.args else None
    while isinstance(pattern, ast.BinOp):  # r"...%s=([^&]+)" % name
        pattern = pattern.left
    text = pattern.value if isinstance(pattern, ast.Constant) else None
    return isinstance(text, str) and bool(_LOOSE_PATTERN.search(text))


def _short(text: str) -> str:
    """Shorten source text for a message."""
    return text if len(text) <= 60 else text[:57] + "..."


def _validated_names(test: ast.expr, reads: list[ast.expr]) -> set[str]:
    """Names that a condition checks against an allow-list, a pattern or a prefix. Request
    reads checked without a name (`is_safe_url(request.args.get("next"))`) go to `reads`."""
    names: set[str] = set()
    for node in ast.walk(test):
        if isinstance(node, ast.Compare):
            if not any(isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn) for op in node.ops):
                continue
            operands = [node.left, *node.comparators]
            if any(_emptyish(o) for o in operands):
                continue
            if all(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
                operands = [node.left]  # `name in ALLOWED` checks name; `"id" in params` nothing
            reads.extend(o for o in operands if isinstance(o, ast.Call | ast.Subscript))
            for o in operands:
                if isinstance(o, ast.Name):
                    names.add(o.id)
                elif isinstance(o, ast.Call):  # os.path.commonpath([...]) == base
                    names.update(_call_names(o, reads))
                elif isinstance(o, ast.Attribute) and o.attr == "parent":
                    names.update(_parent_of(o))  # dest.resolve().parent != base_dir
        elif isinstance(node, ast.Call):
            short = last(dotted(node.func))
            if short in _NOT_VALIDATING:
                continue
            if (
                isinstance(node.func, ast.Attribute) and short in _VALIDATING_METHODS
            ) or _VALIDATING_CALL.search(short):
                names.update(_call_names(node, reads))
    return names


def _parent_of(node: ast.Attribute) -> set[str]:
    """The path whose directory is compared: `dest.parent`, `dest.resolve().parent`. Equal
    to a fixed directory means the path is a direct child of it, so it cannot climb out."""
    part: ast.expr = node.value
    while isinstance(part, ast.Call) and isinstance(part.func, ast.Attribute):
        part = part.func.value  # .resolve(), .absolute()
    return {part.id} if isinstance(part, ast.Name) else set()


def _call_names(call: ast.Call, reads: list[ast.expr]) -> set[str]:
    """Plain names a call checks: its arguments (keyword ones too, as in
    `url_has_allowed_host_and_scheme(url=target, ...)`) and the receiver of a method. An
    argument that is itself a read (`request.args.get("next")`) goes to `reads`."""
    found: set[str] = set()
    parts: list[ast.expr] = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(call.func, ast.Attribute):
        parts.append(call.func.value)
    reads.extend(p for p in parts if isinstance(p, ast.Call | ast.Subscript))
    for part in parts:
        # os.path.realpath(path).startswith(BASE), Path(p).resolve(): the check is about `p`
        while isinstance(part, ast.Call):
            if part.args:
                part = part.args[0]
            elif isinstance(part.func, ast.Attribute):
                part = part.func.value
            else:
                break
        if isinstance(part, ast.Name):
            found.add(part.id)
        elif isinstance(part, ast.List | ast.Tuple):
            found.update(e.id for e in part.elts if isinstance(e, ast.Name))
    return found


def _emptyish(node: ast.expr) -> bool:
    """`None`, `""`, `0`: comparing with them is a presence check, not validation."""
    return isinstance(node, ast.Constant) and node.value in (None, "", 0, b"")


def _target_names(target: ast.expr) -> Iterator[str]:
    """The plain names an assignment target binds, unpacking tuples and starred targets."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, ast.Tuple | ast.List):
        for elt in target.elts:
            yield from _target_names(elt)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)
