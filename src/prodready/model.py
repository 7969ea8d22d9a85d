"""The typed, frozen vocabulary every layer of prodready speaks.

Collectors produce evidence, criteria turn it into results, ``decide`` turns results into
a verdict, reporters render it. Keeping these types in one small module (and frozen) is
what lets each of those layers stay a pure function of the one before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """Outcome of one criterion. ``unknown`` is never treated as ``met``."""

    MET = "met"
    MISSING = "missing"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not-applicable"
    WAIVED = "waived"


class Dimension(StrEnum):
    """What is judged."""

    ARCHITECTURE = "architecture"
    TESTS = "tests"
    DEPLOYMENT = "deployment"
    SECURITY = "security"
    OBSERVABILITY = "observability"
    DOCUMENTATION = "documentation"
    OWNERSHIP = "ownership"


class Layer(StrEnum):
    """Where the knowledge lives in the production context stack."""

    INTENT = "intent"
    CONSTRAINTS = "constraints"
    VERIFICATION = "verification"
    OPERATION = "operation"
    ACCOUNTABILITY = "accountability"


class Tier(StrEnum):
    """How critical a service is; rigor scales with it."""

    EXPERIMENTAL = "experimental"
    INTERNAL = "internal"
    PRODUCTION = "production"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Tier).index(self)

    def at_least(self, other: Tier) -> bool:
        return self.rank >= other.rank


class Mode(StrEnum):
    """Per-criterion override from policy."""

    ENFORCE = "enforce"
    WARN = "warn"
    OFF = "off"


class Verdict(StrEnum):
    SHIP = "ship"
    SHIP_WITH_KNOWN_RISK = "ship-with-known-risk"
    BLOCK = "block"


class ProjectKind(StrEnum):
    """Services get service-only criteria; libraries and CLIs do not."""

    SERVICE = "service"
    LIBRARY = "library"
    CLI = "cli"
    UNKNOWN = "unknown"


@dataclass(frozen=True, order=True)
class Evidence:
    """One piece of evidence: a fact with, where it has one, its location."""

    text: str
    path: str | None = None
    line: int | None = None

    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Finding:
    """A located problem in code, from an analyzer (ours or a supplied SARIF report)."""

    rule: str
    category: str
    severity: str  # "error" | "warning" | "note"
    confidence: str  # "high" | "medium" | "low"
    path: str
    line: int
    end_line: int
    message: str
    remediation: str
    suppressed: bool = False
    suppression_reason: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a criterion's check returns before policy and waivers are applied."""

    status: Status
    evidence: tuple[Evidence, ...] = ()
    missing: str | None = None

    @staticmethod
    def met(*evidence: Evidence) -> Outcome:
        return Outcome(Status.MET, tuple(evidence))

    @staticmethod
    def gap(missing: str, *evidence: Evidence) -> Outcome:
        return Outcome(Status.MISSING, tuple(evidence), missing)

    @staticmethod
    def unknown(missing: str, *evidence: Evidence) -> Outcome:
        return Outcome(Status.UNKNOWN, tuple(evidence), missing)

    @staticmethod
    def not_applicable(reason: str) -> Outcome:
        return Outcome(Status.NOT_APPLICABLE, (Evidence(reason),))


@dataclass(frozen=True)
class WaiverRef:
    """The waiver that covered a gap, shown in the report so known risk stays visible."""

    id: str
    owner: str
    approved_by: str
    expires: str
    reason: str
    index: int = 0  # the waiver's position in the policy file


@dataclass(frozen=True)
class CriterionResult:
    """A criterion's outcome after policy (required?) and waivers (waived?)."""

    id: str
    title: str
    dimension: Dimension
    layer: Layer
    status: Status
    required: bool
    evidence: tuple[Evidence, ...]
    missing: str | None
    remediation: str
    waiver: WaiverRef | None = None
    original_status: Status | None = None  # what it was before a waiver applied

    @property
    def blocking(self) -> bool:
        """Set by ``decide``'s rules; duplicated here so reporters can sort without policy."""
        return self.required and self.status in (Status.MISSING, Status.UNKNOWN)


@dataclass(frozen=True)
class ReportError:
    """Input that could not be read; it never counts as evidence."""

    path: str
    reason: str


@dataclass(frozen=True)
class LayerSummary:
    layer: Layer
    met: int
    applicable: int

    @property
    def implicit(self) -> bool:
        """A layer is implicit when fewer than half of its applicable criteria are met."""
        return self.applicable > 0 and self.met * 2 < self.applicable


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    blocking: tuple[str, ...]  # criterion ids that block
    known_risks: tuple[str, ...]  # criterion ids waived that would otherwise block
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class AuditReport:
    """Everything a reporter needs; reporters must not compute anything of their own."""

    root: str
    tier: Tier
    kind: ProjectKind
    kind_reason: str
    decision: Decision
    criteria: tuple[CriterionResult, ...]
    findings: tuple[Finding, ...] = ()
    errors: tuple[ReportError, ...] = ()
    layers: tuple[LayerSummary, ...] = ()
    policy_notes: tuple[str, ...] = ()  # e.g. an expired waiver, reported as itself
    stats: dict[str, int | float] = field(default_factory=dict)
    # Monorepos: each declared component is judged at its own tier and reported as a
    # nested report (its `root` is the component path, its evidence paths are repository
    # relative). The top-level decision already includes theirs.
    name: str = ""
    components: tuple[AuditReport, ...] = ()

    @property
    def verdict(self) -> Verdict:
        return self.decision.verdict
