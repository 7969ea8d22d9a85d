"""Everything the criteria may look at, collected once per audit.

Criteria are pure functions of this context. Facts several criteria share (the CODEOWNERS
file, the README, the markdown documents) are computed lazily and at most once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from prodready.model import Evidence, Finding, ProjectKind, Tier
from prodready.policy.model import Policy
from prodready.repo.codeowners import CODEOWNERS_LOCATIONS, CodeOwners, parse_codeowners
from prodready.repo.files import RepoIndex
from prodready.repo.kubernetes import ManifestScan, find_manifests, scan_manifests
from prodready.repo.python_index import PythonIndex

if TYPE_CHECKING:
    from prodready.evidence.coverage import CoverageData
    from prodready.evidence.junit import JUnitReport
    from prodready.evidence.vulns import VulnReport

T = TypeVar("T")

_DOC_SUFFIXES = (".md", ".rst", ".txt", ".adoc")
_DOC_DIRS = frozenset({"docs", "doc", "runbooks", "runbook", "ops", "operations", ".github", "adr"})


@dataclass(frozen=True)
class Supplied(Generic[T]):
    """A file the user passed on the command line: its parsed value or why it is unreadable."""

    path: str
    value: T | None
    error: str | None = None


@dataclass
class AuditContext:
    root: Path
    repo: RepoIndex
    python: PythonIndex
    policy: Policy
    tier: Tier
    kind: ProjectKind
    kind_reason: str
    today: date
    coverage: Supplied[CoverageData] | None = None
    junit: list[Supplied[JUnitReport]] = field(default_factory=list)
    vulns: list[Supplied[VulnReport]] = field(default_factory=list)
    findings: tuple[Finding, ...] = ()
    base: str = ""  # a component's path inside the repository; "" for the repository itself

    @property
    def is_service(self) -> bool:
        return self.kind is ProjectKind.SERVICE

    def repo_path(self, rel: str) -> str:
        """The repository-relative path of a file of this project (a component's files are
        indexed relative to the component; files it inherits keep their own path)."""
        if not self.base or self.repo.is_inherited(rel) or not self.repo.exists(rel):
            return rel  # inherited, or not a repository file (a supplied report)
        return f"{self.base}/{rel}"

    @cached_property
    def codeowners(self) -> CodeOwners | None:
        for rel in CODEOWNERS_LOCATIONS:
            if self.repo.is_file(rel):
                text = self.repo.read_text(rel)
                return None if text is None else parse_codeowners(text, rel)
        return None

    def owners_of(self, rel: str) -> tuple[str, ...]:
        """Owners of a project file; a CODEOWNERS inherited from the repository matches
        repository-relative paths."""
        owners = self.codeowners
        if owners is None:
            return ()
        path = self.repo_path(rel) if self.repo.is_inherited(owners.path) else rel
        return owners.owners_of(path)

    def imports_of(self, *modules: str) -> list[Evidence]:
        """Where production code imports any of ``modules`` (or their submodules)."""
        found: list[Evidence] = []
        for facts in self.python.production():
            for imp in facts.imports:
                names = [imp.module, *(f"{imp.module}.{n}" for n in imp.names)]
                if any(n == m or n.startswith(m + ".") for n in names for m in modules):
                    found.append(Evidence(f"imports {imp.module}", facts.rel, imp.line))
                    break
        return found

    def signals(self, *kinds: str) -> list[Evidence]:
        """Located signals of the given kinds in production code."""
        return [
            Evidence(sig.detail, facts.rel, sig.line)
            for facts in self.python.production()
            for sig in facts.signals
            if sig.kind in kinds
        ]

    @cached_property
    def manifests(self) -> ManifestScan:
        return scan_manifests(find_manifests(self.repo))

    @cached_property
    def documents(self) -> dict[str, str]:
        """Prose documents (README, docs/, runbooks) by path, read once for text searches."""
        docs: dict[str, str] = {}
        for rel in self.repo.files:
            if not _is_document(rel):
                continue
            text = self.repo.read_text(rel, limit=500_000)
            if text is not None:
                docs[rel] = text
        return docs

    def search_documents(self, pattern: re.Pattern[str], *, headings_only: bool) -> list[Evidence]:
        """Lines of documents matching ``pattern``; with ``headings_only`` only section
        headings count, because a passing mention ("we have no rollback yet") is not a plan."""
        found: list[Evidence] = []
        for rel, text in sorted(self.documents.items()):
            lines = text.splitlines()
            for i, line in enumerate(lines, start=1):
                if headings_only and not _is_heading(line, lines[i] if i < len(lines) else ""):
                    continue
                if pattern.search(line):
                    found.append(Evidence(line.strip("#= \t")[:120], rel, i))
        return found


def _is_document(rel: str) -> bool:
    """Root-level prose and anything under a documentation folder, not vendored text."""
    parts = rel.split("/")
    name = parts[-1]
    if not (name.lower().endswith(_DOC_SUFFIXES) or ("." not in name and name.isupper())):
        return False
    return len(parts) == 1 or (parts[0].lower() in _DOC_DIRS and len(parts) <= 5)


def _is_heading(line: str, next_line: str) -> bool:
    stripped = line.strip()
    if stripped.startswith("#"):
        return True
    if stripped.startswith("**") and stripped.endswith("**"):
        return True
    underline = next_line.strip()
    return bool(stripped) and len(underline) >= 3 and set(underline) <= set("=-~^*+#")
