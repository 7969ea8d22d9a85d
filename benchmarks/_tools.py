"""Competitor tools for the side-by-side benchmarks, in their own virtualenv.

Bandit and Ruff are installed from the package index into `benchmarks/.work/tools/`, kept
apart from the project's environment so that a benchmark never changes what prodready
itself runs with.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

TOOLS = Path(__file__).resolve().parent / ".work" / "tools"


def tool(name: str) -> Path:
    """Path of a competitor's executable (`bandit`, `ruff`), installing it on first use."""
    exe = TOOLS / "bin" / name
    if not exe.exists():
        if not (TOOLS / "bin" / "python").exists():
            venv.create(TOOLS, with_pip=True)
        subprocess.run(
            [str(TOOLS / "bin" / "python"), "-m", "pip", "install", "--quiet", "bandit", "ruff"],
            check=True,
        )
    if not exe.exists():
        raise SystemExit(f"{name} could not be installed into {TOOLS}")
    return exe


def compile_prodready() -> None:
    """Compile prodready's bytecode, as pip does on install: a checkout run with
    PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module on every start and
    measure that instead of the tool."""
    import compileall

    import prodready

    compileall.compile_dir(Path(prodready.__file__).parent, quiet=1)


def version(name: str) -> str:
    out = subprocess.run([str(tool(name)), "--version"], capture_output=True, text=True)
    return (out.stdout or out.stderr).strip().splitlines()[0]


if __name__ == "__main__":
    for name in sys.argv[1:] or ["bandit", "ruff"]:
        print(name, version(name))
