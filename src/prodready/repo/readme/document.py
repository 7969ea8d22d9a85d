"""A README reduced to what the checks read from it, whatever its markup.

The Markdown and reStructuredText parsers both produce a `Document`, so the rest of the
package does not care which markup the README was written in.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CodeBlock:
    """A code block; ``lang`` is the fence's language, "" when unlabeled or literal."""

    lang: str
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Document:
    """What the topic and staleness checks read from a README, each item with its 1-based
    line: headings, code blocks, inline code, prose (inline code blanked) and link targets."""

    headings: list[tuple[int, str]] = field(default_factory=list)
    blocks: list[CodeBlock] = field(default_factory=list)
    inline_code: list[tuple[int, str]] = field(default_factory=list)
    prose: list[tuple[int, str]] = field(default_factory=list)
    links: list[tuple[int, str]] = field(default_factory=list)
