"""A thin, safe wrapper around the ``git`` command line, for reading history only.

The gate judges code it must not trust, so every call here is a plain argument list (no
shell), and nothing git runs may come from the repository or its configuration:

- ``--no-ext-diff --no-textconv`` on every diff, so ``diff.<driver>.command`` and
  ``textconv`` programs named by a committed ``.gitattributes`` never run;
- ``--no-pager``, ``core.fsmonitor=false``, ``log.showSignature=false`` (no ``gpg.program``)
  and an empty hooks path; blobs are read with ``cat-file`` (raw bytes, no filters);
- ``--literal-pathspecs``, so a path such as ``*.py`` or ``:(glob)x`` is a path, and
  ``--end-of-options`` before revisions, so a revision cannot be read as an option;
- ``GIT_TERMINAL_PROMPT=0`` so git never waits for a password, ``GIT_OPTIONAL_LOCKS=0``
  so reading never writes, and the ``GIT_*`` variables that point git at another
  repository (git exports them to hooks, where prodready may be running) are removed.

Output is parsed from ``-z`` forms wherever git offers one, so paths with spaces, quotes,
newlines or non-ASCII characters arrive intact. Every failure is a `GitError` (exit 2)
whose message says what to do, never a ``CalledProcessError``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from prodready.errors import EXIT_USAGE, ProdreadyError

# Long enough for a diff of a very large repository, short enough that a wedged git (a
# lazy fetch in a partial clone with no network) does not hang CI forever.
TIMEOUT_SECONDS = 600

_GLOBAL_OPTIONS = (
    "--no-pager",
    "--literal-pathspecs",
    "-c",
    "core.quotepath=off",
    "-c",
    "core.fsmonitor=false",
    "-c",
    f"core.hooksPath={os.devnull}",
    "-c",
    "log.showSignature=false",
    "-c",
    "color.ui=never",
)
# Flags every diff gets: no programs from configuration, and one output format whatever the
# user's configuration says (``diff.noprefix``, ``diff.mnemonicPrefix``, ``diff.relative``,
# ``diff.submodule``, ``diff.interHunkContext``, ``diff.algorithm``), so the same two
# commits give the same diff, and so the same verdict, on every machine.
_DIFF_OPTIONS = (
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--submodule=short",
    "--inter-hunk-context=0",
    "--diff-algorithm=myers",
    "--indent-heuristic",
    "-M",
)
# Variables that are kept: where configuration lives and how to trace git. Every other
# GIT_* variable is dropped (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_EXTERNAL_DIFF...).
_KEPT_ENV = frozenset(
    {
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM",
        "GIT_CEILING_DIRECTORIES",
        "GIT_DISCOVERY_ACROSS_FILESYSTEM",
        "GIT_TRACE",
        "GIT_TRACE2",
        "GIT_EXEC_PATH",
    }
)
_NULL_SHA = "0" * 40
_SHA_LENGTHS = (40, 64)  # SHA-1 and SHA-256 repositories


class GitError(ProdreadyError):
    """git could not answer: not a repository, an unknown revision, a shallow clone."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Commit:
    """One commit of the change; `message` is the full message, trailers included."""

    sha: str
    author: str  # "Name <email>"
    message: str
    parents: tuple[str, ...] = ()

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


@dataclass(frozen=True)
class ChangedFile:
    """One entry of ``git diff --raw -z -M``: what happened to a path, with both blobs.

    `status` is git's letter: A added, M modified, D deleted, R renamed, C copied, T type
    changed (a file became a symlink, say). `old_path` is None for an added file and equal
    to `path` unless the file was renamed or copied. Blob ids are None where there is no
    blob (the side that does not exist)."""

    status: str
    path: str
    old_path: str | None
    old_mode: str
    new_mode: str
    old_blob: str | None
    new_blob: str | None
    similarity: int | None = None  # R/C only: percentage git computed


