"""Parse ``git diff -U0 -M`` output into which lines of which files a change touched.

The text comes from git but the lines in it come from the change under review, so the
parser treats it as hostile: hunk bodies are consumed by the counts in their ``@@``
header (a removed line reading ``-- a/x`` is content, not a file header), lines are split
on ``\\n`` only (a ``\\r`` or form feed inside a line is content), and anything that does
not fit the format raises `DiffParseError` (a ``ValueError``), never anything else.

Paths come, in order of trust, from ``rename``/``copy`` headers, the ``---``/``+++``
lines, and only then the ambiguous ``diff --git a/X b/Y`` line. Quoted paths
(``"a/caf\\303\\251.py"``) are unescaped as git escapes them. A type change (a file that
became a symlink) is printed by git as a deletion followed by a creation of the same path;
the two are merged into one ``typechange`` entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["added", "modified", "deleted", "renamed", "copied", "typechange"]

_HUNK = re.compile(r"@@ -(\d{1,18})(?:,(\d{1,18}))? \+(\d{1,18})(?:,(\d{1,18}))? @@(?: .*)?")
_MODE = re.compile(r"[0-7]{6}")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
_FILE_TYPE_MASK = 0o170000
# Headers that end the extended header block of one file.
_BLOCK_END = ("diff --git ", "@@", "--- ", "Binary files ", "GIT binary patch")


class DiffParseError(ValueError):
    """The text is not a diff in the format ``git diff`` writes."""


@dataclass(frozen=True)
class FileDiff:
    """What a change did to one file.

    `path` is the file's path after the change (before it, for a deletion); `old_path` is
    its path before the change, None for an added file. `added` holds the line numbers in
    the new file that were added or modified, `added_text` their text (without the ``+``);
    `removed_text` maps old line numbers to the removed lines' text."""

    path: str
    old_path: str | None
    status: Status
    binary: bool = False
    added: tuple[int, ...] = ()
    removed_count: int = 0
    added_text: dict[int, str] = field(default_factory=dict, hash=False)
    removed_text: dict[int, str] = field(default_factory=dict, hash=False, repr=False)
    old_mode: str | None = None
    new_mode: str | None = None

    @property
    def added_count(self) -> int:
        return len(self.added)


@dataclass
class _Entry:
    """One ``diff --git`` block while it is being read."""

    line_no: int
    git_paths: tuple[str, str] | None
    old_name: str | None = None  # from '---' (None: /dev/null or absent)
    new_name: str | None = None  # from '+++'
    has_minus: bool = False
    has_plus: bool = False
    rename_from: str | None = None
    rename_to: str | None = None
    copy_from: str | None = None
    copy_to: str | None = None
    new_file: bool = False
    deleted: bool = False
    old_mode: str | None = None
    new_mode: str | None = None
    binary: bool = False
    added: list[int] = field(default_factory=list)
    added_text: dict[int, str] = field(default_factory=dict)
    removed_text: dict[int, str] = field(default_factory=dict)


def parse_diff(text: str) -> tuple[FileDiff, ...]:
    """Every file of a ``git diff`` patch, in the order git printed them."""
    if not isinstance(text, str):
        raise DiffParseError(f"expected the diff as text, got {type(text).__name__}")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    entries: list[_Entry] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("diff --git "):
            raise DiffParseError(f"line {i + 1}: expected 'diff --git', got {line[:80]!r}")
        entry = _Entry(i + 1, _git_line_paths(line[len("diff --git ") :]))
        i = _read_headers(lines, i + 1, entry)
        i = _read_body(lines, i, entry)
        entries.append(entry)
    return tuple(_merge_typechanges([_finish(e) for e in entries]))


def _read_headers(lines: list[str], i: int, entry: _Entry) -> int:
    while i < len(lines) and not lines[i].startswith(_BLOCK_END):
        line = lines[i]
        key, value = _header(line)
        if key == "old mode":
            entry.old_mode = _mode(value, i)
        elif key == "new mode":
            entry.new_mode = _mode(value, i)
        elif key == "new file mode":
            entry.new_file, entry.new_mode = True, _mode(value, i)
        elif key == "deleted file mode":
            entry.deleted, entry.old_mode = True, _mode(value, i)
        elif key in ("rename from", "rename old"):
            entry.rename_from = _unquote(value, i)
        elif key in ("rename to", "rename new"):
            entry.rename_to = _unquote(value, i)
        elif key == "copy from":
            entry.copy_from = _unquote(value, i)
        elif key == "copy to":
            entry.copy_to = _unquote(value, i)
        elif key == "index":
            _index(value, entry, i)
        elif key not in ("similarity index", "dissimilarity index"):
            raise DiffParseError(f"line {i + 1}: unexpected header {line[:80]!r}")
        i += 1
    return i


