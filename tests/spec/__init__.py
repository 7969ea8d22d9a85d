"""Shared text for the spec tests: a complete spec, and a way to point at its lines."""

from __future__ import annotations

COMPLETE = """\
---
owner: "@payments-team"
tier: critical
sensitive: [payments]
---
# Refunds for support agents

<!-- written with the template; explanations removed -->

## Intent

Support agents refund a paid order from the order page, so customers stop waiting for
finance. Flow: the agent opens the order, enters an amount and confirms.

## Acceptance criteria

- [ ] AC-1: POST /refunds with a valid amount returns 201 and the refund appears in the
  order's history.
- [ ] AC-2: a refund larger than the amount paid is rejected with 422 and nothing is charged.
- [x] **AC-3:** an agent without the `refunds:write` role gets 403.

## Stop condition

Stop when AC-1 to AC-3 pass in CI. Refunds of shipping fees are out of scope.

## Constraints

- Architecture: the route calls `billing.refunds.issue`; no Stripe call from the web layer.
- Security: amounts and card numbers never appear in logs.
- Data: a refund row is kept 7 years and never deleted.
- Performance: p95 latency under 300 ms; at most one Stripe call per refund.

## Interfaces

### POST /refunds

**Request:** `{"order_id": str, "amount": int}` (cents)
**Response:** 201 `{"refund_id": str, "status": "pending"}`
**Validation:** amount > 0 and at most the amount paid; order_id must exist.
**Authorization:** the caller has the `refunds:write` role for the order's shop.
**Failure:**
- Stripe timeout: 502, the refund stays `pending` and the job retries it.
- Unknown order: 404.

### DELETE /refunds/{id}

#### Request
No body.
#### Response
204.
#### Validation
`id` names a pending refund.
#### Authorization
Only the agent who created it, within 10 minutes.
#### Failure
409 when the refund is no longer pending.

### Callers

- `app/billing.py:charge` (checkout)

## Verification plan

Unit tests for `billing.refunds.issue` with a fake Stripe client; an integration test of
the route; each test names its AC id.

## Operation

- Logs: `refund.issued` with the order id and the refund id.
- Metrics: `refunds_total{outcome}`.
- Alerts: page when failed refunds exceed 5 % for 10 minutes.
- Rollback: turn off the `refunds` flag; there is no migration to undo.

## Accountability

- Owner: @payments-team
- Reviewers: @alice, @bob
- Risk accepted by: @carol (head of payments)
"""


def line_of(text: str, needle: str, start: int = 1) -> int:
    """The 1-based number of the first line from ``start`` on that contains ``needle``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def without(text: str, *needles: str) -> str:
    """The text without every line that contains one of ``needles``."""
    return "\n".join(
        line for line in text.split("\n") if not any(needle in line for needle in needles)
    )


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)
