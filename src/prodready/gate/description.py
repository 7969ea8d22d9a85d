"""Read the change description (a pull-request body or a file): its sections and checklists.

Teams write acceptance criteria and rollback notes in the pull request, in Markdown, in
many shapes: a heading ("## Acceptance criteria", "### Rollback plan"), a bold line
("**Rollback:** redeploy v1.4"), or a checklist. Only structure is read, never intent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_BOLD_LABEL = re.compile(r"^\s*(?:\*\*|__)(.+?)(?::)?(?:\*\*|__)\s*:?\s*(.*)$")
_CHECKBOX = re.compile(r"^\s*[-*+]\s+\[( |x|X)\]\s+(.+)$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.+)$")


@dataclass(frozen=True)
class Section:
    title: str
    line: int  # 1-based line of the heading
    body: tuple[tuple[int, str], ...]  # (line, text) of the non-blank lines under it

    @property
    def text(self) -> str:
        return "\n".join(t for _, t in self.body)


def sections(text: str) -> list[Section]:
    found: list[Section] = []
    title: str | None = None
    start = 0
    body: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _HEADING.match(line)
        label = _BOLD_LABEL.match(line) if not heading else None
        if heading or (label and len(label.group(1)) <= 40):
            if title is not None:
                found.append(Section(title, start, tuple(body)))
            title = (heading.group(2) if heading else label.group(1)).strip(" :*_")  # type: ignore[union-attr]
            start, body = number, []
            rest = label.group(2).strip() if label else ""
            if rest:
                body.append((number, rest))
            continue
        if title is not None and line.strip():
            body.append((number, line.rstrip()))
    if title is not None:
        found.append(Section(title, start, tuple(body)))
    return found


def find_section(text: str, pattern: re.Pattern[str]) -> Section | None:
    """The first section whose title matches and that says something."""
    for section in sections(text):
        if pattern.search(section.title) and section.body:
            return section
    return None


def checklist(text: str) -> list[tuple[int, bool, str]]:
    """(line, checked, text) of every Markdown task-list item."""
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _CHECKBOX.match(line)
        if match:
            items.append((number, match.group(1).lower() == "x", match.group(2).strip()))
    return items


def list_items(section: Section) -> list[tuple[int, str]]:
    items = []
    for number, line in section.body:
        match = _CHECKBOX.match(line) or _ITEM.match(line)
        if match:
            items.append((number, match.groups()[-1].strip()))
    return items
