"""The gate-run history on real SQLite files, including corrupt and unwritable ones."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from prodready.errors import ProdreadyError
from prodready.gate.history import (
    DEFAULT_HISTORY_PATH,
    SCHEMA_VERSION,
    Fingerprint,
    HistoryError,
    RunRecord,
    default_db_path,
    fixed_before_merge,
    record,
    runs,
)

TIMEOUT = Fingerprint("timeout", "src/billing/client.py", "resp = requests.get(url)")
SECRET = Fingerprint("hardcoded-secret", "src/settings.py", 'API_KEY = "sk_live_abc"')
LOGGING = Fingerprint("sensitive-logging", "src/auth.py", "log.info(token)")


def run(
    time: str, *findings: Fingerprint, branch: str = "feature/refunds", **counts: int
) -> RunRecord:
    return RunRecord(
        time=time,
        branch=branch,
        base_sha="a" * 40,
        head_sha=f"{time[-8:-6]}".ljust(40, "f"),
        verdict="block" if findings else "ship",
        findings=findings,
        counts=counts,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return default_db_path(tmp_path / "repo")


def test_default_path_is_under_the_repository_root(tmp_path: Path) -> None:
    assert Path(".prodready/history.db") == DEFAULT_HISTORY_PATH
    assert default_db_path(tmp_path) == tmp_path / ".prodready" / "history.db"


def test_first_record_creates_the_database_with_a_schema_version(db: Path) -> None:
    assert not db.parent.exists()
    record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"schema_version", "runs", "findings", "counts"} <= tables


def test_runs_round_trip_in_recorded_order(db: Path) -> None:
    first = run("2026-11-20T10:00:00+00:00", TIMEOUT, SECRET, lines_added=120, tests_added=0)
    second = run("2026-11-20T09:00:00+00:00", TIMEOUT, lines_added=130, tests_added=2)
    other = run("2026-11-20T10:30:00+00:00", LOGGING, branch="main")
    for r in (first, second, other):
        record(db, r)
    got = runs(db, "feature/refunds")
    assert [r.time for r in got] == [first.time, second.time]  # recorded order, not clock order
    assert got[0].findings == (TIMEOUT, SECRET)  # sorted by path
    assert got[0].counts == {"lines_added": 120, "tests_added": 0}
    assert got[1] == second
    assert runs(db, "main") == [other]
    assert runs(db, "unknown") == []


def test_fixed_before_merge_counts_findings_gone_since_earlier_runs(db: Path) -> None:
    record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT, SECRET))
    record(db, run("2026-11-20T11:00:00+00:00", TIMEOUT, LOGGING))
    # Now only LOGGING remains and a new finding appeared: TIMEOUT and SECRET were fixed.
    new = Fingerprint("idor", "src/api.py", "return Order.get(id)")
    assert fixed_before_merge(db, "feature/refunds", [LOGGING, new]) == 2
    assert fixed_before_merge(db, "feature/refunds", [TIMEOUT, SECRET, LOGGING]) == 0
    # Recording the current run first does not change the answer.
    record(db, run("2026-11-20T12:00:00+00:00", LOGGING, new))
    assert fixed_before_merge(db, "feature/refunds", [LOGGING, new]) == 2


def test_other_branches_do_not_count(db: Path) -> None:
    record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT, branch="feature/other"))
    assert fixed_before_merge(db, "feature/refunds", []) == 0
    assert fixed_before_merge(db, "feature/other", []) == 1


def test_a_moved_or_reindented_line_is_the_same_finding(db: Path) -> None:
    record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT))
    reindented = Fingerprint(TIMEOUT.rule, TIMEOUT.path, "        resp  =  requests.get(url)  ")
    assert reindented == TIMEOUT
    assert fixed_before_merge(db, "feature/refunds", [reindented]) == 0


def test_duplicate_findings_in_one_run_are_stored_once(db: Path) -> None:
    record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT, TIMEOUT))
    assert runs(db, "feature/refunds")[0].findings == (TIMEOUT,)


def test_reading_a_history_that_does_not_exist_creates_nothing(db: Path) -> None:
    assert fixed_before_merge(db, "feature/refunds", [TIMEOUT]) == 0
    assert runs(db, "feature/refunds") == []
    assert not db.parent.exists()


def test_a_failed_write_leaves_the_history_unchanged(db: Path) -> None:
    record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT))
    bad = RunRecord(
        "2026-11-20T11:00:00+00:00",
        "feature/refunds",
        "a",
        "b",
        "block",
        (SECRET,),
        cast(dict[str, int], {"lines_added": "many"}),  # a caller bug, caught mid-transaction
    )
    with pytest.raises(ValueError, match="many"):
        record(db, bad)
    assert [r.time for r in runs(db, "feature/refunds")] == ["2026-11-20T10:00:00+00:00"]
    assert fixed_before_merge(db, "feature/refunds", []) == 1


def test_a_rolled_back_first_write_leaves_an_empty_history(db: Path) -> None:
    bad = RunRecord(
        "2026-11-20T11:00:00+00:00", "b", "a", "b", "ship", (), cast(dict[str, int], {"x": "y"})
    )
    with pytest.raises(ValueError):
        record(db, bad)
    assert runs(db, "b") == []
    record(db, run("2026-11-20T12:00:00+00:00", TIMEOUT))
    assert len(runs(db, "feature/refunds")) == 1


def test_time_must_be_iso_8601(db: Path) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        record(db, run("yesterday"))
    assert not db.exists()


# --------------------------------------------------------------------------- failures


def test_history_error_is_a_prodready_error() -> None:
    error = HistoryError(Path("h.db"), "broken")
    assert isinstance(error, ProdreadyError)
    assert str(error) == "h.db: broken"


def test_random_bytes_file_is_reported_not_crashed_on_and_not_overwritten(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = random.Random(20261120).randbytes(8192)
    db.write_bytes(garbage)
    for call in (
        lambda: record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT)),
        lambda: fixed_before_merge(db, "feature/refunds", []),
        lambda: runs(db, "feature/refunds"),
    ):
        with pytest.raises(HistoryError) as caught:
            call()
        assert str(caught.value) == (
            f"{db}: is not a readable SQLite database (file is not a database); move it aside "
            "or delete it and the next run starts a new history"
        )
    assert db.read_bytes() == garbage


def test_damaged_pages_in_a_real_history_are_reported(db: Path) -> None:
    for i in range(30):
        findings = tuple(
            Fingerprint("timeout", f"src/m{j}.py", f"requests.get(url_{i}_{j})  # {'x' * 80}")
            for j in range(40)
        )
        record(db, run(f"2026-11-20T10:{i:02d}:00+00:00", *findings))
    data = bytearray(db.read_bytes())
    assert len(data) > 5 * 4096
    data[3 * 4096 : 5 * 4096] = random.Random(7).randbytes(2 * 4096)
    db.write_bytes(bytes(data))
    with pytest.raises(HistoryError, match="is not a readable SQLite database"):
        fixed_before_merge(db, "feature/refunds", [])
    with pytest.raises(HistoryError, match="move it aside or delete it"):
        runs(db, "feature/refunds")


def test_another_applications_database_is_left_alone(db: Path) -> None:
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(HistoryError, match="not a prodready history"):
        record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT))
    with pytest.raises(HistoryError, match="not a prodready history"):
        runs(db, "feature/refunds")
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_a_history_from_a_newer_prodready_is_refused(db: Path) -> None:
    record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(HistoryError, match=r"newer prodready \(history schema 2"):
        fixed_before_merge(db, "feature/refunds", [])
    with pytest.raises(HistoryError, match="upgrade prodready or use another history path"):
        record(db, run("2026-11-20T11:00:00+00:00"))


def test_history_folder_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / ".prodready"
    blocker.write_text("a file where the folder should be\n", encoding="utf-8")
    db = blocker / "history.db"
    with pytest.raises(HistoryError, match="cannot create the history folder"):
        record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT))


def test_history_path_that_is_a_folder(db: Path) -> None:
    db.mkdir(parents=True)
    for call in (
        lambda: record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT)),
        lambda: runs(db, "feature/refunds"),
    ):
        with pytest.raises(HistoryError, match="is a folder, not a history database file"):
            call()


def _writable(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return False
    probe.unlink()
    return True


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write to — including root, via the immutable attribute."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    immutable = False
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if _writable(folder) and shutil.which("chattr"):  # root ignores permission bits
            immutable = subprocess.run(["chattr", "+i", str(folder)], check=False).returncode == 0
        if _writable(folder):
            pytest.skip("cannot make a folder read-only here (root without chattr)")
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(stat.S_IRWXU)


def _history_in(folder: Path) -> Path:
    """A real history written before the folder was made read-only."""
    db = folder / "history.db"
    record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT, SECRET))
    return db


def test_read_only_directory_new_history(read_only_dir: Path) -> None:
    db = read_only_dir / "history.db"
    with pytest.raises(HistoryError) as caught:
        record(db, run("2026-11-20T10:00:00+00:00", TIMEOUT))
    assert str(caught.value).startswith(f"{db}: cannot be written (unable to open database file)")
    assert "set a writable history path" in str(caught.value)
    assert not db.exists()


def test_read_only_directory_existing_history_reads_but_does_not_write(tmp_path: Path) -> None:
    folder = tmp_path / "checkout"
    db = _history_in(folder)
    os.chmod(db, stat.S_IRUSR)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    immutable = False
    try:
        if _writable(folder) and shutil.which("chattr"):
            immutable = subprocess.run(["chattr", "+i", str(folder)], check=False).returncode == 0
            subprocess.run(["chattr", "+i", str(db)], check=False)
        if _writable(folder):
            pytest.skip("cannot make a folder read-only here (root without chattr)")
        assert fixed_before_merge(db, "feature/refunds", [SECRET]) == 1
        assert len(runs(db, "feature/refunds")) == 1
        with pytest.raises(
            HistoryError, match=r"cannot be written \(attempt to write a readonly database\)"
        ):
            record(db, run("2026-11-20T11:00:00+00:00", SECRET))
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db)], check=False)
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(stat.S_IRWXU)
        os.chmod(db, stat.S_IRUSR | stat.S_IWUSR)
    assert len(runs(db, "feature/refunds")) == 1  # the failed write changed nothing
