"""Programs in the scripts folder of a sub-project, run by hand like the checkout's own.

Mozilla's code-review repository holds a `bot/` project with a `setup.py` of its own; beside
its package `bot/code_review_bot/` sits `bot/tools/fix_missing.py`, a program a maintainer
runs from a terminal to re-send reports. At the top of a checkout a `tools/` or `scripts/`
folder is known to hold such programs (`_paths.script_dir`); one level down it is as often
a package's own module (`luigi/tools/luigi_grep.py`, installed as the `luigi-grep` command,
or an agent's tools). The folder above tells them apart: a sub-project's root, with its own
`setup.py`, is where that project's `tools/` sits, as the checkout's root is for the
top-level one.

Whether the folder above holds a `setup.py` is only known once every file is scanned, so a
`setup.py` reports its folder as a fact, and a program's hits of the rules that leave
developer scripts out hold only while no file established it.
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.scan.context import FileContext
from prodready.scan.rules._paths import (
    SCRIPT_WHEN_RUN_DIRS,
    flat_script,
    runs_as_script,
    script_dir,
)

PROJECT_FOLDER_FACT = "project-folder:"
# The rules that do not judge a developer script at all (`_paths.developer_script`): a
# call that waits forever, or a skipped item, is seen by the person at the terminal.
SPARED_RULES = frozenset({"PR101", "PR103"})


def project_folder_facts(ctx: FileContext) -> Iterator[str]:
    """`bot/setup.py` says `bot/` is a project of its own."""
    folder, _, name = ctx.path.rpartition("/")
    if folder and name == "setup.py":
        yield PROJECT_FOLDER_FACT + folder


def subproject_script_folder(ctx: FileContext) -> str | None:
    """The folder that, if it is a project of its own, makes this file a developer script:
    `bot` for a program in `bot/tools/` (or `bot/scripts/`, `bot/bin/`...), judged as a
    program in the checkout's `tools/` would be. None for any other file."""
    *dirs, _ = ctx.path.split("/")
    if len(dirs) < 2:
        return None
    folder = dirs[-1].lower()
    if not script_dir(folder) and folder not in SCRIPT_WHEN_RUN_DIRS:
        return None
    if not (runs_as_script(ctx) or flat_script(ctx)):
        return None
    return "/".join(dirs[:-1])
