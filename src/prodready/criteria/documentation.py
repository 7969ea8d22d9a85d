"""Documentation criteria: can a newcomer install, run, test and operate this?"""

from __future__ import annotations

import re
import tomllib

from prodready.context import AuditContext
from prodready.criteria.base import criterion
from prodready.model import Dimension, Evidence, Layer, Outcome, ProjectKind, Tier
from prodready.repo.readme import find_readme, read_readme_facts

_MAX_LISTED = 20
_CHANGELOG = re.compile(
    r"^((docs?/)?(changelog|changes|history|news|release[-_ ]?notes)(\.\w+)?|"
    r"(docs?/)?(changelog|releases|release-notes)/.+|changelog\.d/.+|\.changeset/.+)$",
    re.I,
)
_ARCHITECTURE = re.compile(
    r"^((docs?/)?(architecture|design)(\.\w+)?|(docs?/)?(architecture|design)/.+|"
    r"(docs?/)?(adrs?|decisions|architecture/decisions)/.+\.(md|rst|txt|adoc))$",
    re.I,
)
# A heading that names operating the service, not any "operations" (a git cheat sheet's
# "Common Operations" is no runbook).
_RUNBOOK_HEADING = re.compile(
    r"\b(run ?books?|on-?call|incident response|playbooks?|operating (the|this) service|"
    r"operations (guide|manual|handbook))\b",
    re.I,
)
_ARCHITECTURE_HEADING = re.compile(r"^#*\s*(architecture|system design|design overview)\b", re.I)
_RUNBOOK = re.compile(
    r"^((docs?/)?(runbooks?|playbooks?|operations|ops|on-?call)(\.\w+)?|"
    r"(docs?/)?(runbooks?|playbooks?|operations|ops)/.+\.(md|rst|txt|adoc))$",
    re.I,
)


def _console_scripts(ctx: AuditContext) -> frozenset[str]:
    text = ctx.repo.read_text("pyproject.toml")
    if not text:
        return frozenset()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return frozenset()
    project = data.get("project", {})
    scripts = project.get("scripts", {}) if isinstance(project, dict) else {}
    poetry = data.get("tool", {}).get("poetry", {}).get("scripts", {})
    names = set(scripts) if isinstance(scripts, dict) else set()
    names |= set(poetry) if isinstance(poetry, dict) else set()
    return frozenset(names)


