"""Gate items about people: who approved the change, and whether sensitive changes had a
reviewer with context."""

from __future__ import annotations

from prodready.criteria.base import criterion
from prodready.gate.context import GateContext
from prodready.gate.registry import GATE_ITEMS
from prodready.gate.review import is_owner_approved
from prodready.gate.sensitive import groups_touched
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier

_MAX = 25


def _approvals(ctx: GateContext) -> list[str]:
    if ctx.reviews is None:
        return []
    return list(ctx.reviews.approvers)


@criterion(
    "gate.review",
    "Approved by the owners of what changed",
    Dimension.OWNERSHIP,
    Layer.ACCOUNTABILITY,
    required_from=Tier.PRODUCTION,
    registry=GATE_ITEMS,
)
def review(ctx: GateContext) -> Outcome:
    """
    What it does:
        Collects approvals from `--reviewer`, `Reviewed-by:`/`Approved-by:` commit
        trailers and a GitHub `pull_request_review` event (`--github-event`); the author
        never counts (nor a trailer in which a commit's author approves their own commit).
        Each changed path's CODEOWNERS owners (read from the base revision, so a change
        cannot appoint its own reviewers; a renamed file's old path too) must be among the
        approvers. With no approval and an event file that could not be used, `unknown`.
    Why it matters:
        The owners are the people who will be paged for this code; a change they never
        saw is a change nobody is accountable for.
    Example:
        `app/billing/refund.py` is owned by `@acme/payments`; the only approval is from
        `@bob`.
    Fix:
        Request a review from the owners named in the report, or record an approval with
        `--reviewer @owner` (or a `Reviewed-by:` trailer) once they have approved.
    """
    approvals = ctx.reviews.approvals if ctx.reviews else ()
    unapproved: dict[tuple[str, ...], list[str]] = {}
    for f in ctx.change.files:
        # a renamed file answers to the owners of where it came from as well
        for path in dict.fromkeys(p for p in (f.path, f.old_path) if p):
            owners = ctx.owners_of(path)
            if owners and not is_owner_approved(owners, approvals):
                unapproved.setdefault(owners, []).append(path)
    gaps = [
        Evidence(
            f"owned by {' '.join(owners)}, none of whom approved"
            + (f" ({len(paths)} changed paths)" if len(paths) > 1 else ""),
            paths[0],
        )
        for owners, paths in sorted(unapproved.items())
    ]
    if not approvals:
        missing = "no approval recorded (--reviewer, Reviewed-by: trailer or a review event)"
        if ctx.review_event_problem:
            return Outcome.unknown(
                f"{missing}; the review event could not be used: {ctx.review_event_problem}",
                *gaps[:_MAX],
            )
        return Outcome.gap(missing, *gaps[:_MAX])
    evidence = [Evidence(f"approved by {a.reviewer} ({a.evidence})") for a in approvals[:5]]
    if ctx.codeowners is None:
        return Outcome.met(*evidence, Evidence("no CODEOWNERS at the base revision"))
    if not unapproved:
        return Outcome.met(
            *evidence, Evidence("every changed path's owners approved", ctx.codeowners.path)
        )
    return Outcome.gap(
        f"{sum(len(p) for p in unapproved.values())} changed path(s) lack their owners' approval",
        *gaps[:_MAX],
        *evidence,
    )


@criterion(
    "gate.sensitive-review",
    "A second reviewer with context on sensitive changes",
    Dimension.OWNERSHIP,
    Layer.ACCOUNTABILITY,
    required_from=Tier.PRODUCTION,
    registry=GATE_ITEMS,
)
def sensitive_review(ctx: GateContext) -> Outcome:
    """
    What it does:
        Decides whether the change is sensitive: it touches a sensitive group by path
        (policy globs: payments, permissions, data-deletion, external-integrations, the
        gate's policy) or by code signal in its added lines (payment SDK calls, permission
        and role checks, deletes and drops of stored data, new outbound calls, a change to
        the policy). A sensitive change needs two approvals, one of them from an owner of
        a sensitive path it touches. The report names the groups, files and signals.
    Why it matters:
        One reviewer checks that code works; a second with context checks that it is
        safe to run with money, permissions or other people's data.
    Example:
        A change adds `stripe.Refund.create(` in `app/orders.py` with one approval.
    Fix:
        Ask an owner of the sensitive area for a second review, or reduce the change so
        it no longer touches the sensitive code.
    """
    hits = ctx.sensitive
    if not hits:
        return Outcome.not_applicable(
            "the change touches no sensitive group by path or code signal"
        )
    groups = groups_touched(hits)
    named = [Evidence(f"{h.group}: {h.reason}", h.path, h.line) for h in hits[:_MAX]]
    approvals = ctx.reviews.approvals if ctx.reviews else ()
    approvers = _approvals(ctx)
    # the owners of the sensitive path itself: a file moved out of billing/ answers to
    # billing's owners, not to those of wherever it went
    owner_paths = sorted({h.matched or h.path for h in hits})
    owners = sorted({o for p in owner_paths for o in ctx.owners_of(p)})
    has_context = bool(owners) and is_owner_approved(owners, approvals)
    if len(approvers) >= 2 and (has_context or not owners):
        who = ", ".join(approvers)
        note = (
            "" if owners else " (no CODEOWNERS owner for these paths, any second reviewer counts)"
        )
        return Outcome.met(Evidence(f"approved by {who}{note}"), *named)
    if len(approvers) < 2:
        need = f"{len(approvers)} approval(s); a sensitive change ({', '.join(groups)}) needs two"
    else:
        need = f"no approval from an owner of the sensitive paths ({' '.join(owners)})"
    return Outcome.gap(need, *named)
