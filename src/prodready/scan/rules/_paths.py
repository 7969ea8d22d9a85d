"""Where a file sits: production code or a developer's tool (not a rule)."""

from __future__ import annotations

import ast

from prodready.scan.context import SERVICE_FACT, FileContext

# Top-level folders of developer tooling: release, maintenance and CI scripts run by hand
# from a checkout (`scripts/generate-changelog.py`, `tools/scan-deps.py`), not code that
# serves users.
SCRIPT_DIRS = frozenset(
    {
        "scripts",
        "script",
        "tools",
        "tool",
        "dev",
        "devtools",
        "dev-tools",
        "dev_tools",
        "hack",
        "extras",
        "ci",
        ".ci",  # pulpcore's `.ci/scripts/calc_constraints.py`
        ".github",
        ".circleci",
    }
)
# Top-level folders that hold hand-run admin scripts beside library code
# (`utils/create_assets_user/bulk_create_user.py` next to an importable `utils/` package):
# a file there counts as a script only when it runs as one.
SCRIPT_WHEN_RUN_DIRS = frozenset({"utils", "util", "bin"})
# Modules that make a file a command-line program.
_CLI_MODULES = ("argparse", "optparse", "click", "typer", "fire", "docopt", "getopt")
# Stand-alone harnesses that drive a running app from outside: a CTF or health checker,
# an exploit or solver script kept beside the apps it attacks.
_HARNESS_STEMS = frozenset({"checker", "exploit", "solve", "solver", "poc"})


def developer_script(ctx: FileContext) -> bool:
    """A release, maintenance or CI script (under a top-level `scripts/`, `tools/`,
    `dev/`, `extras/`, `ci/`, `.ci/`...
    folder, or a program run by hand under a top-level `utils/` or
    `bin/`), or a checker/exploit harness importing no web framework."""
    head, sep, _ = ctx.path.partition("/")
    if sep and head.lower() in SCRIPT_DIRS:
        return True
    if sep and head.lower() in SCRIPT_WHEN_RUN_DIRS and runs_as_script(ctx):
        return True
    stem = ctx.path.rsplit("/", 1)[-1].removesuffix(".py").lower()
    return stem in _HARNESS_STEMS and SERVICE_FACT not in ctx.facts


def runs_as_script(ctx: FileContext) -> bool:
    """Is the file a program run from a terminal: a shebang, an `if __name__ == "__main__":`
    block, a command-line parser (argparse, click...) or `sys.argv`? A module of helpers
    that the application imports has none of these."""
    if ctx.source.startswith("#!"):
        return True
    if any(ctx.imports(m) for m in _CLI_MODULES):
        return True
    if "sys.argv" in ctx.source and ctx.imports("sys"):
        return True
    return any(_main_guard(stmt) for stmt in ctx.tree.body)


def _main_guard(stmt: ast.stmt) -> bool:
    """`if __name__ == "__main__":`"""
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    sides = [stmt.test.left, *stmt.test.comparators]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides) and any(
        isinstance(n, ast.Constant) and n.value == "__main__" for n in sides
    )
