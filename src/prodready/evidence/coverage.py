"""Line coverage from a supplied report, whichever of the usual forms it came in.

CI systems keep whatever their test job produced: a Cobertura ``coverage.xml``, a
``coverage json`` report, or just the raw ``.coverage`` data file. The format is recognised
from the content because artifact names are unreliable (``coverage.out``, ``cov``, ...).
All three are reduced to the same thing, executable and executed lines per file keyed by the
path relative to the repository, so the criteria can ask "is this changed line tested?"
without caring which tool wrote the evidence.

coverage.py itself is deliberately not imported: it is not a runtime dependency, and its
data-file API reads through the same SQLite file we open read-only here.
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import posixpath
import re
import sqlite3
import tokenize
import types
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from prodready.astwalk import parse_quietly
from prodready.errors import EvidenceError
from prodready.evidence._common import (
    ShapeError,
    brief,
    clip,
    guard,
    json_type,
    local_name,
    parse_json,
    parse_xml,
    read_evidence,
)

FORMAT_COBERTURA = "cobertura"
FORMAT_DATA = "coverage.py-data"
FORMAT_JSON = "coverage.py-json"

#: No real source file has a million lines; larger numbers mean corrupt or hostile data, and
#: materialising them (a numbits blob can encode millions with a few bytes each) costs memory.
MAX_LINE = 1_000_000

#: Total line numbers held across all files, bounding memory whatever the input's shape.
MAX_TOTAL_LINES = 20_000_000

#: Source files larger than this are not compiled to find executable lines.
MAX_SOURCE_BYTES = 10 * 1024 * 1024

#: SQLite virtual-machine steps between progress callbacks, and callbacks allowed: a crafted
#: database (a recursive view, a huge table) must not be able to hang the audit.
_SQLITE_STEP = 10_000
_SQLITE_BUDGET = 20_000

_SQLITE_MAGIC = b"SQLite format 3\x00"

#: coverage.py 7's default exclusions. Only used to approximate executable lines from a raw
#: data file; reports written by ``coverage xml``/``json`` already applied the real config.
_DEFAULT_EXCLUDES = tuple(
    re.compile(pattern)
    for pattern in (
        r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)",
        r"^\s*(((async )?def .*?)?[\])]+(\s*->.*?)?:\s*)?\.\.\.\s*(#|$)",
        r"^\s*if (typing\.)?TYPE_CHECKING:",
    )
)


@dataclass(frozen=True)
class FileCoverage:
    """Lines of one file: what could run and what did."""

    executable: frozenset[int]
    covered: frozenset[int]  # a subset of ``executable`` wherever executable lines are known


@dataclass(frozen=True)
class CoverageData:
    """One coverage report, normalised so that every format answers the same questions."""

    source: str  # the report path as given
    format: str  # FORMAT_COBERTURA | FORMAT_DATA | FORMAT_JSON
    files: Mapping[str, FileCoverage]  # repo-relative, '/'-separated paths

    def percent(self) -> float | None:
        """Overall line coverage; None rather than 0 or 100 when nothing was measurable."""
        executable = sum(len(f.executable) for f in self.files.values())
        if executable == 0:
            return None
        covered = sum(len(f.covered & f.executable) for f in self.files.values())
        return covered * 100.0 / executable

    def for_path(self, rel: str) -> FileCoverage | None:
        """Look a file up by any spelling of its repo-relative path (``./a\\b.py`` too)."""
        key = posixpath.normpath(rel.replace("\\", "/"))
        return self.files.get(key)


def load_coverage(path: Path, repo_root: Path) -> CoverageData:
    """Read a Cobertura XML, coverage.py JSON, or coverage.py ``.coverage`` data file.

    Raises EvidenceError, and nothing else, for anything that is not such a report.
    """
    name = str(path)
    with guard(name):
        data = read_evidence(path)
        root = _RepoRoot(repo_root)
        acc = _Accumulator()
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if data.startswith(_SQLITE_MAGIC):
            fmt = FORMAT_DATA
            _read_data_file(path, name, root, acc)
            files = acc.finish(analyse=root)
        elif head.startswith(b"<") or data.startswith((b"\xff\xfe", b"\xfe\xff")):
            fmt = FORMAT_COBERTURA
            _read_cobertura(parse_xml(data, name), root, acc)
            files = acc.finish()
        elif head.startswith((b"{", b"[")):
            fmt = FORMAT_JSON
            _read_json(parse_json(data, name), root, acc)
            files = acc.finish()
        else:
            raise EvidenceError(
                name,
                "not a coverage report: expected Cobertura XML, coverage.py JSON, "
                "or a coverage.py .coverage data file",
            )
        return CoverageData(source=name, format=fmt, files=types.MappingProxyType(files))


class _RepoRoot:
    """Maps the paths a report names onto repo-relative keys.

    Reports name files absolutely (coverage.py data files store real paths), relative to a
    ``<source>`` directory (Cobertura), or relative to where the tool ran (JSON). Anything
    that does not land inside the repository is not this repository's code and is dropped.
    """

    def __init__(self, repo_root: Path) -> None:
        self.path = repo_root
        forms = {_slashes(os.path.abspath(repo_root))}
        with contextlib.suppress(OSError, ValueError):
            forms.add(_slashes(os.path.realpath(repo_root)))
        # Longest first: when one spelling of the root is a prefix of the other, the longer wins.
        self._prefixes = tuple(sorted((f.rstrip("/") + "/" for f in forms), key=len, reverse=True))
        self._exists: dict[str, bool] = {}

    def relativize(self, raw: str) -> str | None:
        """Repo-relative key for a path from a report, or None if it is outside the repo."""
        text = _slashes(raw)
        if not text or "\x00" in text:
            return None
        if _is_absolute(text):
            text = posixpath.normpath(text)
            for prefix in self._prefixes:
                if text.startswith(prefix) and len(text) > len(prefix):
                    return text[len(prefix) :]
            return None
        text = posixpath.normpath(text)
        if text in (".", "..") or text.startswith("../"):
            return None
        return text

    def exists(self, rel: str) -> bool:
        """Whether a repo-relative file exists, cached since reports repeat directories."""
        known = self._exists.get(rel)
        if known is None:
            try:
                known = (self.path / rel).is_file()
            except (OSError, ValueError):
                known = False
            self._exists[rel] = known
        return known


def _slashes(text: str) -> str:
    return text.replace("\\", "/")


def _is_absolute(text: str) -> bool:
    return text.startswith("/") or re.match(r"[A-Za-z]:/", text) is not None


class _Accumulator:
    """Collects lines per file, merging duplicates and bounding the total held in memory."""

    def __init__(self) -> None:
        self.executable: dict[str, set[int]] = {}
        self.covered: dict[str, set[int]] = {}
        self._total = 0

    def add(self, rel: str, executable: Iterable[int], covered: Iterable[int]) -> None:
        exe = self.executable.setdefault(rel, set())
        cov = self.covered.setdefault(rel, set())
        before = len(exe) + len(cov)
        exe.update(executable)
        cov.update(covered)
        self._total += len(exe) + len(cov) - before
        if self._total > MAX_TOTAL_LINES:
            raise ShapeError(f"implausibly many line numbers (over {MAX_TOTAL_LINES})")

    def finish(self, analyse: _RepoRoot | None = None) -> dict[str, FileCoverage]:
        """Freeze the result; with ``analyse``, derive executable lines from the sources.

        A raw data file records only executed lines, so executable ones must come from the
        source. Without a readable, compilable source the executed lines are all we know,
        and they stand in for the executable set too (that file then reads as fully covered,
        which is why callers should treat data-file coverage as an approximation).
        """
        result: dict[str, FileCoverage] = {}
        for rel in sorted(self.executable):
            covered = self.covered[rel]
            if analyse is None:
                executable = self.executable[rel] | covered
                result[rel] = FileCoverage(frozenset(executable), frozenset(covered))
                continue
            analysis = _analyse_source(analyse, rel)
            if analysis is None:
                result[rel] = FileCoverage(frozenset(covered), frozenset(covered))
                continue
            statements, canonical = analysis
            executed = {canonical.get(line, line) for line in covered}
            result[rel] = FileCoverage(statements, frozenset(executed & statements))
        return result


# --- Cobertura -----------------------------------------------------------------------------


def _read_cobertura(root_el: Element, root: _RepoRoot, acc: _Accumulator) -> None:
    tag = local_name(root_el)
    if tag != "coverage":
        raise ShapeError(f"not a coverage report: root element is <{clip(tag, 80)}>")
    sources = [
        source.text.strip()
        for child in root_el
        if local_name(child) == "sources"
        for source in child
        if local_name(source) == "source" and source.text and source.text.strip()
    ]
    resolved: dict[str, str | None] = {}
    for element in root_el.iter():
        if local_name(element) != "class":
            continue
        filename = element.get("filename")
        if filename is None:
            raise ShapeError("<class> element has no filename attribute")
        if filename not in resolved:
            resolved[filename] = _resolve_cobertura_file(filename, sources, root)
        rel = resolved[filename]
        executable: set[int] = set()
        covered: set[int] = set()
        for line in element.iter():
            if local_name(line) != "line":
                continue
            number = _xml_line_number(line.get("number"), filename)
            if number is None:
                continue
            executable.add(number)
            if _xml_hits(line.get("hits"), filename, number) > 0:
                covered.add(number)
        if rel is not None:
            acc.add(rel, executable, covered)


def _resolve_cobertura_file(filename: str, sources: list[str], root: _RepoRoot) -> str | None:
    """Find the repository file a Cobertura ``filename`` means.

    ``filename`` is relative to one of the ``<source>`` directories. When the report was made
    on another machine (CI), those directories are absolute paths that do not exist here, so
    after the plain readings fail we try each source's trailing directories (``.../src``)
    under the repository, accepting only files that really exist.
    """
    name = _slashes(filename)
    if _is_absolute(name):
        return root.relativize(name)
    candidates: list[str] = []
    for source in sources:
        base = _slashes(source)
        joined = posixpath.join(base, name) if _is_absolute(base) else f"{base}/{name}"
        rel = root.relativize(joined)
        if rel is not None and rel not in candidates:
            candidates.append(rel)
    for rel in candidates:
        if root.exists(rel):
            return rel
    direct = root.relativize(name)
    if direct is not None and root.exists(direct):
        return direct
    for source in sources:
        parts = [p for p in _slashes(source).split("/") if p and not re.fullmatch(r"[A-Za-z]:", p)]
        for keep in range(len(parts) - 1, 0, -1):
            rel = root.relativize("/".join([*parts[-keep:], name]))
            if rel is not None and root.exists(rel):
                return rel
    if candidates:
        return candidates[0]
    return direct if not sources else None


def _xml_line_number(value: str | None, filename: str) -> int | None:
    where = f"<line> in <class filename={brief(filename, 120)}>"
    if value is None:
        raise ShapeError(f"{where} has no number attribute")
    try:
        number = int(value)
    except ValueError:
        raise ShapeError(f"{where} has a non-integer number {brief(value, 40)}") from None
    if number > MAX_LINE:
        raise ShapeError(f"{where} has an implausible line number {number}")
    return number if number >= 1 else None


def _xml_hits(value: str | None, filename: str, number: int) -> float:
    where = f"<line number={number}> in <class filename={brief(filename, 120)}>"
    if value is None:
        raise ShapeError(f"{where} has no hits attribute")
    try:
        return int(value)
    except ValueError:
        pass
    try:
        hits = float(value)
    except ValueError:
        raise ShapeError(f"{where} has a non-numeric hits {brief(value, 40)}") from None
    if hits != hits:  # NaN
        raise ShapeError(f"{where} has a non-numeric hits {brief(value, 40)}")
    return hits


# --- coverage.py JSON ----------------------------------------------------------------------


def _read_json(document: object, root: _RepoRoot, acc: _Accumulator) -> None:
    if not isinstance(document, dict):
        raise ShapeError(
            f"JSON top level is {json_type(document)}; a coverage.py JSON report is an object"
        )
    if "files" not in document:
        raise ShapeError("JSON has no 'files' key: not a coverage.py JSON report")
    files = document["files"]
    if not isinstance(files, dict):
        raise ShapeError(f"'files' is {json_type(files)}, expected an object")
    for key, entry in files.items():
        where = f"files[{brief(key, 120)}]"
        if not isinstance(entry, dict):
            raise ShapeError(f"{where} is {json_type(entry)}, expected an object")
        executed = _json_lines(entry, "executed_lines", where)
        missing = _json_lines(entry, "missing_lines", where)
        rel = root.relativize(key)
        if rel is not None:
            acc.add(rel, executed | missing, executed)


def _json_lines(entry: dict[str, object], key: str, where: str) -> set[int]:
    if key not in entry:
        raise ShapeError(f"{where} has no {key!r}: not a coverage.py JSON report")
    values = entry[key]
    if not isinstance(values, list):
        raise ShapeError(f"{where}.{key} is {json_type(values)}, expected an array of lines")
    lines: set[int] = set()
    for value in values:
        if type(value) is not int or not 1 <= value <= MAX_LINE:
            raise ShapeError(
                f"{where}.{key} contains {brief(value, 40)}, not a plausible line number"
            )
        lines.add(value)
    return lines


# --- coverage.py .coverage data file -------------------------------------------------------


def _read_data_file(path: Path, name: str, root: _RepoRoot, acc: _Accumulator) -> None:
    """Read executed lines from coverage.py's SQLite data file, strictly read-only."""
    steps = [0]

    def budget() -> int:
        steps[0] += 1
        return 1 if steps[0] > _SQLITE_BUDGET else 0

    try:
        uri = path.absolute().as_uri() + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True)
    except (sqlite3.Error, ValueError, OSError) as exc:
        raise EvidenceError(name, f"cannot open SQLite data file: {exc}") from None
    try:
        connection.set_progress_handler(budget, _SQLITE_STEP)
        _query_data_file(connection, root, acc)
    except UnicodeDecodeError:
        # sqlite3 decodes SQLite's own error text, which quotes a corrupt schema verbatim.
        raise EvidenceError(name, "unreadable SQLite data file: corrupt schema") from None
    except sqlite3.Error as exc:
        if steps[0] > _SQLITE_BUDGET:
            raise EvidenceError(name, "SQLite data file took too long to read (aborted)") from None
        raise EvidenceError(name, f"unreadable SQLite data file: {clip(str(exc), 200)}") from None
    finally:
        connection.close()


