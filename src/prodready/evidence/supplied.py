"""A file the user passed on the command line, read or not.

Unreadable evidence becomes an error entry and an `unknown` criterion or gate item, never a
crash and never `met`; the audit and the gate load supplied files the same way through
`supply`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from prodready.errors import EvidenceError
from prodready.model import ReportError

T = TypeVar("T")


@dataclass(frozen=True)
class Supplied(Generic[T]):
    """Its parsed value, or why it could not be read."""

    path: str
    value: T | None
    error: str | None = None


def supply(path: Path, loader: Callable[[Path], T], errors: list[ReportError]) -> Supplied[T]:
    try:
        return Supplied(str(path), loader(path))
    except EvidenceError as exc:
        errors.append(ReportError(str(path), exc.reason))
        return Supplied(str(path), None, exc.reason)