def _header(line: str) -> tuple[str, str]:
    for key in (
        "old mode",
        "new mode",
        "new file mode",
        "deleted file mode",
        "rename from",
        "rename to",
        "rename old",
        "rename new",
        "copy from",
        "copy to",
        "similarity index",
        "dissimilarity index",
        "index",
    ):
        if line.startswith(key + " "):
            return key, line[len(key) + 1 :]
    return "", line


def _mode(value: str, i: int) -> str:
    if not _MODE.fullmatch(value):
        raise DiffParseError(f"line {i + 1}: bad file mode {value[:20]!r}")
    return value


def _index(value: str, entry: _Entry, i: int) -> None:
    # "index abc123..def456 100644": the mode is there when it did not change
    ids, _, mode = value.partition(" ")
    if ".." not in ids:
        raise DiffParseError(f"line {i + 1}: bad index header {value[:80]!r}")
    if mode:
        mode = _mode(mode, i)
        entry.old_mode = entry.old_mode or mode
        entry.new_mode = entry.new_mode or mode


def _read_body(lines: list[str], i: int, entry: _Entry) -> int:
    if i < len(lines) and lines[i].startswith("--- "):
        entry.has_minus = True
        entry.old_name = _side_path(lines[i][4:], "a/", i)
        i += 1
        if i >= len(lines) or not lines[i].startswith("+++ "):
            raise DiffParseError(f"line {i + 1}: '---' without a '+++' line")
        entry.has_plus = True
        entry.new_name = _side_path(lines[i][4:], "b/", i)
        i += 1
    elif i < len(lines) and lines[i].startswith("Binary files "):
        entry.binary = True
        return i + 1
    elif i < len(lines) and lines[i].startswith("GIT binary patch"):
        entry.binary = True
        i += 1
        while i < len(lines) and not lines[i].startswith("diff --git "):
            i += 1
        return i
    while i < len(lines) and lines[i].startswith("@@"):
        i = _read_hunk(lines, i, entry)
    return i


def _read_hunk(lines: list[str], i: int, entry: _Entry) -> int:
    match = _HUNK.fullmatch(lines[i])
    if match is None:
        raise DiffParseError(f"line {i + 1}: bad hunk header {lines[i][:80]!r}")
    old_no, old_left = int(match[1]), int(match[2] or 1)
    new_no, new_left = int(match[3]), int(match[4] or 1)
    i += 1
    while old_left > 0 or new_left > 0:
        if i >= len(lines):
            raise DiffParseError(f"line {i}: hunk ends before its counted lines")
        line = lines[i]
        tag, rest = line[:1], line[1:]
        if tag == "+" and new_left > 0:
            entry.added.append(new_no)
            entry.added_text[new_no] = rest
            new_no, new_left = new_no + 1, new_left - 1
        elif tag == "-" and old_left > 0:
            entry.removed_text[old_no] = rest
            old_no, old_left = old_no + 1, old_left - 1
        elif tag in (" ", "") and old_left > 0 and new_left > 0:  # context
            old_no, old_left = old_no + 1, old_left - 1
            new_no, new_left = new_no + 1, new_left - 1
        elif tag != "\\":  # "\ No newline at end of file" belongs to the line before
            raise DiffParseError(f"line {i + 1}: does not fit its hunk: {line[:80]!r}")
        i += 1
    while i < len(lines) and lines[i].startswith("\\"):
        i += 1
    return i


def _finish(entry: _Entry) -> FileDiff:
    where = f"diff at line {entry.line_no}"
    git_old, git_new = entry.git_paths or (None, None)
    status: Status
    if entry.rename_from is not None or entry.rename_to is not None:
        status = "renamed"
        old, new = entry.rename_from or git_old, entry.rename_to or git_new
    elif entry.copy_from is not None or entry.copy_to is not None:
        status = "copied"
        old, new = entry.copy_from or git_old, entry.copy_to or git_new
    else:
        old = entry.old_name if entry.has_minus else git_old
        new = entry.new_name if entry.has_plus else git_new
        if entry.new_file or (entry.has_minus and entry.old_name is None):
            status, old = "added", None
        elif entry.deleted or (entry.has_plus and entry.new_name is None):
            status, new = "deleted", None
        elif _file_type(entry.old_mode) != _file_type(entry.new_mode):
            status = "typechange"
        else:
            status = "modified"
    path = new if status != "deleted" else old
    if not path or (status != "added" and not old):
        raise DiffParseError(f"{where}: cannot tell which file it is about")
    if status == "deleted" and entry.added:
        raise DiffParseError(f"{where}: a deleted file with added lines")
    if status == "added" and entry.removed_text:
        raise DiffParseError(f"{where}: a new file with removed lines")
    return FileDiff(
        path=path,
        old_path=old if status != "added" else None,
        status=status,
        binary=entry.binary,
        added=tuple(entry.added),
        removed_count=len(entry.removed_text),
        added_text=entry.added_text,
        removed_text=entry.removed_text,
        old_mode=None if status == "added" else entry.old_mode,
        new_mode=None if status == "deleted" else entry.new_mode,
    )


