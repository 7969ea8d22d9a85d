"""The one-page terminal report, rendered with rich.

Order: verdict header, blocking gaps (what is missing and the fix), results by dimension,
known risk (waivers), findings, layers, policy notes, unreadable inputs, stats.

In a monorepo the header also names each component with its verdict, the repository's
blocking list names the components' gaps (detailed under the component), and after the
repository's sections each component gets the same sections under a header line of its
own, their headings prefixed with the component's name. Stats come last.

Every repository-derived string goes into a ``rich.text.Text`` (never through console
markup), after ``visible`` has written control characters as escapes, so a file name can
neither restyle the report nor send escape sequences to the terminal.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from prodready.model import AuditReport, CriterionResult, Evidence, Status, Verdict
from prodready.reporters._common import (
    EVIDENCE_PREVIEW,
    STATUS_ORDER,
    VERDICT_MARK,
    blocking,
    by_dimension,
    location,
    one_line,
    stats_items,
    status_counts,
    waived,
)

#: How many findings the one-page report lists before "+N more".
FINDINGS_PREVIEW = 10

VERDICT_STYLE = {
    Verdict.SHIP: "bold green",
    Verdict.SHIP_WITH_KNOWN_RISK: "bold yellow",
    Verdict.BLOCK: "bold red",
}

STATUS_MARK = {
    Status.MET: ("✓", "green"),
    Status.MISSING: ("✗", "red"),
    Status.UNKNOWN: ("?", "yellow"),
    Status.WAIVED: ("~", "magenta"),
    Status.NOT_APPLICABLE: ("-", "dim"),
}

SEVERITY_STYLE = {"error": "red", "warning": "yellow", "note": "cyan"}

Part = str | tuple[str, str]


class _Page:
    """A thin wrapper over a rich console writing to memory."""

    def __init__(self, *, color: bool, width: int) -> None:
        self._buffer = io.StringIO()
        self._console = Console(
            file=self._buffer,
            force_terminal=color,
            color_system="standard" if color else None,
            no_color=not color,
            width=width,
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
        )
        self.scope = ""  # a component's name, prefixed to headings in its sections

    def line(self, *parts: Part, indent: int = 0) -> None:
        text = Text.assemble(*parts)
        if indent:
            self._console.print(Padding(text, (0, 0, 0, indent), expand=False))
        else:
            self._console.print(text)

    def heading(self, title: str) -> None:
        self.blank()
        if self.scope:
            title = f"{one_line(self.scope)} · {title}"
        self.line((title, "bold underline"))

    def blank(self) -> None:
        self._console.print()

    def value(self) -> str:
        # rich pads wrapped, indented lines to the full width; trailing blanks are noise.
        lines = [line.rstrip(" ") for line in self._buffer.getvalue().splitlines()]
        return "\n".join(lines).rstrip("\n") + "\n"


def _mark(status: Status) -> tuple[str, str]:
    mark, style = STATUS_MARK[status]
    return (mark, style)


def _evidence_lines(page: _Page, evidence: tuple[Evidence, ...], indent: int) -> None:
    for item in evidence[:EVIDENCE_PREVIEW]:
        where = location(item.path, item.line)
        if where:
            page.line((where, "cyan"), "  ", one_line(item.text), indent=indent)
        else:
            page.line(one_line(item.text), indent=indent)
    hidden = len(evidence) - EVIDENCE_PREVIEW
    if hidden > 0:
        page.line((f"+{hidden} more", "dim"), indent=indent)


def _header(page: _Page, report: AuditReport) -> None:
    verdict = report.verdict
    page.line("prodready: ", (verdict.value.upper(), VERDICT_STYLE[verdict]))
    page.line(
        ("tier ", "dim"),
        (report.tier.value, "bold"),
        ("  kind ", "dim"),
        (report.kind.value, "bold"),
        ("  why: ", "dim"),
        one_line(report.kind_reason),
    )
    page.line(("root ", "dim"), one_line(report.root))
    if report.components:
        parts: list[Part] = [("components", "dim")]
        for component in report.components:
            verdict = component.verdict
            gaps = len(component.decision.blocking)
            parts += [
                "  ",
                (VERDICT_MARK[verdict], VERDICT_STYLE[verdict]),
                " ",
                (one_line(component.name), "bold"),
                " ",
                (verdict.value.upper(), VERDICT_STYLE[verdict]),
            ]
            if gaps:
                parts.append((f" ({gaps} blocking)", "dim"))
        page.line(*parts)
    for reason in report.decision.reasons:
        page.line("• ", one_line(reason), indent=2)


def _blocking(page: _Page, report: AuditReport) -> None:
    gaps = blocking(report)
    if not gaps:
        return
    page.heading(f"Blocking ({len(gaps)})")
    for cid, result, component in gaps:
        if result is None:
            page.line(_mark(Status.MISSING), " ", (one_line(cid), "bold"), indent=2)
            continue
        page.line(
            _mark(result.status),
            " ",
            (one_line(cid), "bold"),
            "  ",
            one_line(result.title),
            ("  " + result.status.value, STATUS_MARK[result.status][1]),
            indent=2,
        )
        if component is not None:
            continue  # what is missing and the fix are under the component
        if result.missing:
            page.line(("missing: ", "bold"), one_line(result.missing), indent=6)
        if result.remediation:
            page.line(("fix:     ", "bold"), one_line(result.remediation), indent=6)
    if any(gap.component is not None for gap in gaps):
        page.line(("a component's gaps are detailed in its section below", "dim"), indent=2)


def _criterion(page: _Page, result: CriterionResult, blocking_ids: set[str]) -> None:
    status_style = STATUS_MARK[result.status][1]
    page.line(
        _mark(result.status),
        " ",
        (one_line(result.id), "bold"),
        "  ",
        one_line(result.title),
        ("  " + result.status.value, status_style),
        ("  required" if result.required else "  advisory", "dim"),
        indent=2,
    )
    if result.status in (Status.MISSING, Status.UNKNOWN):
        if result.missing:
            page.line(("missing: ", "bold"), one_line(result.missing), indent=6)
        if result.id in blocking_ids:
            page.line(("blocking, fix above", "dim"), indent=6)
        elif result.remediation:
            page.line(("fix:     ", "bold"), one_line(result.remediation), indent=6)
    elif result.status is Status.WAIVED and result.waiver is not None:
        page.line(
            ("waived by ", "dim"), one_line(result.waiver.id), ("  see known risk", "dim"), indent=6
        )
    _evidence_lines(page, result.evidence, indent=6)


def _dimensions(page: _Page, report: AuditReport) -> None:
    page.heading("Results by dimension")
    blocking_ids = set(report.decision.blocking)
    for dimension, criteria in by_dimension(report):
        counts = status_counts(criteria)
        summary = "  ".join(f"{counts[s]} {s.value}" for s in STATUS_ORDER if counts[s])
        page.blank()
        page.line((dimension.value, "bold"), "  ", (summary or "no criteria", "dim"))
        for result in criteria:
            _criterion(page, result, blocking_ids)


def _known_risk(page: _Page, report: AuditReport) -> None:
    results = waived(report)
    if not results:
        return
    page.heading(f"Known risk, waived ({len(results)})")
    for result in results:
        was = f"  was {result.original_status.value}" if result.original_status else ""
        page.line(
            _mark(Status.WAIVED),
            " ",
            (one_line(result.id), "bold"),
            "  ",
            one_line(result.title),
            (was, "dim"),
            indent=2,
        )
        waiver = result.waiver
        if waiver is None:
            continue
        page.line(
            ("waiver ", "dim"),
            one_line(waiver.id),
            ("  owner ", "dim"),
            one_line(waiver.owner),
            ("  approved by ", "dim"),
            one_line(waiver.approved_by),
            ("  expires ", "dim"),
            one_line(waiver.expires),
            indent=6,
        )
        page.line(("reason: ", "bold"), one_line(waiver.reason), indent=6)


def _findings(page: _Page, report: AuditReport) -> None:
    findings = report.findings
    if not findings:
        return
    suppressed = sum(1 for f in findings if f.suppressed)
    title = f"Findings ({len(findings)}"
    title += f", {suppressed} suppressed)" if suppressed else ")"
    page.heading(title)
    for finding in findings[:FINDINGS_PREVIEW]:
        style = "dim" if finding.suppressed else SEVERITY_STYLE.get(finding.severity, "")
        page.line(
            (one_line(finding.severity), style),
            " ",
            (one_line(finding.rule), "bold"),
            " ",
            (f"[{one_line(finding.category)}]", "dim"),
            " ",
            (location(finding.path, finding.line), "cyan"),
            "  ",
            one_line(finding.message),
            indent=2,
        )
        if finding.suppressed:
            reason = one_line(finding.suppression_reason or "no reason given")
            page.line(("suppressed: ", "dim"), reason, indent=6)
    hidden = len(findings) - FINDINGS_PREVIEW
    if hidden > 0:
        page.line((f"+{hidden} more", "dim"), indent=2)


def _layers(page: _Page, report: AuditReport) -> None:
    if not report.layers:
        return
    page.heading("Layers")
    for summary in report.layers:
        if summary.applicable == 0:
            page.line((f"{summary.layer.value:<15}", "bold"), ("not applicable", "dim"), indent=2)
            continue
        ratio = f"{summary.met}/{summary.applicable} met"
        flag = ("  implicit", "bold yellow") if summary.implicit else ("  explicit", "green")
        page.line((f"{summary.layer.value:<15}", "bold"), ratio, flag, indent=2)


def _notes_and_errors(page: _Page, report: AuditReport) -> None:
    if report.policy_notes:
        page.heading("Policy notes")
        for note in report.policy_notes:
            page.line("• ", one_line(note), indent=2)
    if report.errors:
        page.heading(f"Inputs that could not be read ({len(report.errors)})")
        for error in report.errors:
            page.line(
                ("✗ ", "red"),
                (one_line(error.path), "cyan"),
                "  ",
                one_line(error.reason),
                indent=2,
            )


def _stats(page: _Page, report: AuditReport) -> None:
    if report.stats:
        page.blank()
        items = "  ".join(f"{k} {v}" for k, v in stats_items(report.stats))
        page.line(("stats  ", "dim"), (items, "dim"))


def _sections(page: _Page, report: AuditReport) -> None:
    """Everything below a header, for the repository and for each component alike."""
    _blocking(page, report)
    _dimensions(page, report)
    _known_risk(page, report)
    _findings(page, report)
    _layers(page, report)
    _notes_and_errors(page, report)


def _component(page: _Page, component: AuditReport) -> None:
    verdict = component.verdict
    style = "bold underline"
    page.blank()
    page.line(
        ("Component ", style),
        (one_line(component.name), style),
        (f" ({one_line(component.root)}): ", style),
        (verdict.value.upper(), f"{VERDICT_STYLE[verdict]} underline"),
        (f" · tier {component.tier.value} · {component.kind.value}", style),
    )
    page.line(("why: ", "dim"), one_line(component.kind_reason), indent=2)
    page.scope = component.name
    _sections(page, component)
    page.scope = ""


def render(report: AuditReport, *, color: bool = False, width: int = 100) -> str:
    """Render the terminal report; ``color=False`` output contains no escape sequences."""
    page = _Page(color=color, width=width)
    _header(page, report)
    _sections(page, report)
    for component in report.components:
        _component(page, component)
    _stats(page, report)
    return page.value()
