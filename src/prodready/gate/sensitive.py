"""Why a change is sensitive: the groups it touches by path and by what its new lines do.

A refund handler renamed to `utils.py` is still a payments change, so paths alone are not
enough; a new `stripe.Refund.create(` line says so wherever it lives. Signals are read from
the added lines of production files only (comments excluded; not tests, docs or examples):
removing a payment call is reviewed like any change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pathspec

from prodready.gate.change import path_kind

POLICY_GROUP = "policy"

# group -> (signal name, pattern over an added line)
CODE_SIGNALS: Mapping[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "payments": (
        (
            "payment SDK call",
            re.compile(
                r"\b(stripe|braintree|adyen|paypalrestsdk|paypal|square|mollie|razorpay|checkout_sdk)\.\w+"
            ),
        ),
        (
            "charge, capture or refund",
            re.compile(
                r"\.(charge|capture|refund|create_charge|create_refund|payment_intents?)\s*\(|"
                r"\b(PaymentIntent|Charge|Refund|Payout|Transfer)\.(create|capture|confirm)\b"
            ),
        ),
    ),
    "permissions": (
        (
            "permission or role check",
            re.compile(
                r"\b(has_perms?|has_permission|has_object_permission|permission_required|"
                r"permission_classes|login_required|user_passes_test|is_superuser|is_staff|"
                r"is_admin|require_role|check_permission|authorize)\b|\brole\s*(==|!=|in)\b"
            ),
        ),
        ("grant or revoke", re.compile(r"\b(grant|revoke)_?\w*\s*\(")),
    ),
    "data-deletion": (
        (
            "delete of stored data",
            re.compile(
                r"\.(delete|bulk_delete|delete_many|delete_one|remove_all|purge|truncate)\s*\(|"
                r"\bDELETE\s+FROM\b|\bDROP\s+(TABLE|COLUMN|DATABASE|INDEX)\b|"
                # SQL's TRUNCATE is upper case or says TABLE; truncate(text, 80) is not it
                r"(?-i:\bTRUNCATE\s+\w)|\bTRUNCATE\s+TABLE\b|"
                r"\bop\.drop_(table|column|index)\b|\bmigrations\.(DeleteModel|RemoveField)\b|"
                r"\bshutil\.rmtree\b",
                re.IGNORECASE,
            ),
        ),
    ),
    "external-integrations": (
        (
            "new outbound call",
            re.compile(
                r"\b(requests|httpx|aiohttp|urllib3)\.(get|post|put|patch|delete|request|"
                r"Client|AsyncClient|ClientSession|PoolManager)\b|\burlopen\s*\(|"
                r"\bboto3\.(client|resource)\s*\(|\bsmtplib\.SMTP|\bgrpc\.\w*channel\s*\("
            ),
        ),
    ),
}
_COMMENT = re.compile(r"^\s*(#|//|--|\*|/\*)")


@dataclass(frozen=True)
class SensitiveHit:
    group: str
    path: str
    line: int | None  # None: sensitive by path
    reason: str  # "path matches **/billing/**" or "payment SDK call: stripe.Refund.create("
    matched: str | None = None  # by path: the path the group's globs matched (maybe the old one)


def sensitive_hits(
    files: Iterable[tuple[str, str | None, Mapping[int, str]]],
    groups: Mapping[str, tuple[str, ...]],
    *,
    policy_changed: bool,
    policy_path: str | None,
) -> list[SensitiveHit]:
    """`files` are (path, old path, added line number -> text) of the changed files."""
    specs = {g: pathspec.GitIgnoreSpec.from_lines(globs) for g, globs in groups.items()}
    hits: list[SensitiveHit] = []
    for path, old_path, added in files:
        for group, spec in specs.items():
            for candidate in dict.fromkeys(p for p in (path, old_path) if p):
                if spec.match_file(candidate):
                    hits.append(
                        SensitiveHit(
                            group,
                            path,
                            None,
                            f"path {candidate} is in the {group} group",
                            candidate,
                        )
                    )
                    break
        if path_kind(path) != "production":
            continue  # a test that mocks stripe, or docs that show a DELETE, change no data
        for number, text in sorted(added.items()):
            if _COMMENT.match(text):
                continue
            for group, signals in CODE_SIGNALS.items():
                for name, pattern in signals:
                    match = pattern.search(text)
                    if match:
                        hits.append(
                            SensitiveHit(group, path, number, f"{name}: {text.strip()[:80]}")
                        )
                        break
    if policy_changed and policy_path:
        hits.append(
            SensitiveHit(POLICY_GROUP, policy_path, None, "the change edits the gate's own policy")
        )
    return _dedupe(hits)


def _dedupe(hits: list[SensitiveHit]) -> list[SensitiveHit]:
    seen: set[tuple[str, str, int | None]] = set()
    unique = []
    for hit in hits:
        key = (hit.group, hit.path, hit.line)
        if key not in seen:
            seen.add(key)
            unique.append(hit)
    return unique


def groups_touched(hits: Iterable[SensitiveHit]) -> list[str]:
    return sorted({h.group for h in hits})