@dataclass(frozen=True)
class NumStat:
    """Lines added and removed in one file; both None for a binary file."""

    path: str
    old_path: str | None  # set only for a rename or copy
    added: int | None
    removed: int | None


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in _KEPT_ENV}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_OPTIONAL_LOCKS"] = "0"
    return env


def _run(
    cwd: Path,
    args: Sequence[str],
    *,
    stdin: bytes | None = None,
    ok: Iterable[int] = (0,),
) -> subprocess.CompletedProcess[bytes]:
    """Run one git command in `cwd`; a return code outside `ok` raises `GitError`."""
    argv = ["git", *_GLOBAL_OPTIONS, *args]
    try:
        proc = subprocess.run(
            argv,
            cwd=cwd,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            env=_env(),
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError as exc:
        if not cwd.is_dir():
            raise GitError(f"{cwd}: no such directory") from exc
        raise GitError("git is not installed or not on PATH; the gate needs it") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} did not finish within {TIMEOUT_SECONDS} s") from exc
    except OSError as exc:
        raise GitError(f"git {args[0]} could not be started: {exc.strerror}") from exc
    if proc.returncode not in tuple(ok):
        raise GitError(f"git {args[0]} failed in {cwd}: {_stderr(proc)}")
    return proc


def _stderr(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = proc.stderr.decode("utf-8", "replace").strip()
    lines = [ln.removeprefix("fatal: ").removeprefix("error: ") for ln in text.splitlines()]
    return "; ".join(ln for ln in lines if ln) or f"exit status {proc.returncode}"


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _check_rev(rev: str) -> None:
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise GitError(f"{rev!r} is not a revision: expected a branch, a tag or a commit")


def repo_root(path: Path | str) -> Path:
    """The top of the work tree that contains `path` (a directory or a file in one)."""
    path = Path(path)
    if not path.exists():
        raise GitError(f"{path}: no such file or directory")
    cwd = path if path.is_dir() else path.parent
    proc = _run(cwd, ["rev-parse", "--show-toplevel"], ok=(0, 128))
    top = os.fsdecode(proc.stdout).rstrip("\n")
    if proc.returncode != 0 or not top:
        raise GitError(f"{path} is not inside a git work tree: {_stderr(proc)}")
    return Path(top)


def is_shallow(root: Path) -> bool:
    """Whether the clone's history was cut (``git clone --depth``)."""
    proc = _run(root, ["rev-parse", "--is-shallow-repository"])
    return _text(proc.stdout).strip() == "true"


def has_commits(root: Path) -> bool:
    proc = _run(root, ["rev-list", "-n", "1", "--all"])
    return bool(proc.stdout.strip())


def current_branch(root: Path) -> str | None:
    """The checked-out branch's short name, None on a detached HEAD."""
    proc = _run(root, ["symbolic-ref", "--quiet", "--short", "HEAD"], ok=(0, 1, 128))
    name = _text(proc.stdout).strip()
    return name if proc.returncode == 0 and name else None


def resolve(root: Path, rev: str) -> str:
    """The full sha of the commit `rev` names (a branch, a tag, a sha, ``HEAD~2``...).

    A missing revision gets a message that says what to do: fetch it, fetch more history
    in a shallow clone, or make a first commit in an empty repository."""
    _check_rev(rev)
    proc = _run(
        root,
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        ok=(0, 1, 128),
    )
    sha = _text(proc.stdout).strip()
    if proc.returncode == 0 and len(sha) in _SHA_LENGTHS:
        return sha
    if not has_commits(root):
        raise GitError(
            f"cannot resolve {rev!r}: the repository at {root} has no commits yet; "
            "commit the change first"
        )
    if is_shallow(root):
        raise GitError(
            f"cannot resolve {rev!r}: this clone is shallow and its history does not reach "
            f"it; fetch more history, e.g. `git fetch --unshallow` or "
            f"`git fetch origin <branch> --depth=1000` (in GitHub Actions: "
            f"actions/checkout with fetch-depth: 0)"
        )
    raise GitError(
        f"cannot resolve {rev!r}: it is not a branch, tag or commit in {root}; "
        f"check the name or fetch it first, e.g. `git fetch origin {rev}`"
    )


def merge_base(root: Path, base: str, head: str) -> str:
    """Where `head` forked from `base`: the diff ``base...head`` starts here, so changes
    made on `base` since then are not counted as the change's."""
    base_sha, head_sha = resolve(root, base), resolve(root, head)
    proc = _run(root, ["merge-base", "--end-of-options", base_sha, head_sha], ok=(0, 1))
    sha = _text(proc.stdout).strip()
    if proc.returncode == 0 and len(sha) in _SHA_LENGTHS:
        return sha
    if is_shallow(root):
        raise GitError(
            f"no merge base of {base!r} and {head!r} in this shallow clone: its history is "
            "cut before they meet; fetch more history, e.g. `git fetch --unshallow` or "
            "`git fetch origin <branch> --depth=1000`"
        )
    raise GitError(
        f"{base!r} and {head!r} have no common history (no merge base): the change "
        "cannot be compared with its base"
    )


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    """Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor)."""
    a, d = resolve(root, ancestor), resolve(root, descendant)
    proc = _run(root, ["merge-base", "--is-ancestor", "--end-of-options", a, d], ok=(0, 1))
    return proc.returncode == 0


def show(root: Path, rev: str, path: str) -> bytes | None:
    """The content of file `path` (relative to the root, '/'-separated) at `rev`, or None
    when it does not exist there or is not a regular file (a directory, a symlink, a
    submodule). Raw bytes: no textconv, no filters, no line-ending conversion."""
    sha = resolve(root, rev)
    rel = path.strip("/")
    if not rel or "\0" in rel:
        return None
    proc = _run(root, ["ls-tree", "-z", "--full-tree", sha, "--", rel])
    for entry in proc.stdout.split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        parts = meta.split(b" ")
        if os.fsdecode(name) != rel or len(parts) != 3:
            continue
        mode, kind, blob = (_text(p) for p in parts)
        if kind == "blob" and mode in ("100644", "100755"):
            return read_blobs(root, [blob])[blob]
        return None
    return None


def read_blobs(root: Path, blobs: Iterable[str]) -> dict[str, bytes]:
    """The raw content of many blobs in one ``git cat-file --batch``; a missing one
    raises, since its id came from git itself."""
    wanted = sorted({b for b in blobs if b and b != _NULL_SHA})
    if not wanted:
        return {}
    for blob in wanted:
        if not all(c in "0123456789abcdef" for c in blob):
            raise GitError(f"{blob!r} is not an object id")
    proc = _run(root, ["cat-file", "--batch"], stdin="".join(f"{b}\n" for b in wanted).encode())
    out, pos, found = proc.stdout, 0, {}
    for blob in wanted:
        end = out.find(b"\n", pos)
        header = _text(out[pos:end]).split()
        if end < 0 or len(header) != 3 or header[1] != "blob" or not header[2].isdigit():
            raise GitError(f"cannot read object {blob}: {' '.join(header) or 'no answer'}")
        size = int(header[2])
        found[blob] = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1  # content is followed by a newline
    return found


def changed_files(root: Path, base_sha: str, head_sha: str) -> list[ChangedFile]:
    """What happened to each path between two commits, renames detected (``-M``).

    Uses ``git diff --raw -z``: the ``--name-status`` letters plus both modes and both blob
    ids, so contents can then be read in one `read_blobs` call."""
    _check_rev(base_sha)
    _check_rev(head_sha)
    proc = _run(
        root,
        [
            "diff",
            "--raw",
            "-z",
            "--no-abbrev",
            *_DIFF_OPTIONS,
            "--end-of-options",
            base_sha,
            head_sha,
        ],
    )
    return parse_raw(proc.stdout)


def parse_raw(data: bytes) -> list[ChangedFile]:
    """Parse ``git diff --raw -z`` output (``:old new oldsha newsha STATUS\\0path\\0``)."""
    fields = data.split(b"\0")
    result: list[ChangedFile] = []
    i = 0
    while i < len(fields):
        meta = _text(fields[i])
        i += 1
        if not meta:
            continue
        parts = meta.lstrip(":").split()
        if not meta.startswith(":") or len(parts) != 5 or not parts[4]:
            raise GitError(f"unexpected output of git diff --raw: {meta[:80]!r}")
        old_mode, new_mode, old_blob, new_blob, status = parts
        letter = status[0]
        names = 2 if letter in "RC" else 1
        if i + names > len(fields):
            raise GitError("truncated output of git diff --raw")
        paths = [os.fsdecode(f) for f in fields[i : i + names]]
        i += names
        result.append(
            ChangedFile(
                status=letter,
                path=paths[-1],
                old_path=None if letter == "A" else paths[0],
                old_mode=old_mode,
                new_mode=new_mode,
                old_blob=None if old_blob == _NULL_SHA or letter == "A" else old_blob,
                new_blob=None if new_blob == _NULL_SHA or letter == "D" else new_blob,
                similarity=int(status[1:]) if letter in "RC" and status[1:].isdigit() else None,
            )
        )
    return result


def numstat(root: Path, base_sha: str, head_sha: str) -> list[NumStat]:
    """``git diff --numstat -z -M``: lines added and removed per file."""
    _check_rev(base_sha)
    _check_rev(head_sha)
    proc = _run(
        root, ["diff", "--numstat", "-z", *_DIFF_OPTIONS, "--end-of-options", base_sha, head_sha]
    )
    fields = proc.stdout.split(b"\0")
    result: list[NumStat] = []
    i = 0
    while i < len(fields):
        record = fields[i]
        i += 1
        if not record:
            continue
        parts = record.split(b"\t", 2)
        if len(parts) != 3:
            raise GitError(f"unexpected output of git diff --numstat: {_text(record)[:80]!r}")
        added, removed = (int(p) if p.isdigit() else None for p in parts[:2])
        old_path: str | None = None
        if parts[2]:
            path = os.fsdecode(parts[2])
        else:  # a rename or copy: the two names follow as their own fields
            if i + 2 > len(fields):
                raise GitError("truncated output of git diff --numstat")
            old_path, path = os.fsdecode(fields[i]), os.fsdecode(fields[i + 1])
            i += 2
        result.append(NumStat(path, old_path, added, removed))
    return result


def diff_text(root: Path, base: str, head: str, paths: Sequence[str] | None = None) -> str:
    """The zero-context patch between two commits (``-U0 -M``), for `prodready.gate.diff`.

    Decoded as UTF-8 with replacement: file content in other encodings keeps its line
    structure, which is all the line numbering needs."""
    _check_rev(base)
    _check_rev(head)
    args = ["diff", "-U0", *_DIFF_OPTIONS, "--end-of-options", base, head]
    if paths is not None:
        if not paths:
            return ""
        args += ["--", *paths]
    return _text(_run(root, args).stdout)


def commits(root: Path, base: str, head: str) -> list[Commit]:
    """The commits in ``base..head`` (reachable from head, not from base), merges
    included, oldest first, each with its full message for trailer parsing."""
    base_sha, head_sha = resolve(root, base), resolve(root, head)
    proc = _run(
        root,
        [
            "log",
            "-z",
            "--reverse",
            "--topo-order",
            "--no-show-signature",
            "--no-decorate",
            "--format=%H %P%n%an <%ae>%n%B",
            "--end-of-options",
            f"{base_sha}..{head_sha}",
        ],
    )
    result: list[Commit] = []
    for record in _text(proc.stdout).split("\0"):
        if not record.strip():
            continue
        ids, _, rest = record.partition("\n")
        author, _, message = rest.partition("\n")
        sha, *parents = ids.split()
        result.append(Commit(sha, author, message.rstrip("\n"), tuple(parents)))
    return result
