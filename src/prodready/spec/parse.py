"""Read a change spec: Markdown structure and a small YAML front matter, nothing else.

Teams write specs by hand, so the reader accepts the shapes people actually use and
reads only structure, never intent:

* sections are headings matched case-insensitively against common synonyms ("Goal",
  "Test plan", "Rollout", "Definition of done"), at whatever level the author chose;
  a sub-heading belongs to the section above it;
* labelled parts are a sub-heading (``#### Failure``), a bold label (``**Failure:** ...``),
  a line label (``Failure: ...``) or a list item (``- Failure: ...``); the part runs until
  the next part, the next heading or a sibling label of the same shape;
* acceptance criteria are lines (usually list items, checkboxes allowed) that start with
  an id such as ``AC-1``; indented lines below continue them;
* endpoints are headings naming an upper-case HTTP method and a path (``### POST
  /refunds``), inside the interfaces section or on their own;
* HTML comments are not text (the template explains itself in comments), and nothing
  inside a fenced code block is a heading, a label or a criterion.

Errors are for files that cannot be trusted to mean one thing — invalid front matter, an
AC id or an endpoint written twice, bytes that are not UTF-8 — and name the file and the
line. Everything else that is absent or vague is a gap for ``check_spec`` to report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from prodready.model import Tier
from prodready.spec.model import (
    SECTION_NAMES,
    AcceptanceCriterion,
    Endpoint,
    Spec,
    SpecError,
    SpecSection,
)

__all__ = ["load_spec", "parse_spec"]

MAX_SPEC_BYTES = 2_000_000  # a spec is a page or two; anything this large is not one

_SECTION_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "intent": (
        "intent",
        "goal",
        "goals",
        "purpose",
        "motivation",
        "why",
        "problem",
        "problem statement",
        "background",
        "summary",
        "overview",
        "user story",
        "user stories",
    ),
    "acceptance": (
        "acceptance criteria",
        "acceptance criterion",
        "acceptance",
        "acceptance tests",
        "success criteria",
        "criteria",
    ),
    "stop": (
        "stop condition",
        "stop conditions",
        "stopping condition",
        "stopping conditions",
        "stop criteria",
        "when to stop",
        "done when",
        "definition of done",
        "exit criteria",
        "stop",
    ),
    "constraints": (
        "constraints",
        "constraint",
        "guardrails",
        "non-functional requirements",
        "nfr",
        "nfrs",
        "limits",
        "rules",
    ),
    "interfaces": (
        "interfaces",
        "interface",
        "api",
        "apis",
        "api contract",
        "endpoints",
        "contract",
        "contracts",
        "callers",
        "call sites",
    ),
    "verification": (
        "verification plan",
        "verification",
        "test plan",
        "testing plan",
        "testing",
        "tests",
        "how to verify",
    ),
    "operation": (
        "operation",
        "operations",
        "operational plan",
        "operability",
        "observability",
        "monitoring",
        "rollout",
        "rollout plan",
        "deployment",
        "deployment plan",
        "release plan",
        "rollback",
        "rollback plan",
    ),
    "accountability": (
        "accountability",
        "ownership",
        "owners",
        "owner",
        "sign-off",
        "signoff",
        "approvals",
        "risk acceptance",
        "responsibilities",
    ),
}
_PART_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "request": (
        "request",
        "request shape",
        "request body",
        "input",
        "body",
        "params",
        "parameters",
        "payload",
    ),
    "response": ("response", "response shape", "response body", "output", "returns", "result"),
    "validation": ("validation", "validation rules", "input validation", "validates"),
    "authorization": (
        "authorization",
        "authorisation",
        "authorization rule",
        "authorisation rule",
        "authz",
        "auth",
        "access",
        "access control",
        "permissions",
        "permission",
        "who can call",
    ),
    "failure": (
        "failure",
        "failures",
        "failure behaviour",
        "failure behavior",
        "failure modes",
        "on failure",
        "errors",
        "error handling",
        "error responses",
        "error cases",
    ),
}
_ROLLBACK = ("rollback", "rollback plan", "roll back", "roll-back", "how to roll back", "undo")
_CALLERS = ("callers", "call sites", "callers that must keep working")
_OWNER = ("owner", "owners", "accountable owner", "service owner", "accountable", "dri")

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# "- x", "1. x", "- [ ] x"; a bare "204." is a number, not an empty ordered item
_ITEM = re.compile(r"^(?:[-*+](?:[ \t]+|$)|\d{1,9}[.)][ \t]+)(?:\[[ xX]\](?:[ \t]+|$))?")
_PLAIN_LABEL = re.compile(r"^([A-Za-z][A-Za-z0-9 /&'(),+-]{0,39}?)[ \t]*:(?:[ \t]+(.*)|)$")
_BOLD = re.compile(r"^(\*\*|__)(.+?)\1(.*)$")
_AC_ID = re.compile(r"^(?:\*\*|__|`)?AC-?(\d{1,6})(?![\w-])", re.IGNORECASE)
_ENDPOINT = re.compile(r"(?<![A-Za-z])(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)[ \t]+`?(/[^\s`]*)")
_CALLER = re.compile(r"[\w./\\-]+:[\w.<>]+")
_MARKER = re.compile(r"^(TODO|TBD|TBC|TBA|FIXME|XXX)(?![\w])")
_ELLIPSIS = re.compile(r"\.{3,}|…|\?+")
_ANGLE = re.compile(r"<[^<>:@/]{1,80}>")


# ---- lines -------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the spec body, classified once so every reader agrees on it."""

    number: int
    text: str  # HTML comments removed, trailing space stripped
    kind: str  # "heading" | "text" | "code" | "fence" | "blank"
    level: int = 0  # heading level
    title: str = ""  # heading text

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())


