"""Property tests: whatever text a repository holds, every format stays well formed."""

from __future__ import annotations

import dataclasses
import json
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reporter_checks import (
    assert_only_our_html,
    assert_self_contained_and_inert,
    assert_tables_intact,
    check_sarif,
)

from prodready.model import AuditReport, Evidence, ReportError
from prodready.reporters import render

# Any text, including control, bidi and surrogate code points, markup and separators.
texts = st.text(
    st.one_of(
        st.characters(codec=None),
        st.sampled_from(list("<>&\"'`|\\[]*_~#\n\r\x1b\u202e\u2028")),
    ),
    max_size=40,
)

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # fixtures are immutable
)


def fill(report: AuditReport, a: str, b: str, c: str) -> AuditReport:
    first = dataclasses.replace(
        report.criteria[0],
        title=a,
        missing=b,
        evidence=(Evidence(c, a, 3), Evidence(b, None), *report.criteria[0].evidence),
    )
    return dataclasses.replace(
        report,
        root=b,
        kind_reason=c,
        criteria=(first, *report.criteria[1:]),
        errors=(ReportError(c, a),),
        policy_notes=(a,),
    )


@FUZZ
@given(a=texts, b=texts, c=texts)
def test_markdown_stays_well_formed(block: AuditReport, a: str, b: str, c: str) -> None:
    out = render(fill(block, a, b, c), "markdown")
    assert_tables_intact(out)
    assert_only_our_html(out)
    assert "\x1b" not in out


@FUZZ
@given(a=texts, b=texts, c=texts)
def test_html_stays_inert(block: AuditReport, a: str, b: str, c: str) -> None:
    out = render(fill(block, a, b, c), "html")
    assert_self_contained_and_inert(out)
    parser = HTMLParser()
    parser.feed(out)
    parser.close()


@FUZZ
@given(a=texts, b=texts, c=texts)
def test_json_round_trips_exactly(block: AuditReport, a: str, b: str, c: str) -> None:
    doc = json.loads(render(fill(block, a, b, c), "json"))
    criterion = doc["criteria"][0]
    assert (criterion["title"], criterion["missing"], doc["root"]) == (a, b, b)
    assert criterion["evidence"][0] == {"text": c, "path": a, "line": 3}


@FUZZ
@given(a=texts, b=texts, c=texts)
def test_sarif_stays_valid(block: AuditReport, a: str, b: str, c: str) -> None:
    report = fill(block, a, b, c)
    if not a:  # an empty path is not a location; give the evidence a real one
        report = fill(block, "x.py", b, c)
    check_sarif(json.loads(render(report, "sarif")))


@FUZZ
@given(a=texts, b=texts, c=texts)
def test_plain_text_has_no_escape_sequences(block: AuditReport, a: str, b: str, c: str) -> None:
    out = render(fill(block, a, b, c), "text", width=80)
    assert "\x1b" not in out
    assert "\u202e" not in out
    out.encode("utf-8")


def fill_components(report: AuditReport, a: str, b: str, c: str) -> AuditReport:
    """Repository-derived text in a component's name, path and evidence."""
    api, tools = report.components
    api = fill(dataclasses.replace(api, name=a or "api"), c, b, a)
    decision = dataclasses.replace(
        report.decision, blocking=tuple(f"{api.name}:{cid}" for cid in api.decision.blocking)
    )
    tools = dataclasses.replace(tools, root=b, kind_reason=c)
    return dataclasses.replace(report, decision=decision, components=(api, tools))


@FUZZ
@given(a=texts, b=texts, c=texts)
def test_components_keep_every_format_well_formed(
    monorepo: AuditReport, a: str, b: str, c: str
) -> None:
    report = fill_components(monorepo, a, b, c)
    md = render(report, "markdown")
    assert_tables_intact(md)
    assert_only_our_html(md)
    assert md.count("<details>") == md.count("</details>")
    out = render(report, "html")
    assert_self_contained_and_inert(out)
    text = render(report, "text", width=80)
    assert "\x1b" not in text and "\u202e" not in text
    doc = json.loads(render(report, "json"))
    assert doc["components"][0]["name"] == report.components[0].name
    if c:  # an empty path is not a location
        check_sarif(json.loads(render(report, "sarif")))
