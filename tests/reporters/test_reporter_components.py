"""Monorepo components in every format: each shown with its own verdict and tier, the
repository's summary saying which block, and the same escaping rules as the rest."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
from reporter_checks import (
    assert_only_our_html,
    assert_self_contained_and_inert,
    assert_tables_intact,
    check_sarif,
    parse,
)

from prodready.model import AuditReport, Evidence
from prodready.reporters import FORMATS, markdown, render

ANSI = re.compile(r"\x1b\[[0-9;]*m")
HOSTILE = "<script>alert(1)</script>"
HOSTILE_ATTR = '" onload="alert(2)'


def hostile_components(report: AuditReport) -> AuditReport:
    """The monorepo report with repository-derived component names and paths that try to
    break out of every format."""
    api, tools = report.components
    api = dataclasses.replace(
        api, name=f"api{HOSTILE}", root=f"services/{HOSTILE_ATTR}|`x`\x1b[31m\u202e"
    )
    decision = dataclasses.replace(
        report.decision, blocking=tuple(f"{api.name}:{cid}" for cid in api.decision.blocking)
    )
    return dataclasses.replace(report, decision=decision, components=(api, tools))


# -- json ---------------------------------------------------------------------------------


def test_json_components_have_the_report_shape(monorepo: AuditReport) -> None:
    doc = json.loads(render(monorepo, "json"))
    assert doc["name"] == ""
    api, tools = doc["components"]
    assert list(api) == [key for key in doc if key != "schema"]
    assert (api["name"], api["root"], api["tier"], api["kind"], api["verdict"]) == (
        "api",
        "services/api",
        "critical",
        "service",
        "block",
    )
    assert api["decision"]["blocking"] == ["TEST-001", "DEPL-001"]
    assert api["criteria"][1]["evidence"] == [
        {
            "text": "services/api/pay.py lines 12-40 not executed",
            "path": "services/api/pay.py",
            "line": 12,
        }
    ]
    assert api["errors"] == [{"path": "services/api/coverage.xml", "reason": "not well-formed XML"}]
    assert api["components"] == tools["components"] == []
    assert (tools["name"], tools["verdict"], tools["tier"]) == ("tools", "ship", "experimental")
    assert doc["decision"]["blocking"] == ["api:TEST-001", "api:DEPL-001"]


def test_json_without_components_has_empty_list(ship: AuditReport) -> None:
    doc = json.loads(render(ship, "json"))
    assert (doc["name"], doc["components"]) == ("", [])


# -- text ---------------------------------------------------------------------------------


def test_text_header_says_which_components_block(monorepo: AuditReport) -> None:
    lines = render(monorepo, "text").splitlines()
    assert lines[:4] == [
        "prodready: BLOCK",
        "tier internal  kind library  why: Python code with no server entry point or console "
        "script",
        "root /srv/checkout/acme",
        "components  ✗ api BLOCK (2 blocking)  ✓ tools SHIP",
    ]


def test_text_component_sections_follow_the_repository(monorepo: AuditReport) -> None:
    out = render(monorepo, "text")
    markers = [
        "\nBlocking (2)\n",
        "\nResults by dimension\n",
        "\nLayers\n",
        "\nPolicy notes\n",
        "\nComponent api (services/api): BLOCK · tier critical · service\n",
        "\napi · Blocking (2)\n",
        "\napi · Results by dimension\n",
        "\napi · Known risk, waived (1)\n",
        "\napi · Layers\n",
        "\napi · Inputs that could not be read (1)\n",
        "\nComponent tools (tools): SHIP · tier experimental · cli\n",
        "\ntools · Results by dimension\n",
        "\ntools · Layers\n",
        "\nstats  criteria 2  files 31  python_files 4\n",
    ]
    positions = [out.index(marker) for marker in markers]
    assert positions == sorted(positions)
    assert "tools · Blocking" not in out  # nothing blocks there
    assert out.count("\nstats ") == 1  # components' stats are in the JSON, not the page


def test_text_repository_blocking_names_component_gaps_once(monorepo: AuditReport) -> None:
    out = render(monorepo, "text")
    top = out[out.index("Blocking (2)") : out.index("Results by dimension")]
    assert "  ✗ api:TEST-001  Changed lines are executed by tests  missing\n" in top
    assert "  ? api:DEPL-001  Rollback plan documented  unknown\n" in top
    assert "missing:" not in top and "fix:" not in top  # detailed under the component
    component = out[out.index("api · Blocking (2)") : out.index("api · Results by dimension")]
    assert "  ✗ TEST-001  Changed lines are executed by tests  missing" in component
    assert "missing: 41% of changed lines executed; critical requires 90%" in component
    assert "fix:     Add tests for services/api/pay.py." in component


def test_text_colour_marks_the_blocking_component(monorepo: AuditReport) -> None:
    coloured = render(monorepo, "text", color=True)
    assert re.search(r"\x1b\[1;31m✗.*api.*\x1b\[1;31mBLOCK", coloured.splitlines()[3])
    assert ANSI.sub("", coloured) == render(monorepo, "text")


@pytest.mark.parametrize("width", [60, 80, 100])
def test_text_lines_fit_the_width(width: int, monorepo: AuditReport) -> None:
    for line in render(monorepo, "text", width=width).splitlines():
        assert len(line) <= width
        assert line == line.rstrip()


# -- markdown -----------------------------------------------------------------------------


def test_markdown_components_table_and_details(monorepo: AuditReport) -> None:
    out = render(monorepo, "markdown")
    table = out[out.index("### Components (2)") : out.index("<details>")]
    assert "| Component | Path | Tier | Verdict | Blocking |" in table
    assert "| api | services/api | critical | **block** | 2 |" in table
    assert "| tools | tools | experimental | ship | 0 |" in table
    assert out.count("<details>") == out.count("</details>") == 2
    assert (
        "<summary>api (services/api): block · tier critical · service, 2 blocking</summary>"
    ) in out
    assert "<summary>tools (tools): ship · tier experimental · cli</summary>" in out
    api = out[out.index("<summary>api") : out.index("</details>")]
    assert "#### Known risk, waived (1)" in api
    assert "#### tests (1 missing)" in api
    assert "| **TEST-001** Changed lines are executed by tests | **missing** |" in api
    assert_tables_intact(out)
    assert_only_our_html(out)


def test_markdown_blocking_table_details_component_gaps(monorepo: AuditReport) -> None:
    out = render(monorepo, "markdown")
    section = out[out.index("### Blocking gaps (2)") : out.index("### Policy notes")]
    assert (
        "| **api:TEST-001** Changed lines are executed by tests | missing "
        "| 41% of changed lines executed; critical requires 90% "
        "| Add tests for services/api/pay.py. |"
    ) in section
    assert out.index("### Components") < out.index("### Results by dimension")


def test_markdown_cap_drops_whole_component_sections(monorepo: AuditReport) -> None:
    api, tools = monorepo.components
    template = api.criteria[1]
    many = tuple(
        dataclasses.replace(
            template,
            id=f"GEN-{n:04d}",
            evidence=tuple(
                Evidence("x" * 80, f"services/api/m{n}/f{i}.py", i + 1) for i in range(6)
            ),
        )
        for n in range(120)
    )
    report = dataclasses.replace(
        monorepo, components=(dataclasses.replace(api, criteria=many), tools)
    )
    out = render(report, "markdown")
    assert len(out) <= markdown.MAX_CHARS
    note = out[out.index("> **Note:**") :]
    assert "component api" in note and "component tools" in note
    assert "### Components (2)" in out  # the summary table comes before the details
    assert out.count("<details>") == out.count("</details>")
    assert_tables_intact(out)


def test_markdown_any_limit_is_respected(monorepo: AuditReport) -> None:
    full = render(monorepo, "markdown")
    for limit in range(markdown.MIN_LIMIT, len(full) + 200, 151):
        out = markdown.render(monorepo, limit=limit)
        assert len(out) <= limit
        assert out == full if limit >= len(full) else "truncated" in out
        assert out.count("<details>") == out.count("</details>")
        assert_tables_intact(out)


# -- html ---------------------------------------------------------------------------------


def test_html_cards_per_component(monorepo: AuditReport) -> None:
    out = render(monorepo, "html")
    assert_self_contained_and_inert(out)
    assert (
        '<div class="meta">components: ✗ <a href="#component-1">api</a> <strong>block</strong>'
        ' (2 blocking) · ✓ <a href="#component-2">tools</a> <strong>ship</strong></div>'
    ) in out
    order = [
        'id="blocking"',
        'id="components"',
        'id="component-1"',
        'id="component-2"',
        'id="dimensions"',
        'id="layers"',
    ]
    positions = [out.index(marker) for marker in order]
    assert positions == sorted(positions)
    api = out[out.index('id="component-1"') : out.index('id="component-2"')]
    assert '<header class="verdict v-block">' in api
    assert "<h4>Blocking gaps (2)</h4>" in api
    assert "<h5><code>TEST-001</code> Changed lines are executed by tests" in api
    assert "<h4>Known risk, waived (1)</h4>" in api
    assert "<td>W-3</td><td>@api-team</td><td>@cto</td><td>2031-01-31</td>" in api
    bars = re.findall(r'<svg class="bar"[^>]*aria-label="([^"]*)"', api)
    assert bars[:3] == ["architecture: 1 met", "tests: 1 missing", "deployment: 1 unknown"]
    assert len(bars) == 7
    assert 'href="#component-1-dim-tests"' in api and 'id="component-1-dim-tests"' in api
    ids = [value for _, attrs in parse(out).tags for name, value in attrs if name == "id"]
    assert len(ids) == len(set(ids)), "anchors are unique"


def test_html_repository_gaps_link_to_the_component(monorepo: AuditReport) -> None:
    out = render(monorepo, "html")
    top = out[out.index('id="blocking"') : out.index('id="components"')]
    assert "<h3><code>api:TEST-001</code> Changed lines are executed by tests" in top
    assert '<dd>component <a href="#component-1">api</a> · tests · verification layer' in top
    assert "Fix</dt>" not in top  # the fix is in the component's card


def test_html_without_components_has_no_component_markup(block: AuditReport) -> None:
    out = render(block, "html")
    assert "component" not in out


# -- sarif --------------------------------------------------------------------------------


def test_sarif_has_component_results(monorepo: AuditReport) -> None:
    doc = json.loads(render(monorepo, "sarif"))
    check_sarif(doc)
    run = doc["runs"][0]
    summary = [
        (r["ruleId"], r["properties"].get("component"), r["properties"]["blocking"], r["level"])
        for r in run["results"]
    ]
    assert summary == [
        ("OWN-002", None, False, "warning"),
        ("TEST-001", "api", True, "error"),
        ("DEPL-001", "api", True, "error"),
        ("SEC-004", "api", False, "error"),
        ("DOC-001", "tools", False, "warning"),
    ]
    test = run["results"][1]
    assert test["message"]["text"] == (
        "[api] Changed lines are executed by tests: "
        "41% of changed lines executed; critical requires 90%"
    )
    assert test["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "services/api/pay.py"},
        "region": {"startLine": 12, "endLine": 12},
    }
    assert run["results"][3]["suppressions"][0]["kind"] == "external"
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    repository = ["TEST-002", "OWN-002"]
    api = ["ARCH-002", "TEST-001", "DEPL-001", "SEC-004", "OBS-002", "OWN-001"]
    assert rules == [*repository, *(rid for rid in api if rid not in repository), "DOC-001"]
    assert [c["name"] for c in run["properties"]["components"]] == ["api", "tools"]
    assert run["properties"]["components"][0]["blocking"] == ["TEST-001", "DEPL-001"]
    (error,) = run["invocations"][0]["toolExecutionNotifications"]
    assert error["message"]["text"] == (
        "[api] could not read services/api/coverage.xml: not well-formed XML"
    )


def test_sarif_without_components_is_unchanged(block: AuditReport) -> None:
    run = json.loads(render(block, "sarif"))["runs"][0]
    assert "components" not in run["properties"]
    assert all("component" not in r.get("properties", {}) for r in run["results"])


# -- every format -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_component_stats_order_does_not_change_output(fmt: str, monorepo: AuditReport) -> None:
    api, tools = monorepo.components
    api = dataclasses.replace(api, stats=dict(reversed(list(api.stats.items()))))
    reordered = dataclasses.replace(monorepo, components=(api, tools))
    assert render(reordered, fmt) == render(monorepo, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_gap_in_an_unknown_component_still_renders(fmt: str, monorepo: AuditReport) -> None:
    decision = dataclasses.replace(monorepo.decision, blocking=("ghost:X-1", "api:TEST-001"))
    out = render(dataclasses.replace(monorepo, decision=decision), fmt)
    assert "ghost:X-1" in out and "api:TEST-001" in out


def test_hostile_component_names_are_escaped(monorepo: AuditReport) -> None:
    report = hostile_components(monorepo)
    outputs: dict[str, Any] = {fmt: render(report, fmt) for fmt in FORMATS}
    for fmt, out in outputs.items():
        assert "\x1b" not in out, fmt
        assert "\u202e" not in out, fmt
    assert "<script" not in outputs["markdown"]
    assert "`" not in outputs["markdown"]
    assert_tables_intact(outputs["markdown"])
    assert_only_our_html(outputs["markdown"])
    assert "<script" not in outputs["html"]
    assert_self_contained_and_inert(outputs["html"])
    assert f"api{HOSTILE}" in "".join(parse(outputs["html"]).text)
    assert 'services/" onload="alert(2)|`x`\\x1b[31m\\u202e' in outputs["text"]
    doc = json.loads(outputs["json"])
    assert doc["components"][0]["name"] == f"api{HOSTILE}"
    sarif = json.loads(outputs["sarif"])
    check_sarif(sarif)
    assert sarif["runs"][0]["results"][1]["properties"]["component"] == f"api{HOSTILE}"
