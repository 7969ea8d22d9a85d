"""Reading a spec: front matter, sections, criteria, endpoints, callers, rollback; and the
files that cannot be read at all, which name the file and the line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodready.spec import SpecError, load_spec, parse_spec
from tests.spec import COMPLETE, line_of, replaced


@pytest.fixture
def complete(tmp_path: Path) -> Path:
    path = tmp_path / "refunds.md"
    path.write_text(COMPLETE, encoding="utf-8")
    return path


def test_complete_spec_front_matter_and_sections(complete: Path) -> None:
    spec = load_spec(complete)
    assert spec.path == str(complete)
    assert spec.title == "Refunds for support agents"
    assert (spec.owner, spec.tier, spec.sensitive) == ("@payments-team", "critical", ("payments",))
    assert dict(spec.key_lines) == {"owner": 2, "tier": 3, "sensitive": 4, "rollback": 72}
    assert {name: section.line for name, section in spec.sections.items()} == {
        "intent": 10,
        "acceptance": 15,
        "stop": 22,
        "constraints": 26,
        "interfaces": 33,
        "verification": 62,
        "operation": 67,
        "accountability": 74,
    }
    stop = spec.sections["stop"]
    assert stop.text == (
        "Stop when AC-1 to AC-3 pass in CI. Refunds of shipping fees are out of scope."
    )
    assert stop.lines == ((24, stop.text),)


def test_complete_spec_criteria(complete: Path) -> None:
    spec = load_spec(complete)
    assert [(c.id, c.line) for c in spec.criteria] == [("AC-1", 17), ("AC-2", 19), ("AC-3", 20)]
    assert spec.criteria[0].text == (
        "POST /refunds with a valid amount returns 201 and the refund appears in the\n"
        "order's history."
    )
    assert spec.criteria[2].text == "an agent without the `refunds:write` role gets 403."
    assert spec.criterion("ac-2") == spec.criteria[1]
    assert spec.criterion("AC-9") is None


def test_complete_spec_endpoints_with_labels_and_sub_headings(complete: Path) -> None:
    post, delete = load_spec(complete).endpoints
    assert (post.method, post.path, post.line, post.name) == (
        "POST",
        "/refunds",
        35,
        "POST /refunds",
    )
    assert post.request == '`{"order_id": str, "amount": int}` (cents)'
    assert post.response == '201 `{"refund_id": str, "status": "pending"}`'
    assert post.validation == "amount > 0 and at most the amount paid; order_id must exist."
    assert post.authorization == "the caller has the `refunds:write` role for the order's shop."
    # the sibling items "Stripe timeout: ..." and "Unknown order: ..." stay in the part
    assert post.failure == (
        "- Stripe timeout: 502, the refund stays `pending` and the job retries it.\n"
        "- Unknown order: 404."
    )
    assert {key: post.part_line(key) for key in post.parts} == {
        "request": 37,
        "response": 38,
        "validation": 39,
        "authorization": 40,
        "failure": 41,
    }
    assert (delete.method, delete.path, delete.line) == ("DELETE", "/refunds/{id}", 45)
    assert delete.request == "No body."
    assert delete.response == "204."
    assert delete.authorization == "Only the agent who created it, within 10 minutes."
    assert delete.failure == "409 when the refund is no longer pending."
    assert delete.part_line("authorization") == 53


def test_complete_spec_callers_and_rollback(complete: Path) -> None:
    spec = load_spec(complete)
    assert spec.callers == ("app/billing.py:charge",)
    assert spec.rollback == "turn off the `refunds` flag; there is no migration to undo."
    assert spec.rollback_lines == ((72, spec.rollback),)


def test_synonyms_any_level_and_the_title_is_not_a_section() -> None:
    text = (
        "# Interface for exports\n"
        "## Goal\n"
        "Users export their notes.\n"
        "## Definition of done\n"
        "When AC-1 passes.\n"
        "## 3. Success criteria\n"
        "1. ac-1 - the export returns a zip\n"
        "## Test plan\n"
        "pytest\n"
        "## Rollout\n"
        "**Rollback:** revert the deploy\n"
        "## Ownership\n"
        "Owner: @exports\n"
    )
    spec = parse_spec(text, "s.md")
    assert spec.title == "Interface for exports"
    assert {n: s.line for n, s in spec.sections.items()} == {
        "intent": 2,
        "acceptance": 6,
        "stop": 4,
        "verification": 8,
        "operation": 10,
        "accountability": 12,
    }
    assert [(c.id, c.text, c.line) for c in spec.criteria] == [
        ("AC-1", "the export returns a zip", 7)
    ]
    assert spec.rollback == "revert the deploy"
    # no front matter owner: the accountability section's label names it
    assert spec.owner == "@exports"
    assert spec.key_lines["owner"] == 13


def test_a_sub_heading_belongs_to_the_section_above_it() -> None:
    spec = parse_spec("# Goal\nShip it.\n## Test plan\npytest\n# Test plan\nCI\n", "s.md")
    assert spec.sections["intent"].text == "Ship it.\n## Test plan\npytest"
    assert spec.sections["verification"].line == 5


def test_code_blocks_and_comments_are_not_structure() -> None:
    text = (
        "## Acceptance criteria\n"
        "<!-- - AC-9: commented out\n"
        "     ## Operation -->\n"
        "- AC-1: returns 200 <!-- inline note -->\n"
        "```\n"
        "- AC-2: inside a code block\n"
        "## Interfaces\n"
        "```\n"
        "## Verification\n"
        "Run it.\n"
    )
    spec = parse_spec(text, "s.md")
    assert [(c.id, c.text) for c in spec.criteria] == [("AC-1", "returns 200")]
    assert sorted(spec.sections) == ["acceptance", "verification"]
    assert spec.sections["acceptance"].lines == (
        (4, "- AC-1: returns 200"),
        (5, "```"),
        (6, "- AC-2: inside a code block"),
        (7, "## Interfaces"),
        (8, "```"),
    )


def test_criteria_shapes_and_continuations() -> None:
    text = (
        "## Acceptance criteria\n"
        "### AC-1: refunds are listed\n"
        "The refund appears on the order page.\n"
        "- [x] AC-2 \u2014 a second refund returns 409\n"
        "    with the first refund's id\n"
        "- a plain item with no id\n"
        "AC-3: paragraph style,\n"
        "continued on the next line\n"
    )
    spec = parse_spec(text, "s.md")
    assert [(c.id, c.line, c.text) for c in spec.criteria] == [
        ("AC-1", 2, "refunds are listed\nThe refund appears on the order page."),
        ("AC-2", 4, "a second refund returns 409\nwith the first refund's id"),
        ("AC-3", 7, "paragraph style,\ncontinued on the next line"),
    ]


def test_endpoint_parts_as_sub_list_items_and_loose_endpoints() -> None:
    text = (
        "## Interfaces\n"
        "### `PATCH /notes/{id}` (rename)\n"
        "- Input: `{title}`\n"
        "- Authorisation: owner of the note\n"
        "- Errors:\n"
        "  - Missing note: 404\n"
        "- Notes: idempotent\n"
        "## GET /health\n"
        "Response: 200 `ok`\n"
    )
    patch, health = parse_spec(text, "s.md").endpoints
    assert (patch.method, patch.path, patch.line) == ("PATCH", "/notes/{id}", 2)
    assert patch.request == "`{title}`"
    assert patch.authorization == "owner of the note"
    # "- Notes:" is a sibling label of the same shape: it ends the failure part
    assert patch.failure == "- Missing note: 404"
    assert patch.validation is None and patch.response is None
    assert (health.method, health.path, health.line, health.response) == (
        "GET",
        "/health",
        8,
        "200 `ok`",
    )


def test_a_failure_list_item_named_like_a_part_stays_in_the_failure_part() -> None:
    text = (
        "### POST /login\n"
        "**Failure:**\n"
        "- Auth token expired: 401\n"
        "- Output stream closed: 499\n"
        "**Authorization:** none, it is the login\n"
        "- Validation: a user name and a password\n"
    )
    (endpoint,) = parse_spec(text, "s.md").endpoints
    assert endpoint.failure == "- Auth token expired: 401\n- Output stream closed: 499"
    assert endpoint.authorization == "none, it is the login"
    # a part's exact name in another shape, not indented below, still opens that part
    assert endpoint.validation == "a user name and a password"
    assert endpoint.part_line("validation") == 6


def test_refactor_callers_and_rollback_section_of_its_own() -> None:
    text = (
        "## Callers\n"
        "- `app/billing.py:charge`\n"
        "- app/orders.py:place_order keeps its signature\n"
        "- TODO\n"
        "## Interfaces\n"
        "Callers: app/cli.py:main, `jobs.nightly.run`\n"
        "## Rollback plan\n"
        "Revert the merge commit.\n"
    )
    spec = parse_spec(text, "s.md")
    assert spec.callers == (
        "app/billing.py:charge",
        "app/orders.py:place_order",
        "app/cli.py:main",
        "jobs.nightly.run",
    )
    assert spec.rollback == "Revert the merge commit."
    assert spec.key_lines["rollback"] == 7
    assert spec.sections["operation"].line == 7


def test_spec_without_front_matter_or_headings() -> None:
    spec = parse_spec("just some notes\n", "s.md")
    assert (spec.owner, spec.tier, spec.sensitive, spec.title) == (None, None, (), None)
    assert dict(spec.sections) == {} and spec.criteria == () and spec.endpoints == ()


def test_front_matter_variants() -> None:
    spec = parse_spec(
        '\ufeff---\r\nowner: ["@a", "@b"]\r\ntier: Production\r\n'
        "sensitive: payments, policy\r\nstatus: draft\r\n---\r\n# T\r\n",
        "s.md",
    )
    assert (spec.owner, spec.tier, spec.sensitive) == (
        "@a, @b",
        "production",
        ("payments", "policy"),
    )
    assert spec.title == "T"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            "---\nowner: @alice\n---\n",
            2,
            "invalid front matter YAML: while scanning for the next token found character "
            "'@' that cannot start any token (quote a handle: owner: \"@team\")",
        ),
        ("---\ntier: [critical\n---\n", 2, None),
        (
            "---\nowner: a\n# never closed\n",
            1,
            "front matter starting here is not closed by a '---' line",
        ),
        (
            "---\n- a\n- b\n---\n",
            2,
            "front matter must be `key: value` lines (owner, tier, sensitive)",
        ),
        (
            "---\ntier: prod\n---\n",
            2,
            "tier: 'prod' is not one of experimental, internal, production, critical",
        ),
        ("---\nowner: 7\n---\n", 2, 'owner: expected a name or a handle such as "@team"'),
        (
            "---\nsensitive: {a: 1}\n---\n",
            2,
            "sensitive: expected a list of group names such as [payments]",
        ),
        (
            "---\nowner: a\ntier: internal\nowner: b\n---\n",
            4,
            "front matter key 'owner' is written twice (first on line 2)",
        ),
        ("---\nwhen: 2020-13-01\n---\n", 1, "invalid front matter YAML: month must be in 1..12"),
    ],
)
def test_front_matter_errors_name_file_and_line(text: str, line: int, reason: str | None) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "specs/x.md")
    assert (caught.value.path, caught.value.line) == ("specs/x.md", line)
    if reason is not None:
        assert caught.value.reason == reason
        assert str(caught.value) == f"specs/x.md:{line}: {reason}"


def test_criterion_id_used_twice_is_an_error() -> None:
    text = replaced(COMPLETE, "- [x] **AC-3:**", "- [x] **AC-2:**")
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "specs/refunds.md")
    assert str(caught.value) == (
        "specs/refunds.md:20: acceptance criterion AC-2 is used twice (first on line 19); "
        "each criterion needs its own id"
    )


def test_endpoint_written_twice_is_an_error() -> None:
    text = replaced(COMPLETE, "### DELETE /refunds/{id}", "### POST /refunds")
    with pytest.raises(SpecError) as caught:
        parse_spec(text, "specs/refunds.md")
    assert str(caught.value) == (
        "specs/refunds.md:45: endpoint POST /refunds is specified twice (first on line 35)"
    )


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes("## Intent\nok\nCaf\u00e9 for everyone\n".encode("latin-1"))
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value) == f"{path}:3: not UTF-8 text: byte 0xe9 cannot be decoded"
    assert caught.value.exit_code == 2


def test_unreadable_and_huge_files(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="cannot read"):
        load_spec(tmp_path / "missing.md")
    huge = tmp_path / "huge.md"
    huge.write_bytes(b"a" * 2_000_001)
    with pytest.raises(SpecError, match="larger than 2000000 bytes"):
        load_spec(huge)


def test_line_numbers_count_front_matter_and_crlf() -> None:
    text = COMPLETE.replace("\n", "\r\n")
    spec = parse_spec(text, "s.md")
    assert spec.criteria[1].line == line_of(COMPLETE, "AC-2: a refund")
    assert spec.endpoints[0].part_line("failure") == line_of(COMPLETE, "**Failure:**")


_PIECES = st.sampled_from(
    [
        "---\n", "owner: ", "tier: ", "sensitive: ", "[", "]", "{", "@", "&a ", "*a", "? ",
        "TODO", "# T\n", "## Intent\n", "## Acceptance criteria\n", "- AC-1: ", "- [ ] AC-2 ",
        "### POST /x\n", "#### Failure\n", "**Failure:** ", "Failure: ", "## Interfaces\n",
        "## Operation\n", "Rollback:", "### Rollback\n", "```\n", "~~~\n", "<!--", "-->", "\n",
        "  ", "- ", "1. ", "| a | TODO |\n", "## Accountability\n", "Owner: ", "### Callers\n",
        "`a.py:f`", ":", "\r", "\t", "2020-13-01", "**", "__", "!!python/object:os.system",
        "...\n", "\x00", "\ufeff", "\u2028",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=40))
def test_fuzz_markdown_shapes_raise_only_spec_error(pieces: list[str]) -> None:
    _parse_or_spec_error("".join(pieces))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fuzz_arbitrary_text_raises_only_spec_error(text: str) -> None:
    _parse_or_spec_error(text)


def _parse_or_spec_error(text: str) -> None:
    from prodready.model import Tier
    from prodready.spec import check_spec

    try:
        spec = parse_spec(text, "fuzz.md")
    except SpecError:
        return
    for tier in Tier:
        check = check_spec(spec, tier)
        assert check.buildable == (not any(gap.blocking for gap in check.gaps))
