"""The scan cache: results by file content, so a re-run only analyses what changed.

One SQLite file in the user's cache directory (`PRODREADY_CACHE_DIR`, else
`$XDG_CACHE_HOME/prodready`, else `~/.cache/prodready`). Entries are keyed by the digest
of the file's bytes and of the rules' own source, so a new prodready version never reuses
an old answer, and by the file's path in the scanned tree, since where a file sits decides
what its code is (a developer's script or production). A stat table (path, size, mtime)
lets a warm run skip reading unchanged files, looked up for all files in one query; a
rules table keeps what findings take from each rule, so a run that analyses nothing need
not import the rules; and a walk table keeps which files of a scanned folder are its
production code, with what that rested on (`walk_memo`), so a warm run need not list the
folder again. A cache that cannot be opened or written is simply not used: it is
an optimisation, never a source of truth.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prodready.scan.engine import FileResult
    from prodready.scan.registry import RuleFacts


def default_cache_dir() -> Path:
    env = os.environ.get("PRODREADY_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "prodready" if xdg else Path.home() / ".cache" / "prodready"


def result_key(rel: str, data: bytes) -> str:
    """What a file's result is stored under: its bytes and its place in the tree. The place
    matters as much as the content: the same module under `scripts/` is a developer's tool
    and under `app/` production code, so two copies must not share an answer."""
    h = hashlib.sha256(rel.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(data)
    return h.hexdigest()


def rules_digest() -> str:
    """Digest of the scan package's own source and of the modules outside it that decide
    how a file is read: any change to a rule, or to how newer syntax is parsed,
    invalidates results."""
    scan_package = Path(__file__).resolve().parent
    h = hashlib.sha256(source_digest(scan_package).encode())
    for reader in _READERS:
        h.update((scan_package.parent / reader).read_bytes())
    return h.hexdigest()[:16]


_READERS = ("astwalk.py", "newer_syntax.py", "repo/files.py")


def source_digest(package: Path) -> str:
    """Digest of a package's Python source, so that cached results die with the code
    that computed them."""
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


class ScanCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.version = rules_digest()
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, str]] = []
        self._stats: list[tuple[str, int, int, str]] = []
        self.hits = 0  # results served from the cache in this run
        directory = directory or default_cache_dir()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(directory / "scan.sqlite", timeout=5)
            db.execute(
                "CREATE TABLE IF NOT EXISTS result (version TEXT, digest TEXT, data TEXT, "
                "PRIMARY KEY (version, digest))"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS stat (path TEXT PRIMARY KEY, size INTEGER, "
                "mtime INTEGER, digest TEXT)"
            )
            db.execute("CREATE TABLE IF NOT EXISTS rules (version TEXT PRIMARY KEY, data TEXT)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS walk (root TEXT PRIMARY KEY, version TEXT, data TEXT)"
            )
            self._db = db
        except (OSError, sqlite3.Error):
            self._db = None

    def get(self, path: Path) -> FileResult | None:
        if self._db is None:
            return None
        try:
            st = os.stat(path)
            key = os.path.abspath(path)
            row = self._db.execute(
                "SELECT size, mtime, digest FROM stat WHERE path = ?", (key,)
            ).fetchone()
            if row is None or row[0] != st.st_size or row[1] != st.st_mtime_ns:
                return None
            data = self._db.execute(
                "SELECT data FROM result WHERE version = ? AND digest = ?", (self.version, row[2])
            ).fetchone()
        except (OSError, sqlite3.Error):
            return None
        if data is None:
            return None
        result = self._decode(data[0])
        if result is not None:
            self.hits += 1
        return result

    def get_many(self, paths: list[str]) -> dict[str, FileResult]:
        """`get` for many files at once: two queries in all rather than two per file, which
        was a fifth of a warm scan. Files missing, changed or unreadable are left out. Paths
        are plain strings: building a `Path` per file was a twentieth of a warm scan."""
        if self._db is None or not paths:
            return {}
        keys = {os.path.abspath(p): p for p in paths}
        try:
            known = self._db.execute(
                "SELECT path, size, mtime, digest FROM stat "
                "WHERE path IN (SELECT value FROM json_each(?))",
                (json.dumps(list(keys)),),
            ).fetchall()
            current: dict[str, str] = {}  # path -> digest, for files unchanged since
            for key, size, mtime, digest in known:
                try:
                    st = os.stat(key)
                except OSError:
                    continue
                if st.st_size == size and st.st_mtime_ns == mtime:
                    current[key] = digest
            data = dict(
                self._db.execute(
                    "SELECT digest, data FROM result "
                    "WHERE version = ? AND digest IN (SELECT value FROM json_each(?))",
                    (self.version, json.dumps(sorted(set(current.values())))),
                ).fetchall()
            )
        except sqlite3.Error:  # e.g. an SQLite built without JSON: one file at a time
            return {p: r for p in paths if (r := self.get(Path(p))) is not None}
        found: dict[str, FileResult] = {}
        for key, digest in current.items():
            result = self._decode(data[digest]) if digest in data else None
            if result is not None:
                found[keys[key]] = result
        self.hits += len(found)
        return found

    def _decode(self, text: str) -> FileResult | None:
        from prodready.scan.engine import FileResult, RawHit

        try:
            raw = json.loads(text)
            return FileResult(
                hits=tuple(RawHit(**h) for h in raw["hits"]),
                facts=frozenset(raw["facts"]),
                error=raw["error"],
                suppressions=tuple((s[0], tuple(s[1]), s[2]) for s in raw["suppressions"]),
            )
        except (ValueError, KeyError, TypeError):
            return None

    @staticmethod
    def _encode(result: FileResult) -> str:
        return json.dumps(
            {
                "hits": [h.__dict__ for h in result.hits],
                "facts": sorted(result.facts),
                "error": result.error,
                "suppressions": [list(s) for s in result.suppressions],
            }
        )

    def rule_facts(self) -> dict[str, RuleFacts] | None:
        """The rules' facts as these rules stored them; None when unknown or unreadable."""
        from prodready.scan.registry import RuleFacts

        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT data FROM rules WHERE version = ?", (self.version,)
            ).fetchone()
            if row is None:
                return None
            raw = json.loads(row[0])
            return {
                rule_id: RuleFacts(**{**fields, "declared": tuple(fields["declared"])})
                for rule_id, fields in raw.items()
            }
        except (sqlite3.Error, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put_rule_facts(self, facts: dict[str, RuleFacts]) -> None:
        if self._db is None:
            return
        data = json.dumps({rule_id: f.__dict__ for rule_id, f in facts.items()})
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute("INSERT OR REPLACE INTO rules VALUES (?, ?)", (self.version, data))

    def walk_memo(self, root: Path) -> str | None:
        """The remembered walk of `root` by these rules (see `walk_memo`), if any."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT data FROM walk WHERE root = ? AND version = ?",
                (os.path.abspath(root), self.version),
            ).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else str(row[0])

    def remember_walk(self, root: Path, data: str | None) -> None:
        """Keep a walk of `root` for the next run, or forget the old one (`data` None)."""
        if self._db is None:
            return
        key = os.path.abspath(root)
        with contextlib.suppress(sqlite3.Error), self._db:
            if data is None:
                self._db.execute("DELETE FROM walk WHERE root = ?", (key,))
            else:
                self._db.execute(
                    "INSERT OR REPLACE INTO walk VALUES (?, ?, ?)", (key, self.version, data)
                )

    def get_digest(self, digest: str) -> FileResult | None:
        """A result by content digest alone (the gate reads files from git, not the disk)."""
        if self._db is None:
            return None
        try:
            data = self._db.execute(
                "SELECT data FROM result WHERE version = ? AND digest = ?", (self.version, digest)
            ).fetchone()
        except sqlite3.Error:
            return None
        return None if data is None else self._decode(data[0])

    def put_digest(self, digest: str, result: FileResult) -> None:
        if self._db is not None:
            self._pending.append((self.version, digest, self._encode(result)))

    def put(self, path: str | Path, digest: str, result: FileResult) -> None:
        if self._db is None:
            return
        with contextlib.suppress(OSError):
            st = os.stat(path)
            self._stats.append((os.path.abspath(path), st.st_size, st.st_mtime_ns, digest))
        data = self._encode(result)
        self._pending.append((self.version, digest, data))

    def flush(self) -> None:
        if self._db is None or not (self._pending or self._stats):
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO result VALUES (?, ?, ?)", self._pending
                )
                self._db.executemany("INSERT OR REPLACE INTO stat VALUES (?, ?, ?, ?)", self._stats)
        except sqlite3.Error:
            pass
        self._pending.clear()
        self._stats.clear()
