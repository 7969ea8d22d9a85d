"""reStructuredText READMEs to a `Document`.

Like the Markdown reader, line-based: directives and literal blocks are recognised by their
indentation, and comments (`.. anything` that is not a directive) are skipped with their
body, since that is where old instructions are often left.
"""

from __future__ import annotations

import re

from prodready.repo.readme.document import CodeBlock, Document

_RST_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:._<>])\1{2,}\s*$")
_RST_CODE = re.compile(
    r"^(?P<indent>\s*)\.\.\s+(?:code-block|code|sourcecode|prompt)::\s*(?P<lang>\S*)"
)
_RST_LINK_DIRECTIVE = re.compile(
    r"^\s*\.\.\s+(?:\|[^|]+\|\s+)?(?:image|figure|include|literalinclude)::\s*(?P<target>\S+)"
)
_RST_TARGET = re.compile(r"^\s*\.\.\s+(?:_[^:]+|__):\s*(?P<target>\S+)\s*$")
_RST_TARGET_OPTION = re.compile(r"^\s+:target:\s*(?P<target>\S+)")
_RST_EMBEDDED = re.compile(r"`[^`<]*<(?P<target>[^>`]+)>`__?")
_RST_INLINE_LITERAL = re.compile(r"``(?P<code>.+?)``")
_RST_COMMENT = re.compile(r"^(?P<indent>\s*)\.\.(?:\s|$)")


def _indent(line: str) -> int:
    """The width of a line's leading whitespace."""
    return len(line) - len(line.lstrip())


def parse_rst(text: str) -> Document:
    """Read reStructuredText: code directives and `::` literal blocks, underlined headings,
    inline literals, prose, and link targets (images, includes, hyperlink targets)."""
    doc = Document()
    lines = [line.rstrip("\r") for line in text.split("\n")]
    index = 0
    expect_literal = False
    while index < len(lines):
        line = lines[index]
        number = index + 1
        code = _RST_CODE.match(line)
        comment = _RST_COMMENT.match(line)
        if code is not None or expect_literal:
            indent = _indent(line) if code is not None else _indent(_last_text(lines, index))
            block = CodeBlock(code["lang"].lower() if code is not None else "")
            start = index + 1 if code is not None else index
            index = _collect_indented(lines, start, indent, block)
            if block.lines:
                doc.blocks.append(block)
            expect_literal = False
            continue
        if comment is not None and "::" not in line and not _RST_TARGET.match(line):
            # ".. anything" that is not a directive is a comment, with its indented body.
            index = _collect_indented(lines, index + 1, _indent(line), CodeBlock(""))
            continue
        for pattern in (_RST_LINK_DIRECTIVE, _RST_TARGET, _RST_TARGET_OPTION):
            found = pattern.match(line)
            if found is not None:
                doc.links.append((number, found["target"]))
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        stripped = line.strip()
        heading = bool(
            stripped
            and not _RST_ADORNMENT.match(line)
            and _RST_ADORNMENT.match(nxt)
            and len(nxt.strip()) >= min(len(stripped), 3)
        )
        if heading:
            doc.headings.append((number, stripped))
        for found in _RST_INLINE_LITERAL.finditer(line):
            doc.inline_code.append((number, found["code"].strip()))
        plain = _RST_INLINE_LITERAL.sub(" ", line)
        for found in _RST_EMBEDDED.finditer(plain):
            if not found["target"].strip().endswith("_"):  # `x <name_>`_ names a target
                doc.links.append((number, found["target"].strip()))
        if plain.strip() and not heading and not _RST_ADORNMENT.match(line):
            doc.prose.append((number, plain))
        if stripped.endswith("::") and not stripped.startswith(".."):
            expect_literal = _next_is_blank(lines, index)
        index += 1
    return doc


def _last_text(lines: list[str], index: int) -> str:
    """The last non-blank line before `index` (the paragraph a `::` block belongs to)."""
    for back in range(index - 1, -1, -1):
        if lines[back].strip():
            return lines[back]
    return ""


def _next_is_blank(lines: list[str], index: int) -> bool:
    """Is the line after `index` blank (as a literal block after `::` requires)?"""
    return index + 1 < len(lines) and not lines[index + 1].strip()


def _collect_indented(lines: list[str], start: int, indent: int, block: CodeBlock) -> int:
    """Add the block indented deeper than ``indent`` that starts at ``start``; return its end."""
    index = start
    seen_body = False
    while index < len(lines):
        line = lines[index]
        if line.strip():
            if _indent(line) <= indent:
                break
            if not seen_body and re.match(r"^\s*:[\w-]+:", line):
                index += 1  # directive options such as :caption:
                continue
            seen_body = True
            block.lines.append((index + 1, line.strip()))
        index += 1
    return index
