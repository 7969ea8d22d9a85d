"""Structural checks shared by the reporter tests (markdown tables, HTML inertness, SARIF).

A module with a name of its own (not ``conftest``) so test files can import it directly.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

MARKDOWN_TAGS = {"details", "summary", "br", "sub"}


def cells(row: str) -> int:
    """Number of cells in a markdown table row, honouring backslash escapes."""
    count, escaped = 0, False
    for ch in row:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "|":
            count += 1
    return count - 1


def tables(text: str) -> list[list[str]]:
    found: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def assert_tables_intact(text: str) -> None:
    for table in tables(text):
        width = cells(table[0])
        assert re.fullmatch(r"(\| --- )+\|", table[1]), table[1]
        for row in table:
            assert cells(row) == width, row
            assert row.endswith(" |"), row


def assert_only_our_html(text: str) -> None:
    tags = {m.group(1).lower() for m in re.finditer(r"</?([a-zA-Z][a-zA-Z0-9-]*)", text)}
    assert tags <= MARKDOWN_TAGS, tags


HTML_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "div", "ul", "li", "section",
    "h2", "h3", "h4", "h5", "code", "span", "dl", "dt", "dd", "details", "summary", "table", "thead",
    "tbody", "tr", "th", "td", "strong", "em", "br", "a", "svg", "rect", "p", "footer", "i",
    "colgroup", "col",
}  # fmt: skip


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.style: list[str] = []  # the content of <style> elements
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.style if self._in_style else self.text).append(data)


def parse(out: str) -> Collector:
    collector = Collector()
    collector.feed(out)
    collector.close()
    return collector


# What would make a browser fetch something. Only markup and styles can: the same words in
# a text node (a repository's `https://` runbook link, an error about `//` paths) are shown.
_FETCHING = ("http:", "https:", "//", "url(", "@import", "@font-face")


def assert_self_contained_and_inert(out: str) -> None:
    assert "<script" not in out.lower()
    doc = parse(out)
    styles = "".join(doc.style).lower()
    for needle in _FETCHING:
        assert needle not in styles, needle
    for tag, attrs in doc.tags:
        assert tag in HTML_TAGS, tag
        for name, value in attrs:
            for needle in _FETCHING:
                assert needle not in (value or "").lower(), (tag, name, value)
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "style", "action", "formaction"), (tag, name)
            if name == "href":
                assert value is not None and value.startswith("#"), value


LEVELS = {"none", "note", "warning", "error"}


def check_message(message: Any) -> None:
    assert isinstance(message, dict)
    assert isinstance(message["text"], str) and message["text"]


def check_location(location: Any) -> None:
    assert isinstance(location, dict)
    physical = location["physicalLocation"]
    uri = physical["artifactLocation"]["uri"]
    assert isinstance(uri, str) and uri
    assert not any(ch in uri for ch in ' <>"`#?\\'), uri  # a URI reference, encoded
    if "region" in physical:
        region = physical["region"]
        assert isinstance(region["startLine"], int) and region["startLine"] >= 1
        end = region.get("endLine", region["startLine"])
        assert isinstance(end, int) and end >= region["startLine"]


def check_sarif(doc: Any) -> None:
    """Required keys and types from the SARIF 2.1.0 schema for what we emit."""
    assert isinstance(doc, dict)
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    assert isinstance(doc["runs"], list) and len(doc["runs"]) == 1
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "prodready"
    assert isinstance(driver["version"], str)
    rules = driver["rules"]
    assert isinstance(rules, list)
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids)), "rule ids are unique"
    for rule in rules:
        assert isinstance(rule["id"], str) and rule["id"]
        check_message(rule["shortDescription"])
        check_message(rule["help"])
        assert rule["defaultConfiguration"]["level"] in LEVELS
        assert all(isinstance(tag, str) for tag in rule["properties"]["tags"])
    for invocation in run.get("invocations", []):
        assert isinstance(invocation["executionSuccessful"], bool)
        for key in ("toolExecutionNotifications", "toolConfigurationNotifications"):
            for note in invocation.get(key, []):
                check_message(note["message"])
                assert note["level"] in LEVELS
                for location in note.get("locations", []):
                    check_location(location)
    assert isinstance(run["results"], list)
    for result in run["results"]:
        assert isinstance(result["ruleId"], str)
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in LEVELS
        check_message(result["message"])
        assert isinstance(result["locations"], list) and len(result["locations"]) == 1
        for location in result["locations"]:
            check_location(location)
        related = result.get("relatedLocations", [])
        assert [r["id"] for r in related] == list(range(1, len(related) + 1))
        for location in related:
            check_location(location)
            check_message(location["message"])
        for suppression in result.get("suppressions", []):
            assert suppression["kind"] in {"inSource", "external"}
            assert isinstance(suppression.get("justification", ""), str)
        assert isinstance(result.get("properties", {}), dict)
