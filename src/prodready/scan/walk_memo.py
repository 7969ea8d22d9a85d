"""A remembered walk, so a warm scan of an unchanged tree need not list it again.

Listing Django's 2,450 folders and deciding which of its 3,650 files are production code
was a third of a warm scan. That decision depends only on the names in each folder and on
the few files whose content it reads (`.gitignore`s, package headers, manifests). A
folder's modification time changes whenever an entry is added to it, removed or renamed,
so the decision stays good while every folder walked and every file read keep the time
(and size) they had, and no folder above the root up to its git work tree's top gains or
loses a `.git` or a `.gitignore`: the check `git status` makes with its untracked cache.
A folder's status-change time is compared too, since a folder made unreadable changes it
and not the modification time.

A walk is not remembered, so the next scan walks again, when the tree holds a symlink (its
target can change with nothing in the tree changing), when the walk met an unreadable
entry (it may be readable next time), or when any of those times is within two seconds of
the walk's start (a change in the same clock tick would leave the time as it was: git's
"racy" case).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from prodready.model import ReportError
from prodready.repo.files import RepoIndex, folders_above

_RACY_NS = 2_000_000_000
_MISSING = -1  # the size and time recorded for a file that was looked for and not there


def capture(
    root: Path,
    repo: RepoIndex,
    reads: Iterable[str],
    production: Sequence[str],
    errors: Sequence[ReportError],
    started_ns: int,
) -> str | None:
    """The walk's outcome and what it rested on, as text to store; None when it cannot be
    vouched for later (see the module's docstring)."""
    if repo.links or repo.errors:
        return None
    top = os.path.abspath(root)
    folders = [top, *(os.path.join(top, d) for d in sorted(repo.dirs))]
    dirs: list[tuple[str, int, int]] = []
    for folder in folders:
        try:
            st = os.stat(folder)
        except OSError:
            return None
        if st.st_mtime_ns > started_ns - _RACY_NS:
            return None
        dirs.append((folder, st.st_mtime_ns, st.st_ctime_ns))
    files: list[tuple[str, int, int]] = []
    for path in sorted(reads):
        try:
            size, mtime = _state(path)
        except OSError:
            return None
        if mtime > started_ns - _RACY_NS:
            return None
        files.append((path, size, mtime))
    return json.dumps(
        {
            "dirs": dirs,
            "reads": files,
            "above": [[path, os.path.exists(path)] for path in _above(top)],
            "production": list(production),
            "errors": [[e.path, e.reason] for e in errors],
            "walked": list(repo.files),
        }
    )


def recall(text: str) -> tuple[list[str], list[ReportError], tuple[str, ...]] | None:
    """The production files, errors and walked files of a remembered walk, if nothing it
    rested on has changed since; else None."""
    try:
        memo = json.loads(text)
        for folder, mtime, ctime in memo["dirs"]:
            st = os.stat(folder)
            if st.st_mtime_ns != mtime or st.st_ctime_ns != ctime:
                return None
        for path, size, mtime in memo["reads"]:
            if _state(path) != (size, mtime):
                return None
        for path, existed in memo["above"]:
            if os.path.exists(path) != existed:
                return None
        return (
            [str(rel) for rel in memo["production"]],
            [ReportError(str(p), str(r)) for p, r in memo["errors"]],
            tuple(str(rel) for rel in memo["walked"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _state(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return _MISSING, _MISSING
    return st.st_size, st.st_mtime_ns


def _above(top: str) -> list[str]:
    """The `.git` and `.gitignore` entries of the folders above the root, up to the first
    that holds `.git` (whose `.gitignore`s apply), or to the filesystem's root when none
    does: one appearing or going changes how the root is walked. (The content of those
    read is among the reads.)"""
    folders, _in_work_tree = folders_above(Path(top))
    return [str(folder / entry) for folder in folders for entry in (".git", ".gitignore")]
