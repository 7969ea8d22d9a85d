"""Everything the gate's items may look at for one change, collected once.

Like the audit's context, items are pure functions of it. Everything that sets the rules
(policy, waivers, CODEOWNERS) comes from the base revision; everything judged (code,
manifests, docs) comes from the head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from prodready.gate.change import Change
from prodready.gate.review import ReviewEvidence
from prodready.gate.sensitive import SensitiveHit
from prodready.model import Evidence, Finding, Tier
from prodready.policy.model import Policy
from prodready.repo.codeowners import CodeOwners

if TYPE_CHECKING:
    from prodready.evidence.coverage import CoverageData
    from prodready.evidence.junit import JUnitReport
    from prodready.evidence.supplied import Supplied
    from prodready.evidence.vulns import VulnReport
    from prodready.gate.dependencies import DependencyChange
    from prodready.gate.spec_links import TestFunction
    from prodready.mutate.report import MutationReport
    from prodready.spec import Spec


@dataclass(frozen=True)
class EntryPoint:
    """A new route, job or outbound integration the change adds, and whether its failure
    path logs or counts anything."""

    kind: str  # "route" | "job" | "outbound call"
    path: str
    line: int
    name: str
    observed: bool
    how: str  # what was found on the failure path, or what is missing


@dataclass
class GateContext:
    root: Path
    change: Change
    policy: Policy
    tier: Tier
    today: date
    head_sources: dict[str, str] = field(default_factory=dict)  # changed text files at head
    coverage: Supplied[CoverageData] | None = None
    junit: list[Supplied[JUnitReport]] = field(default_factory=list)
    vulns: list[Supplied[VulnReport]] = field(default_factory=list)
    mutation: Supplied[MutationReport] | None = None
    findings: list[Finding] = field(default_factory=list)  # on changed lines only
    # changed files the scan rules could not analyse, and --sarif reports that were unreadable
    unanalysed: list[Evidence] = field(default_factory=list)
    description: str | None = None
    description_source: str | None = None
    reviews: ReviewEvidence | None = None
    review_event_problem: str | None = None  # the --github-event file yielded nothing: why
    codeowners: CodeOwners | None = None  # from the base revision
    sensitive: list[SensitiveHit] = field(default_factory=list)
    dependencies: list[DependencyChange] = field(default_factory=list)
    dependency_problems: list[str] = field(default_factory=list)
    irreversible_migrations: list[Evidence] = field(default_factory=list)
    runbook_rollback: list[Evidence] = field(default_factory=list)
    entry_points: list[EntryPoint] = field(default_factory=list)
    # --spec: the change's contract, where it lives in the repository (None: outside it),
    # whether the change adds or edits it, and the tests at head that mention what it names
    spec: Spec | None = None
    spec_path: str | None = None
    spec_in_change: bool = False
    spec_tests: list[TestFunction] = field(default_factory=list)

    def owners_of(self, path: str) -> tuple[str, ...]:
        return self.codeowners.owners_of(path) if self.codeowners else ()
