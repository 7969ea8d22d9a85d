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
# Folders named for scripts anywhere in the tree (`app/scripts/extract_strings.py`): below
# the top they sit inside application packages, so a file there counts as a developer
# script only when it is a stand-alone program (see `standalone_program`).
NESTED_SCRIPT_DIRS = frozenset({"scripts", "script"})
# Modules that make a file a command-line program.
_CLI_MODULES = ("argparse", "optparse", "click", "typer", "fire", "docopt", "getopt")
# Stand-alone harnesses that drive a running app from outside: a CTF or health checker,
# an exploit or solver script kept beside the apps it attacks.
_HARNESS_STEMS = frozenset({"checker", "exploit", "solve", "solver", "poc"})


def developer_script(ctx: FileContext) -> bool:
    """A release, maintenance or CI script (under a top-level `scripts/`, `tools/`,
    `dev/`, `extras/`, `ci/`, `.ci/`...
    folder, a program run by hand under a top-level `utils/` or
    `bin/`, or a stand-alone program in a `scripts/` folder deeper in the tree or in a
    file whose name is no module name), or a checker/exploit harness importing no web
    framework."""
    head, sep, _ = ctx.path.partition("/")
    if sep and head.lower() in SCRIPT_DIRS:
        return True
    if sep and head.lower() in SCRIPT_WHEN_RUN_DIRS and runs_as_script(ctx):
        return True
    folders = ctx.path.lower().split("/")[1:-1]
    stem = ctx.path.rsplit("/", 1)[-1].removesuffix(".py").lower()
    # `app/scripts/extract_strings.py`, or `upload-screenshots.py`, which no `import`
    # statement can name: either way a program run by hand when it is stand-alone
    nested = any(f in NESTED_SCRIPT_DIRS for f in folders)
    if (nested or not stem.isidentifier()) and standalone_program(ctx):
        return True
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


def standalone_program(ctx: FileContext) -> bool:
    """A program written to be run by hand, not a module the service runs: it has an
    `if __name__ == "__main__":` block and says so again with a shebang or a command-line
    parser (argparse, click...), and it imports no web, task or RPC framework. A helper
    that only has a `__main__` block for a quick self-test, or a job that boots the
    application's framework, is not one."""
    if SERVICE_FACT in ctx.facts or not any(_main_guard(stmt) for stmt in ctx.tree.body):
        return False
    return ctx.source.startswith("#!") or any(ctx.imports(m) for m in _CLI_MODULES)


def _main_guard(stmt: ast.stmt) -> bool:
    """`if __name__ == "__main__":`"""
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    sides = [stmt.test.left, *stmt.test.comparators]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides) and any(
        isinstance(n, ast.Constant) and n.value == "__main__" for n in sides
    )
