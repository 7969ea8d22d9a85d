"""Architecture criteria: the structure a change must fit into."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from prodready.context import AuditContext
from prodready.criteria.base import criterion
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier
from prodready.repo.python_facts import ImportRef

_MAX_LISTED = 20


def _project_edges(ctx: AuditContext) -> dict[str, dict[str, ImportRef]]:
    """Module -> imported project module -> first import statement, for import-time imports
    of production code. Lazy (function-level) and TYPE_CHECKING imports are excluded
    because they do not run when the module loads, which is what a cycle breaks."""
    modules = ctx.python.modules
    edges: dict[str, dict[str, ImportRef]] = defaultdict(dict)
    for facts in ctx.python.production():
        source = ctx.python.module_of(facts.rel)
        if source is None:
            continue
        for imp in facts.imports:
            if not imp.toplevel:
                continue
            targets = [f"{imp.module}.{n}" for n in imp.names if f"{imp.module}.{n}" in modules]
            if not targets and imp.module in modules:
                targets = [imp.module]
            for target in targets:
                if target != source and not _is_ancestor(target, source):
                    edges[source].setdefault(target, imp)
    return edges


def _is_ancestor(package: str, module: str) -> bool:
    """A submodule importing its own package's `__init__` is how packages expose names;
    counting it would call nearly every package a cycle."""
    return module.startswith(package + ".")


def _cycles(edges: dict[str, dict[str, ImportRef]]) -> list[list[str]]:
    """Strongly connected components with more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(edges.get(start, {})))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            if successors:
                nxt = successors.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(edges.get(nxt, {}))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return sorted(result)


def _shortest_cycle(component: list[str], edges: dict[str, dict[str, ImportRef]]) -> list[str]:
    """A concrete loop through the component's first module, so the report can name it."""
    members = set(component)
    start = component[0]
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            for target in sorted(edges.get(node, {})):
                if target not in members:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [*reversed(path), start]
                if target not in parents:
                    parents[target] = node
                    nxt.append(target)
        frontier = nxt
    return [start, start]


