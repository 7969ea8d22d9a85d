"""A cold scan forks its workers before it walks the tree, so that they load the rules
while the main process walks; a warm one forks none. Either way the findings are those
of a scan in one process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from prodready.scan import engine
from prodready.scan.cache import ScanCache
from prodready.scan.engine import scan_paths
from prodready.scan.workers import ScanWorkers, shrinking_chunks

_UNBOUNDED = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
_SWALLOWED = "def load(path):\n    try:\n        return open(path).read()\n    except Exception:\n        return None\n"

_PREPARED: list[int] = []


def _prepare() -> None:
    _PREPARED.append(os.getpid())


def _prepared_in(_item: int) -> tuple[int, list[int]]:
    return os.getpid(), list(_PREPARED)


def test_each_worker_prepares_itself_once_before_its_work() -> None:
    with ScanWorkers(2, _prepare) as workers:
        workers.start()
        assert workers.started
        answers = list(workers.map(_prepared_in, range(40)))
    assert _PREPARED == []  # the main process never ran it
    for pid, prepared in answers:
        assert prepared == [pid]
    assert not workers.started


def test_one_worker_is_the_main_process() -> None:
    with ScanWorkers(1, _prepare) as workers:
        workers.start()
        assert not workers.started


def _project(root: Path, modules: int) -> Path:
    for i in range(modules):
        (root / "svc" / f"m{i}.py").parent.mkdir(parents=True, exist_ok=True)
        (root / "svc" / f"m{i}.py").write_text(_UNBOUNDED if i % 2 else _SWALLOWED)
    past = time.time() - 60  # a checkout nobody is editing: its walk may be remembered
    for folder, _dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (past, past))
        os.utime(folder, (past, past))
    return root


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record each time a scan starts its workers, and how many it starts."""
    started: list[int] = []
    start = ScanWorkers.start

    def spy(self: ScanWorkers) -> None:
        was_started = self.started
        start(self)
        if self.started and not was_started:
            started.append(self.count)

    monkeypatch.setattr(ScanWorkers, "start", spy)
    return started


def _found(root: Path, jobs: int, cache: ScanCache | None) -> list[tuple[str, str, int]]:
    result = scan_paths([root / "svc"], jobs=jobs, cache=cache)
    return [(f.rule, f.path, f.line) for f in result.findings]


def test_a_cold_scan_of_a_few_files_uses_the_workers_it_forked(
    tmp_path: Path, forks: list[int]
) -> None:
    root = _project(tmp_path, 6)
    alone = _found(root, 1, None)
    assert forks == []
    assert _found(root, 2, None) == alone
    assert forks == [2]
    assert sorted(alone) == [
        ("PR101", "m1.py", 5),
        ("PR101", "m3.py", 5),
        ("PR101", "m5.py", 5),
        ("PR103", "m0.py", 4),
        ("PR103", "m2.py", 4),
        ("PR103", "m4.py", 4),
    ]


def test_a_warm_scan_forks_no_worker(tmp_path: Path, forks: list[int]) -> None:
    root = _project(tmp_path, 6)
    cold = _found(root, 2, ScanCache(tmp_path / "cache"))
    assert forks == [2]
    warm = _found(root, 2, ScanCache(tmp_path / "cache"))
    assert warm == cold
    assert forks == [2]  # the walk was remembered and every result cached


def test_files_changed_since_a_remembered_walk_are_scanned_in_this_process(
    tmp_path: Path, forks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, 6)
    _found(root, 2, ScanCache(tmp_path / "cache"))
    (root / "svc" / "m0.py").write_text(_UNBOUNDED)
    past = time.time() - 60
    os.utime(root / "svc" / "m0.py", (past - 5, past - 5))
    analysed: list[str] = []
    scan_chunk = engine._scan_chunk

    def spy(item: tuple[str, list[str]]) -> dict[str, tuple[str, engine.FileResult]]:
        analysed.extend(item[1])
        return scan_chunk(item)

    monkeypatch.setattr(engine, "_scan_chunk", spy)
    found = _found(root, 2, ScanCache(tmp_path / "cache"))
    assert ("PR101", "m0.py", 5) in found
    assert analysed == ["m0.py"]  # fewer files than repay forking: done here
    assert forks == [2]


def test_chunks_shrink_as_the_work_runs_out_and_hold_every_item_once() -> None:
    weights = [5, 900, 40, 300, 1, 70, 600, 2, 120, 8]
    items = [f"f{i}.py" for i in range(len(weights))]
    chunks = shrinking_chunks(items, weights, 2, 50)
    assert sorted(i for c in chunks for i in c) == sorted(items)
    weight_of = dict(zip(items, weights, strict=True))
    sums = [sum(weight_of[i] for i in c) for c in chunks]
    # a quarter of what is left each time, heaviest first, then the light ones together
    assert chunks == [
        ["f1.py"],
        ["f6.py"],
        ["f3.py"],
        ["f8.py"],
        ["f5.py"],
        ["f2.py", "f9.py", "f0.py"],
        ["f7.py", "f4.py"],
    ]
    assert sums == [900, 600, 300, 120, 70, 53, 3]


def test_a_chunk_weighs_at_least_the_least_share() -> None:
    chunks = shrinking_chunks(list(range(10)), [1] * 10, 2, 3)
    assert chunks == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert shrinking_chunks([], [], 2, 3) == []


def test_a_scan_on_workers_leaves_the_rules_to_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What findings take from each rule (severity, category, the fix) comes from a
    worker, so the main process never imports a rule module."""
    monkeypatch.setattr(engine, "_RULES", None)
    root = _project(tmp_path, 2)
    result = scan_paths([root / "svc"], jobs=2, cache=ScanCache(tmp_path / "cache"))
    assert engine._RULES is None
    assert [(f.rule, f.category, f.severity, f.path) for f in result.findings] == [
        ("PR103", "swallowed-exception", "warning", "m0.py"),
        ("PR101", "timeout", "warning", "m1.py"),
    ]
