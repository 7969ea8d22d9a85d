"""Render an ``AuditReport`` as text, markdown, JSON, HTML or SARIF.

Reporters format; they decide nothing. Every output is a pure function of the report:
the same report gives the same bytes.
"""

from __future__ import annotations

from prodready.errors import UsageError
from prodready.model import AuditReport

FORMATS: tuple[str, ...] = ("text", "markdown", "json", "html", "sarif")

__all__ = ["FORMATS", "render"]


def render(report: AuditReport, fmt: str, *, color: bool = False, width: int = 100) -> str:
    """Render ``report`` in format ``fmt`` (one of ``FORMATS``).

    ``color`` and ``width`` apply to the ``text`` format only. Raises ``UsageError`` for an
    unknown format.
    """
    # Imported on use so that, say, ``--format json`` never loads rich or jinja2.
    if fmt == "text":
        from prodready.reporters import text

        return text.render(report, color=color, width=width)
    if fmt == "markdown":
        from prodready.reporters import markdown

        return markdown.render(report)
    if fmt == "json":
        from prodready.reporters import json_report

        return json_report.render(report)
    if fmt == "html":
        from prodready.reporters import html

        return html.render(report)
    if fmt == "sarif":
        from prodready.reporters import sarif

        return sarif.render(report)
    expected = ", ".join(FORMATS)
    raise UsageError(f"unknown report format {fmt!r}; expected one of: {expected}")
