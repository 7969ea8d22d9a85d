"""Known vulnerabilities in dependencies, from a supplied pip-audit or OSV-Scanner report.

prodready does not query vulnerability databases itself (audits must run offline and give
the same answer twice); it judges the report a scanner already produced in CI. Both
scanners' JSON is reduced to one list of (package, version, advisory, fix versions), plus
the packages the scanner admitted it could not check, because a clean report that skipped
half the dependencies is not evidence that they are clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from prodready.evidence._common import (
    ShapeError,
    brief,
    clip,
    guard,
    json_type,
    parse_json,
    read_evidence,
)

FORMAT_PIP_AUDIT = "pip-audit"
FORMAT_OSV_SCANNER = "osv-scanner"

# OSV range types whose "fixed" events are package versions; GIT ranges hold commit hashes.
_VERSION_RANGE_TYPES = frozenset({"ECOSYSTEM", "SEMVER"})


@dataclass(frozen=True)
class Vulnerability:
    """One advisory affecting one installed package version."""

    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fix_versions: tuple[str, ...]  # empty when no fixed release is known
    summary: str


@dataclass(frozen=True)
class VulnReport:
    """A scanner's findings and how much of the dependency set it actually covered."""

    source: str
    format: str  # FORMAT_PIP_AUDIT | FORMAT_OSV_SCANNER
    # pip-audit: dependencies it checked. OSV-Scanner lists only packages with findings
    # unless run with --all-packages, so there this is a lower bound.
    packages_scanned: int
    vulnerabilities: tuple[Vulnerability, ...]
    skipped: tuple[str, ...]  # packages the scanner could not check: evidence is incomplete


def load_vulns(path: Path) -> VulnReport:
    """Read pip-audit or OSV-Scanner ``--format json`` output, recognised by its shape.

    Raises EvidenceError, and nothing else, for anything that is not such a report.
    """
    name = str(path)
    with guard(name):
        document = parse_json(read_evidence(path), name)
        if isinstance(document, list):  # pip-audit before 2.0 wrote a bare dependency list
            return _pip_audit(name, document, "")
        if not isinstance(document, dict):
            raise ShapeError(
                f"JSON top level is {json_type(document)}; expected a pip-audit or "
                "OSV-Scanner JSON report"
            )
        if "dependencies" in document:
            return _pip_audit(name, document["dependencies"], "dependencies")
        if "results" in document:
            return _osv_scanner(name, document["results"])
        raise ShapeError(
            "JSON has no 'dependencies' key (pip-audit) or 'results' key (OSV-Scanner): "
            "not a vulnerability report"
        )


# --- pip-audit -----------------------------------------------------------------------------


def _pip_audit(name: str, dependencies: object, where: str) -> VulnReport:
    found: list[Vulnerability] = []
    skipped: list[str] = []
    scanned = 0
    for index, dependency in enumerate(_array(dependencies, where or "top level")):
        at = f"{where}[{index}]"
        entry = _object(dependency, at)
        package = _string(entry, "name", at)
        if "skip_reason" in entry:
            skipped.append(package)
            continue
        if "vulns" not in entry:
            raise ShapeError(f"{at} has neither 'vulns' nor 'skip_reason'")
        scanned += 1
        version = _string(entry, "version", at)
        for number, vuln in enumerate(_array(entry["vulns"], f"{at}.vulns")):
            vat = f"{at}.vulns[{number}]"
            record = _object(vuln, vat)
            found.append(
                Vulnerability(
                    package=package,
                    version=version,
                    id=_string(record, "id", vat),
                    aliases=_strings(record.get("aliases"), f"{vat}.aliases"),
                    fix_versions=_strings(record.get("fix_versions"), f"{vat}.fix_versions"),
                    summary=_summary(record.get("description"), f"{vat}.description"),
                )
            )
    return VulnReport(name, FORMAT_PIP_AUDIT, scanned, tuple(found), tuple(skipped))


# --- OSV-Scanner ---------------------------------------------------------------------------


def _osv_scanner(name: str, results: object) -> VulnReport:
    """OSV-Scanner output: results per scanned source, packages per result.

    OSV-Scanner reports one record per database (a GHSA and a PYSEC entry for the same
    flaw) and says which belong together in ``groups``; each group becomes one
    Vulnerability so that one flaw is not counted twice.
    """
    found: list[Vulnerability] = []
    seen_packages: set[tuple[str, str, str]] = set()
    for index, result in enumerate(_array(results, "results", nullable=True)):
        at = f"results[{index}]"
        entry = _object(result, at)
        for number, item in enumerate(_array(entry.get("packages"), f"{at}.packages", True)):
            pat = f"{at}.packages[{number}]"
            package_entry = _object(item, pat)
            info = _object(package_entry.get("package"), f"{pat}.package")
            package = _string(info, "name", f"{pat}.package")
            version = _optional_string(info, "version", f"{pat}.package")
            if not version:  # git dependencies are identified by commit instead
                version = _optional_string(info, "commit", f"{pat}.package")
            ecosystem = _optional_string(info, "ecosystem", f"{pat}.package")
            seen_packages.add((ecosystem, package, version))
            records = _osv_records(package_entry.get("vulnerabilities"), f"{pat}.vulnerabilities")
            groups = _osv_groups(package_entry.get("groups"), f"{pat}.groups")
            found.extend(_grouped(records, groups, package, version))
    return VulnReport(name, FORMAT_OSV_SCANNER, len(seen_packages), tuple(found), ())