@dataclass(frozen=True)
class Label:
    name: str
    rest: str  # the text after the label on the same line
    shape: tuple[bool, int]  # (a list item?, indentation): siblings share a shape


def classify(pairs: Iterable[tuple[int, str]]) -> list[Line]:
    """Classify (line, text) pairs: headings, fenced code, text and blank lines.

    Used on the raw file by the parser and on a section's lines by the checker, so a
    ``# comment`` in a code block is never a heading for either of them.
    """
    out: list[Line] = []
    fence: str | None = None
    for number, text in pairs:
        text = text.rstrip()
        if fence is not None:
            if _closes(text, fence):
                fence = None
                out.append(Line(number, text, "fence"))
            else:
                out.append(Line(number, text, "code"))
            continue
        fence = _opens(text)
        if fence is not None:
            out.append(Line(number, text, "fence"))
            continue
        heading = _HEADING.match(text)
        if heading:
            title = _CLOSING_HASHES.sub("", heading.group(2) or "").strip()
            out.append(Line(number, text, "heading", len(heading.group(1)), title))
        elif text.strip():
            out.append(Line(number, text, "text"))
        else:
            out.append(Line(number, text, "blank"))
    return out


def _opens(text: str) -> str | None:
    """The fence a line opens (CommonMark: no backtick in a backtick fence's info)."""
    opening = _FENCE.match(text)
    if opening is None or (opening.group(1)[0] == "`" and "`" in opening.group(2)):
        return None
    return opening.group(1)


def _closes(text: str, fence: str) -> bool:
    closing = _FENCE.match(text)
    return bool(
        closing
        and closing.group(1)[0] == fence[0]
        and len(closing.group(1)) >= len(fence)
        and not closing.group(2).strip()
    )


def _without_comments(lines: Sequence[str], start: int) -> list[tuple[int, str]]:
    """Blank out HTML comments (across lines), except inside fenced code blocks."""
    out: list[tuple[int, str]] = []
    in_comment = False
    fence: str | None = None
    for index in range(start, len(lines)):
        text = lines[index]
        if fence is not None:
            if _closes(text, fence):
                fence = None
            out.append((index + 1, text))
            continue
        if not in_comment:
            fence = _opens(text)
            if fence is not None:
                out.append((index + 1, text))
                continue
        kept: list[str] = []
        rest = text
        while rest:
            if in_comment:
                end = rest.find("-->")
                if end < 0:
                    rest = ""
                else:
                    rest = rest[end + 3 :]
                    in_comment = False
            else:
                begin = rest.find("<!--")
                if begin < 0:
                    kept.append(rest)
                    rest = ""
                else:
                    kept.append(rest[:begin])
                    rest = rest[begin + 4 :]
                    in_comment = True
        out.append((index + 1, "".join(kept)))
    return out


def strip_item(text: str) -> tuple[bool, str]:
    """(is a list item, the text without its marker and checkbox)."""
    stripped = text.strip()
    marker = _ITEM.match(stripped)
    if marker:
        return True, stripped[marker.end() :].strip()
    return False, stripped


