"""The scan's worker processes, started as soon as the scan knows it must walk the tree.

A cold scan of a large tree spends its first fifth of a second walking and sorting the
tree, and a tenth loading the rules. Both used to run in the main process before any
worker existed, with the second core idle. Forked before the walk, the workers load the
rules themselves while the main process walks, and the main process never loads them:
what findings take from each rule is asked of a worker too. A warm scan walks nothing
(the walk is remembered) and so forks nothing unless files turn out to have changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")


class ScanWorkers:
    """A process pool that forks on `start` (or on first use) and whose workers run
    `prepare` once when they begin."""

    def __init__(self, count: int, prepare: Callable[[], Any]) -> None:
        self.count = count
        self._prepare = prepare
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self) -> None:
        """Fork the workers now; nothing with one worker (the main process does the work)."""
        if self._pool is not None or self.count < 2:
            return
        # imported here: a warm scan starts no worker, and this import is a tenth of it
        from concurrent.futures import ProcessPoolExecutor

        self._pool = ProcessPoolExecutor(max_workers=self.count, initializer=self._prepare)
        for _ in range(self.count):  # a pool forks only when given work
            self._pool.submit(int)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """`fn` over `items` in the workers, results in order; every item is handed out
        before this returns, so the caller may do its own work while they run."""
        self.start()
        assert self._pool is not None, "map needs at least two workers"
        return self._pool.map(fn, items)

    def call(self, fn: Callable[[], R]) -> R:
        """`fn()` in a worker, after the work handed out before it."""
        self.start()
        assert self._pool is not None, "call needs at least two workers"
        return self._pool.submit(fn).result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ScanWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def shrinking_chunks(
    items: Sequence[T], weights: Sequence[int], workers: int, least: int
) -> list[list[T]]:
    """`items` cut into chunks for `workers` to take one at a time, heaviest items first
    and each chunk a share of the weight still left, so the chunks shrink as the work runs
    out. Equal chunks left one worker idle while the other finished the last of them (a
    twentieth of a cold scan on two cores); shrinking ones end nearly together. A chunk
    weighs at least `least` (unless it is the last), since each costs a round trip."""
    order = sorted(range(len(items)), key=lambda i: -weights[i])
    left = sum(weights)
    chunks: list[list[T]] = []
    chunk: list[T] = []
    weight = 0
    share = max(left // (2 * workers), least)
    for i in order:
        chunk.append(items[i])
        weight += weights[i]
        if weight >= share:
            chunks.append(chunk)
            left -= weight
            chunk, weight = [], 0
            share = max(left // (2 * workers), least)
    if chunk:
        chunks.append(chunk)
    return chunks
