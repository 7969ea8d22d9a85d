"""Dependencies a change adds, upgrades, downgrades or removes, read from its manifests.

The gate's "approved dependencies" item needs, for every dependency manifest the change
touches, the declarations that differ between the base and the head revision, each with the
line of the head manifest that declares it. This module reads the manifest texts (the caller
fetches them from git) and compares them; it never touches the network or the file system.

Manifests read (:func:`is_manifest`):

- pip requirements: ``*requirements*.txt`` / ``*requirements*.in`` and any ``.txt`` / ``.in``
  file in a ``requirements/`` directory; pip-tools output is the same format (``==`` pins,
  ``# via`` comments, ``--hash`` continuation lines). ``-r`` / ``-c`` includes are not followed
  (the included file is judged on its own when it changes) and are listed by :func:`problems`.
  Other ``.in`` files are not read: ``MANIFEST.in`` and autotools templates share the suffix.
- ``pyproject.toml``: PEP 621 ``[project] dependencies`` and ``optional-dependencies``, PEP 735
  ``[dependency-groups]``, ``[build-system] requires`` (group ``build-system``: build
  requirements run code at install time), Poetry main / ``dev-dependencies`` / group tables,
  PDM ``dev-dependencies`` and uv's legacy ``[tool.uv] dev-dependencies``.
- ``Pipfile`` (``[packages]``, ``[dev-packages]`` as group ``dev``, other categories by name).
- Lock files, group ``lock``, transitive packages included: ``poetry.lock``, ``uv.lock``,
  ``pdm.lock``, ``Pipfile.lock``, ``package-lock.json`` / ``npm-shrinkwrap.json`` (top-level
  ``node_modules/<name>`` entries only) and ``yarn.lock`` (classic and Berry).
- ``package.json``: ``dependencies``, ``devDependencies`` (group ``dev``),
  ``optionalDependencies`` (``optional``) and ``peerDependencies`` (``peer``).

How a change is described (:class:`DependencyChange`): one entry per (group, name) of a
manifest. ``old`` / ``new`` hold the declaration without its name, as written after light
normalisation -- ``"==2.31.0"``, ``"[socks]>=2.31; python_version >= \\"3.8\\""``,
``"^4.17.21"``, ``"*"`` for "any version", a lock file's version. A name declared more than
once in one group (marker-split pins, a uv lock with forked versions, Poetry 2 listing it in
both ``[project]`` and ``[tool.poetry]``) is one entry whose text joins the declarations with
``" | "``. The direction of a change compares each side's pinned versions or lower bounds
(``==``, ``>=``, ``~=``, ``^``, ``~``, bare versions) with :class:`packaging.version.Version`;
when it cannot -- a URL, a tag, a bound dropped (pinned to unpinned), the same version with
other extras or markers -- the kind is ``changed``.

Errors: :func:`dependency_changes` raises :class:`ManifestError` when the head manifest cannot
be read as a whole (TOML or JSON syntax, wrong top-level shape) or when the change introduces
a declaration that cannot be read (an unnamed VCS URL, an invalid PEP 508 string): in both
cases the change cannot be judged and the caller reports the item as ``unknown``. Declarations
that were already unreadable at the base are skipped, not fatal, and an unreadable base counts
as empty (every head dependency is then "added": fail closed). :func:`problems` lists what a
single text's reading skipped and never raises.
"""

from __future__ import annotations

import bisect
import fnmatch
import json
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

ECOSYSTEM_PYPI: Final = "pypi"
ECOSYSTEM_NPM: Final = "npm"

ADDED: Final = "added"
UPGRADED: Final = "upgraded"
DOWNGRADED: Final = "downgraded"
CHANGED: Final = "changed"
REMOVED: Final = "removed"

#: Group of every entry read from a lock file (they include transitive dependencies).
LOCK_GROUP: Final = "lock"

#: Separates several declarations of one name in ``old`` / ``new``.
DECLARATION_SEPARATOR: Final = " | "


@dataclass(frozen=True)
class DependencyChange:
    """One dependency whose declaration differs between the base and the head manifest."""

    manifest: str  # repository-relative path
    name: str  # PEP 503-normalised for Python; npm names as written
    ecosystem: str  # ECOSYSTEM_PYPI | ECOSYSTEM_NPM
    kind: str  # ADDED | UPGRADED | DOWNGRADED | CHANGED | REMOVED
    old: str | None  # declaration text at the base; None when added
    new: str | None  # declaration text at the head; None when removed
    line: int | None  # line of the head manifest that declares it, when known
    group: str | None  # extra / dependency group / "dev" / LOCK_GROUP; None for main deps