def split_label(text: str) -> Label | None:
    """The label of a line (``**Failure:** x``, ``Failure: x``, ``- Failure: x``), if any."""
    indent = len(text) - len(text.lstrip())
    is_item, body = strip_item(text)
    bold = _BOLD.match(body)
    name: str | None = None
    rest = ""
    if bold:
        inner, after = bold.group(2).strip(), bold.group(3)
        if inner.endswith(":"):
            name, rest = inner[:-1], after.strip()
        elif after.lstrip().startswith(":"):
            name, rest = inner, after.lstrip()[1:].strip()
        elif not after.strip():
            name = inner
    else:
        plain = _PLAIN_LABEL.match(body)
        if plain:
            name, rest = plain.group(1), (plain.group(2) or "").strip()
    if name is None:
        return None
    name = name.strip(" *_`")
    if not name or len(name) > 40 or len(name.split()) > 6 or "*" in name:
        return None
    return Label(name, rest, (is_item, indent))


def normalise(title: str) -> str:
    """Lower case, no emphasis, numbering or trailing punctuation: for synonym lookup."""
    text = title.lower().replace("\u2019", "'").replace("`", "").replace("*", "").replace("_", " ")
    text = re.sub(r"^\s*(?:\d{1,3}|[a-z])[.)]\s+", "", text)
    text = re.sub(r"[^a-z0-9 '/&-]+", " ", text)
    return " ".join(text.split())


def lookup(title: str, table: Mapping[str, Iterable[str]], *, prefix: bool) -> str | None:
    """The key whose synonym is the title, or (with ``prefix``) starts it as whole words."""
    name = normalise(title)
    if not name:
        return None
    best: tuple[int, str] | None = None
    for key, synonyms in table.items():
        for synonym in synonyms:
            if name == synonym:
                return key
            if (
                prefix
                and name.startswith(synonym)
                and not name[len(synonym)].isalnum()
                and (best is None or len(synonym) > best[0])
            ):
                best = (len(synonym), key)
    return best[1] if best else None


def placeholder(value: str) -> str | None:
    """The placeholder a value still is (``TODO``, ``TBD``, ``...``, ``<goal>``), or None.

    Markers are upper case only, so "a todo list" is text and "TODO: pick a limit" is not.
    """
    text = value.strip().strip("*_`[]() ").strip()
    if not text:
        return None
    marker = _MARKER.match(text)
    if marker:
        return marker.group(1)
    if _ELLIPSIS.fullmatch(text) or _ANGLE.fullmatch(text):
        return text
    return None


def has_words(value: str) -> bool:
    return bool(re.search(r"[^\W_]", value))


# ---- labelled parts ----------------------------------------------------------------


@dataclass
class Part:
    key: str
    line: int  # the label or sub-heading
    # (line, text): the label's own line first (the text after the label, maybe ""),
    # then every line of the part
    values: list[tuple[int, str]] = field(default_factory=list)

    @property
    def text(self) -> str | None:
        text = "\n".join(value for _, value in self.values if value.strip())
        return text or None


KeyOf = Callable[[str, bool], "str | None"]  # (label, partial match allowed) -> part key


def parts(lines: Sequence[Line], key_of: KeyOf) -> dict[str, Part]:
    """Labelled parts of a block, keyed by ``key_of(label, partial)``.

    A part runs until the next part, a heading at its own level or above, or a sibling
    label of the same shape. Inside a part, a label of another shape (an item of the
    part's own list, "- Auth token expired: 401" under "**Failure:**") opens a new part
    only when it is exactly a part's name and is not indented below the opener, so a
    failure list never turns into an authorization rule by accident.
    """
    found: dict[str, Part] = {}
    current: Part | None = None
    shape: tuple[bool, int] | None = None
    heading_level = 0
    for line in lines:
        if line.kind == "heading":
            key = key_of(line.title, True)
            if key is not None:
                current = found.setdefault(key, Part(key, line.number))
                current.values.append((line.number, ""))
                shape, heading_level = None, line.level
            elif current is not None and (heading_level == 0 or line.level <= heading_level):
                current = None
            elif current is not None:
                current.values.append((line.number, line.text.strip()))
            continue
        if line.kind in ("blank", "fence"):
            continue
        if line.kind == "code":
            if current is not None:
                current.values.append((line.number, line.text.strip()))
            continue
        label = split_label(line.text)
        if label is not None:
            sibling = current is None or shape is None or label.shape == shape
            nested = shape is not None and label.shape[1] > shape[1]
            key = key_of(label.name, sibling) if sibling or not nested else None
            if key is not None:
                current = found.setdefault(key, Part(key, line.number))
                current.values.append((line.number, label.rest))
                shape, heading_level = label.shape, 0
                continue
            if current is not None and shape is not None and label.shape == shape:
                current = None
                continue
        if current is not None:
            current.values.append((line.number, line.text.strip()))
    return found