@criterion(
    "docs.readme",
    "A README that says how to install, run and test, and is not stale",
    Dimension.DOCUMENTATION,
    Layer.INTENT,
    required_from=Tier.INTERNAL,
)
def readme(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Checks that the README explains how to install, how to run (or use) and how to
        test the project (itself, or in a guide in the repository it links to), and that
        the files, scripts, Make targets and modules its commands and links refer to
        exist in the repository; names each stale reference with its line.
    Why it matters:
        The README is the first production context a new engineer or a coding assistant
        reads. A README that points at `scripts/deploy.sh` after it was deleted teaches
        both the wrong thing.
    Example:
        `README.md:42 python scripts/seed_db.py` where `scripts/` no longer exists.
    Fix:
        Add the missing sections (Installation, Usage, Running the tests) and update or
        remove each stale reference.
    """
    path = find_readme(ctx.root)
    if path is None:
        return Outcome.gap(f"no README at the root of {ctx.base or 'the repository'}")
    rel = path.relative_to(ctx.root).as_posix()
    text = ctx.repo.read_text(rel)
    if text is None:
        return Outcome.unknown(f"{rel} cannot be read as UTF-8 text")
    facts = read_readme_facts(
        text,
        rel,
        ctx.repo.exists,
        console_scripts=_console_scripts(ctx),
        makefile_text=ctx.repo.read_text("Makefile"),
    )
    gaps: list[str] = []
    evidence: list[Evidence] = []
    for label, line in (("install", facts.install), ("run", facts.run), ("test", facts.test)):
        if line is None:
            found = _in_linked_docs(ctx, facts.linked_docs, label)
            if found is None:
                gaps.append(f"how to {label}")
            else:
                evidence.append(found)
        else:
            evidence.append(Evidence(f"says how to {label}", rel, line))
    stale = [
        Evidence(f"stale {s.kind} {s.reference!r}: {s.reason}", rel, s.line) for s in facts.stale
    ]
    if not gaps and not stale:
        return Outcome.met(*evidence)
    parts = []
    if gaps:
        parts.append(f"{rel} does not say {', '.join(gaps)}")
    if stale:
        parts.append(f"{len(stale)} stale reference(s)")
    return Outcome.gap("; ".join(parts), *(stale[:_MAX_LISTED] + evidence))


def _in_linked_docs(ctx: AuditContext, docs: tuple[str, ...], topic: str) -> Evidence | None:
    """A README may delegate ("Backend docs: backend/README.md"); one level of linked
    guides in the repository counts, with the guide's line as evidence."""
    for doc in docs[:10]:
        text = ctx.repo.read_text(doc)
        if text is None:
            continue
        facts = read_readme_facts(text, doc, ctx.repo.exists, console_scripts=_console_scripts(ctx))
        line = {"install": facts.install, "run": facts.run, "test": facts.test}[topic]
        if line is not None:
            return Evidence(f"says how to {topic} (a guide the README links to)", doc, line)
    return None


def _matching(ctx: AuditContext, pattern: re.Pattern[str]) -> list[str]:
    return [f for f in ctx.repo.files if pattern.match(f)]


@criterion(
    "docs.changelog",
    "A changelog",
    Dimension.DOCUMENTATION,
    Layer.INTENT,
    required_from=Tier.CRITICAL,
)
def changelog(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for a changelog: `CHANGELOG`, `CHANGES`, `HISTORY`, `NEWS`, release
        notes, a `docs/releases/` folder, or fragment folders (`changelog.d/`,
        `.changeset/`).
    Why it matters:
        When a release misbehaves, the first question is "what changed?". A changelog
        answers it for people who were not in the pull requests.
    Example:
        Tags v1.0 to v1.9 and no record of what any of them contained.
    Fix:
        Keep `CHANGELOG.md` (keepachangelog.com format) or use towncrier fragments.
    """
    found = _matching(ctx, _CHANGELOG)
    if found:
        return Outcome.met(Evidence("changelog", found[0]))
    return Outcome.gap("no CHANGELOG, CHANGES, HISTORY or release notes")


@criterion(
    "docs.architecture",
    "Architecture notes or decision records",
    Dimension.DOCUMENTATION,
    Layer.INTENT,
    required_from=Tier.CRITICAL,
)
def architecture(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for `ARCHITECTURE.md`, `docs/architecture`/`docs/design` documents,
        architecture decision records (`docs/adr/`, `docs/decisions/`), or an
        "Architecture" section heading in the README or documentation.
    Why it matters:
        Constraints that live only in people's heads are the ones an assistant (or a new
        engineer) breaks first. Written decisions say why the code is shaped as it is.
    Example:
        A service split into api/service/storage with no note saying the split is a rule.
    Fix:
        Write `ARCHITECTURE.md` (components, data flow, rules) and record significant
        decisions as ADRs.
    """
    found = _matching(ctx, _ARCHITECTURE)
    if found:
        return Outcome.met(*[Evidence("architecture notes", f) for f in found[:3]])
    headings = ctx.search_documents(_ARCHITECTURE_HEADING, headings_only=True)
    if headings:
        return Outcome.met(*headings[:3])
    return Outcome.gap("no ARCHITECTURE.md, design notes or decision records")


@criterion(
    "docs.runbook",
    "A runbook",
    Dimension.DOCUMENTATION,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
    service_only=True,
)
def runbook(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for a runbook: `RUNBOOK.md`, `docs/runbook*`, `runbooks/`,
        `docs/operations` or a playbook, or a section heading about runbooks, on-call or
        incident response in the documentation.
    Why it matters:
        The person paged at night is often not the person who wrote the service. A runbook
        says how to check it, restart it, scale it and whom to call.
    Example:
        A payment service with alerts but no page telling on-call what to do with them.
    Fix:
        Add `RUNBOOK.md`: dashboards, alerts and what each means, common failures and
        their fixes, rollback, escalation contacts.
    """
    found = _matching(ctx, _RUNBOOK)
    if found:
        return Outcome.met(*[Evidence("runbook", f) for f in found[:3]])
    headings = ctx.search_documents(_RUNBOOK_HEADING, headings_only=True)
    if headings:
        return Outcome.met(*headings[:3])
    if ctx.kind is not ProjectKind.SERVICE:
        return Outcome.not_applicable("not a service")
    return Outcome.gap("no runbook (RUNBOOK.md, docs/runbook, or an operations section)")