class ManifestError(ValueError):
    """The head revision of a manifest cannot be read, so its change cannot be judged.

    The message names the file and what is wrong; the gate turns it into ``unknown``.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


# --------------------------------------------------------------------------------------------
# Which files are manifests


_EXACT_NAMES: Final[Mapping[str, str]] = {
    "pyproject.toml": "pyproject",
    "Pipfile": "pipfile",
    "Pipfile.lock": "pipfile-lock",
    "poetry.lock": "toml-lock",
    "uv.lock": "uv-lock",
    "pdm.lock": "toml-lock",
    "package.json": "package-json",
    "package-lock.json": "package-lock",
    "npm-shrinkwrap.json": "package-lock",
    "yarn.lock": "yarn-lock",
}

#: Vendored trees hold other projects' manifests, not this repository's dependencies.
_VENDORED_DIRS: Final = frozenset({"node_modules", "site-packages", "bower_components"})


def _manifest_kind(path: str) -> str | None:
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    if not parts or _VENDORED_DIRS.intersection(parts):
        return None
    base = parts[-1]
    if base in _EXACT_NAMES:
        return _EXACT_NAMES[base]
    lower = base.lower()
    stem, dot, suffix = lower.rpartition(".")
    if dot and suffix in ("txt", "in"):
        in_requirements_dir = len(parts) > 1 and parts[-2].lower() == "requirements"
        if "requirements" in stem or in_requirements_dir:
            return "requirements"
    return None


def is_manifest(path: str) -> bool:
    """Whether ``path`` (repository-relative) names a dependency manifest this module reads."""
    return _manifest_kind(path) is not None


# --------------------------------------------------------------------------------------------
# What a reader produces


@dataclass(frozen=True)
class _Decl:
    group: str | None
    name: str
    spec: str
    line: int | None = None


@dataclass
class _Read:
    decls: list[_Decl] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # declarations that could not be read: identity (stable across revisions) -> message
    unreadable: dict[str, str] = field(default_factory=dict)

    def add(self, group: str | None, name: str, spec: str, line: int | None) -> None:
        self.decls.append(_Decl(group, name, spec, line))

    def bad(self, identity: str, message: str) -> None:
        self.unreadable.setdefault(identity, message)


class _Unparsable(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


_Reader = Callable[[str, bool], _Read]


def _short(text: object, limit: int = 120) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# --------------------------------------------------------------------------------------------
# PEP 508 declarations


def _parse_requirement(text: str) -> Requirement | str:
    """A Requirement, or the reason ``text`` is not one."""
    try:
        return Requirement(text)
    except ValueError as exc:  # InvalidRequirement and friends
        return _first_line(exc)
    except RecursionError:
        return "markers nested too deeply"


def _pep508_spec(req: Requirement) -> str:
    extras = f"[{','.join(sorted(canonicalize_name(e) for e in req.extras))}]" if req.extras else ""
    core = f"{' ' if extras else ''}@ {req.url}" if req.url else str(req.specifier)
    spec = extras + core or "*"
    if req.marker is not None:
        spec += f"; {req.marker}"
    return spec


def _pep508_decl(text: str) -> tuple[str, str] | str:
    """(normalised name, spec) of a PEP 508 string, or the reason it cannot be read."""
    parsed = _parse_requirement(text.strip())
    if isinstance(parsed, str):
        return parsed
    return canonicalize_name(parsed.name), _pep508_spec(parsed)


# --------------------------------------------------------------------------------------------
# pip requirements files

# pip's own rules (pip._internal.req.req_file): a comment starts at "#" at the start of a
# line or after whitespace; a line ending in "\" continues on the next one.
_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
_PER_REQUIREMENT_OPTION = re.compile(r"\s+(?=--?[A-Za-z])")
_EGG_RE = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_INCLUDE_OPTIONS: Final = frozenset({"-r", "--requirement", "-c", "--constraint"})
_EDITABLE_OPTIONS: Final = frozenset({"-e", "--editable"})


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line number, joined text), like pip's ``join_lines``."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        is_comment = _COMMENT_RE.match(line) is not None
        if not line.endswith("\\") or is_comment:
            if is_comment:
                line = " " + line
            if pending:
                pending.append(line)
                yield start, "".join(pending)
                pending = []
            else:
                yield number, line
        else:
            if not pending:
                start = number
            pending.append(line.strip("\\"))
    if pending:
        yield start, "".join(pending)


def _split_option(line: str) -> tuple[str, str]:
    if line.startswith("--"):
        match = re.match(r"(--[A-Za-z0-9-]+)\s*=?\s*(.*)$", line)
        if match is None:
            return line, ""
        return match.group(1), match.group(2).strip()
    return line[:2], line[2:].lstrip(" =").strip()


def _is_local_path(target: str) -> bool:
    if target.startswith(("file:", ".", "/", "~")):
        return True
    return "://" not in target and "/" in target


_LOCAL: Final = "local"


def _url_decl(target: str) -> tuple[str, str] | Literal["local"] | None:
    """(name, spec) of a URL or path requirement, _LOCAL for an unnamed local path, or None."""
    egg = _EGG_RE.search(target)
    if egg is not None:
        return canonicalize_name(egg.group(1)), f"@ {target}"
    filename = re.split(r"[?#]", target, maxsplit=1)[0].rstrip("/").rpartition("/")[2]
    try:
        if filename.endswith(".whl"):
            name, version, _build, _tags = parse_wheel_filename(filename)
            return str(name), f"=={version} @ {target}"
        if filename.endswith((".tar.gz", ".zip")):
            name, sdist_version = parse_sdist_filename(filename)
            return str(name), f"=={sdist_version} @ {target}"
    except ValueError:
        pass
    if _is_local_path(target):
        return _LOCAL
    return None


def _read_requirements(text: str, lines: bool) -> _Read:
    del lines  # a requirements file always knows its lines
    out = _Read()
    for number, logical in _logical_lines(text):
        line = _COMMENT_RE.sub("", logical).strip()
        if not line:
            continue
        where = f"line {number}"
        if line.startswith("-"):
            option, argument = _split_option(line)
            if option in _INCLUDE_OPTIONS:
                out.notes.append(
                    f"{where}: {option} {argument} is not followed; that file is judged on its "
                    "own when it changes"
                )
                continue
            if option not in _EDITABLE_OPTIONS:
                continue  # index, hash and build options name no dependency
            target = _PER_REQUIREMENT_OPTION.split(argument, maxsplit=1)[0].strip()
            found = _url_decl(target)
            if found == _LOCAL:
                out.notes.append(f"{where}: editable local path {target} is not a dependency")
            elif isinstance(found, tuple):
                out.add(None, found[0], f"-e {target}", number)
            else:
                out.bad(
                    f"-e {target}",
                    f"{where}: cannot tell which package editable {_short(target)} installs "
                    "(add #egg=NAME, or write NAME @ URL)",
                )
            continue
        requirement = _PER_REQUIREMENT_OPTION.split(line, maxsplit=1)[0].strip()
        parsed = _pep508_decl(requirement)
        if isinstance(parsed, tuple):
            out.add(None, parsed[0], parsed[1], number)
            continue
        found = _url_decl(requirement)
        if found == _LOCAL:
            out.notes.append(f"{where}: local path {requirement} is not a named dependency")
        elif isinstance(found, tuple):
            out.add(None, found[0], found[1], number)
        else:
            out.bad(
                requirement,
                f"{where}: cannot read requirement {_short(requirement)}: {parsed}",
            )
    return out


# --------------------------------------------------------------------------------------------
# TOML: values, and where things are declared in the text


def _load_toml(text: str) -> dict[str, object]:
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise _Unparsable(f"invalid TOML: {_first_line(exc)}") from None
    except RecursionError:
        raise _Unparsable("invalid TOML: nested too deeply") from None


def _dig(data: object, *keys: str) -> object:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


_TOML_TOKEN = re.compile(r'"""|\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#|[\[\]{}]')
_TOML_KEY_PART = r'(?:"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|[A-Za-z0-9_-]+)'
_TOML_KEY_LINE = re.compile(rf"\s*({_TOML_KEY_PART}(?:\s*\.\s*{_TOML_KEY_PART})*)\s*=")
_TOML_HEADER = re.compile(
    rf"\s*(\[\[?)\s*({_TOML_KEY_PART}(?:\s*\.\s*{_TOML_KEY_PART})*)\s*\]\]?\s*(?:#.*)?$"
)
_TOML_KEY_PIECE = re.compile(_TOML_KEY_PART)
_LEADING_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def _unquote(token: str) -> str:
    if token.startswith('"'):
        try:
            value = json.loads(token)
        except ValueError:
            return token[1:-1]
        return value if isinstance(value, str) else token[1:-1]
    return token[1:-1] if token.startswith("'") else token