def part_key(table: Mapping[str, Iterable[str]]) -> KeyOf:
    return lambda name, partial: lookup(name, table, prefix=partial)


# ---- acceptance criteria -----------------------------------------------------------


@dataclass
class Item:
    """A criterion-like entry of the acceptance section; ``id`` is None when it has none."""

    line: int
    id: str | None
    texts: list[str]
    indent: int
    listed: bool  # a list item, not a paragraph or heading

    @property
    def text(self) -> str:
        return "\n".join(t for t in self.texts if t)


def acceptance_items(lines: Sequence[Line]) -> list[Item]:
    """Criteria (with an id) and unnumbered list items of the acceptance section."""
    items: list[Item] = []
    current: Item | None = None
    for line in lines:
        if line.kind in ("blank", "fence"):
            continue
        if line.kind == "heading":
            found = _AC_ID.match(line.title)
            current = None
            if found:
                current = Item(line.number, f"AC-{found.group(1)}", [], -1, False)
                current.texts.append(_after_id(line.title[found.end() :]))
                items.append(current)
            continue
        listed, body = strip_item(line.text)
        found = _AC_ID.match(body) if line.kind == "text" else None
        if found:
            current = Item(line.number, f"AC-{found.group(1)}", [], line.indent, listed)
            current.texts.append(_after_id(body[found.end() :]))
            items.append(current)
            continue
        if current is not None and (
            line.indent > current.indent or (not current.listed and not listed)
        ):
            current.texts.append(line.text.strip())
            continue
        current = None
        if listed and line.kind == "text":
            current = Item(line.number, None, [body], line.indent, True)
            items.append(current)
    return items


def _after_id(rest: str) -> str:
    return rest.lstrip(" \t*_`:.)-\u2013\u2014").strip()


# ---- front matter ------------------------------------------------------------------


def _front_matter(lines: Sequence[str], path: str) -> tuple[dict[str, Any], dict[str, int], int]:
    """(values, line of each key, index of the first body line)."""
    if not lines or lines[0].rstrip() != "---":
        return {}, {}, 0
    end = next(
        (i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")),
        None,
    )
    if end is None:
        raise SpecError(path, 1, "front matter starting here is not closed by a '---' line")
    source = "\n".join(lines[1:end])
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(source)
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        raise SpecError(path, line, _yaml_reason(exc)) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, OverflowError) as exc:
        reason = " ".join(str(exc).split())
        raise SpecError(path, 1, f"invalid front matter YAML: {reason}") from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        return {}, {}, end + 1
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise SpecError(path, 2, "front matter must be `key: value` lines (owner, tier, sensitive)")
    key_lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            continue
        line = key_node.start_mark.line + 2
        if key in key_lines:
            raise SpecError(
                path,
                line,
                f"front matter key {key!r} is written twice (first on line {key_lines[key]})",
            )
        key_lines[key] = line
    return {k: v for k, v in data.items() if isinstance(k, str)}, key_lines, end + 1


def _yaml_reason(exc: yaml.MarkedYAMLError) -> str:
    reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
    hint = ""
    if "'@'" in reason or "'`'" in reason:
        hint = ' (quote a handle: owner: "@team")'
    return f"invalid front matter YAML: {' '.join((reason or str(exc)).split())}{hint}"


