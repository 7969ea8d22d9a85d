"""Links in a README: the ones whose target is gone, and the ones that hand the reader on
to another document in the repository.

Link targets are resolved the way GitHub renders them: `/x` from the repository root,
anything else from the README's directory. URLs, anchors and targets outside the
repository are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

from prodready.repo.readme.document import Document
from prodready.repo.readme.paths import is_generated, is_unknowable, join_in_repo
from prodready.repo.readme.results import StaleReference

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_LOOKS_LIKE_HOST = re.compile(r"^(?:www\.|[^/@\s]+@[^/@\s]+\.\w+$)", re.IGNORECASE)


def stale_links(doc: Document, base: str, has: Callable[[str], bool]) -> Iterator[StaleReference]:
    """Links, images and includes whose target is not in the repository; `has` answers for
    repository-relative paths."""
    for number, written in doc.links:
        target = written.strip()
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1].strip()
        if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
            continue
        path = unquote(target.split("#", 1)[0].split("?", 1)[0])
        if not path or is_unknowable(path) or _LOOKS_LIKE_HOST.match(path):
            continue  # "someone@example.com", "www.example.com": meant as addresses
        # GitHub resolves "/x" against the repository root, everything else against the
        # README's directory.
        resolved = (
            join_in_repo("", path.lstrip("/")) if path.startswith("/") else join_in_repo(base, path)
        )
        if resolved is None or is_generated(resolved):
            continue  # outside the repository (../../issues), or build output
        if resolved and not has(resolved):
            yield StaleReference(
                number, written, "link", f"no file or directory '{resolved}' in the repository"
            )


# A path to a document written in prose: `see docs/install.md`.
_DOC_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)+[\w.-]+\.(?:md|rst|txt|adoc))\b")


def linked_docs(doc: Document, base: str, exists: Callable[[str], bool]) -> tuple[str, ...]:
    """Prose documents in the repository that the README links to, in order, once each."""
    docs: list[str] = []
    for _number, written in doc.links:
        resolved = _link_in_repo(written, base)
        if resolved and resolved.lower().endswith((".md", ".rst", ".txt")) and exists(resolved):
            docs.append(resolved)
    return tuple(dict.fromkeys(docs))


def pointer_lines(doc: Document, base: str, exists: Callable[[str], bool]) -> frozenset[int]:
    """Lines that point at a document in the repository ("read docs/install.md", a link to
    it). A README that sends the reader to its own install or test guide does say how."""
    lines: set[int] = set()
    for number, written in doc.links:
        resolved = _link_in_repo(written, base)
        # a guide, not a screenshot: documents, or folders of them
        is_doc = resolved is not None and (
            resolved.lower().endswith((".md", ".rst", ".txt", ".adoc"))
            or "." not in resolved.rsplit("/", 1)[-1]
        )
        if resolved and is_doc and exists(resolved):
            lines.add(number)
    for number, text in (*doc.prose, *doc.inline_code):
        for path in _DOC_PATH.findall(text):
            resolved = join_in_repo(base, path)
            if resolved and exists(resolved):
                lines.add(number)
    return frozenset(lines)


def _link_in_repo(written: str, base: str) -> str | None:
    """The repository path a link points at, resolved as GitHub does; None for a URL, an
    empty target or one outside the repository."""
    target = unquote(written.strip().strip("<>").split("#", 1)[0].split("?", 1)[0])
    if not target or _SCHEME.match(target):
        return None
    return (
        join_in_repo("", target.lstrip("/"))
        if target.startswith("/")
        else join_in_repo(base, target)
    )
