"""How a scan rule is declared: one decorated function per rule, documented in its docstring.

As with criteria, the decorator is the only registration, the docstring's four sections
(What it does / Why it matters / Example / Fix) feed `prodready explain` and the SARIF
rule help, and a rule cannot exist without them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodready.criteria.base import parse_doc

if TYPE_CHECKING:
    from prodready.scan.context import FileContext

# The category strings are a public contract: other tools filter on them.
CATEGORIES = (
    "timeout",
    "retry-idempotency",
    "swallowed-exception",
    "sensitive-logging",
    "missing-authn",
    "idor",
    "unvalidated-input",
    "sql-injection",
    "hardcoded-secret",
    "unbounded-queue",
)


@dataclass(frozen=True)
class Hit:
    """What a rule reports; the engine adds the rule's id, category, path and fix."""

    line: int
    end_line: int
    message: str
    # A project fact that must hold for the hit to count (e.g. "authenticates-routes"):
    # some rules only make sense relative to the rest of the application. `A&!B` also
    # requires that no file established B (see `engine.holds`).
    condition: str | None = None
    # The rule's own confidence unless given: a rule may be surer of some of its hits
    # (a known key format) than of others (a long literal given to a `token` name).
    confidence: str | None = None


Check = Callable[["FileContext"], Iterable[Hit]]


@dataclass(frozen=True)
class RuleFacts:
    """What a finding takes from its rule. Kept apart from the check and its docs so that a
    warm scan, which runs no rule, can read them from the cache instead of importing every
    rule module (a third of such a scan's time)."""

    id: str
    name: str
    category: str
    severity: str
    confidence: str
    fix: str
    # the other levels the rule may give a hit (`surer`, `less_sure`)
    declared: tuple[str, ...] = ()

    def confidence_of(self, hit_confidence: str | None) -> str:
        """A hit's confidence; a rule may raise or lower it only to the levels it declared."""
        if hit_confidence is None or hit_confidence == self.confidence:
            return self.confidence
        if hit_confidence not in self.declared:
            raise RuntimeError(
                f"rule {self.id}: a hit of {hit_confidence} confidence, but the rule declares "
                + " and ".join([self.confidence, *self.declared])
            )
        return hit_confidence


@dataclass(frozen=True)
class Rule:
    id: str  # e.g. "PR101"
    name: str  # e.g. "timeout"
    category: str
    severity: str  # "error" | "warning" | "note"
    # "high" | "medium" | "low": measured precision on real code held out from tuning
    # (README, "The scan rules"); the gate and the audit block only on the policy's level.
    confidence: str
    check: Check
    what: str
    why: str
    example: str
    fix: str
    # Hits the rule is surer of (`Hit.confidence`), and which: declared so that what blocks
    # can be said before any scan runs (`prodready context`, `explain`).
    surer: tuple[str, str] | None = None
    # Hits the rule is less sure of, and which (PR110's queues local to one call).
    less_sure: tuple[str, str] | None = None

    def facts(self) -> RuleFacts:
        return RuleFacts(
            id=self.id,
            name=self.name,
            category=self.category,
            severity=self.severity,
            confidence=self.confidence,
            fix=self.fix,
            declared=tuple(level for level, _ in filter(None, (self.surer, self.less_sure))),
        )

    def confidence_of(self, hit_confidence: str | None) -> str:
        return self.facts().confidence_of(hit_confidence)

    def confidence_text(self) -> str:
        others = filter(None, (self.surer, self.less_sure))
        return self.confidence + "".join(f"; {level} for {which}" for level, which in others)

    def documentation(self) -> str:
        def indent(text: str) -> str:
            return "\n".join("    " + ln if ln else "" for ln in text.splitlines())

        return (
            f"{self.id} ({self.name}): category {self.category} · severity {self.severity} · "
            f"confidence {self.confidence_text()}\n\n"
            f"What it does\n{indent(self.what)}\n\nWhy it matters\n{indent(self.why)}\n\n"
            f"Example\n{indent(self.example)}\n\nFix\n{indent(self.fix)}\n"
        )


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    name: str,
    category: str,
    *,
    severity: str = "warning",
    confidence: str = "high",
    surer: tuple[str, str] | None = None,
    less_sure: tuple[str, str] | None = None,
) -> Callable[[Check], Check]:
    if category not in CATEGORIES:
        raise RuntimeError(f"rule {id}: unknown category {category!r}")

    def register(check: Check) -> Check:
        if id in RULES:
            raise RuntimeError(f"rule {id} is registered twice")
        sections = parse_doc(check.__doc__ or "", where=f"rule {id}")
        RULES[id] = Rule(
            id=id,
            name=name,
            category=category,
            severity=severity,
            confidence=confidence,
            check=check,
            what=sections["What it does"],
            why=sections["Why it matters"],
            example=sections["Example"],
            fix=sections["Fix"],
            surer=surer,
            less_sure=less_sure,
        )
        return check

    return register


# For facts that rule conditions negate (`A&!B`): byte strings one of which any file that
# establishes a fact starting with the key must contain. Proving such a fact absent needs
# every file of the application; with these, only files that could establish it are
# parsed (the gate's scan of a change reads the rest of the tree only that way).
NEGATED_FACT_NEEDLES: dict[str, tuple[bytes, ...]] = {}


def needles_for(fact: str) -> tuple[bytes, ...] | None:
    """What a file must contain to establish `fact`; None when anything might."""
    all_rules()
    for prefix, needles in NEGATED_FACT_NEEDLES.items():
        if fact.startswith(prefix):
            return needles
    return None


def all_rules() -> dict[str, Rule]:
    """Every rule, found by importing each module of `prodready.scan.rules`."""
    import importlib
    import pkgutil

    from prodready.scan import rules as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    return dict(sorted(RULES.items()))
