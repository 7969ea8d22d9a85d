"""In-code suppressions: `# prodready: ignore[ID] reason`.

A suppression is an accepted risk, so it must say why: one without a reason, or one that
suppresses nothing (the code changed and the comment stayed), is itself reported. Suppressed
findings are kept (marked) so SARIF can show them as suppressions rather than hide them.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from prodready.model import Finding

if TYPE_CHECKING:
    from prodready.scan.engine import RawHit
    from prodready.scan.registry import RuleFacts

_MARKER = re.compile(r"#\s*prodready:\s*ignore\[([^\]]*)\]\s*(.*)$")
SUPPRESSION_RULE = "PR000"
SUPPRESSION_CATEGORY = "suppression"


def find_suppressions(source: str) -> list[tuple[int, tuple[str, ...], str]]:
    """(line, ids, reason) for each suppression comment; only real comments count, so a
    string that happens to contain the marker does not suppress anything."""
    if "prodready:" not in source:
        return []
    found: list[tuple[int, tuple[str, ...], str]] = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        match = _MARKER.search(tok.string)
        if match:
            ids = tuple(i.strip() for i in match.group(1).split(",") if i.strip())
            found.append((tok.start[0], ids, match.group(2).strip()))
    return found


def apply_suppressions(
    rel: str,
    hits: Iterable[RawHit],
    suppressions: Sequence[tuple[int, tuple[str, ...], str]],
    rules: Mapping[str, RuleFacts],
) -> list[Finding]:
    findings: list[Finding] = []
    used: set[int] = set()
    for hit in hits:
        rule = rules[hit.rule]
        names = {rule.id, rule.name, rule.category}
        match = next(
            (
                (i, reason)
                for i, (line, ids, reason) in enumerate(suppressions)
                if hit.line <= line <= hit.end_line and names & set(ids)
            ),
            None,
        )
        if match is not None:
            used.add(match[0])
        findings.append(
            Finding(
                rule=rule.id,
                category=rule.category,
                severity=rule.severity,
                confidence=rule.confidence_of(hit.confidence),
                path=rel,
                line=hit.line,
                end_line=hit.end_line,
                message=hit.message,
                remediation=rule.fix,
                suppressed=match is not None and bool(match[1]),
                suppression_reason=match[1] if match is not None and match[1] else None,
            )
        )
    for i, (line, ids, reason) in enumerate(suppressions):
        problem = None
        if not reason:
            what = ", ".join(ids) or "nothing"
            problem = f"suppression of {what} gives no reason; say why the risk is accepted"
        elif i not in used:
            what = ", ".join(ids) or "nothing"
            problem = f"suppression of {what} matches no finding on this line; remove it"
        if problem:
            findings.append(
                Finding(
                    rule=SUPPRESSION_RULE,
                    category=SUPPRESSION_CATEGORY,
                    severity="warning",
                    confidence="high",
                    path=rel,
                    line=line,
                    end_line=line,
                    message=problem,
                    remediation=(
                        "Write `# prodready: ignore[RULE] why this is safe here`, "
                        "or delete the comment."
                    ),
                )
            )
    return sorted(findings, key=lambda f: (f.line, f.rule, f.message))