def _osv_records(value: object, where: str) -> dict[str, dict[str, object]]:
    records: dict[str, dict[str, object]] = {}
    for index, item in enumerate(_array(value, where, nullable=True)):
        record = _object(item, f"{where}[{index}]")
        records.setdefault(_string(record, "id", f"{where}[{index}]"), record)
    return records


def _osv_groups(value: object, where: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    groups: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for index, item in enumerate(_array(value, where, nullable=True)):
        group = _object(item, f"{where}[{index}]")
        ids = _strings(group.get("ids"), f"{where}[{index}].ids")
        aliases = _strings(group.get("aliases"), f"{where}[{index}].aliases")
        groups.append((ids, aliases))
    return groups


def _grouped(
    records: dict[str, dict[str, object]],
    groups: list[tuple[tuple[str, ...], tuple[str, ...]]],
    package: str,
    version: str,
) -> list[Vulnerability]:
    """One Vulnerability per group; records no group mentions stand alone."""
    claimed: set[str] = set()
    clusters: list[tuple[list[str], tuple[str, ...]]] = []
    for ids, group_aliases in groups:
        members = [i for i in ids if i in records and i not in claimed]
        if members:
            claimed.update(members)
            clusters.append((members, group_aliases))
    clusters.extend(([i], ()) for i in records if i not in claimed)

    result: list[Vulnerability] = []
    for members, group_aliases in clusters:
        primary = members[0]
        aliases: dict[str, None] = {}
        fixes: dict[str, None] = {}
        summary = ""
        for member in members:
            record = records[member]
            where = f"vulnerability {brief(member, 80)}"
            aliases.update(dict.fromkeys(_strings(record.get("aliases"), f"{where}.aliases")))
            aliases[member] = None
            fixes.update(dict.fromkeys(_osv_fixes(record, package, where)))
            if not summary:
                summary = _summary(record.get("summary"), f"{where}.summary")
            if not summary:
                summary = _summary(record.get("details"), f"{where}.details")
        aliases.update(dict.fromkeys(group_aliases))
        aliases.pop(primary, None)
        result.append(
            Vulnerability(package, version, primary, tuple(aliases), tuple(fixes), summary)
        )
    return result


def _osv_fixes(record: dict[str, object], package: str, where: str) -> list[str]:
    """Fixed versions of *this* package: an advisory may also cover other packages."""
    fixes: list[str] = []
    entries = [
        _object(item, f"{where}.affected[{i}]")
        for i, item in enumerate(_array(record.get("affected"), f"{where}.affected", True))
    ]
    named = [(e, _get(e.get("package"), "name")) for e in entries]
    if any(isinstance(n, str) for _, n in named):
        wanted = _normalise(package)
        relevant = [e for e, n in named if isinstance(n, str) and _normalise(n) == wanted]
    else:
        relevant = entries
    for i, entry in enumerate(relevant):
        eat = f"{where}.affected[{i}]"
        for j, item in enumerate(_array(entry.get("ranges"), f"{eat}.ranges", True)):
            version_range = _object(item, f"{eat}.ranges[{j}]")
            if version_range.get("type") not in _VERSION_RANGE_TYPES:
                continue
            events = _array(version_range.get("events"), f"{eat}.ranges[{j}].events", True)
            for k, event in enumerate(events):
                fixed = _object(event, f"{eat}.ranges[{j}].events[{k}]").get("fixed")
                if isinstance(fixed, str) and fixed and fixed not in fixes:
                    fixes.append(fixed)
    return fixes


def _normalise(name: str) -> str:
    """Package names compare case- and separator-insensitively (PEP 503; npm/Go are exact
    apart from case, which this does not disturb in practice)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- shape checks --------------------------------------------------------------------------


def _get(mapping: object, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


def _object(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ShapeError(f"{where or 'top level'} is {json_type(value)}, expected an object")
    return value


def _array(value: object, where: str, nullable: bool = False) -> list[object]:
    """A JSON array; with ``nullable``, null and absence mean empty, as Go encoders emit
    ``null`` for empty slices."""
    if value is None and nullable:
        return []
    if not isinstance(value, list):
        raise ShapeError(f"{where} is {json_type(value)}, expected an array")
    return value


def _string(record: dict[str, object], key: str, where: str) -> str:
    if key not in record:
        raise ShapeError(f"{where or 'top level'} has no {key!r}")
    value = record[key]
    if not isinstance(value, str):
        raise ShapeError(f"{where}.{key} is {json_type(value)}, expected a string")
    return clip(value, 500)


def _optional_string(record: dict[str, object], key: str, where: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ShapeError(f"{where}.{key} is {json_type(value)}, expected a string")
    return clip(value, 500)


def _strings(value: object, where: str) -> tuple[str, ...]:
    items = _array(value, where, nullable=True)
    result: dict[str, None] = {}
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise ShapeError(f"{where}[{index}] is {json_type(item)}, expected a string")
        result[clip(item, 500)] = None
    return tuple(result)


def _summary(value: object, where: str) -> str:
    """First line of prose in an advisory text: reports show a line, not an essay.

    Markdown headings and rules are skipped; OSV ``details`` often open with ``### Impact``.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ShapeError(f"{where} is {json_type(value)}, expected a string")
    for line in value.splitlines():
        text = line.strip()
        if text and not text.startswith("#") and not re.fullmatch(r"[-*_=\s]+", text):
            return clip(text)
    return ""
