"""Ownership criteria: for every part of the code, is there someone to ask and to page?"""

from __future__ import annotations

import pathspec

from prodready.context import AuditContext
from prodready.criteria.base import criterion
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier
from prodready.repo.files import is_production_path

_MAX_LISTED = 20
_SOURCE_SUFFIXES = (".py", ".pyi", ".js", ".ts", ".go", ".java", ".rb", ".rs", ".sql")


def _source_files(ctx: AuditContext) -> list[str]:
    return [f for f in ctx.repo.files if f.endswith(_SOURCE_SUFFIXES) and is_production_path(f)]


@criterion(
    "ownership.codeowners",
    "Code has named owners",
    Dimension.OWNERSHIP,
    Layer.ACCOUNTABILITY,
    required_from=Tier.PRODUCTION,
)
def codeowners(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Reads CODEOWNERS (`.github/`, the root or `docs/`; GitHub and GitLab syntax,
        last match wins) and measures the share of production source files that have an
        owner; below `thresholds.min_owned_share` (default 0.8) is a gap. Lines the file
        cannot be parsed at are named.
    Why it matters:
        A change with no owner gets no informed reviewer, and an incident with no owner
        gets no responder. Ownership is the accountability layer made explicit.
    Example:
        `.github/CODEOWNERS` assigns `/api/` only; `worker/` and `billing/` have no
        owner.
    Fix:
        Add CODEOWNERS rules for every top-level component, e.g.
        `/billing/ @acme/payments-team`.
    """
    owners = ctx.codeowners
    if owners is None:
        return Outcome.gap("no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS)")
    files = _source_files(ctx)
    problems = [
        Evidence(f"cannot parse: {what}", owners.path, line) for line, what in owners.problems
    ]
    if not files:
        return Outcome.met(Evidence("CODEOWNERS present", owners.path), *problems[:5])
    unowned = [f for f in files if not ctx.owners_of(f)]
    share = 1 - len(unowned) / len(files)
    floor = ctx.policy.thresholds.min_owned_share
    summary = Evidence(f"{share:.0%} of {len(files)} source files have an owner", owners.path)
    if share >= floor and not problems:
        return Outcome.met(summary)
    listed = _roll_up(unowned)[:_MAX_LISTED]
    if share >= floor:
        return Outcome.gap(
            f"{len(problems)} CODEOWNERS line(s) cannot be parsed", summary, *problems
        )
    return Outcome.gap(
        f"only {share:.0%} of source files have an owner (floor {floor:.0%})",
        summary,
        *listed,
        *problems,
    )


def _roll_up(paths: list[str]) -> list[Evidence]:
    """Name unowned top-level directories rather than thousands of files."""
    dirs: dict[str, list[str]] = {}
    for p in paths:
        top = p.split("/", 1)[0] + "/" if "/" in p else p
        dirs.setdefault(top, []).append(p)
    return [
        Evidence(f"no owner ({len(files)} files)", d)
        if len(files) > 1
        else Evidence("no owner", files[0])
        for d, files in sorted(dirs.items())
    ]


@criterion(
    "ownership.sensitive-paths",
    "Sensitive paths have owners",
    Dimension.OWNERSHIP,
    Layer.ACCOUNTABILITY,
    required_from=Tier.PRODUCTION,
)
def sensitive_paths(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Finds files in the sensitive groups (payments, permissions, data-deletion,
        external-integrations and the gate's own policy; globs configurable under
        `[sensitive]`) and names those CODEOWNERS gives no owner.
    Why it matters:
        A change to refunds or permissions needs a reviewer who knows the domain. Without
        an owner, whoever is free approves it.
    Example:
        `app/billing/refund.py` matches the payments group; CODEOWNERS has no rule for it.
    Fix:
        Add a CODEOWNERS rule for each sensitive area naming the team that answers for it.
    """
    owners = ctx.codeowners
    sensitive: list[tuple[str, str]] = []
    for group, globs in sorted(ctx.policy.sensitive.items()):
        spec = pathspec.GitIgnoreSpec.from_lines(globs)
        for rel in ctx.repo.files:
            if (is_production_path(rel) or group == "policy") and spec.match_file(rel):
                sensitive.append((group, rel))
    if not sensitive:
        return Outcome.not_applicable("no files in the sensitive groups")
    unowned = [(g, f) for g, f in sensitive if not ctx.owners_of(f)]
    if not unowned:
        return Outcome.met(
            Evidence(
                f"all {len(sensitive)} sensitive files have an owner",
                owners.path if owners else None,
            )
        )
    evidence = [Evidence(f"{group}: no owner", rel) for group, rel in unowned[:_MAX_LISTED]]
    groups = sorted({g for g, _ in unowned})
    return Outcome.gap(
        f"{len(unowned)} of {len(sensitive)} sensitive files have no owner ({', '.join(groups)})",
        *evidence,
    )
