"""Everything a rule may ask about one file, computed in one walk of its syntax tree.

Rules never walk the whole tree themselves: the single walk here sorts the nodes they care
about into lists (calls, functions, handlers, ...), which is what keeps ten rules close to
the cost of one parse. Name resolution through the file's imports lives here too, so every
rule agrees that `from requests import get as fetch; fetch(url)` is `requests.get`.
"""

from __future__ import annotations

import ast
from functools import cached_property

from prodready.astwalk import NodeIndex, index_nodes

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_CONTEXTS = (ast.Load, ast.Store, ast.Del)

# A file importing one of these makes the scanned code a service (a project fact).
SERVICE_FACT = "service"
SERVICE_FRAMEWORKS = (
    "flask",
    "fastapi",
    "django",
    "starlette",
    "aiohttp.web",
    "tornado.web",
    "sanic",
    "quart",
    "litestar",
    "falcon",
    "pyramid",
    "celery",
    "grpc",
    "rest_framework",
    "uvicorn",
    "gunicorn",
    "cherrypy",
    "cheroot",
    "bottle",
    "waitress",
    "hypercorn",
    "twisted.web",
)


# Plain helpers inside a framework's package that need no app to be set up
# (`from django.utils.text import slugify` in OpenCodelists' hand-run import script): a
# file importing only these boots no framework.
FRAMEWORK_HELPERS = ("django.utils.text.", "django.utils.crypto.", "django.utils.dateparse.")


# A folder of code the project has retired (Yeti's `plugins/analytics/deprecated/`, which its
# plugin loader skips): its files count only if some module imports from such a folder.
RETIRED_FOLDER = "deprecated"
RETIRED_IMPORTED_FACT = "imports-deprecated-folder"


def _imports_retired(node: ast.Import | ast.ImportFrom) -> bool:
    """`from .deprecated import x`, `from app.deprecated.views import y`, `from . import
    deprecated`. A top-level `deprecated` is the PyPI package of the `@deprecated`
    decorator, not a folder of the project."""
    if isinstance(node, ast.Import):
        return any(RETIRED_FOLDER in a.name.split(".")[1:] for a in node.names)
    parts = (node.module or "").split(".")
    if node.level:
        return RETIRED_FOLDER in parts or any(a.name == RETIRED_FOLDER for a in node.names)
    return RETIRED_FOLDER in parts[1:]


class FileContext:
    def __init__(
        self, path: str, source: str, tree: ast.Module, nodes: NodeIndex | None = None
    ) -> None:
        self.path = path
        self.source = source
        self.tree = tree
        nodes = nodes if nodes is not None else index_nodes(tree)
        self.calls: list[ast.Call] = nodes.calls
        self.functions: list[FunctionNode] = nodes.functions
        self.classes: list[ast.ClassDef] = nodes.classes
        self.handlers: list[ast.ExceptHandler] = nodes.handlers
        self.assigns: list[ast.Assign | ast.AnnAssign] = nodes.assigns
        self.loops: list[ast.For | ast.AsyncFor | ast.While] = nodes.loops
        self.withs: list[ast.With | ast.AsyncWith] = nodes.withs
        self.aliases: dict[str, str] = {}  # local name -> qualified name
        self.import_nodes: list[ast.Import | ast.ImportFrom] = nodes.imports  # nested too
        self.module_constants: dict[str, ast.expr] = {}  # module-level NAME = <constant expr>
        self.facts: set[str] = set()  # project facts this file establishes (see engine)
        # Answers about the whole file that several rules ask ("is it a developer
        # script?"), worked out once per file instead of once per rule.
        self.memo: dict[str, bool] = {}
        self._call_names: dict[ast.Call, str] = {}
        self._read_imports(nodes.imports)

    def _read_imports(self, imports: list[ast.Import | ast.ImportFrom]) -> None:
        for node in imports:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.aliases[local] = alias.name if alias.asname else local
            elif node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        if any(
            (q == m or q.startswith(m + ".")) and not q.startswith(FRAMEWORK_HELPERS)
            for q in self.aliases.values()
            for m in SERVICE_FRAMEWORKS
        ):
            self.facts.add(SERVICE_FACT)
        if RETIRED_FOLDER in self.source and any(map(_imports_retired, imports)):
            self.facts.add(RETIRED_IMPORTED_FACT)
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name) and _is_constant(stmt.value):
                    self.module_constants[target.id] = stmt.value

    # -- names ---------------------------------------------------------------------
    def qualname(self, node: ast.expr) -> str:
        """Dotted name of an expression with its first part resolved through the imports:
        `r.get` after `import requests as r` is `requests.get`; "" if not a name chain."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return ""
        head = self.aliases.get(node.id, node.id)
        return ".".join([head, *reversed(parts)])

    def call_name(self, call: ast.Call) -> str:
        """`qualname` of what is called, memoised: every rule asks about every call."""
        name = self._call_names.get(call)
        if name is None:
            name = self._call_names[call] = self.qualname(call.func)
        return name

    def imports(self, module: str) -> bool:
        """Does this file import `module` or anything inside it?"""
        return module in self._imported_prefixes

    @cached_property
    def _imported_prefixes(self) -> frozenset[str]:
        """Every dotted prefix of every imported name (`django`, `django.db`,
        `django.db.models` for `from django.db import models`): rules ask `imports` some
        twenty times per file, and a set answers each without going through the imports."""
        prefixes: set[str] = set()
        for qualified in self.aliases.values():
            parts = qualified.split(".")
            prefixes.update(".".join(parts[: i + 1]) for i in range(len(parts)))
        return frozenset(prefixes)

    # -- structure -------------------------------------------------------------------
    @cached_property
    def parents(self) -> dict[ast.AST, ast.AST]:
        """Child -> parent, built only for the rules that need to look upwards."""
        parents: dict[ast.AST, ast.AST] = {}
        stack: list[ast.AST] = [self.tree]
        while stack:
            node = stack.pop()
            for name in node._fields:
                value = getattr(node, name, None)
                if value.__class__ is list:
                    for item in value:
                        if isinstance(item, ast.AST):
                            parents[item] = node
                            stack.append(item)
                elif isinstance(value, ast.AST) and not isinstance(value, _CONTEXTS):
                    parents[value] = node
                    stack.append(value)
        return parents

    def enclosing_function(self, node: ast.AST) -> FunctionNode | None:
        current = self.parents.get(node)
        while current is not None:
            if isinstance(current, ast.FunctionDef | ast.AsyncFunctionDef):
                return current
            current = self.parents.get(current)
        return None

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    @cached_property
    def lines(self) -> list[str]:
        return self.source.splitlines()


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    """`f(**options)` may carry any keyword, so a rule must not claim one is missing."""
    return any(kw.arg is None for kw in call.keywords)


def keyed_read(node: ast.AST) -> tuple[ast.expr, ast.expr] | None:
    """`data.get("password", ...)` or `data["password"]`: the key expression and the
    container it is read from; None for anything else."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "get" and node.args:
            return node.args[0], node.func.value
        return None
    if isinstance(node, ast.Subscript):
        return node.slice, node.value
    return None


def is_none(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_constant(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_is_constant(e) for e in node.elts)
    if isinstance(node, ast.BinOp):
        return _is_constant(node.left) and _is_constant(node.right)
    return False