def _file_type(mode: str | None) -> int | None:
    return None if mode is None else int(mode, 8) & _FILE_TYPE_MASK


def _merge_typechanges(files: list[FileDiff]) -> list[FileDiff]:
    merged: list[FileDiff] = []
    for f in files:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.status == "deleted"
            and f.status == "added"
            and prev.path == f.path
            and _file_type(prev.old_mode) != _file_type(f.new_mode)
        ):
            merged[-1] = FileDiff(
                path=f.path,
                old_path=prev.path,
                status="typechange",
                binary=prev.binary or f.binary,
                added=f.added,
                removed_count=prev.removed_count,
                added_text=f.added_text,
                removed_text=prev.removed_text,
                old_mode=prev.old_mode,
                new_mode=f.new_mode,
            )
        else:
            merged.append(f)
    return merged


def _side_path(value: str, prefix: str, i: int) -> str | None:
    """The path of a ``---``/``+++`` line: None for /dev/null, prefix removed."""
    if value.startswith('"'):
        name = _unquote(value.rstrip("\t"), i)
    else:
        # git appends a tab after a name containing a space, for GNU patch's sake
        name = value[:-1] if value.endswith("\t") else value
        if name == "/dev/null":
            return None
    return name.removeprefix(prefix) if name.startswith(prefix) else name


def _git_line_paths(rest: str) -> tuple[str, str] | None:
    """(old, new) from ``a/X b/Y``; None when the line is ambiguous or malformed, which
    only matters when no other header names the file."""
    try:
        if rest.startswith('"'):
            old, tail = _unquote_prefix(rest)
            if not tail.startswith(" "):
                return None
            tail = tail[1:]
            new = _unquote(tail, 0) if tail.startswith('"') else tail
        elif rest.endswith('"') and ' "' in rest:
            cut = rest.index(' "')
            old, new = rest[:cut], _unquote(rest[cut + 1 :], 0)
        else:
            # unquoted: for the same name on both sides, "a/N b/N" splits in the middle
            half = (len(rest) - 1) // 2
            old, new = rest[:half], rest[half + 1 :]
            if len(rest) % 2 == 0 or rest[half] != " " or old[2:] != new[2:]:
                if " b/" not in rest:
                    return None
                old, _, new = rest.partition(" b/")
                new = "b/" + new
    except DiffParseError:
        return None
    if not (old.startswith("a/") and new.startswith("b/")):
        return None
    return old[2:], new[2:]


def _unquote(value: str, i: int) -> str:
    name, tail = _unquote_prefix(value, i)
    if tail:
        raise DiffParseError(f"line {i + 1}: text after a quoted path: {tail[:40]!r}")
    return name


def _unquote_prefix(value: str, i: int = 0) -> tuple[str, str]:
    """Unescape a C-style quoted path at the start of `value` (git's quote.c): the path
    and what follows the closing quote. Unquoted values are returned as they are."""
    if not value.startswith('"'):
        return value, ""
    out = bytearray()
    pos = 1
    while pos < len(value):
        ch = value[pos]
        if ch == '"':
            return out.decode("utf-8", "replace"), value[pos + 1 :]
        if ch != "\\":
            out += ch.encode("utf-8", "surrogatepass")
            pos += 1
            continue
        esc = value[pos + 1 : pos + 2]
        if esc in _ESCAPES:
            out.append(_ESCAPES[esc])
            pos += 2
        elif len(value) >= pos + 4 and all(c in "01234567" for c in value[pos + 1 : pos + 4]):
            code = int(value[pos + 1 : pos + 4], 8)
            if code > 0o377:
                raise DiffParseError(f"line {i + 1}: bad octal escape in {value[:80]!r}")
            out.append(code)
            pos += 4
        else:
            raise DiffParseError(f"line {i + 1}: bad escape in quoted path {value[:80]!r}")
    raise DiffParseError(f"line {i + 1}: unterminated quoted path {value[:80]!r}")