def _query_data_file(connection: sqlite3.Connection, root: _RepoRoot, acc: _Accumulator) -> None:
    # Text is fetched as bytes and decoded here: a corrupt or hostile file can hold invalid
    # UTF-8, which the default text factory would raise a bare UnicodeDecodeError for.
    connection.text_factory = bytes
    kinds = {
        _text(name): _text(kind)
        for name, kind in connection.execute("SELECT name, type FROM sqlite_master")
    }
    if "file" not in kinds:
        raise ShapeError("SQLite database has no 'file' table: not a coverage.py data file")
    present = [t for t in ("file", "line_bits", "arc") if t in kinds]
    for table in present:
        if kinds[table] != "table":
            # A view could run arbitrary (recursive) queries when read.
            raise ShapeError(f"'{table}' is a {kinds[table]}, not a table: refusing to read it")
    if "line_bits" not in present and "arc" not in present:
        raise ShapeError(
            "SQLite database has neither 'line_bits' nor 'arc': not a coverage.py data file"
        )
    paths: dict[int, str | None] = {}
    for file_id, raw_path in connection.execute("SELECT id, path FROM file"):
        if type(file_id) is not int or not isinstance(raw_path, bytes):
            raise ShapeError("'file' table has a row that is not (integer id, text path)")
        try:
            paths[file_id] = root.relativize(raw_path.decode("utf-8"))
        except UnicodeDecodeError:
            raise ShapeError("'file' table has a path that is not UTF-8") from None
    executed: dict[int, set[int]] = {file_id: set() for file_id in paths}
    if "line_bits" in present:
        for file_id, numbits in connection.execute("SELECT file_id, numbits FROM line_bits"):
            if file_id not in executed or not isinstance(numbits, bytes):
                raise ShapeError("'line_bits' has a row that is not (known file id, blob)")
            executed[file_id].update(_numbits_lines(numbits))
    if "arc" in present:
        for file_id, fromno, tono in connection.execute(
            "SELECT file_id, fromno, tono FROM arc WHERE fromno > 0 OR tono > 0"
        ):
            if file_id not in executed or type(fromno) is not int or type(tono) is not int:
                raise ShapeError("'arc' has a row that is not (known file id, int, int)")
            for line in (fromno, tono):
                if line > MAX_LINE:
                    raise ShapeError(f"'arc' has an implausible line number {line}")
                if line > 0:  # negative numbers mark entry to / exit from a code object
                    executed[file_id].add(line)
    for file_id, rel in paths.items():
        if rel is not None:
            acc.add(rel, (), executed[file_id])


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _numbits_lines(numbits: bytes) -> set[int]:
    """Decode coverage.py's numbits: bit j of byte i set means line i*8+j ran."""
    if len(numbits) * 8 > MAX_LINE + 8:
        raise ShapeError(f"numbits blob of {len(numbits)} bytes encodes implausible line numbers")
    lines: set[int] = set()
    for index, byte in enumerate(numbits):
        if byte:
            base = index * 8
            lines.update(base + bit for bit in range(8) if byte >> bit & 1)
    lines.discard(0)
    return lines


