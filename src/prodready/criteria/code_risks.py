"""Criteria fed by the scan rules: what the code itself shows about production risks.

The rules' findings are the evidence (file, line, message); a finding suppressed in code
with a reason is accepted risk and does not count, but the evidence says how many there are.
"""

from __future__ import annotations

from prodready.context import AuditContext
from prodready.criteria.base import criterion
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier

_MAX_LISTED = 25
SECURITY_CATEGORIES = frozenset(
    {
        "missing-authn",
        "idor",
        "unvalidated-input",
        "sql-injection",
        "hardcoded-secret",
        "sensitive-logging",
    }
)
RESILIENCE_CATEGORIES = frozenset({"timeout", "retry-idempotency", "unbounded-queue"})
ERROR_CATEGORIES = frozenset({"swallowed-exception"})


def _judge(ctx: AuditContext, categories: frozenset[str], what: str) -> Outcome:
    if not any(True for _ in ctx.python.production()):
        return Outcome.not_applicable("no production Python code to analyse")
    relevant = [f for f in ctx.findings if f.category in categories]
    unsuppressed = [f for f in relevant if not f.suppressed]
    active = [f for f in unsuppressed if ctx.policy.blocks_on(f.confidence)]
    advisory = [f for f in unsuppressed if not ctx.policy.blocks_on(f.confidence)]
    suppressed = len(relevant) - len(unsuppressed)
    note = (
        [Evidence(f"{suppressed} finding(s) suppressed in code with a reason")]
        if suppressed
        else []
    )
    note += [
        Evidence(f"to review ({f.confidence} confidence): {f.rule} {f.message}", f.path, f.line)
        for f in advisory[:_MAX_LISTED]
    ]
    if not active:
        return Outcome.met(Evidence(f"no {what} found by the scan rules"), *note)
    evidence = [
        Evidence(f"{f.rule} {f.category}: {f.message}", f.path, f.line)
        for f in active[:_MAX_LISTED]
    ]
    return Outcome.gap(f"{len(active)} {what} in production code", *evidence, *note)


@criterion(
    "security.code-risks",
    "No security risks found in the code",
    Dimension.SECURITY,
    Layer.CONSTRAINTS,
    required_from=Tier.PRODUCTION,
)
def security_code_risks(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Runs the scan rules for missing authentication, IDOR, unvalidated input reaching
        dangerous sinks, SQL injection, hard-coded secrets and sensitive data in logs over
        the production code and names each finding with its line (`prodready explain
        PR105` and friends document each rule).
    Why it matters:
        These are the gaps assistant-written code ships with most often: the endpoint
        works, the tests pass, and anyone can delete anyone's data.
    Example:
        `app/api/orders.py:42 PR106 idor: Order loaded by order_id from the URL is returned
        without checking it belongs to the current user`.
    Fix:
        Fix each finding as its rule's documentation says, or suppress it in code with
        `# prodready: ignore[RULE] reason` when the risk is understood and accepted.
        Findings of rules below the policy's `[scan] blocking_confidence` (default
        "high") are listed to review but do not count as a gap.
    """
    return _judge(ctx, SECURITY_CATEGORIES, "security risk(s)")


@criterion(
    "arch.resilience",
    "Outbound calls and queues are bounded",
    Dimension.ARCHITECTURE,
    Layer.CONSTRAINTS,
    required_from=Tier.PRODUCTION,
)
def resilience(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Runs the scan rules for network calls without a timeout, retries of
        non-idempotent operations without an idempotency key, and unbounded queues, and
        names each finding with its line.
    Why it matters:
        Each one turns a slow or flaky dependency into an outage: workers pile up waiting,
        a retried payment charges twice, memory fills until the process dies.
    Example:
        `app/payments.py:18 PR101 timeout: requests.post() has no timeout`.
    Fix:
        Add timeouts sized to the caller's budget, idempotency keys created once per
        operation, and bounds on queues.
    """
    return _judge(ctx, RESILIENCE_CATEGORIES, "resilience risk(s)")


@criterion(
    "obs.error-handling",
    "Errors are not swallowed",
    Dimension.OBSERVABILITY,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
)
def error_handling(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Runs the swallowed-exception rule: broad `except` handlers that neither re-raise,
        log, report nor use the exception.
    Why it matters:
        A swallowed exception is an incident nobody hears about: the request "succeeds",
        the data is wrong, and there is no log line to start from.
    Example:
        `except Exception: pass` around the call that saves an order.
    Fix:
        Catch the narrow exception you expect, or log it with `logger.exception(...)` and
        re-raise or return an error the caller can see.
    """
    return _judge(ctx, ERROR_CATEGORIES, "swallowed exception(s)")
