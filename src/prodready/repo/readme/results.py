"""What reading a README produces: the facts the documentation criterion asks about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StaleReference:
    """Something the README points at that the repository does not have.

    ``kind`` is ``"link"`` for a Markdown/reST link, image or include, ``"path"`` for a
    file or directory argument of a shell command, and ``"command"`` for a command's
    target that is not a path (a Makefile target, a ``python -m`` module).
    """

    line: int
    reference: str
    kind: str
    reason: str


@dataclass(frozen=True)
class ReadmeFacts:
    """Lines (1-based) where the README covers each topic, or None, and its stale references."""

    path: str
    install: int | None
    run: int | None
    test: int | None
    stale: tuple[StaleReference, ...]
    # Prose documents in the repository the README links to ("Backend docs:
    # backend/README.md"): a README may say how to install by delegating to them.
    linked_docs: tuple[str, ...] = ()