def _analyse_source(root: _RepoRoot, rel: str) -> tuple[frozenset[int], dict[int, int]] | None:
    """Executable lines of a source file, approximating coverage.py's statement analysis.

    The file is compiled, never executed, and the line numbers of every code object's
    instructions are collected. coverage.py's own analysis is approximated on top of that:
    lines of a multi-line statement count as its first line, docstrings are not statements,
    and coverage.py's *default* exclusions (``# pragma: no cover``, ``...`` stub bodies,
    ``if TYPE_CHECKING:``) are removed. A project's own ``exclude_lines`` configuration is
    not known here, nor are files that were never imported, so the result can differ from
    ``coverage report``. Returns (executable lines, physical line -> statement line), or None
    when the source cannot be read or compiled.
    """
    source_path = root.path / rel
    try:
        if not source_path.is_file() or source_path.stat().st_size > MAX_SOURCE_BYTES:
            return None
        data = source_path.read_bytes()
    except (OSError, ValueError):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = parse_quietly(data, rel)
            code = compile(tree, rel, "exec", dont_inherit=True)
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding, errors="replace")
    except (SyntaxError, ValueError, RecursionError, MemoryError, LookupError):
        # a source we cannot compile (or an unknown coding cookie) means "unknown",
        # which the caller handles; UnicodeError is a ValueError
        return None
    canonical, owner, docstrings = _statement_lines(tree)
    executed_code = {canonical.get(line, line) for line in _code_lines(code)}
    excluded = _excluded_lines(re.split(r"\r\n|\r|\n", text), owner)
    return frozenset(executed_code - docstrings - excluded), canonical


