"""Findings from other analyzers' SARIF 2.1.0 files (`--sarif other-tool.sarif`).

The gate judges findings on changed lines whoever found them; reading SARIF lets a team
bring Semgrep, CodeQL or Bandit results into the same one-page verdict. Like every evidence
parser it returns a result or raises `EvidenceError`, nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from prodready.evidence._common import (
    ShapeError,
    clip,
    guard,
    json_type,
    parse_json,
    read_evidence,
)
from prodready.model import Finding

_LEVELS = {"error": "error", "warning": "warning", "note": "note", "none": "note"}


def load_sarif(path: Path, repo_root: Path) -> list[Finding]:
    name = str(path)
    with guard(name):
        document = parse_json(read_evidence(path), name)
        if not isinstance(document, dict) or not isinstance(document.get("runs"), list):
            raise ShapeError(f"top level is {json_type(document)} without 'runs': not SARIF")
        findings: list[Finding] = []
        for index, run in enumerate(document["runs"]):
            if not isinstance(run, dict):
                raise ShapeError(f"runs[{index}] is {json_type(run)}, expected an object")
            tool = _tool_name(run)
            for result in run.get("results") or []:
                finding = _finding(result, tool, repo_root)
                if finding is not None:
                    findings.append(finding)
        return findings


def _tool_name(run: dict[str, Any]) -> str:
    driver = (run.get("tool") or {}).get("driver") or {}
    name = driver.get("name") if isinstance(driver, dict) else None
    return str(name) if name else "sarif"


def _finding(result: Any, tool: str, repo_root: Path) -> Finding | None:
    if not isinstance(result, dict):
        return None
    locations = result.get("locations") or []
    if not isinstance(locations, list) or not locations or not isinstance(locations[0], dict):
        return None  # a result without a location cannot be put on a line of the change
    physical = locations[0].get("physicalLocation") or {}
    artifact = physical.get("artifactLocation") or {} if isinstance(physical, dict) else {}
    uri = artifact.get("uri") if isinstance(artifact, dict) else None
    region = physical.get("region") or {} if isinstance(physical, dict) else {}
    if not isinstance(uri, str) or not isinstance(region, dict):
        return None
    start = region.get("startLine")
    if not isinstance(start, int) or start < 1:
        return None
    end = region.get("endLine")
    path = _relative(uri, repo_root)
    if path is None:
        return None
    message = result.get("message") or {}
    text = message.get("text") if isinstance(message, dict) else None
    rule = str(result.get("ruleId") or "unknown")
    level = _LEVELS.get(str(result.get("level") or "warning"), "warning")
    suppressions = result.get("suppressions")
    return Finding(
        rule=f"{tool}:{rule}",
        category="external",
        severity=level,
        confidence="medium",
        path=path,
        line=start,
        end_line=end if isinstance(end, int) and end >= start else start,
        message=clip(str(text or rule)),
        remediation=f"See {tool}'s documentation for {rule}.",
        suppressed=bool(suppressions) and isinstance(suppressions, list),
    )


def _relative(uri: str, repo_root: Path) -> str | None:
    """Repository-relative '/' path of a SARIF artifact URI, or None if outside it."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        raw = unquote(parsed.path if parsed.scheme == "file" else uri)
    else:
        return None
    candidate = Path(raw)
    if candidate.is_absolute():
        try:
            return candidate.resolve().relative_to(repo_root.resolve()).as_posix()
        except (ValueError, OSError):
            return None
    text = candidate.as_posix().removeprefix("./")
    return None if text.startswith("../") else text