@criterion(
    "arch.import-cycles",
    "No import cycles between the project's modules",
    Dimension.ARCHITECTURE,
    Layer.CONSTRAINTS,
    required_from=Tier.PRODUCTION,
)
def import_cycles(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Builds the graph of import-time imports between the project's own modules
        (imports inside functions or under `if TYPE_CHECKING:` do not run at import time
        and are left out, as is a submodule importing its own package) and names each cycle
        with the import statement behind every edge.
    Why it matters:
        A cycle works until someone reorders an import, then fails at start-up with a
        partially initialised module. Cycles also mean the modules cannot be understood,
        tested or deployed apart, which is what a reviewer of an AI-written change needs.
    Example:
        `billing/invoice.py` does `from billing.refund import refund` and
        `billing/refund.py` does `from billing.invoice import Invoice`.
    Fix:
        Move what both modules need into a third module both import, or make one of the
        imports lazy (inside the function that needs it) and say why in a comment.
    """
    edges = _project_edges(ctx)
    if not edges and not ctx.python.modules:
        return Outcome.not_applicable("no Python modules found")
    components = _cycles(edges)
    if not components:
        return Outcome.met(Evidence(f"{len(edges)} modules import other project modules; no cycle"))
    evidence: list[Evidence] = []
    for component in components[:_MAX_LISTED]:
        loop = _shortest_cycle(component, edges)
        for a, b in pairwise(loop):
            imp = edges[a][b]
            rel = ctx.python.modules[a]
            evidence.append(
                Evidence(f"{a} imports {b} (cycle: {' -> '.join(loop)})", rel, imp.line)
            )
    return Outcome.gap(f"{len(components)} import cycle(s) between project modules", *evidence)


@criterion(
    "arch.module-size",
    "Modules small enough to review",
    Dimension.ARCHITECTURE,
    Layer.CONSTRAINTS,
    required_from=None,
)
def module_size(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Lists production modules with more code lines (not blank, not comments) than
        `thresholds.max_module_lines` (default 1000).
    Why it matters:
        A reviewer cannot hold a 3,000-line module in their head, so changes to it are
        approved on trust. Assistants make this worse: they append to the file they were
        shown.
    Example:
        `app/views.py`: 2,400 code lines with every endpoint of the service.
    Fix:
        Split the module along its responsibilities (one module per resource or use case),
        or raise the threshold in `[thresholds]` if the size is deliberate.
    """
    limit = ctx.policy.thresholds.max_module_lines
    big = sorted(
        (f for f in ctx.python.production() if f.code_lines > limit),
        key=lambda f: (-f.code_lines, f.rel),
    )
    count = sum(1 for _ in ctx.python.production())
    if count == 0:
        return Outcome.not_applicable("no production Python modules")
    if not big:
        return Outcome.met(Evidence(f"{count} modules, none over {limit} code lines"))
    evidence = [Evidence(f"{f.code_lines} code lines", f.rel) for f in big[:_MAX_LISTED]]
    return Outcome.gap(f"{len(big)} module(s) over {limit} code lines", *evidence)


@criterion(
    "arch.function-size",
    "Functions small enough to review",
    Dimension.ARCHITECTURE,
    Layer.CONSTRAINTS,
    required_from=None,
)
def function_size(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Lists production functions longer than `thresholds.max_function_lines` (default
        100 lines, decorators included).
    Why it matters:
        Long functions hide branches that no test reaches and error paths nobody reviewed.
    Example:
        `def handle_checkout(request):` spanning 240 lines of validation, pricing,
        charging and e-mail.
    Fix:
        Extract the steps into named functions that can be tested one by one, or raise
        the threshold in `[thresholds]`.
    """
    limit = ctx.policy.thresholds.max_function_lines
    long_ones = sorted(
        ((f.rel, fn) for f in ctx.python.production() for fn in f.functions if fn.lines > limit),
        key=lambda item: (-item[1].lines, item[0], item[1].line),
    )
    if not any(True for _ in ctx.python.production()):
        return Outcome.not_applicable("no production Python modules")
    if not long_ones:
        return Outcome.met(Evidence(f"no function over {limit} lines"))
    evidence = [
        Evidence(f"{fn.name}: {fn.lines} lines", rel, fn.line)
        for rel, fn in long_ones[:_MAX_LISTED]
    ]
    return Outcome.gap(f"{len(long_ones)} function(s) over {limit} lines", *evidence)


@criterion(
    "arch.layers",
    "Declared layers respected",
    Dimension.ARCHITECTURE,
    Layer.CONSTRAINTS,
    required_from=Tier.INTERNAL,
)
def layers(ctx: AuditContext) -> Outcome:
    """
    What it does:
        When the policy declares layers from top to bottom
        (`[architecture] layers = ["api", "service", "storage"]`), finds every import in
        production code where a lower layer imports a higher one. A module belongs to the
        layer whose name is one of its package path's components.
    Why it matters:
        Layering is the architecture rule assistants break most: a storage module that
        imports the API layer to reuse a helper. It couples deployment and testing of
        parts that were meant to change apart.
    Example:
        `app/storage/orders.py:3 from app.api.schemas import OrderOut` with layers
        `["api", "service", "storage"]`.
    Fix:
        Move the shared code down to the lowest layer that needs it, or pass the value in
        from the higher layer instead of importing it.
    """
    declared = ctx.policy.layers
    if not declared:
        return Outcome.not_applicable("no [architecture] layers declared in the policy")
    rank = {name: i for i, name in enumerate(declared)}

    def layer_of(module: str) -> int | None:
        hits = [rank[p] for p in module.split(".") if p in rank]
        return hits[-1] if hits else None

    violations: list[Evidence] = []
    checked = 0
    for facts in ctx.python.production():
        source = ctx.python.module_of(facts.rel)
        own = layer_of(source) if source else None
        if own is None:
            continue
        checked += 1
        for imp in facts.imports:
            targets = [f"{imp.module}.{n}" for n in imp.names] or [imp.module]
            for target in targets:
                if target not in ctx.python.modules and imp.module not in ctx.python.modules:
                    continue
                theirs = layer_of(target)
                if theirs is not None and theirs < own:
                    violations.append(
                        Evidence(
                            f"{declared[own]} layer imports {declared[theirs]} layer: {target}",
                            facts.rel,
                            imp.line,
                        )
                    )
                    break
    if checked == 0:
        return Outcome.unknown(
            f"no module path contains a declared layer name ({', '.join(declared)})"
        )
    if not violations:
        return Outcome.met(Evidence(f"{checked} modules in declared layers; no upward import"))
    return Outcome.gap(
        f"{len(violations)} import(s) from a lower layer into a higher one", *violations
    )