def _code_lines(code: types.CodeType) -> set[int]:
    lines: set[int] = set()
    stack = [code]
    while stack:
        current = stack.pop()
        lines.update(line for _, _, line in current.co_lines() if line)
        stack.extend(const for const in current.co_consts if isinstance(const, types.CodeType))
    return lines


def _statement_lines(
    tree: ast.Module,
) -> tuple[dict[int, int], dict[int, tuple[int, int]], set[int]]:
    """Per physical line: its statement's first line, and the span excluding it removes.

    Only a compound statement's header (``if a and\\n b:``), not its body, belongs to it;
    decorator lines belong to the decorated definition so that excluding one excludes it.
    Also returns the docstring lines, which coverage.py does not count as statements.
    """
    canonical: dict[int, int] = {}
    owner: dict[int, tuple[int, int]] = {}
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
        if not isinstance(node, ast.stmt):
            continue
        start = node.lineno
        end = node.end_lineno or start
        decorators: list[ast.expr] = getattr(node, "decorator_list", [])
        inner: int | None = None
        block_end = end
        if isinstance(node, ast.Match):
            inner = node.cases[0].pattern.lineno if node.cases else None
        else:
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
                inner = body[0].lineno
                block_end = body[-1].end_lineno or end
        # Excluding a header excludes its own block, not its else/except/finally clauses.
        span = (min([start, *(d.lineno for d in decorators)]), block_end)
        header_end = end if inner is None else max(start, inner - 1)
        for line in range(start, header_end + 1):
            canonical[line] = start
            owner[line] = span
        for decorator in decorators:
            for line in range(decorator.lineno, (decorator.end_lineno or decorator.lineno) + 1):
                canonical[line] = decorator.lineno
                owner[line] = span
    return canonical, owner, docstrings


def _excluded_lines(lines: list[str], owner: dict[int, tuple[int, int]]) -> set[int]:
    """Lines removed by coverage.py's default exclusion patterns.

    A match inside a statement excludes the whole statement (and a block header its block);
    a match on a clause line such as ``else:`` excludes the indented block below it.
    """
    excluded: set[int] = set()
    for number, line in enumerate(lines, start=1):
        if not any(pattern.search(line) for pattern in _DEFAULT_EXCLUDES):
            continue
        if number in owner:
            first, last = owner[number]
            excluded.update(range(first, last + 1))
            continue
        if not line.split("#", 1)[0].rstrip().endswith(":"):
            continue
        indent = len(line) - len(line.lstrip())
        excluded.add(number)
        for following in range(number + 1, len(lines) + 1):
            text = lines[following - 1]
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            if len(text) - len(text.lstrip()) <= indent:
                break
            excluded.add(following)
    return excluded
