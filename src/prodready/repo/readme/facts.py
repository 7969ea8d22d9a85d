"""Reading a README: finding it, parsing its markup, and gathering its topics and stale
references into `ReadmeFacts`."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from prodready.repo.readme.commands import CommandChecker
from prodready.repo.readme.document import Document
from prodready.repo.readme.links import linked_docs, pointer_lines, stale_links
from prodready.repo.readme.makefile import make_targets
from prodready.repo.readme.markdown import parse_markdown
from prodready.repo.readme.results import ReadmeFacts
from prodready.repo.readme.rst import parse_rst
from prodready.repo.readme.shell import SHELL_LANGS
from prodready.repo.readme.topics import find_topics

# In GitHub's order of preference when several exist.
README_NAMES: tuple[str, ...] = (
    "README.md",
    "README.markdown",
    "README.rst",
    "README.txt",
    "README",
)
# A README that runs a configure step has a generated Makefile: its targets are not checked.
_CONFIGURE = re.compile(r"\b(?:configure|cmake|autogen|autoreconf|qmake|premake|meson)\b")


def find_readme(root: Path) -> Path | None:
    """The README at the repository root, matched case-insensitively like the forges do."""
    try:
        entries = {entry.name.lower(): entry for entry in os.scandir(root)}
    except OSError:
        return None
    for name in README_NAMES:
        entry = entries.get(name.lower())
        try:
            if entry is not None and entry.is_file():
                return Path(entry.path)
        except OSError:
            continue
    return None


def read_readme_facts(
    readme_text: str,
    readme_rel: str,
    exists: Callable[[str], bool],
    console_scripts: frozenset[str] = frozenset(),
    makefile_text: str | None = None,
) -> ReadmeFacts:
    """Read a README's text; ``exists`` answers for repository-relative '/' paths."""
    readme_rel = readme_rel.replace("\\", "/").lstrip("/")
    if readme_rel.lower().endswith((".rst", ".rest")):
        doc = parse_rst(readme_text)
    else:
        doc = parse_markdown(readme_text)
    base = posixpath.dirname(readme_rel)
    checker = CommandChecker(
        exists=exists,
        readme_dir=base,
        makefile_targets=make_targets(makefile_text) if makefile_text is not None else None,
        mentions_clone="clone" in readme_text.lower(),
        mentions_configure=bool(_CONFIGURE.search(readme_text)),
        outside_commands=_outside_commands(doc),
    )
    checker.learn_directories(doc)
    stale = [*stale_links(doc, base, checker.has), *checker.check_blocks(doc.blocks)]
    install, run, test = find_topics(doc, console_scripts, pointer_lines(doc, base, exists))
    linked = linked_docs(doc, base, exists)
    unique = {(ref.line, ref.reference, ref.kind): ref for ref in stale}
    return ReadmeFacts(
        path=readme_rel,
        install=install,
        run=run,
        test=test,
        stale=tuple(sorted(unique.values(), key=lambda ref: (ref.line, ref.reference))),
        linked_docs=linked,
    )


def _outside_commands(doc: Document) -> str:
    """README text that is not a shell command: prose, headings, non-shell code."""
    parts = [text for _, text in (*doc.prose, *doc.inline_code, *doc.headings)]
    for block in doc.blocks:
        if block.lang not in SHELL_LANGS:
            parts.extend(text for _, text in block.lines)
    return "\n".join(parts)
