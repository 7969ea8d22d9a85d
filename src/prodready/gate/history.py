"""A local SQLite history of gate runs, so a branch's later runs know what was fixed.

"Findings found before release" is one of a change's five numbers: a finding the gate
reported on an earlier push of the branch and that is gone now was caught and fixed before
merge — the gate's value, measured. Only the history of earlier runs can tell, so each run
is recorded in ``.prodready/history.db`` under the repository root (path configurable).

Design choices:

* The standard library's ``sqlite3``: one file, no server, safe with concurrent CI jobs on
  one runner (writes take the lock up front with ``BEGIN IMMEDIATE``).
* Findings are stored as fingerprints ``(rule, path, line text)``, not line numbers: a
  finding whose line moved because code above it changed is the same finding. Whitespace
  in the line text is normalised so re-indenting is not a fix.
* No clock reads: the run's time is passed in, which keeps the gate deterministic and the
  tests exact.
* The history is a convenience, never a reason to fail a gate. A corrupt file, a read-only
  checkout or a database from a newer prodready raises :class:`HistoryError` with a
  message the caller reports before carrying on without history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from prodready.errors import ProdreadyError

__all__ = [
    "DEFAULT_HISTORY_PATH",
    "SCHEMA_VERSION",
    "Fingerprint",
    "HistoryError",
    "RunRecord",
    "default_db_path",
    "fixed_before_merge",
    "record",
    "runs",
]

DEFAULT_HISTORY_PATH = Path(".prodready") / "history.db"
SCHEMA_VERSION = 1

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        branch TEXT NOT NULL,
        base_sha TEXT NOT NULL,
        head_sha TEXT NOT NULL,
        verdict TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS runs_branch ON runs (branch)",
    """CREATE TABLE IF NOT EXISTS findings (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        rule TEXT NOT NULL,
        path TEXT NOT NULL,
        line_text TEXT NOT NULL,
        PRIMARY KEY (run_id, rule, path, line_text)
    )""",
    """CREATE TABLE IF NOT EXISTS counts (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (run_id, name)
    )""",
)


class HistoryError(ProdreadyError):
    """The history database cannot be read or written.

    Never fatal: the gate reports the message (which names the file and what to do) and
    finishes the run without the history-based number.
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class Fingerprint:
    """A finding's identity across runs: the rule, the file and the flagged line's text."""

    rule: str
    path: str
    line_text: str

    def __post_init__(self) -> None:
        # Re-indenting or re-wrapping spaces does not make a finding a different one.
        object.__setattr__(self, "line_text", " ".join(self.line_text.split()))


@dataclass(frozen=True)
class RunRecord:
    """One gate run as the history keeps it."""

    time: str  # ISO 8601, supplied by the caller
    branch: str
    base_sha: str
    head_sha: str
    verdict: str  # ship | ship-with-known-risk | block
    findings: tuple[Fingerprint, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)  # e.g. the five numbers


def default_db_path(repo_root: Path) -> Path:
    """Where the history lives when the configuration does not say otherwise."""
    return repo_root / DEFAULT_HISTORY_PATH


def record(db_path: Path, run: RunRecord) -> None:
    """Append ``run`` to the history, creating the database on first use.

    The run, its findings and its counts are written in one transaction: a crash half-way
    leaves the history as it was, never a run without its findings.
    """
    try:
        datetime.fromisoformat(run.time)
    except ValueError:
        raise ValueError(f"RunRecord.time must be ISO 8601, got {run.time!r}") from None
    with _connect(db_path, create=True) as conn:
        if conn is None:  # unreachable: writing creates the schema
            raise HistoryError(db_path, "history tables missing after creation")
        cursor = conn.execute(
            "INSERT INTO runs (time, branch, base_sha, head_sha, verdict) VALUES (?, ?, ?, ?, ?)",
            (run.time, run.branch, run.base_sha, run.head_sha, run.verdict),
        )
        run_id = cursor.lastrowid
        conn.executemany(
            "INSERT OR IGNORE INTO findings (run_id, rule, path, line_text) VALUES (?, ?, ?, ?)",
            [(run_id, f.rule, f.path, f.line_text) for f in run.findings],
        )
        conn.executemany(
            "INSERT INTO counts (run_id, name, value) VALUES (?, ?, ?)",
            [(run_id, name, int(value)) for name, value in sorted(run.counts.items())],
        )


def fixed_before_merge(
    db_path: Path, branch: str, current_fingerprints: Iterable[Fingerprint]
) -> int:
    """How many distinct findings earlier runs of ``branch`` saw that are gone now.

    Whether the current run is already recorded makes no difference (its findings are the
    current ones). A history that does not exist yet answers 0 without being created.
    """
    current = {(f.rule, f.path, f.line_text) for f in current_fingerprints}
    if not db_path.exists():
        return 0
    with _connect(db_path, create=False) as conn:
        if conn is None:
            return 0
        seen = conn.execute(
            """SELECT DISTINCT f.rule, f.path, f.line_text
               FROM findings AS f JOIN runs AS r ON r.id = f.run_id
               WHERE r.branch = ?""",
            (branch,),
        ).fetchall()
    return sum(1 for row in seen if (row[0], row[1], row[2]) not in current)