def _toml_key_path(text: str) -> tuple[str, ...]:
    return tuple(_unquote(m.group()) for m in _TOML_KEY_PIECE.finditer(text))


class _TomlText:
    """Best-effort positions in a TOML text that ``tomllib`` already accepted.

    Tracks multi-line strings and bracket depth line by line, so that table headers, keys and
    strings are only recognised where TOML would see them (not in comments, strings or the
    middle of an array). Line numbers are 1-based and count ``\\n`` like git does.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.depth: list[int] = []  # bracket depth at the start of each line
        self.in_string: list[bool] = []  # the line starts inside a multi-line string
        self.headers: list[tuple[int, tuple[str, ...], bool]] = []  # index, path, is array
        multiline: str | None = None
        depth = 0
        for index, line in enumerate(self.lines):
            self.depth.append(depth)
            self.in_string.append(multiline is not None)
            position = 0
            if multiline is not None:
                end = line.find(multiline)
                if end < 0:
                    continue
                position, multiline = end + 3, None
            elif depth == 0:
                header = _TOML_HEADER.match(line)
                if header is not None:
                    path = _toml_key_path(header.group(2))
                    self.headers.append((index, path, header.group(1) == "[["))
                    continue
            while (token := _TOML_TOKEN.search(line, position)) is not None:
                value = token.group()
                position = token.end()
                if value == "#":
                    break
                if value in ('"""', "'''"):
                    end = line.find(value, position)
                    if end < 0:
                        multiline = value
                        break
                    position = end + 3
                elif value in "[{":
                    depth += 1
                elif value in "]}":
                    depth = max(0, depth - 1)

    def _sections(self) -> Iterator[tuple[tuple[str, ...], bool, int, int]]:
        """(path, is array table, first body line index, end index) including the root."""
        bounds = [h[0] for h in self.headers] + [len(self.lines)]
        yield (), False, 0, bounds[0]
        for number, (index, path, is_array) in enumerate(self.headers):
            yield path, is_array, index + 1, bounds[number + 1]

    def _keys(self, start: int, end: int) -> Iterator[tuple[int, tuple[str, ...]]]:
        for index in range(start, end):
            if self.depth[index] or self.in_string[index]:
                continue
            match = _TOML_KEY_LINE.match(self.lines[index])
            if match is not None:
                yield index, _toml_key_path(match.group(1))

    def _value_end(self, index: int) -> int:
        """Index one past the last line of the value whose key is on line ``index``."""
        end = index + 1
        while end < len(self.lines) and (self.depth[end] or self.in_string[end]):
            end += 1
        return end

    def value_range(self, full_path: tuple[str, ...]) -> tuple[int, int] | None:
        """Line indexes [start, end) of the value at ``full_path``, or None."""
        for path, is_array, start, end in self._sections():
            if is_array:
                continue
            if path == full_path and path:
                return start - 1, end
            if path != full_path[: len(path)]:
                continue
            rest = full_path[len(path) :]
            for index, key in self._keys(start, end):
                if key == rest:
                    return index, self._value_end(index)
        return None

    def strings(self, index: int) -> Iterator[tuple[str, str]]:
        """(text before the string, string value) for single-line strings on a line."""
        line = self.lines[index]
        position = 0
        while (token := _TOML_TOKEN.search(line, position)) is not None:
            value = token.group()
            if value == "#" or value in ('"""', "'''"):
                return
            if value[0] in "\"'":
                yield line[: token.start()], _unquote(value)
            position = token.end()

    def array_item_line(self, full_path: tuple[str, ...], name: str) -> int | None:
        """Line of the PEP 508 string naming ``name`` in the array at ``full_path``."""
        found = self.value_range(full_path)
        if found is None:
            return None
        for index in range(*found):
            if self.in_string[index]:
                continue
            for before, value in self.strings(index):
                if before.rstrip().endswith("="):
                    continue  # a value inside an inline table, not a requirement string
                leading = _LEADING_NAME.match(value)
                if leading is not None and canonicalize_name(leading.group(1)) == name:
                    return index + 1
        return None

    def table_key_line(self, table: tuple[str, ...], name: str) -> int | None:
        """Line declaring key ``name`` (compared normalised) of ``table``."""
        for path, is_array, start, end in self._sections():
            if is_array:
                continue
            if path == table:
                for index, key in self._keys(start, end):
                    if canonicalize_name(key[0]) == name:
                        return index + 1
            elif path[:-1] == table and path and canonicalize_name(path[-1]) == name:
                return start  # [table.name] sub-table: its header line
        return None

    def lock_packages(self) -> dict[tuple[str, str], int]:
        """(normalised name, version) -> line of ``name =`` in each ``[[package]]`` block."""
        found: dict[tuple[str, str], int] = {}
        for path, is_array, start, end in self._sections():
            if not is_array or path != ("package",):
                continue
            name_line: int | None = None
            name = version = None
            for index, key in self._keys(start, end):
                if key not in (("name",), ("version",)):
                    continue
                values = [v for before, v in self.strings(index) if before.rstrip().endswith("=")]
                if not values:
                    continue
                if key == ("name",):
                    name, name_line = canonicalize_name(values[0]), index + 1
                else:
                    version = values[0]
            if name is not None and name_line is not None:
                found.setdefault((name, version or ""), name_line)
        return found


