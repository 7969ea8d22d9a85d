"""The validated policy: what a repository declares about how it must be judged."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from prodready.model import Mode, ProjectKind, Tier
from prodready.scan.confidence import at_least

# Where each sensitive group lives by default. Globs use .gitignore semantics, so a bare
# name matches at any depth. Teams override a group by naming it under [sensitive].
DEFAULT_SENSITIVE_GROUPS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "payments": (
            "**/payment/**",
            "**/payments/**",
            "**/billing/**",
            "**/checkout/**",
            "**/*payment*.py",
            "**/*billing*.py",
            "**/*refund*.py",
            "**/*invoice*.py",
        ),
        "permissions": (
            "**/auth/**",
            "**/authz/**",
            "**/permissions/**",
            "**/rbac/**",
            "**/*permission*.py",
            "**/auth.py",
            "**/authentication/**",
            "**/authentication*.py",
            "**/security.py",
            "**/authz*.py",
            "**/authorization*.py",
            "**/*rbac*.py",
            "**/acl.py",
        ),
        "data-deletion": ("**/*delete*.py", "**/*purge*.py", "**/*retention*.py", "**/gdpr/**"),
        "external-integrations": (
            "**/integrations/**",
            "**/webhooks/**",
            "**/*webhook*.py",
            "**/clients/**",
            "**/*_client.py",
        ),
        # anchored: the gate's own configuration at the root, not an example's
        "policy": (
            "/prodready.toml",
            "/.github/CODEOWNERS",
            "/CODEOWNERS",
            "/docs/CODEOWNERS",
            "/.gitlab/CODEOWNERS",
        ),
    }
)


@dataclass(frozen=True)
class Thresholds:
    """Numbers a team may tune; defaults are what a reviewer would call reasonable."""

    max_module_lines: int = 1000
    max_function_lines: int = 100
    min_test_ratio: float = 0.2
    min_coverage: float | None = None  # None: the tier's default, see coverage_floor
    min_owned_share: float = 0.8
    min_changed_coverage: float | None = None  # None: the tier's default, see changed_floor
    min_mutation_score: float | None = None  # None: the tier's default, see mutation_floor

    def changed_floor(self, tier: Tier) -> float:
        """Share (percent) of a change's executable lines its tests must run."""
        if self.min_changed_coverage is not None:
            return self.min_changed_coverage
        return {
            Tier.EXPERIMENTAL: 0.0,
            Tier.INTERNAL: 50.0,
            Tier.PRODUCTION: 80.0,
            Tier.CRITICAL: 90.0,
        }[tier]

    def mutation_floor(self, tier: Tier) -> float:
        """Share (percent) of a change's mutants its tests must notice. Lower than the
        coverage floors: some mutants are equivalent (no test could tell them apart)."""
        if self.min_mutation_score is not None:
            return self.min_mutation_score
        return {
            Tier.EXPERIMENTAL: 0.0,
            Tier.INTERNAL: 50.0,
            Tier.PRODUCTION: 60.0,
            Tier.CRITICAL: 70.0,
        }[tier]

    def coverage_floor(self, tier: Tier) -> float:
        if self.min_coverage is not None:
            return self.min_coverage
        return {
            Tier.EXPERIMENTAL: 0.0,
            Tier.INTERNAL: 50.0,
            Tier.PRODUCTION: 70.0,
            Tier.CRITICAL: 80.0,
        }[tier]


@dataclass(frozen=True)
class Waiver:
    """Known risk, made explicit: who accepted what, where, and until when."""

    id: str
    paths: tuple[str, ...]
    reason: str
    owner: str
    approved_by: str
    expires: date
    index: int  # position in the file, so problems can name "waiver #2"


@dataclass(frozen=True)
class Component:
    """A part of a monorepo judged at its own tier."""

    name: str
    path: str
    tier: Tier


@dataclass(frozen=True)
class Policy:
    source: str | None  # the file it came from; None when defaults were used
    tier: Tier = Tier.INTERNAL
    kind: ProjectKind | None = None  # None: detect
    modes: Mapping[str, Mode] = field(default_factory=dict)
    thresholds: Thresholds = field(default_factory=Thresholds)
    layers: tuple[str, ...] = ()
    components: tuple[Component, ...] = ()
    waivers: tuple[Waiver, ...] = ()  # only complete ones; see notes for the rest
    notes: tuple[str, ...] = ()  # problems that do not stop the run (incomplete waivers)
    sensitive: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_SENSITIVE_GROUPS)
    )
    approved_dependencies: tuple[str, ...] | None = None  # None: no approved list kept
    # Scan findings block (audit and gate) only from this confidence up; the rest are
    # shown as advisory. "high" by default: only rules whose precision held on real code.
    blocking_confidence: str = "high"

    def blocks_on(self, confidence: str) -> bool:
        return at_least(confidence, self.blocking_confidence)

    def mode_of(self, criterion_id: str) -> Mode | None:
        return self.modes.get(criterion_id)