def runs(db_path: Path, branch: str) -> list[RunRecord]:
    """The recorded runs of ``branch``, oldest first (in the order they were recorded)."""
    if not db_path.exists():
        return []
    with _connect(db_path, create=False) as conn:
        if conn is None:
            return []
        rows = conn.execute(
            "SELECT id, time, branch, base_sha, head_sha, verdict FROM runs "
            "WHERE branch = ? ORDER BY id",
            (branch,),
        ).fetchall()
        findings: dict[int, list[Fingerprint]] = {}
        counts: dict[int, dict[str, int]] = {}
        for run_id, rule, path, line_text in conn.execute(
            "SELECT f.run_id, f.rule, f.path, f.line_text FROM findings AS f "
            "JOIN runs AS r ON r.id = f.run_id WHERE r.branch = ? "
            "ORDER BY f.run_id, f.path, f.rule, f.line_text",
            (branch,),
        ):
            findings.setdefault(run_id, []).append(Fingerprint(rule, path, line_text))
        for run_id, name, value in conn.execute(
            "SELECT c.run_id, c.name, c.value FROM counts AS c "
            "JOIN runs AS r ON r.id = c.run_id WHERE r.branch = ? ORDER BY c.run_id, c.name",
            (branch,),
        ):
            counts.setdefault(run_id, {})[name] = value
    return [
        RunRecord(
            time=time,
            branch=run_branch,
            base_sha=base_sha,
            head_sha=head_sha,
            verdict=verdict,
            findings=tuple(findings.get(run_id, ())),
            counts=counts.get(run_id, {}),
        )
        for run_id, time, run_branch, base_sha, head_sha, verdict in rows
    ]


@contextmanager
def _connect(db_path: Path, *, create: bool) -> Iterator[sqlite3.Connection | None]:
    """A connection inside one transaction, with every failure turned into HistoryError.

    ``create`` opens for writing (making the folder and schema if missing) and takes the
    write lock at once; otherwise the file is opened read-only, so reading a history in a
    read-only checkout works and never creates anything. Reading an empty database (one
    whose first write was rolled back) yields None: there is no history yet.
    """
    if db_path.is_dir():
        raise HistoryError(db_path, "is a folder, not a history database file")
    try:
        if create:
            try:
                db_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise HistoryError(
                    db_path,
                    f"cannot create the history folder ({exc.strerror or exc}); "
                    "set a writable history path or make the folder writable",
                ) from exc
            conn = sqlite3.connect(db_path, timeout=10.0, isolation_level=None)
        else:
            uri = f"{db_path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, timeout=10.0, isolation_level=None)
        with closing(conn):
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("BEGIN IMMEDIATE" if create else "BEGIN")
            try:
                ready = _check_schema(conn, db_path, create=create)
                yield conn if ready else None
            except BaseException:
                if conn.in_transaction:  # SQLite may already have rolled back on error
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
    except HistoryError:
        raise
    except sqlite3.DatabaseError as exc:
        raise HistoryError(db_path, _explain(exc, create=create)) from exc
    except OSError as exc:
        raise HistoryError(db_path, f"cannot be opened ({exc.strerror or exc})") from exc


def _check_schema(conn: sqlite3.Connection, db_path: Path, *, create: bool) -> bool:
    """Whether the history tables exist, creating them in an empty database when writing.

    Refuses a database that belongs to something else (tables, but no ``schema_version``)
    rather than adding tables to it, and one written by a newer schema.
    """
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if "schema_version" not in names:
        if names:
            raise HistoryError(
                db_path,
                "is an SQLite database but not a prodready history (no schema_version "
                "table); point the history path at another file",
            )
        if not create:
            return False
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        return True
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    version = row[0] if row else None
    if not isinstance(version, int):
        raise HistoryError(db_path, "has an empty or invalid schema_version table")
    if version > SCHEMA_VERSION:
        raise HistoryError(
            db_path,
            f"was written by a newer prodready (history schema {version}; this version "
            f"reads up to {SCHEMA_VERSION}); upgrade prodready or use another history path",
        )
    return True


def _explain(exc: sqlite3.DatabaseError, *, create: bool) -> str:
    message = str(exc)
    if "not a database" in message or "malformed" in message:
        return (
            f"is not a readable SQLite database ({message}); move it aside or delete it "
            "and the next run starts a new history"
        )
    if "readonly" in message or "unable to open" in message:
        action = "written" if create else "opened"
        return (
            f"cannot be {action} ({message}); set a writable history path or make the "
            "file and its folder writable"
        )
    if "locked" in message or "busy" in message:
        return f"is locked by another process ({message}); try again when it finishes"
    return f"history database error ({message})"
