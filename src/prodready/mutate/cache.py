"""Mutant results remembered by the content of the code and of the tests that judged them.

A result's key is the digest of: prodready's mutate package, the Python that ran the tests,
the production code of the whole tree, the mutant, and — for each selected test — its node
id, its own definition and the shared part of its file (imports, fixtures, helpers) and
every conftest. Adding one test therefore re-runs only the mutants on lines that test
runs: their selection changed; every other key is the same. The per-test coverage run
itself is remembered by the digest of every Python file and test configuration in the
tree. Errors are never remembered. An unusable cache is not used (an optimisation, never a
source of truth), like the scan's.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path

from prodready.repo.files import is_test_path
from prodready.scan.cache import default_cache_dir, source_digest

_CONFIG = frozenset({"pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini", "setup.py"})
_REMEMBERED = frozenset({"killed", "survived", "timeout"})


def package_digest() -> str:
    return source_digest(Path(__file__).resolve().parent)


class TreeDigests:
    """Digests of one exported tree, computed once per run."""

    def __init__(self, copy: Path, interpreter: str) -> None:
        self.copy = copy
        code = hashlib.sha256(f"{package_digest()}\0{interpreter}".encode())
        everything = code.copy()
        conftests = hashlib.sha256()
        self._test_files: dict[str, bytes] = {}
        for path in sorted(copy.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            rel = path.relative_to(copy).as_posix()
            if not (rel.endswith(".py") or path.name in _CONFIG):
                continue
            data = path.read_bytes()
            entry = rel.encode() + b"\0" + hashlib.sha256(data).digest()
            everything.update(entry)
            if path.name == "conftest.py" or path.name in _CONFIG:
                conftests.update(entry)
            elif is_test_path(rel):
                self._test_files[rel] = data
            else:
                code.update(entry)
        self.code = code.hexdigest()
        self.everything = everything.hexdigest()
        self.conftests = conftests.hexdigest()
        self._tests: dict[str, str] = {}
        self._definitions: dict[str, dict[str, str]] = {}

    def test(self, nodeid: str) -> str:
        """Digest of one test as it is defined: its function (class method) and the shared
        part of its file; the whole file when the test cannot be found by name."""
        found = self._tests.get(nodeid)
        if found is None:
            found = self._tests[nodeid] = self._test_digest(nodeid)
        return found

    def _test_digest(self, nodeid: str) -> str:
        path, _, rest = nodeid.partition("::")
        data = self._test_files.get(path)
        if data is None:
            return hashlib.sha256(f"missing\0{nodeid}".encode()).hexdigest()
        definitions = self._definitions.get(path)
        if definitions is None:
            definitions = self._definitions[path] = _definitions(data)
        name = "::".join(part.split("[", 1)[0] for part in rest.split("::") if part)
        own = definitions.get(name)
        if own is None:  # not found by name (generated, or a file that does not parse)
            return hashlib.sha256(data).hexdigest()
        return hashlib.sha256(f"{own}\0{definitions['']}".encode()).hexdigest()

    def mutant_key(self, mutant_id: str, tests: Iterable[str]) -> str:
        h = hashlib.sha256(f"{self.code}\0{self.conftests}\0{mutant_id}".encode())
        for nodeid in sorted(tests):
            h.update(f"\0{nodeid}\0{self.test(nodeid)}".encode())
        return h.hexdigest()


def _definitions(data: bytes) -> dict[str, str]:
    """Digest of each test function and test method of one file by its node-id name
    (``test_x``, ``TestX::test_y``), and under ``""`` the part every test shares. One parse
    per file: a suite's node ids name the same files hundreds of times."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return {}
    lines = data.decode("utf-8", errors="replace").splitlines(keepends=True)
    found = {"": _shared_part(tree)}

    def segment(node: ast.stmt) -> str:
        text = "".join(lines[node.lineno - 1 : node.end_lineno])
        return hashlib.sha256(text.encode()).hexdigest()

    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = segment(node)
        elif isinstance(node, ast.ClassDef):
            found[node.name] = segment(node)
            for child in node.body:
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[f"{node.name}::{child.name}"] = segment(child)
    return found


def _shared_part(tree: ast.Module) -> str:
    """The file without its test functions and test classes' test methods: what every test
    of the file shares."""
    kept: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            continue
        if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            body = [
                n
                for n in node.body
                if not (
                    isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
                    and n.name.startswith("test")
                )
            ]
            kept.append(ast.dump(ast.ClassDef(**{**node.__dict__, "body": body})))
            continue
        kept.append(ast.dump(node))
    return hashlib.sha256("\n".join(kept).encode()).hexdigest()


class MutateCache:
    def __init__(self, directory: Path | None = None) -> None:
        self._db: sqlite3.Connection | None = None
        directory = directory or default_cache_dir()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(directory / "mutate.sqlite", timeout=5)
            db.execute(
                "CREATE TABLE IF NOT EXISTS mutant (key TEXT PRIMARY KEY, status TEXT, "
                "seconds REAL)"
            )
            db.execute("CREATE TABLE IF NOT EXISTS coverage (key TEXT PRIMARY KEY, data TEXT)")
            db.commit()
            self._db = db
        except (OSError, sqlite3.Error):
            self._db = None

    def result(self, key: str) -> tuple[str, float] | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT status, seconds FROM mutant WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.Error:
            return None
        return (str(row[0]), float(row[1])) if row else None

    def remember(self, results: Mapping[str, tuple[str, float]]) -> None:
        rows = [(k, s, t) for k, (s, t) in results.items() if s in _REMEMBERED]
        if self._db is None or not rows:
            return
        with contextlib.suppress(sqlite3.Error):
            self._db.executemany("INSERT OR REPLACE INTO mutant VALUES (?, ?, ?)", rows)
            self._db.commit()

    def coverage(self, key: str) -> dict[str, object] | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT data FROM coverage WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        if not row:
            return None
        data = json.loads(row[0])
        return data if isinstance(data, dict) else None

    def remember_coverage(self, key: str, data: Mapping[str, object]) -> None:
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            self._db.execute(
                "INSERT OR REPLACE INTO coverage VALUES (?, ?)", (key, json.dumps(data))
            )
            self._db.commit()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