def _owner(value: object, path: str, line: int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(v.strip() for v in value if v.strip()) or None
    raise SpecError(path, line, 'owner: expected a name or a handle such as "@team"')


def _tier(value: object, path: str, line: int | None) -> str | None:
    if value is None:
        return None
    allowed = [t.value for t in Tier]
    if isinstance(value, str) and value.strip().lower() in allowed:
        return value.strip().lower()
    raise SpecError(path, line, f"tier: {value!r} is not one of {', '.join(allowed)}")


def _sensitive(value: object, path: str, line: int | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
    raise SpecError(path, line, "sensitive: expected a list of group names such as [payments]")


# ---- the document ------------------------------------------------------------------


def _section_of(line: Line) -> str | None:
    # The document's own title ("# Interface for refunds") is not a section, so a partial
    # match only counts below level 1.
    return lookup(line.title, _SECTION_SYNONYMS, prefix=line.level > 1)


def _end_of(body: Sequence[Line], index: int, limit: int | None = None) -> int:
    level = body[index].level
    stop = len(body) if limit is None else limit
    for j in range(index + 1, stop):
        if body[j].kind == "heading" and body[j].level <= level:
            return j
    return stop


def load_spec(path: Path) -> Spec:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(name, None, f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(name, None, f"larger than {MAX_SPEC_BYTES} bytes; not a spec")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SpecError(
            name, line, f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded"
        ) from None
    return parse_spec(text, name)


def parse_spec(text: str, path: str) -> Spec:
    raw = [line.removesuffix("\r") for line in text.removeprefix("\ufeff").split("\n")]
    meta, key_lines, start = _front_matter(raw, path)
    body = classify(_without_comments(raw, start))

    ranges: dict[str, list[tuple[int, int]]] = {}
    loose_endpoints: list[tuple[int, int]] = []
    title: str | None = None
    claimed = 0
    for index, line in enumerate(body):
        if index < claimed or line.kind != "heading":
            continue
        name = _section_of(line)
        if name is not None:
            claimed = _end_of(body, index)
            ranges.setdefault(name, []).append((index, claimed))
        elif _ENDPOINT.search(line.title):
            claimed = _end_of(body, index)
            loose_endpoints.append((index, claimed))
        elif line.level == 1 and title is None:
            title = line.title

    sections: dict[str, SpecSection] = {}
    for name in SECTION_NAMES:
        if name in ranges:
            sections[name] = _section(name, body, ranges[name])

    endpoints: list[Endpoint] = []
    callers: list[str] = []
    for start_index, end_index in ranges.get("interfaces", []):
        heading = body[start_index]
        if lookup(heading.title, {"callers": _CALLERS}, prefix=True):
            callers += _callers(body[start_index + 1 : end_index])
            continue
        rest = _interfaces(body, start_index + 1, end_index, endpoints)
        found = parts(rest, part_key({"callers": _CALLERS}))
        if "callers" in found:
            callers += _callers_of(found["callers"])
    for start_index, end_index in loose_endpoints:
        endpoints.append(_endpoint(body, start_index, end_index))
    _no_duplicates(path, endpoints)

    criteria = _criteria(path, body, ranges.get("acceptance", []))
    rollback = _rollback(body, ranges.get("operation", []))
    if rollback is not None:
        key_lines["rollback"] = rollback.line
    owner = _owner(meta.get("owner"), path, key_lines.get("owner"))
    if owner is None:
        owner, owner_line = _owner_from_accountability(body, ranges.get("accountability", []))
        if owner_line is not None and (owner is not None or "owner" not in key_lines):
            key_lines["owner"] = owner_line
    return Spec(
        path=path,
        owner=owner,
        tier=_tier(meta.get("tier"), path, key_lines.get("tier")),
        sensitive=_sensitive(meta.get("sensitive"), path, key_lines.get("sensitive")),
        sections=MappingProxyType(sections),
        criteria=tuple(criteria),
        endpoints=tuple(endpoints),
        callers=tuple(dict.fromkeys(callers)),
        rollback=rollback.text if rollback else None,
        title=title,
        key_lines=MappingProxyType(key_lines),
        rollback_lines=tuple(rollback.values) if rollback else (),
    )


def _section(name: str, body: Sequence[Line], spans: Sequence[tuple[int, int]]) -> SpecSection:
    chunks: list[str] = []
    pairs: list[tuple[int, str]] = []
    for start, end in spans:
        block = [line.text for line in body[start + 1 : end]]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(block)).strip("\n")
        if text:
            chunks.append(text)
        pairs += [(line.number, line.text) for line in body[start + 1 : end] if line.text.strip()]
    return SpecSection(name, body[spans[0][0]].number, "\n\n".join(chunks), tuple(pairs))


def _interfaces(
    body: Sequence[Line], start: int, end: int, endpoints: list[Endpoint]
) -> list[Line]:
    """Collect the endpoints of an interfaces section; return the lines outside them."""
    rest: list[Line] = []
    index = start
    while index < end:
        line = body[index]
        if line.kind == "heading" and _ENDPOINT.search(line.title):
            stop = _end_of(body, index, end)
            endpoints.append(_endpoint(body, index, stop))
            index = stop
            continue
        rest.append(line)
        index += 1
    return rest


def _endpoint(body: Sequence[Line], start: int, end: int) -> Endpoint:
    heading = body[start]
    found = _ENDPOINT.search(heading.title)
    assert found is not None  # callers only pass endpoint headings
    got = parts(body[start + 1 : end], part_key(_PART_SYNONYMS))

    def text(key: str) -> str | None:
        part = got.get(key)
        return part.text if part else None

    return Endpoint(
        method=found.group(1),
        path=found.group(2).rstrip(".,;:"),
        line=heading.number,
        request=text("request"),
        response=text("response"),
        validation=text("validation"),
        authorization=text("authorization"),
        failure=text("failure"),
        parts=MappingProxyType({key: tuple(part.values) for key, part in got.items()}),
    )


def _no_duplicates(path: str, endpoints: Sequence[Endpoint]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for endpoint in endpoints:
        key = (endpoint.method, endpoint.path)
        if key in seen:
            raise SpecError(
                path,
                endpoint.line,
                f"endpoint {endpoint.name} is specified twice (first on line {seen[key]})",
            )
        seen[key] = endpoint.line


def _callers(lines: Sequence[Line]) -> list[str]:
    found: list[str] = []
    for line in lines:
        listed, body = strip_item(line.text)
        if line.kind == "text" and listed:
            caller = _caller(body)
            if caller:
                found.append(caller)
    return found


def _callers_of(part: Part) -> list[str]:
    """Callers under a ``Callers:`` label: listed on its line, or one per item below."""
    (_, first), *below = part.values
    found = [_caller(piece) for piece in first.split(",")]
    found += [_caller(strip_item(text)[1]) for _, text in below]
    return [caller for caller in found if caller]


def _caller(text: str) -> str | None:
    """``path:function`` (or a code span, or a dotted or slashed name) from an item."""
    if placeholder(text):
        return None
    code = re.search(r"`([^`]+)`", text)
    if code:
        return code.group(1).strip()
    named = _CALLER.search(text) or re.search(r"[\w-]+(?:[./][\w-]+)+", text)
    return named.group(0).rstrip(".,;:") if named else None


def _criteria(
    path: str, body: Sequence[Line], spans: Sequence[tuple[int, int]]
) -> list[AcceptanceCriterion]:
    criteria: list[AcceptanceCriterion] = []
    seen: dict[str, int] = {}
    for start, end in spans:
        for item in acceptance_items(body[start + 1 : end]):
            if item.id is None:
                continue
            if item.id in seen:
                raise SpecError(
                    path,
                    item.line,
                    f"acceptance criterion {item.id} is used twice (first on line "
                    f"{seen[item.id]}); each criterion needs its own id",
                )
            seen[item.id] = item.line
            criteria.append(AcceptanceCriterion(item.id, item.text, item.line))
    return criteria


def _rollback(body: Sequence[Line], spans: Sequence[tuple[int, int]]) -> Part | None:
    """The rollback plan: a ``Rollback:`` part of the operation section, or a whole
    section of its own ("## Rollback plan")."""
    found: Part | None = None
    for start, end in spans:
        heading = body[start]
        part: Part | None
        if lookup(heading.title, {"rollback": _ROLLBACK}, prefix=True):
            part = Part("rollback", heading.number, [(heading.number, "")])
            part.values += [
                (line.number, line.text.strip())
                for line in body[start + 1 : end]
                if line.kind not in ("blank", "fence")
            ]
        else:
            part = parts(body[start + 1 : end], part_key({"rollback": _ROLLBACK})).get("rollback")
        if part is None:
            continue
        if found is None:
            found = part
        else:
            found.values += part.values
    return found


def _owner_from_accountability(
    body: Sequence[Line], spans: Sequence[tuple[int, int]]
) -> tuple[str | None, int | None]:
    """The accountability section's ``Owner:`` part: (first line of it, its line)."""
    for start, end in spans:
        part = parts(body[start + 1 : end], part_key({"owner": _OWNER})).get("owner")
        if part is not None:
            if part.text:
                name = strip_item(part.text.splitlines()[0])[1].strip("*_ ")
                return name or None, part.line
            return None, part.line
    return None, None
