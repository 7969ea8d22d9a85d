"""One self-contained HTML file: inline CSS and inline SVG, nothing fetched, no script.

The template (``templates/report.html.j2``) is rendered with autoescaping on, so every
repository-derived string is HTML-escaped; ``finalize`` additionally writes control and
bidi-override characters as visible escapes. A Content-Security-Policy meta tag
(``default-src 'none'``) makes a browser refuse any fetch or script even if one slipped in.
This module only arranges the report for the template (groups, counts, bar geometry).

In a monorepo the header names each component with its verdict, the repository's blocking
gaps include the components' (linked to the component), and a components section follows
with a summary table and a card per component (verdict, tier, kind, blocking gaps, known
risk, per-dimension chart and table) built from the same template macros. Anchors are
numbered (``component-1``), never derived from a repository-derived name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from prodready.model import AuditReport, CriterionResult, Dimension, Status
from prodready.reporters._common import (
    EVIDENCE_PREVIEW,
    STATUS_ORDER,
    VERDICT_MARK,
    blocking,
    by_dimension,
    location,
    stats_items,
    status_counts,
    visible,
    waived,
)

TEMPLATE = "report.html.j2"


@dataclass(frozen=True)
class Segment:
    """One coloured part of a dimension's bar, in percent of the bar's width."""

    status: str
    count: int
    x: str
    width: str


@dataclass(frozen=True)
class DimensionView:
    dimension: Dimension
    criteria: list[CriterionResult]
    counts: list[tuple[str, int]]
    segments: list[Segment]

    @property
    def summary(self) -> str:
        return ", ".join(f"{n} {status}" for status, n in self.counts if n) or "no criteria"


def _segments(counts: dict[Status, int]) -> list[Segment]:
    total = sum(counts.values())
    segments: list[Segment] = []
    x = 0.0
    for status in STATUS_ORDER:
        n = counts[status]
        if not n:
            continue
        width = 100.0 * n / total
        segments.append(Segment(status.value, n, f"{x:.2f}", f"{width:.2f}"))
        x += width
    return segments


def _dimensions(report: AuditReport) -> list[DimensionView]:
    views = []
    for dimension, criteria in by_dimension(report):
        counts = status_counts(criteria)
        views.append(
            DimensionView(
                dimension=dimension,
                criteria=criteria,
                counts=[(s.value, counts[s]) for s in STATUS_ORDER],
                segments=_segments(counts),
            )
        )
    return views


@dataclass(frozen=True)
class GapView:
    """A blocking gap; ``anchor`` links a component's gap to the component's card."""

    id: str
    result: CriterionResult | None
    component: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class ComponentView:
    report: AuditReport
    anchor: str
    mark: str
    blocking: list[GapView]
    blocking_ids: set[str]
    waived: list[CriterionResult]
    dimensions: list[DimensionView]


def _anchor(index: int) -> str:
    return f"component-{index}"


def _gaps(report: AuditReport) -> list[GapView]:
    anchors = {id(c): _anchor(n) for n, c in enumerate(report.components, start=1)}
    return [
        GapView(cid, result)
        if component is None
        else GapView(cid, result, component.name, anchors[id(component)])
        for cid, result, component in blocking(report)
    ]


def _components(report: AuditReport) -> list[ComponentView]:
    return [
        ComponentView(
            report=component,
            anchor=_anchor(n),
            mark=VERDICT_MARK[component.verdict],
            blocking=_gaps(component),
            blocking_ids=set(component.decision.blocking),
            waived=waived(component),
            dimensions=_dimensions(component),
        )
        for n, component in enumerate(report.components, start=1)
    ]


def _finalize(value: Any) -> Any:
    """Applied to every ``{{ }}`` before escaping: make hidden characters visible."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value, keep_newlines=True)
    return value


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("prodready", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


_ENV = _environment()


def render(report: AuditReport) -> str:
    """Render the HTML report as one self-contained document."""
    template = _ENV.get_template(TEMPLATE)
    return template.render(
        report=report,
        verdict=report.verdict.value,
        blocking=_gaps(report),
        blocking_ids=set(report.decision.blocking),
        waived=waived(report),
        dimensions=_dimensions(report),
        components=_components(report),
        statuses=[s.value for s in STATUS_ORDER],
        stats=stats_items(report.stats),
        location=location,
        preview=EVIDENCE_PREVIEW,
        gap_statuses=(Status.MISSING, Status.UNKNOWN),
        waived_status=Status.WAIVED,
    )