# --------------------------------------------------------------------------------------------
# pyproject.toml, Pipfile


def _label(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _read_pep508_array(
    out: _Read,
    located: _TomlText | None,
    value: object,
    path: tuple[str, ...],
    group: str | None,
) -> None:
    if value is None:
        return
    where = _label(path)
    if not isinstance(value, list):
        out.bad(f"{where} shape", f"{where} is not an array of requirement strings")
        return
    for item in value:
        if isinstance(item, dict) and "include-group" in item:
            continue  # PEP 735: the included group is read under its own name
        if not isinstance(item, str):
            out.bad(f"{where} {item!r}", f"{where}: entry {_short(item)} is not a string")
            continue
        parsed = _pep508_decl(item)
        if isinstance(parsed, str):
            out.bad(f"{where} {item}", f"{where}: cannot read {_short(item)}: {parsed}")
            continue
        name, spec = parsed
        line = located.array_item_line(path, name) if located else None
        out.add(group, name, spec, line)


def _str_list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _table_spec(value: dict[str, object]) -> str:
    """A Poetry / Pipfile dependency table as one line of text."""
    extras = _str_list(value.get("extras"))
    spec = f"[{','.join(sorted(canonicalize_name(e) for e in extras))}]" if extras else ""
    version = value.get("version")
    git = value.get("git")
    if isinstance(version, str):
        core = version.strip() or "*"
    elif isinstance(git, str):
        ref = next(
            (value[k] for k in ("rev", "tag", "branch", "ref") if isinstance(value.get(k), str)),
            None,
        )
        core = f"git {git}" + (f"@{ref}" if ref else "")
    elif isinstance(value.get("path"), str):
        core = f"path {value['path']}"
    elif isinstance(value.get("file"), str):
        core = f"file {value['file']}"
    elif isinstance(value.get("url"), str):
        core = f"url {value['url']}"
    else:
        core = "*"
    if spec and not core.startswith(("=", "<", ">", "!", "~", "^")):
        spec += " "
    spec += core
    conditions = [f"python {value['python']}"] if isinstance(value.get("python"), str) else []
    if isinstance(value.get("markers"), str):
        conditions.append(str(value["markers"]))
    if conditions:
        spec += "; " + " and ".join(conditions)
    return spec


def _read_name_table(
    out: _Read,
    located: _TomlText | None,
    value: object,
    path: tuple[str, ...],
    group: str | None,
    skip: frozenset[str] = frozenset(),
) -> None:
    """A table of ``name = "constraint"`` or ``name = { version = ..., ... }`` (Poetry, Pipfile)."""
    if value is None:
        return
    where = _label(path)
    if not isinstance(value, dict):
        out.bad(f"{where} shape", f"{where} is not a table of dependencies")
        return
    for key, declared in value.items():
        if key in skip:
            continue
        name = canonicalize_name(key)
        line = located.table_key_line(path, name) if located else None
        for item in declared if isinstance(declared, list) else [declared]:
            if isinstance(item, str):
                out.add(group, name, item.strip() or "*", line)
            elif isinstance(item, dict):
                out.add(group, name, _table_spec(item), line)
            else:
                out.bad(f"{where}.{key} {item!r}", f"{where}.{key}: cannot read {_short(item)}")


#: pyproject.toml arrays of PEP 508 strings, and the group their entries belong to.
_PEP508_ARRAYS: Final[tuple[tuple[tuple[str, ...], str | None], ...]] = (
    (("project", "dependencies"), None),
    (("build-system", "requires"), "build-system"),
    (("tool", "uv", "dev-dependencies"), "dev"),
)
#: pyproject.toml tables of group name -> array of PEP 508 strings.
_PEP508_GROUP_TABLES: Final = (
    ("project", "optional-dependencies"),
    ("dependency-groups",),
    ("tool", "pdm", "dev-dependencies"),
)
_POETRY: Final = ("tool", "poetry")
_POETRY_TABLES: Final[tuple[tuple[tuple[str, ...], str | None], ...]] = (
    ((*_POETRY, "dependencies"), None),
    ((*_POETRY, "dev-dependencies"), "dev"),
)
_POETRY_NOT_DEPENDENCIES: Final = frozenset({"python"})


def _read_pyproject(text: str, lines: bool) -> _Read:
    data = _load_toml(text)
    located = _TomlText(text) if lines else None
    out = _Read()
    for path, group in _PEP508_ARRAYS:
        _read_pep508_array(out, located, _dig(data, *path), path, group)
    for table_path in _PEP508_GROUP_TABLES:
        table = _dig(data, *table_path)
        if table is None:
            continue
        if not isinstance(table, dict):
            where = _label(table_path)
            out.bad(f"{where} shape", f"{where} is not a table of arrays")
            continue
        for name, value in table.items():
            _read_pep508_array(out, located, value, (*table_path, name), name)
    poetry_tables = list(_POETRY_TABLES)
    groups = _dig(data, *_POETRY, "group")
    if isinstance(groups, dict):
        poetry_tables += [((*_POETRY, "group", g, "dependencies"), g) for g in groups]
    for path, group in poetry_tables:
        value = _dig(data, *path)
        _read_name_table(out, located, value, path, group, _POETRY_NOT_DEPENDENCIES)
    return out


_PIPFILE_NOT_CATEGORIES: Final = frozenset({"source", "requires", "scripts", "pipenv"})


def _read_pipfile(text: str, lines: bool) -> _Read:
    data = _load_toml(text)
    located = _TomlText(text) if lines else None
    out = _Read()
    for category, table in data.items():
        if category in _PIPFILE_NOT_CATEGORIES or not isinstance(table, dict):
            continue
        group = {"packages": None, "dev-packages": "dev"}.get(category, category)
        _read_name_table(out, located, table, (category,), group)
    return out


# --------------------------------------------------------------------------------------------
# Lock files


class _LockLines:
    """Lines of ``[[package]]`` blocks: the block of that version, else the name's first."""

    def __init__(self, located: Mapping[tuple[str, str], int]) -> None:
        self._exact = located
        self._first: dict[str, int] = {}
        for (name, _), line in located.items():
            self._first.setdefault(name, line)

    def get(self, name: str, version: str) -> int | None:
        return self._exact.get((name, version), self._first.get(name))


def _read_toml_lock(text: str, lines: bool, *, skip_sources: frozenset[str]) -> _Read:
    data = _load_toml(text)
    out = _Read()
    packages = data.get("package", [])
    if not isinstance(packages, list):
        raise _Unparsable("'package' is not an array of tables")
    located = _LockLines(_TomlText(text).lock_packages()) if lines else None
    for package in packages:
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            out.bad(f"package {package!r}", f"[[package]] without a name: {_short(package)}")
            continue
        source = package.get("source")
        if isinstance(source, dict) and skip_sources.intersection(source):
            continue  # the project's own workspace members, not dependencies
        name = canonicalize_name(str(package["name"]))
        version = package.get("version")
        spec = version if isinstance(version, str) else "*"
        out.add(LOCK_GROUP, name, spec, located.get(name, spec) if located else None)
    return out


def _read_poetry_pdm_lock(text: str, lines: bool) -> _Read:
    return _read_toml_lock(text, lines, skip_sources=frozenset())


def _read_uv_lock(text: str, lines: bool) -> _Read:
    return _read_toml_lock(text, lines, skip_sources=frozenset({"editable", "virtual"}))


# --------------------------------------------------------------------------------------------
# JSON: values, and where keys are declared in the text

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def _load_json_object(text: str) -> dict[str, object]:
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise _Unparsable(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise _Unparsable("invalid JSON: nested too deeply") from None
    except ValueError as exc:
        raise _Unparsable(f"invalid JSON: {_first_line(exc)}") from None
    if not isinstance(data, dict):
        raise _Unparsable(f"top level is a JSON {type(data).__name__}, expected an object")
    return data


def _json_key_lines(text: str, max_depth: int = 2) -> dict[tuple[str, ...], int]:
    """Line of the first occurrence of each object key path up to ``max_depth`` keys deep."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    found: dict[tuple[str, ...], int] = {}
    stack: list[tuple[bool, tuple[str, ...]]] = []  # open containers: (is object, key path)
    expecting_key = False
    last_key = ""
    for token in _JSON_TOKEN.finditer(text):
        value = token.group()
        first = value[0]
        if first == '"':
            if stack and stack[-1][0] and expecting_key:
                raw = value[1:-1]
                last_key = _unquote(value) if "\\" in raw else raw
                path = (*stack[-1][1], last_key)
                if len(path) <= max_depth and path not in found:
                    found[path] = bisect.bisect_left(newlines, token.start()) + 1
                expecting_key = False
        elif first in "{[":
            parent = stack[-1] if stack else None
            if parent is None:
                path = ()
            elif parent[0]:
                path = (*parent[1], last_key)
            else:
                path = (*parent[1], "[]")
            stack.append((first == "{", path))
            expecting_key = first == "{"
        elif first in "}]":
            if stack:
                stack.pop()
            expecting_key = False
        elif first == ",":
            expecting_key = bool(stack) and stack[-1][0]
    return found


_PACKAGE_JSON_GROUPS: Final[Mapping[str, str | None]] = {
    "dependencies": None,
    "devDependencies": "dev",
    "optionalDependencies": "optional",
    "peerDependencies": "peer",
}


def _read_package_json(text: str, lines: bool) -> _Read:
    data = _load_json_object(text)
    located = _json_key_lines(text) if lines else None
    out = _Read()
    for section, group in _PACKAGE_JSON_GROUPS.items():
        table = data.get(section)
        if table is None:
            continue
        if not isinstance(table, dict):
            out.bad(f"{section} shape", f"{section} is not an object of name: version")
            continue
        for name, spec in table.items():
            if not isinstance(spec, str):
                out.bad(
                    f"{section}.{name} {spec!r}",
                    f"{section}.{name}: {_short(spec)} is not a string",
                )
                continue
            line = located.get((section, name)) if located else None
            out.add(group, name, spec.strip() or "*", line)
    return out


_NODE_MODULES = "node_modules/"


def _read_package_lock(text: str, lines: bool) -> _Read:
    data = _load_json_object(text)
    located = _json_key_lines(text) if lines else None
    out = _Read()
    packages = data.get("packages")
    section = "packages"
    if packages is None:  # lockfileVersion 1: a nested "dependencies" tree
        packages, section = data.get("dependencies", {}), "dependencies"
    if not isinstance(packages, dict):
        raise _Unparsable(f"'{section}' is not an object")
    for key, entry in packages.items():
        if section == "packages":
            if not key.startswith(_NODE_MODULES) or f"/{_NODE_MODULES}" in key:
                continue  # the root project, workspaces, nested (non top-level) copies
            name = key[len(_NODE_MODULES) :]
        else:
            name = key
        if not isinstance(entry, dict):
            out.bad(f"{key} shape", f"{section}.{key} is not an object")
            continue
        version = entry.get("version")
        if entry.get("link") is True or not isinstance(version, str):
            continue  # workspace links carry no version of their own
        line = located.get((section, key)) if located else None
        out.add(LOCK_GROUP, name, version, line)
    return out


def _read_pipfile_lock(text: str, lines: bool) -> _Read:
    data = _load_json_object(text)
    located = _json_key_lines(text) if lines else None
    out = _Read()
    for category, table in data.items():
        if category == "_meta":
            continue
        if not isinstance(table, dict):
            out.bad(f"{category} shape", f"{category} is not an object of packages")
            continue
        for key, entry in table.items():
            if not isinstance(entry, dict):
                out.bad(f"{category}.{key} shape", f"{category}.{key} is not an object")
                continue
            version = entry.get("version")
            spec = version.removeprefix("==") if isinstance(version, str) else _table_spec(entry)
            line = located.get((category, key)) if located else None
            out.add(LOCK_GROUP, canonicalize_name(key), spec, line)
    return out


# --------------------------------------------------------------------------------------------
# yarn.lock (classic v1 and Berry)

_YARN_VERSION = re.compile(r"""\s+version:?\s+["']?([^"'\s]+)["']?\s*$""")


def _yarn_name(descriptor: str) -> str:
    descriptor = descriptor.strip().strip("\"'")
    at = descriptor.find("@", 1)
    return descriptor[:at] if at > 0 else descriptor


def _read_yarn_lock(text: str, lines: bool) -> _Read:
    del lines
    out = _Read()
    entry: tuple[str, int] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            entry = None
            header = line.rstrip()
            if not header.endswith(":") or header.startswith("__metadata"):
                continue
            descriptors = [d for d in re.split(r",\s*", header[:-1].strip("\"'")) if d]
            if not descriptors or any(
                "@workspace:" in d or "@link:" in d or "@portal:" in d for d in descriptors
            ):
                continue
            entry = (_yarn_name(descriptors[0]), number)
            continue
        match = _YARN_VERSION.match(line)
        if entry is not None and match is not None and line.startswith(("  v", '  "v')):
            name, header_line = entry
            version = match.group(1)
            if version != "0.0.0-use.local":
                out.add(LOCK_GROUP, name, version, header_line)
            entry = None
    return out


# --------------------------------------------------------------------------------------------
# Reading, comparing


_READERS: Final[Mapping[str, tuple[_Reader, str]]] = {
    "requirements": (_read_requirements, ECOSYSTEM_PYPI),
    "pyproject": (_read_pyproject, ECOSYSTEM_PYPI),
    "pipfile": (_read_pipfile, ECOSYSTEM_PYPI),
    "pipfile-lock": (_read_pipfile_lock, ECOSYSTEM_PYPI),
    "toml-lock": (_read_poetry_pdm_lock, ECOSYSTEM_PYPI),
    "uv-lock": (_read_uv_lock, ECOSYSTEM_PYPI),
    "package-json": (_read_package_json, ECOSYSTEM_NPM),
    "package-lock": (_read_package_lock, ECOSYSTEM_NPM),
    "yarn-lock": (_read_yarn_lock, ECOSYSTEM_NPM),
}


def _reader(path: str) -> tuple[_Reader, str]:
    kind = _manifest_kind(path)
    if kind is None:
        raise ValueError(f"{path}: not a dependency manifest (see is_manifest)")
    return _READERS[kind]


def _read(reader: _Reader, text: str, lines: bool) -> _Read:
    try:
        return reader(text, lines)
    except RecursionError:
        raise _Unparsable("nested too deeply to read") from None


_CLAUSE = re.compile(r"(===|==|~=|>=|<=|!=|>|<|=|\^|~)?v?(\d[0-9A-Za-z.+!*-]*)")
_LOWER_BOUND_OPERATORS: Final = frozenset({"", "===", "==", "~=", ">=", ">", "=", "^", "~"})
_OPERATOR_SPACE = re.compile(r"(===|==|~=|>=|<=|!=|>|<|=|\^|~)\s+")
_SEMVER = re.compile(r"(\d+(?:\.\d+)*)(?:[-+].*)?")


def _version(text: str, npm: bool) -> Version | None:
    while text.endswith((".*", ".x", ".X")):
        text = text[:-2]
    try:
        return Version(text)
    except InvalidVersion:
        pass
    semver = _SEMVER.fullmatch(text) if npm else None
    if semver is None:
        return None
    release = semver.group(1)
    # a semver pre-release ("5.1.12-vscode") sorts before its release, like a .dev of it
    return Version(release if release == text else f"{release}.dev0")


def _lower_bound(declaration: str, npm: bool) -> Version | None:
    """The pinned version or lower bound of one declaration, or None when it has none."""
    text = declaration.strip()
    if text.startswith("[") and "]" in text:
        text = text[text.index("]") + 1 :]
    text = text.split(";", 1)[0].split(" @ ", 1)[0].strip()
    if not text or text == "*" or text.startswith(("@", "-e ")):
        return None
    lowest: Version | None = None
    for alternative in re.split(r"\|\|?", text):
        alternative = _OPERATOR_SPACE.sub(r"\1", alternative.strip())
        if " - " in alternative:  # npm hyphen range "1.2.3 - 2.0.0"
            alternative = alternative.split(" - ", 1)[0]
        bound: Version | None = None
        for clause in re.split(r"[,\s]+", alternative):
            match = _CLAUSE.fullmatch(clause)
            if match is None or (match.group(1) or "") not in _LOWER_BOUND_OPERATORS:
                continue
            version = _version(match.group(2), npm)
            if version is not None and (bound is None or version > bound):
                bound = version
        if bound is None:
            return None  # one alternative without a lower bound: no lower bound at all
        if lowest is None or bound < lowest:
            lowest = bound
    return lowest


def _bounds(text: str, ecosystem: str) -> list[Version | None]:
    npm = ecosystem == ECOSYSTEM_NPM
    return [_lower_bound(part, npm) for part in text.split(DECLARATION_SEPARATOR)]


def _direction(old: str, new: str, ecosystem: str) -> str:
    before, after = _bounds(old, ecosystem), _bounds(new, ecosystem)
    old_versions = [v for v in before if v is not None]
    new_versions = [v for v in after if v is not None]
    if len(old_versions) != len(before) or len(new_versions) != len(after):
        return CHANGED  # a side without a version: unpinned, a URL, a tag
    low_old, high_old = min(old_versions), max(old_versions)
    low_new, high_new = min(new_versions), max(new_versions)
    if low_new >= low_old and high_new >= high_old and (low_new, high_new) != (low_old, high_old):
        return UPGRADED
    if low_new <= low_old and high_new <= high_old and (low_new, high_new) != (low_old, high_old):
        return DOWNGRADED
    return CHANGED


def _sort_key(spec: str) -> tuple[int, Version | str]:
    try:
        return 0, Version(spec)
    except InvalidVersion:
        return 1, spec


def _index(decls: Sequence[_Decl]) -> dict[tuple[str | None, str], tuple[str, int | None]]:
    grouped: dict[tuple[str | None, str], list[_Decl]] = {}
    for decl in decls:
        grouped.setdefault((decl.group, decl.name), []).append(decl)
    index: dict[tuple[str | None, str], tuple[str, int | None]] = {}
    for key, found in grouped.items():
        specs = sorted({d.spec for d in found}, key=_sort_key)
        lines = [d.line for d in found if d.line is not None]
        index[key] = DECLARATION_SEPARATOR.join(specs), min(lines) if lines else None
    return index


def _compare(path: str, ecosystem: str, base: _Read, head: _Read) -> list[DependencyChange]:
    before, after = _index(base.decls), _index(head.decls)
    changes: list[DependencyChange] = []
    for (group, name), (spec, line) in after.items():
        old = before.get((group, name))
        if old is None:
            kind = ADDED
        elif old[0] == spec:
            continue
        else:
            kind = _direction(old[0], spec, ecosystem)
        old_spec = old[0] if old else None
        changes.append(DependencyChange(path, name, ecosystem, kind, old_spec, spec, line, group))
    for (group, name), (spec, _) in before.items():
        if (group, name) not in after:
            changes.append(
                DependencyChange(path, name, ecosystem, REMOVED, spec, None, None, group)
            )
    changes.sort(key=lambda c: (c.line is None, c.line or 0, c.name, c.group or ""))
    return changes


def dependency_changes(
    path: str, base_text: str | None, head_text: str | None
) -> list[DependencyChange]:
    """What the change from ``base_text`` to ``head_text`` does to the dependencies of ``path``.

    ``None`` stands for "the file does not exist at that revision" (added or deleted
    manifest). Returns the changes ordered by head line, removals last.

    Raises :class:`ManifestError` when the head text cannot be read, or when the change
    introduces a declaration that cannot be read; an unreadable base is read as empty.
    Raises plain :class:`ValueError` for a ``path`` that :func:`is_manifest` rejects.
    """
    reader, ecosystem = _reader(path)
    base = _Read()
    if base_text is not None:
        try:
            base = _read(reader, base_text, False)
        except _Unparsable:
            base = _Read()  # everything at head is then new: fail closed
    head = _Read()
    if head_text is not None:
        try:
            head = _read(reader, head_text, True)
        except _Unparsable as exc:
            raise ManifestError(path, exc.reason) from None
        introduced = [m for key, m in head.unreadable.items() if key not in base.unreadable]
        if introduced:
            more = f" (and {len(introduced) - 3} more)" if len(introduced) > 3 else ""
            raise ManifestError(path, "; ".join(introduced[:3]) + more)
    return _compare(path, ecosystem, base, head)


def problems(path: str, text: str) -> list[str]:
    """What reading ``text`` as the manifest ``path`` skipped or could not read; never raises.

    Each message starts with ``path``. Includes notes that are not errors (a ``-r`` include
    not followed, a local path that names no package) as well as unreadable declarations.
    """
    try:
        reader, _ = _reader(path)
        read = _read(reader, text, False)
    except (ValueError, _Unparsable) as exc:
        reason = exc.reason if isinstance(exc, _Unparsable) else str(exc)
        return [reason if reason.startswith(f"{path}:") else f"{path}: {reason}"]
    return [f"{path}: {message}" for message in [*read.unreadable.values(), *read.notes]]


# --------------------------------------------------------------------------------------------
# The policy's approved list

_ALLOW_ENTRY = re.compile(
    r"\s*(?:(?P<ecosystem>pypi|npm):)?(?P<name>[^\s<>=!~;,]+)\s*(?P<spec>[<>=!~].*)?\s*$"
)


def _allow_entry(entry: str) -> tuple[str | None, str, SpecifierSet | None] | str:
    """(ecosystem, name pattern, specifier) of one approved-list entry, or what is wrong."""
    match = _ALLOW_ENTRY.fullmatch(entry)
    if match is None:
        return f"{entry!r} is not NAME, a glob such as django-*, or NAME followed by a specifier"
    spec_text = match.group("spec")
    spec: SpecifierSet | None = None
    if spec_text:
        try:
            spec = SpecifierSet(spec_text.strip())
        except InvalidSpecifier as exc:
            return f"{entry!r}: {_first_line(exc)}"
    return match.group("ecosystem"), match.group("name"), spec


def allow_list_problems(allow: Sequence[str]) -> list[str]:
    """Entries of an approved list that :func:`approved` can never match, with the reason."""
    return [p for p in (_allow_entry(e) for e in allow) if isinstance(p, str)]


def _name_matches(pattern: str, change: DependencyChange) -> bool:
    if change.ecosystem == ECOSYSTEM_PYPI:
        pattern = re.sub(r"[-_.]+", "-", pattern).lower()
    return fnmatch.fnmatchcase(change.name, pattern)


def approved(change: DependencyChange, allow: Sequence[str]) -> bool:
    """Whether the approved list ``allow`` covers ``change``.

    Entries are names or glob patterns (``"requests"``, ``"django-*"``, ``"@types/*"``),
    optionally prefixed ``pypi:`` / ``npm:`` to hold for one ecosystem only, and optionally
    followed by a PEP 440 specifier (``"requests>=2.31"``): then every declared version at
    head -- the pin, or the lower bound of a range -- must satisfy it, and a declaration
    without a version does not. Python names are compared PEP 503-normalised. A removal
    needs no approval. Entries that cannot be read match nothing (see
    :func:`allow_list_problems`).
    """
    if change.kind == REMOVED:
        return True
    for entry in allow:
        parsed = _allow_entry(entry)
        if isinstance(parsed, str):
            continue
        ecosystem, pattern, spec = parsed
        if ecosystem is not None and ecosystem != change.ecosystem:
            continue
        if not _name_matches(pattern, change):
            continue
        if spec is None:
            return True
        versions = _bounds(change.new or "", change.ecosystem)
        if versions and all(v is not None and spec.contains(v, prereleases=True) for v in versions):
            return True
    return False
