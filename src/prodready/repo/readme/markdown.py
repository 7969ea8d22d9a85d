"""Markdown READMEs to a `Document`.

A line-based reader rather than a full CommonMark parser: the checks need code blocks,
headings, inline code and links with their line numbers, and a README that a full parser
would read differently in some corner is still read well enough to find those.
"""

from __future__ import annotations

import re

from prodready.repo.readme.document import CodeBlock, Document

_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:\s+(?P<text>.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_HTML_HEADING = re.compile(r"<h[1-6][^>]*>(?P<text>.*?)</h[1-6]>", re.IGNORECASE)
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_INLINE_CODE = re.compile(r"(`+)(?P<code>.+?)\1")
_MD_LINK = re.compile(r"\]\(\s*(?P<target><[^>\n]*>|[^)\s]+)")
_MD_REF_DEF = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*(?P<target><[^>]*>|\S+)")
_HTML_LINK = re.compile(
    r"<(?:img|a|source|video|audio|image)\b[^>]{0,400}?\s(?:src|href)\s*=\s*"
    r"[\"'](?P<target>[^\"']+)[\"']",
    re.IGNORECASE,
)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _blank_out(found: re.Match[str]) -> str:
    """Replace a span with spaces but keep its newlines, so line numbers stay right."""
    return re.sub(r"[^\n]", " ", found.group())


def _language(info: str) -> str:
    """The language of a fence's info string: "```{.bash}" -> "bash"."""
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    return word.strip("{}.").lower()


def parse_markdown(text: str) -> Document:
    """Read Markdown (CommonMark with GitHub's extensions) line by line: fenced and indented
    code, ATX/setext/HTML headings, inline code, prose and links."""
    doc = Document()
    # Commented-out text is not shown to readers, and is where old instructions go to rest.
    lines = _HTML_COMMENT.sub(_blank_out, text).split("\n")
    fence: tuple[str, int] | None = None
    block: CodeBlock | None = None
    previous = ""  # the previous line, for setext headings and indented code
    last_text = ""  # the last non-blank line outside code, for list context
    indented: CodeBlock | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if fence is not None and block is not None:
            stripped = line.strip()
            char, length = fence
            if stripped.startswith(char * length) and not stripped.strip(char):
                fence, block = None, None
            else:
                block.lines.append((number, line))
            previous = line
            continue
        opened = _FENCE.match(line)
        if opened is not None:
            indented = None
            marker = opened["fence"]
            fence = (marker[0], len(marker))
            block = CodeBlock(_language(opened["info"]))
            doc.blocks.append(block)
            previous = line
            continue
        is_indented = line.startswith(("    ", "\t")) and bool(line.strip())
        if is_indented and (
            indented is not None
            or (not previous.strip() and not LIST_ITEM.match(last_text) and last_text[:1] != " ")
        ):
            if indented is None:
                indented = CodeBlock("")
                doc.blocks.append(indented)
            indented.lines.append((number, line.strip()))
            previous = line
            continue
        if line.strip():
            indented = None
        heading = _ATX.match(line)
        if heading is not None and line.lstrip().startswith("#"):
            doc.headings.append((number, heading["text"] or ""))
        elif (
            _SETEXT.match(line)
            and previous.strip()
            and not LIST_ITEM.match(previous)
            and not _SETEXT.match(previous)
        ):
            doc.headings.append((number - 1, previous.strip()))
        else:
            for found in _HTML_HEADING.finditer(line):
                doc.headings.append((number, re.sub(r"<[^>]+>", "", found["text"])))
        _scan_markdown_text(doc, number, line)
        if line.strip():
            last_text = line
        previous = line
    return doc


def _scan_markdown_text(doc: Document, number: int, line: str) -> None:
    """Record a line of text outside code: its inline code, its prose and its links."""
    for found in _INLINE_CODE.finditer(line):
        doc.inline_code.append((number, found["code"].strip()))
    text = _INLINE_CODE.sub(" ", line)
    if text.strip():
        doc.prose.append((number, text))
    for pattern in (_MD_LINK, _MD_REF_DEF, _HTML_LINK):
        for found in pattern.finditer(text):
            doc.links.append((number, found["target"]))
