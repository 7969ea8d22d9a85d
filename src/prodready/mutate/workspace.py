"""Private copies of the project at head, where mutants are written and tests run.

The user's working tree is never touched: head is read from git objects (`git archive`),
not from the checkout, which may hold uncommitted edits. Each parallel worker gets its own
copy, so two mutants of the same file never meet. Everything lives under one temporary
directory that is removed however the run ends (an interrupt included).
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prodready.errors import UsageError


@contextmanager
def scratch_directory() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="prodready-mutate-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def export_commit(repo: Path, sha: str, dest: Path) -> Path:
    """Write the tree of commit `sha` into `dest` (created) and return it."""
    dest.mkdir(parents=True)
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "archive", "--format=tar", sha],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
            archive.extractall(dest, filter="data")
    except tarfile.TarError as exc:
        proc.kill()
        raise UsageError(f"cannot export {sha[:12]} from {repo}: {exc}") from exc
    finally:
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0:
        raise UsageError(f"git archive {sha[:12]} failed in {repo}: {stderr.strip()}")
    return dest


def clone_copy(source: Path, dest: Path) -> Path:
    """Another worker's copy of an exported tree."""
    shutil.copytree(source, dest, symlinks=True)
    return dest


def import_roots(copy: Path) -> list[Path]:
    """Directories to put first on the tests' import path, so that the copy's code is
    imported and not an installed (or editable-installed) original: the `src/` layout's
    source directory when there is one, and the project root."""
    roots = [copy / "src"] if (copy / "src").is_dir() else []
    return [*roots, copy]
