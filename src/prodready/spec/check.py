"""Is a spec complete and precise enough to build against, at a tier?

A coding assistant (or a person) builds what the spec says, so what the spec leaves out
gets invented. ``check_spec`` names each missing or vague part precisely — the section,
the line, and what is missing ("failure behaviour: not stated for POST /refunds") — and
the tier decides which gaps block. Gaps required only at a higher tier are still listed,
as advisory, so a team sees what moving up a tier will ask for.

What each tier requires (each tier adds to the one above it):

==============  ===========================================================================
tier            required for the spec to be buildable
==============  ===========================================================================
experimental    intent; at least one acceptance criterion with an id (``AC-1``); no
                criterion left a placeholder
internal        + stop condition; for each endpoint its validation rules and failure
                behaviour
production      + for each endpoint its authorization rule; verification plan; operation
                (logs, metrics, alerts) with a rollback plan; an owner (front matter
                ``owner:`` or ``Owner:`` under accountability); every acceptance criterion
                has an id and an observable outcome
critical        + constraints, with a performance or cost limit and a data rule;
                accountability naming who accepts the remaining risk
never           request and response shapes, and the interfaces section itself, are
                advisory at every tier (a change may have no endpoint)
==============  ===========================================================================

Missing, empty, placeholder:

* a section whose heading is absent is ``missing`` (reported at line 1, the file);
* a heading with nothing under it is ``empty`` (at the heading);
* a placeholder is a value that is still ``TODO``, ``TBD``, ``TBC``, ``TBA``,
  ``FIXME``, ``XXX`` (upper case, so "a todo list" is text), ``...``, ``?`` or an
  ``<angle bracket>`` prompt. Every placeholder line is one gap at its own line, and
  counts as not stated: a spec with ``TODO`` left in it is not finished. HTML comments
  are not text, so the template's explanations never count as content.

An acceptance criterion is vague when it has no observable outcome. The heuristic is
deliberately simple and documented so authors can predict it: a criterion is observable
when its text contains a number (a status code, a limit, a count: "returns 422",
"within 200 ms") or a word naming a result, a response or a state change — returns,
responds, rejects, refuses, denies, raises, fails with, sends, emits, records, stores,
saves, persists, writes, creates, deletes, removes, updates, inserts, sets to, changes
to, appears, shows, displays, lists, contains, redirects, receives, notifies, e-mails,
publishes, enqueues, increments, decrements, marks, becomes, equals, matches, blocks,
prints, exits, renders, downloads, expires, charges, retries, times out, is logged,
visible, hidden, unchanged, cannot, no longer, exactly, once, twice, status, not found,
forbidden, unauthorized, conflict, error message, alerts, pages. "Works", "is fast",
"is good", "handles errors", "is secure" name none of these and are vague; "returns
422", "is rejected with", "sends an e-mail", "within 200 ms", "appears in the list" are
observable. It looks for words, not meaning: it cannot tell a true outcome from a
sentence that merely contains one, so it errs towards accepting.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from prodready.errors import EXIT_BLOCK, EXIT_OK, UsageError
from prodready.model import Tier
from prodready.spec.model import SECTION_NAMES, Endpoint, Spec, SpecSection
from prodready.spec.new import SPEC_DIR
from prodready.spec.parse import (
    KeyOf,
    Line,
    acceptance_items,
    classify,
    has_words,
    load_spec,
    normalise,
    parts,
    placeholder,
    split_label,
    strip_item,
)

__all__ = [
    "SCHEMA",
    "SECTION_TITLES",
    "CheckedSpec",
    "SpecCheck",
    "SpecGap",
    "check_files",
    "check_spec",
    "find_specs",
    "render_json",
    "render_text",
    "run_check",
]

E, INT, P, C = Tier.EXPERIMENTAL, Tier.INTERNAL, Tier.PRODUCTION, Tier.CRITICAL

# How each section is named in a gap message.
SECTION_TITLES = {
    "intent": "intent",
    "acceptance": "acceptance criteria",
    "stop": "stop condition",
    "constraints": "constraints",
    "interfaces": "interfaces",
    "verification": "verification plan",
    "operation": "operation",
    "accountability": "accountability",
}
# From which tier a section must be stated (None: advisory at every tier).
_SECTION_FROM: dict[str, Tier | None] = {
    "intent": E,
    "acceptance": E,
    "stop": INT,
    "constraints": C,
    "interfaces": None,
    "verification": P,
    "operation": P,
    "accountability": C,
}
_PART_TITLES = {
    "request": "request shape",
    "response": "response shape",
    "validation": "validation rules",
    "authorization": "authorization rule",
    "failure": "failure behaviour",
}
_PART_FROM: dict[str, Tier | None] = {
    "request": None,
    "response": None,
    "validation": INT,
    "authorization": P,
    "failure": INT,
}
_VAGUE_FROM = P  # an acceptance criterion with no observable outcome
_NO_ID_FROM = P  # an acceptance list item without an id: no test can claim it
_ROLLBACK_FROM = P
_OWNER_FROM = P
_LIMITS_FROM = C  # performance or cost limit, data rule
_RISK_FROM = C

_OBSERVABLE = re.compile(
    r"""\b(?:
        return(?:s|ed|ing)? | respond(?:s|ed)? | repl(?:y|ies|ied) | reject(?:s|ed)?
      | refuse(?:s|d)? | den(?:y|ies|ied) | raise(?:s|d)? | fail(?:s|ed)?\s+with
      | send(?:s)? | sent | emit(?:s|ted)? | record(?:s|ed)? | store(?:s|d)? | save(?:s|d)?
      | persist(?:s|ed)? | write(?:s)? | written | create(?:s|d)? | delete(?:s|d)?
      | remove(?:s|d)? | update(?:s|d)? | insert(?:s|ed)? | set\s+to | change(?:s|d)?\s+to
      | appear(?:s|ed)? | show(?:s|n|ed)? | display(?:s|ed)? | list(?:s|ed) | contain(?:s|ed)?
      | redirect(?:s|ed)? | receive(?:s|d)? | notif(?:y|ies|ied) | e-?mail(?:s|ed)
      | publish(?:es|ed)? | enqueue(?:s|d)? | increment(?:s|ed)? | decrement(?:s|ed)?
      | mark(?:s|ed)? | become(?:s)? | became | equal(?:s|led)? | match(?:es|ed)?
      | block(?:s|ed)? | print(?:s|ed)? | exit(?:s|ed)? | render(?:s|ed)? | download(?:s|ed)?
      | expire(?:s|d)? | charge(?:s|d)? | retr(?:y|ies|ied) | time(?:s|d)?\s+out
      | (?:is|are)\s+logged | visible | hidden | unchanged | cannot | no\s+longer | exactly
      | once | twice | status | not\s+found | forbidden | unauthori[sz]ed | conflict
      | error\s+message | alert(?:s|ed)? | page(?:s|d)
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
_PERFORMANCE = re.compile(
    r"\b(?:performance|latency|p\d\d|throughput|rps|qps|per\s+(?:second|minute|hour)|ms"
    r"|milliseconds?|seconds?|timeouts?|cost|costs|budget|memory|cpu|rate\s+limits?|quota)\b"
    r"|[$€£]\s?\d",
    re.IGNORECASE,
)
_DATA = re.compile(
    r"\b(?:data|pii|personal|gdpr|privacy|retention|retain(?:ed)?|encrypt\w*|database"
    r"|tables?|schema|migrations?|backups?|deletion|storage|stored)\b",
    re.IGNORECASE,
)
_OTHER_TOPIC = re.compile(
    r"\b(?:architecture|layers?|security|authentication|authori[sz]ation|secrets?|dependenc\w*"
    r"|owners?|reviewers?)\b",
    re.IGNORECASE,
)
_RISK_LABEL = re.compile(r"\brisks?\b|\baccepted by\b")


@dataclass(frozen=True)
class SpecGap:
    section: str  # canonical section name (see SECTION_NAMES)
    line: int  # 1 when the gap is the file's (a missing section, an unnamed owner)
    message: str
    blocking: bool = True  # required at the tier the spec was checked at
    required_from: Tier | None = None  # None: advisory at every tier


@dataclass(frozen=True)
class SpecCheck:
    buildable: bool
    gaps: tuple[SpecGap, ...]  # blocking and advisory, by line

    @property
    def blocking(self) -> tuple[SpecGap, ...]:
        return tuple(gap for gap in self.gaps if gap.blocking)


@dataclass(frozen=True)
class _Assessment:
    """What a block of lines says: whether anything real, and the placeholders left."""

    stated: bool
    placeholders: tuple[tuple[int, str | None, str], ...]  # (line, label, marker)


class _Gaps:
    def __init__(self) -> None:
        self.found: list[tuple[str, int, str, Tier | None]] = []
        self.covered: set[int] = set()

    def add(self, section: str, line: int, message: str, tier: Tier | None) -> None:
        self.found.append((section, line, message, tier))
        self.covered.add(line)


def check_spec(spec: Spec, tier: Tier) -> SpecCheck:
    gaps = _Gaps()
    for name in SECTION_NAMES:
        if name not in spec.sections:
            _check_section(spec, name, gaps)
    _check_owner(spec, gaps)
    _check_acceptance(spec, gaps)
    for endpoint in spec.endpoints:
        _check_endpoint(endpoint, gaps)
    _check_rollback(spec, gaps)
    _check_constraints(spec, gaps)
    _check_risk(spec, gaps)
    for name in SECTION_NAMES:
        if name in spec.sections:
            _check_section(spec, name, gaps)
    # by line, then section; on one line in the order found (request before failure)
    unique = sorted(dict.fromkeys(gaps.found), key=lambda g: (g[1], SECTION_NAMES.index(g[0])))
    result = tuple(
        SpecGap(section, line, message, bool(needed and tier.at_least(needed)), needed)
        for section, line, message, needed in unique
    )
    return SpecCheck(not any(gap.blocking for gap in result), result)


# ---- reading values ----------------------------------------------------------------


def _value(line: Line) -> tuple[str | None, str]:
    """(label, value) of a text line: ``- Logs: json`` -> ("Logs", "json")."""
    label = split_label(line.text)
    if label is not None and placeholder(label.name) is None:
        return label.name, label.rest
    # "TODO: pick a limit" is a placeholder, not a part labelled TODO
    return None, strip_item(line.text)[1]


def _assess(lines: Iterable[Line]) -> _Assessment:
    stated = False
    found: list[tuple[int, str | None, str]] = []
    for line in lines:
        if line.kind == "code":
            stated = stated or bool(line.text.strip())
            continue
        if line.kind != "text":
            continue
        if line.text.lstrip().startswith("|"):
            cells = [cell.strip() for cell in line.text.strip().strip("|").split("|")]
            markers = [m for m in (placeholder(cell) for cell in cells) if m]
            if markers:
                found.append((line.number, cells[0] or None, markers[0]))
            elif any(has_words(cell) for cell in cells):
                stated = True
            continue
        label, value = _value(line)
        marker = placeholder(value)
        if marker is not None:
            found.append((line.number, label, marker))
        elif has_words(value):
            stated = True
    return _Assessment(stated, tuple(found))


def _pairs(pairs: Sequence[tuple[int, str]]) -> list[Line]:
    """Part values as lines; the label's own line holds only the text after the label."""
    return [Line(number, text, "text" if text.strip() else "blank") for number, text in pairs]


def _section_lines(section: SpecSection) -> list[Line]:
    return classify(section.lines)


def _parts_of(section: SpecSection, key_of: KeyOf) -> dict[str, list[Line]]:
    found = parts(_section_lines(section), key_of)
    return {key: _pairs(part.values) for key, part in found.items()}


# ---- the checks --------------------------------------------------------------------


def _check_section(spec: Spec, name: str, gaps: _Gaps) -> None:
    title = SECTION_TITLES[name]
    needed = _SECTION_FROM[name]
    section = spec.sections.get(name)
    if section is None:
        if name == "interfaces" and (spec.endpoints or spec.callers):
            return
        gaps.add(name, 1, f"{title}: missing", needed)
        return
    assessment = _assess(_section_lines(section))
    open_placeholders = [p for p in assessment.placeholders if p[0] not in gaps.covered]
    for line, label, marker in open_placeholders:
        what = f"{label.lower()} " if label else ""
        gaps.add(name, line, f"{title}: {what}still a placeholder ({marker})", needed)
    if name == "interfaces" and (spec.endpoints or spec.callers):
        return
    if not assessment.stated and not assessment.placeholders:
        gaps.add(name, section.line, f"{title}: empty", needed)


def _check_owner(spec: Spec, gaps: _Gaps) -> None:
    line = spec.key_lines.get("owner", 1)
    if spec.owner is None or not has_words(spec.owner):
        gaps.add("accountability", line, "owner: not named", _OWNER_FROM)
        return
    marker = placeholder(spec.owner)
    if marker is not None:
        gaps.add("accountability", line, f"owner: still a placeholder ({marker})", _OWNER_FROM)


def _check_acceptance(spec: Spec, gaps: _Gaps) -> None:
    section = spec.sections.get("acceptance")
    if section is None:
        return  # "acceptance criteria: missing" comes from the section check
    items = acceptance_items(_section_lines(section))
    real = 0
    held = False  # a placeholder stands where a criterion should be
    for item in items:
        first = item.texts[0] if item.texts else ""
        marker = placeholder(first)
        if item.id is None:
            if marker is None and has_words(item.text):
                gaps.add(
                    "acceptance",
                    item.line,
                    "acceptance criteria: item has no id (AC-n)",
                    _NO_ID_FROM,
                )
            continue
        rest = [t for t in item.texts[1:] if has_words(t) and placeholder(t) is None]
        if (marker is not None or not has_words(first)) and not rest:
            held = held or marker is not None
            what = f"still a placeholder ({marker})" if marker else "empty"
            gaps.add("acceptance", item.line, f"{item.id}: {what}", E)
            continue
        real += 1
        if not _observable(item.text):
            gaps.add("acceptance", item.line, f"{item.id} has no observable outcome", _VAGUE_FROM)
    if real or held:
        return
    assessment = _assess(_section_lines(section))
    if assessment.placeholders or not assessment.stated:
        return  # the placeholders, or "empty", say it already
    unnumbered = any(item.id is None for item in items)
    message = (
        "acceptance criteria: none has an id (AC-n)"
        if unnumbered
        else "acceptance criteria: none stated as `- AC-1: ...`"
    )
    gaps.add("acceptance", section.line, message, E)


def _observable(text: str) -> bool:
    return bool(re.search(r"\d", text) or _OBSERVABLE.search(text))


def _check_endpoint(endpoint: Endpoint, gaps: _Gaps) -> None:
    for key, title in _PART_TITLES.items():
        needed = _PART_FROM[key]
        written = endpoint.parts.get(key, ())
        assessment = _assess(_pairs(written))
        if assessment.stated:
            continue
        if assessment.placeholders:
            line, _, marker = assessment.placeholders[0]
            message = f"{title}: still a placeholder for {endpoint.name} ({marker})"
            gaps.add("interfaces", line, message, needed)
            continue
        line = endpoint.part_line(key) or endpoint.line
        gaps.add("interfaces", line, f"{title}: not stated for {endpoint.name}", needed)


def _check_rollback(spec: Spec, gaps: _Gaps) -> None:
    assessment = _assess(_pairs(spec.rollback_lines))
    if assessment.stated:
        return
    if assessment.placeholders:
        line, _, marker = assessment.placeholders[0]
        gaps.add(
            "operation", line, f"rollback plan: still a placeholder ({marker})", _ROLLBACK_FROM
        )
        return
    operation = spec.sections.get("operation")
    line = spec.key_lines.get("rollback") or (operation.line if operation else 1)
    gaps.add("operation", line, "rollback plan: missing", _ROLLBACK_FROM)


def _check_constraints(spec: Spec, gaps: _Gaps) -> None:
    section = spec.sections.get("constraints")
    if section is None:
        return  # "constraints: missing" says it
    lines = _section_lines(section)
    for pattern, message in (
        (_PERFORMANCE, "constraints: no performance or cost limit stated"),
        (_DATA, "constraints: no data rule stated"),
    ):
        if _mentions(lines, pattern):
            continue
        left = [p for p in _assess(lines).placeholders if p[1] and pattern.search(p[1])]
        if left:
            continue  # "constraints: performance still a placeholder" says it
        gaps.add("constraints", section.line, message, _LIMITS_FROM)


def _mentions(lines: Sequence[Line], pattern: re.Pattern[str]) -> bool:
    """A stated line that matches: its label, or its value unless the label says the line
    is about something else ("Architecture: api -> service -> storage" is no data rule)."""
    for line in lines:
        if line.kind == "code":
            if pattern.search(line.text):
                return True
            continue
        if line.kind != "text":
            continue
        label, value = _value(line)
        if placeholder(value) is not None or not has_words(value):
            continue
        if label is None:
            if pattern.search(value):
                return True
        elif pattern.search(label) or (not _OTHER_TOPIC.search(label) and pattern.search(value)):
            return True
    return False


def _check_risk(spec: Spec, gaps: _Gaps) -> None:
    section = spec.sections.get("accountability")
    if section is None:
        return  # "accountability: missing" says it

    def key_of(name: str, partial: bool) -> str | None:
        return "risk" if _RISK_LABEL.search(normalise(name)) else None

    written = _parts_of(section, key_of).get("risk")
    if written is not None:
        assessment = _assess(written)
        if assessment.stated:
            return
        if assessment.placeholders:
            line, _, marker = assessment.placeholders[0]
            gaps.add(
                "accountability",
                line,
                f"remaining risk: still a placeholder ({marker})",
                _RISK_FROM,
            )
            return
        gaps.add(
            "accountability",
            written[0].number,
            "remaining risk: nobody named to accept it",
            _RISK_FROM,
        )
        return
    if _mentions(_section_lines(section), re.compile(r"\brisks?\b", re.IGNORECASE)):
        return
    gaps.add(
        "accountability", section.line, "remaining risk: nobody named to accept it", _RISK_FROM
    )


# ---- `prodready spec check` ----------------------------------------------------------

SCHEMA = "prodready.spec-check/1"


@dataclass(frozen=True)
class CheckedSpec:
    spec: Spec
    tier: Tier
    tier_source: str  # "--tier" | "the spec" | the policy file | "the default policy"
    check: SpecCheck


def find_specs(root: Path) -> list[Path]:
    """Every ``specs/*.md`` under ``root``, in name order."""
    directory = root / SPEC_DIR
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.md") if p.is_file())


def check_files(
    files: Sequence[Path], tier: Tier | None, policy_tier: Callable[[], tuple[Tier, str]]
) -> list[CheckedSpec]:
    """Check each spec at ``tier``, else its own front matter tier, else the policy's.

    ``policy_tier`` is called only when a spec names no tier, so checking specs that do
    never reads (or fails on) the policy.
    """
    results: list[CheckedSpec] = []
    for path in files:
        spec = load_spec(path)
        if tier is not None:
            at, source = tier, "--tier"
        elif spec.tier is not None:
            at, source = Tier(spec.tier), "the spec"
        else:
            at, source = policy_tier()
        results.append(CheckedSpec(spec, at, source, check_spec(spec, at)))
    return results


def render_text(results: Sequence[CheckedSpec]) -> str:
    out: list[str] = []
    for result in results:
        path, check = result.spec.path, result.check
        blocking = [g for g in check.gaps if g.blocking]
        advisory = [g for g in check.gaps if not g.blocking]
        verdict = "buildable" if check.buildable else "not buildable"
        counts = f"{len(blocking)} blocking, {len(advisory)} advisory gap(s)"
        out.append(
            f"{path}: {verdict} at tier {result.tier.value} (from {result.tier_source}); {counts}"
        )
        for gap in blocking:
            out.append(f"  {path}:{gap.line}: {gap.message}")
        for gap in advisory:
            when = f"required from {gap.required_from.value}" if gap.required_from else "advisory"
            out.append(f"  {path}:{gap.line}: {gap.message} [{when}]")
    if len(results) > 1:
        failing = sum(1 for r in results if not r.check.buildable)
        out.append(f"{len(results)} specs checked, {failing} not buildable")
    return "\n".join(out) + "\n"


def render_json(results: Sequence[CheckedSpec]) -> str:
    data = {
        "schema": SCHEMA,
        "buildable": all(r.check.buildable for r in results),
        "specs": [
            {
                "path": r.spec.path,
                "title": r.spec.title,
                "tier": r.tier.value,
                "tier_source": r.tier_source,
                "buildable": r.check.buildable,
                "criteria": [c.id for c in r.spec.criteria],
                "endpoints": [e.name for e in r.spec.endpoints],
                "gaps": [
                    {
                        "section": g.section,
                        "line": g.line,
                        "message": g.message,
                        "blocking": g.blocking,
                        "required_from": g.required_from.value if g.required_from else None,
                    }
                    for g in r.check.gaps
                ],
            }
            for r in results
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def run_check(files: Sequence[Path], *, fmt: str, tier: Tier | None, root: Path) -> tuple[str, int]:
    """The report and the exit code of ``prodready spec check`` (1: one is not buildable)."""
    targets = list(files) or find_specs(root)
    if not targets:
        raise UsageError(
            f"no spec to check: {root / SPEC_DIR} has no .md file; "
            "write one with `prodready spec new NAME`"
        )

    def policy_tier() -> tuple[Tier, str]:
        from prodready.known import known_ids
        from prodready.policy import load_policy

        policy = load_policy(root, known_ids())
        return policy.tier, (Path(policy.source).name if policy.source else "the default policy")

    results = check_files(targets, tier, policy_tier)
    text = render_json(results) if fmt == "json" else render_text(results)
    failed = any(not r.check.buildable for r in results)
    return text, EXIT_BLOCK if failed else EXIT_OK
