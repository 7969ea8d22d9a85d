"""``prodready context``: the production context a coding assistant needs, in one file.

An assistant writing code for a repository sees the code, not the knowledge around it:
how critical the service is, who owns which part, which layer may import which, which
paths are sensitive and why, how the team logs, times out calls, handles errors and
authenticates routes, and what the change at hand must do. ``build_context`` gathers that
knowledge from the same collectors the audit uses (policy, CODEOWNERS, the repository walk,
the Python index, the audit's layer summary) and, with a spec, the change's contract;
``render_context`` writes it as one AGENTS.md-style Markdown file.

Every statement carries its evidence (``file:line``) or says plainly that the repository
shows none; nothing is inferred beyond what the collectors found. The output is a pure
function of the repository, the spec and the date (which only decides whether a waiver has
expired): sorted, no timestamps, so regenerating it yields a diff only when the
repository's context changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pathspec

from prodready.audit import AuditOptions, run_audit
from prodready.context_file.conventions import Aspect, Convention, Form, Snippet, find_conventions
from prodready.context_file.render import code, render
from prodready.decide import active_waivers
from prodready.errors import UsageError
from prodready.gate.sensitive import CODE_SIGNALS
from prodready.known import known_ids
from prodready.model import AuditReport, Layer, Status, Tier
from prodready.policy import Policy, find_policy, load_policy
from prodready.repo.codeowners import CodeOwners, find_codeowners, parse_codeowners
from prodready.repo.files import RepoIndex, is_production_path, walk_repository
from prodready.repo.python_index import PythonIndex, index_python
from prodready.scan.registry import all_rules

if TYPE_CHECKING:
    from prodready.spec import Spec

__all__ = [
    "Aspect",
    "Convention",
    "Fact",
    "Form",
    "ProductionContext",
    "SensitiveGroup",
    "SensitivePath",
    "Snippet",
    "StackLayer",
    "build_context",
    "render_context",
]

#: Paths listed per sensitive group (and CODEOWNERS rules listed) before "and N more".
PATH_LIMIT = 15
_COMMENT = re.compile(r"^\s*#")
_IMPORT = re.compile(r"^\s*(import|from)\s")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")


@dataclass(frozen=True)
class Fact:
    """One statement and where it comes from (``file:line``), if it has a place."""

    text: str
    where: str | None = None


@dataclass(frozen=True)
class SensitivePath:
    path: str
    why: str  # "matches **/billing/**" or "payment SDK call: stripe.Refund.create(...)"
    line: int | None  # the line of a code signal; None when the path alone decides
    owners: tuple[str, ...]
    owner_rule: str | None  # "CODEOWNERS:3", the rule that decides the owners

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class SensitiveGroup:
    name: str
    globs: tuple[str, ...]
    declared: Fact  # where the globs come from (the policy, or the defaults)
    paths: tuple[SensitivePath, ...]  # at most PATH_LIMIT
    total: int  # every path the globs match
    code: tuple[SensitivePath, ...]  # files outside the globs whose code shows the group
    code_total: int


@dataclass(frozen=True)
class StackLayer:
    """One layer of the production context stack, as the audit found it in the repository."""

    layer: Layer
    met: int
    applicable: int
    implicit: bool
    explicit_here: tuple[str, ...]  # what this file states for the layer
    gaps: tuple[Fact, ...]  # the layer's criteria that are not met, with what is missing


@dataclass(frozen=True)
class ProductionContext:
    name: str
    tier: Tier
    project: tuple[Fact, ...]  # tier, kind, components
    owners: tuple[Fact, ...]  # CODEOWNERS rules; () when there is no CODEOWNERS
    owners_file: str | None
    architecture: tuple[Fact, ...]
    security: tuple[Fact, ...]  # what blocks: confidence level, rules, waivers
    open_findings: tuple[Fact, ...]  # findings at the blocking level today
    sensitive: tuple[SensitiveGroup, ...]
    conventions: tuple[Convention, ...]
    stack: tuple[StackLayer, ...]
    spec: Spec | None = None
    spec_path: str | None = None


def build_context(
    root: Path,
    *,
    spec: Path | None = None,
    today: date | None = None,
    jobs: int | None = None,
) -> ProductionContext:
    """Collect the production context of the repository at ``root``."""
    if not root.is_dir():
        raise UsageError(f"{root}: not a directory")
    loaded = None
    if spec is not None:
        from prodready.spec import load_spec

        loaded = load_spec(spec)
    today = today or date.today()
    policy = load_policy(root, known_ids())
    report = run_audit(root, AuditOptions(today=today, jobs=jobs), policy=policy)
    repo = walk_repository(root)
    # only production code: conventions and layers are about the code that ships
    production = [f for f in repo.files if f.endswith(".py") and is_production_path(f)]
    python = index_python(repo, paths=production, jobs=jobs)
    policy_file = _PolicyFile.of(root, policy)
    owners = _codeowners(root)
    return ProductionContext(
        name=root.resolve().name,
        tier=policy.tier,
        project=_project(policy, report, policy_file),
        owners=_owner_facts(owners),
        owners_file=owners.path if owners else None,
        architecture=_architecture(policy, report, python, policy_file),
        security=_security(policy, policy_file, today),
        open_findings=_open_findings(policy, report),
        sensitive=_sensitive(policy, repo, python, owners, policy_file),
        conventions=find_conventions(repo, production, report.findings, jobs=jobs),
        stack=_stack(report, loaded, owners, policy, today),
        spec=loaded,
        spec_path=_display_path(spec, root) if spec is not None else None,
    )


def render_context(context: ProductionContext) -> str:
    """The Markdown file (see ``render.py``)."""
    return render(context)


# -- the policy file -----------------------------------------------------------------------


@dataclass(frozen=True)
class _PolicyFile:
    """The policy's text, to point at the line that sets a value (the model keeps none)."""

    rel: str | None
    lines: tuple[str, ...]
    prefix: str  # "" for prodready.toml, "tool.prodready" for pyproject.toml

    @staticmethod
    def of(root: Path, policy: Policy) -> _PolicyFile:
        found = find_policy(root) if policy.source else None
        if found is None:
            return _PolicyFile(None, (), "")
        path, _table, prefix = found
        text = path.read_text(encoding="utf-8-sig")
        return _PolicyFile(_display_path(path, root), tuple(text.splitlines()), prefix.rstrip("."))

    def _table(self, table: str) -> str:
        return ".".join(p for p in (self.prefix, table) if p)

    def where(self, table: str, key: str) -> str | None:
        """``file:line`` of ``key`` in ``[table]`` ("" for the top level), if it is set."""
        if self.rel is None:
            return None
        wanted = self._table(table)
        current = ""
        pattern = re.compile(
            rf"^\s*(?:\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*="
        )
        for number, line in enumerate(self.lines, start=1):
            header = _HEADER.match(line)
            if header:
                current = re.sub(r"\s*\.\s*", ".", header.group(1)).replace('"', "")
                continue
            if current == wanted and pattern.match(line):
                return f"{self.rel}:{number}"
        return None

    def array_item(self, table: str, index: int) -> str | None:
        """``file:line`` of the ``index``-th (1-based) ``[[table]]``."""
        if self.rel is None:
            return None
        wanted = self._table(table)
        seen = 0
        for number, line in enumerate(self.lines, start=1):
            header = _HEADER.match(line)
            if (
                header
                and line.strip().startswith("[[")
                and re.sub(r"\s*\.\s*", ".", header.group(1)) == wanted
            ):
                seen += 1
                if seen == index:
                    return f"{self.rel}:{number}"
        return self.rel


def _display_path(path: Path, root: Path) -> str:
    """Repository-relative when the file is inside the repository, else as given."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# -- project, owners, architecture ---------------------------------------------------------


def _project(policy: Policy, report: AuditReport, policy_file: _PolicyFile) -> tuple[Fact, ...]:
    tier_where = policy_file.where("", "tier")
    facts = [
        Fact(
            f"tier {code(policy.tier.value)}"
            + (
                ""
                if tier_where
                else " (the default: no policy file)"
                if policy_file.rel is None
                else " (the default: the policy does not set a tier)"
            ),
            tier_where,
        )
    ]
    if policy.kind is not None:
        facts.append(
            Fact(
                f"kind {code(policy.kind.value)}, declared in the policy",
                policy_file.where("", "kind"),
            )
        )
    else:
        facts.append(Fact(f"kind {code(report.kind.value)}: {report.kind_reason}"))
    for i, component in enumerate(policy.components, start=1):
        facts.append(
            Fact(
                f"component {code(component.name)} at {code(component.path + '/')}, tier "
                f"{code(component.tier.value)}",
                policy_file.array_item("component", i),
            )
        )
    return tuple(facts)


def _codeowners(root: Path) -> CodeOwners | None:
    found = find_codeowners(root)
    if found is None:
        return None
    try:
        text = found.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return None
    return parse_codeowners(text, _display_path(found, root))


def _owner_facts(owners: CodeOwners | None) -> tuple[Fact, ...]:
    if owners is None:
        return ()
    facts = []
    for rule in owners.rules[:PATH_LIMIT]:
        section = f"[{rule.section}] " if rule.section else ""
        who = ", ".join(rule.owners) if rule.owners else "nobody (the rule removes ownership)"
        facts.append(Fact(f"{section}{code(rule.pattern)}: {who}", f"{owners.path}:{rule.line}"))
    if len(owners.rules) > PATH_LIMIT:
        facts.append(Fact(f"and {len(owners.rules) - PATH_LIMIT} more rule(s)", owners.path))
    for line, problem in owners.problems[:5]:
        facts.append(Fact(f"ignored by the forge: {problem}", f"{owners.path}:{line}"))
    return tuple(facts)


def _architecture(
    policy: Policy, report: AuditReport, python: PythonIndex, policy_file: _PolicyFile
) -> tuple[Fact, ...]:
    facts: list[Fact] = []
    if policy.layers:
        facts.append(
            Fact(
                "layers from top to bottom: "
                + " → ".join(code(name) for name in policy.layers)
                + "; a module belongs to the layer named by a component of its package path, "
                "and a lower layer must not import a higher one",
                policy_file.where("architecture", "layers"),
            )
        )
        rank = {name: i for i, name in enumerate(policy.layers)}
        members: dict[str, set[str]] = {name: set() for name in policy.layers}
        for facts_ in python.production():
            module = python.module_of(facts_.rel)
            hits = [p for p in (module or "").split(".") if p in rank]
            if hits:
                folder = facts_.rel.rsplit("/", 1)[0] + "/" if "/" in facts_.rel else facts_.rel
                members[hits[-1]].add(folder)
        for name in policy.layers:
            folders = sorted(members[name])
            shown = ", ".join(code(f) for f in folders[:5]) if folders else "no module yet"
            more = f" and {len(folders) - 5} more" if len(folders) > 5 else ""
            facts.append(Fact(f"layer {code(name)}: {shown}{more}"))
        for result in report.criteria:
            if result.id == "arch.layers" and result.status is Status.MISSING:
                for evidence in result.evidence[:5]:
                    facts.append(
                        Fact(f"breaks the rule today: {evidence.text}", evidence.location() or None)
                    )
    else:
        facts.append(
            Fact(
                "layers: not declared in the policy (`[architecture] layers = [...]`, top to "
                "bottom, makes the import direction a rule the audit checks)"
            )
        )
    limits = policy.thresholds
    where = policy_file.where("thresholds", "max_module_lines") or policy_file.where(
        "thresholds", "max_function_lines"
    )
    facts.append(
        Fact(
            f"modules stay under {limits.max_module_lines} lines and functions under "
            f"{limits.max_function_lines} lines" + ("" if where else " (the defaults)"),
            where,
        )
    )
    return tuple(facts)


# -- security and data ---------------------------------------------------------------------


#: A rule's fix is cut to about this many characters; `prodready explain` has the rest.
FIX_CHARS = 200


def _clause(text: str, stops: str, *, at_paren: bool) -> str:
    """The start of ``text`` up to the first of ``stops`` followed by a space (or " (" with
    ``at_paren``), outside code spans and not the dot of "e.g." or "i.e."."""
    flat = " ".join(text.split())
    in_code = False
    for i, ch in enumerate(flat):
        if ch == "`":
            in_code = not in_code
        if in_code or i + 1 >= len(flat) or flat[i + 1] != " ":
            if not (at_paren and not in_code and flat.startswith(" (", i)):
                continue
            return flat[:i]
        if ch in stops and not flat[max(0, i - 3) : i + 1].endswith(("e.g.", "i.e.")):
            return flat[:i]
    return flat.rstrip(".")


def _fix(text: str) -> str:
    fix = _clause(text, ".;", at_paren=False)
    if len(fix) <= FIX_CHARS:
        return fix
    cut = fix.rfind(", ", 0, FIX_CHARS)
    return fix[: cut if cut > 0 else FIX_CHARS] + " …"


def _security(policy: Policy, policy_file: _PolicyFile, today: date) -> tuple[Fact, ...]:
    level = policy.blocking_confidence
    where = policy_file.where("scan", "blocking_confidence")
    facts = [
        Fact(
            f"scan findings block the audit and the gate from confidence {code(level)} up"
            + ("" if where else " (the default)"),
            where,
        )
    ]
    advisory = []
    for rule in all_rules().values():
        if policy.blocks_on(rule.confidence):
            level_text = f"{rule.confidence} confidence"
            if rule.less_sure is not None and not policy.blocks_on(rule.less_sure[0]):
                # say which of its hits are less sure, and that those do not block
                level_text += (
                    f"; {rule.less_sure[0]} confidence for {rule.less_sure[1]}, which do not block"
                )
        elif rule.surer is not None and policy.blocks_on(rule.surer[0]):
            # only the hits the rule is surer of block; say which, and that the rest do not
            level_text = (
                f"{rule.surer[0]} confidence for {rule.surer[1]}; "
                f"its other findings are {rule.confidence} confidence and do not block"
            )
        else:
            level_text = ""
        if level_text:
            facts.append(
                Fact(
                    f"blocks: {rule.id} {code(rule.category)} ({level_text}): "
                    f"{_clause(rule.what, '.:;', at_paren=True)}. Fix: {_fix(rule.fix)}"
                )
            )
        else:
            advisory.append(f"{rule.id} {code(rule.category)}")
    if advisory:
        facts.append(Fact("reported, not blocking: " + ", ".join(advisory)))
    facts.append(
        Fact(
            "`prodready explain ID` shows what a rule finds, why it matters, an example and the fix"
        )
    )
    active, _notes = active_waivers(policy, today)
    for waiver in active:
        scope = f" in {', '.join(code(p) for p in waiver.paths)}" if waiver.paths else ""
        facts.append(
            Fact(
                f"known risk: waiver for {code(waiver.id)}{scope}: {waiver.reason}; owner "
                f"{waiver.owner}, approved by {waiver.approved_by}, expires {waiver.expires}",
                policy_file.array_item("waiver", waiver.index),
            )
        )
    return tuple(facts)


def _open_findings(policy: Policy, report: AuditReport) -> tuple[Fact, ...]:
    located = sorted(
        (f.path, f.line, f.rule, f.message)
        for f in report.findings
        if not f.suppressed and policy.blocks_on(f.confidence)
    )
    return tuple(
        Fact(f"{rule}: {message}", f"{path}:{line}") for path, line, rule, message in located
    )


def _sensitive(
    policy: Policy,
    repo: RepoIndex,
    python: PythonIndex,
    owners: CodeOwners | None,
    policy_file: _PolicyFile,
) -> tuple[SensitiveGroup, ...]:
    groups = []
    production = sorted(f.rel for f in python.production())
    for name, globs in sorted(policy.sensitive.items()):
        where = policy_file.where("sensitive", name)
        declared = Fact("declared in the policy", where) if where else Fact("the default globs")
        specs = [(glob, pathspec.GitIgnoreSpec.from_lines([glob])) for glob in globs]
        by_path = []
        for rel in repo.files:
            glob = next((g for g, s in specs if s.match_file(rel)), None)
            if glob is not None:
                by_path.append(_sensitive_path(rel, f"matches {code(glob)}", None, owners))
        matched = {p.path for p in by_path}
        by_code = [
            hit
            for rel in production
            if rel not in matched
            and (hit := _code_signal(repo, rel, CODE_SIGNALS.get(name, ()), owners)) is not None
        ]
        groups.append(
            SensitiveGroup(
                name=name,
                globs=tuple(globs),
                declared=declared,
                paths=tuple(by_path[:PATH_LIMIT]),
                total=len(by_path),
                code=tuple(by_code[:PATH_LIMIT]),
                code_total=len(by_code),
            )
        )
    return tuple(groups)


def _sensitive_path(
    rel: str, why: str, line: int | None, owners: CodeOwners | None
) -> SensitivePath:
    rule = owners.rule_for(rel) if owners else None
    return SensitivePath(
        path=rel,
        why=why,
        line=line,
        owners=owners.owners_of(rel) if owners else (),
        owner_rule=f"{owners.path}:{rule.line}" if owners and rule else None,
    )


def _code_signal(
    repo: RepoIndex,
    rel: str,
    signals: tuple[tuple[str, re.Pattern[str]], ...],
    owners: CodeOwners | None,
) -> SensitivePath | None:
    """The first line of a production file that the gate would call sensitive if changed."""
    if not signals:
        return None
    text = repo.read_text(rel) or ""
    hits = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _COMMENT.match(line):
            continue
        signal = next((name for name, pattern in signals if pattern.search(line)), None)
        if signal is not None:
            hits.append((_IMPORT.match(line) is not None, number, signal, line.strip()[:80]))
    if not hits:
        return None
    # an import names the capability; a line that uses it is the better example
    _import, number, signal, shown = min(hits)
    return _sensitive_path(rel, f"{signal}: {code(shown)}", number, owners)


# -- the production context stack ----------------------------------------------------------


def _stack(
    report: AuditReport,
    spec: Spec | None,
    owners: CodeOwners | None,
    policy: Policy,
    today: date,
) -> tuple[StackLayer, ...]:
    explicit = _explicit_here(spec, owners, policy, today)
    layers = []
    for summary in report.layers:
        gaps = tuple(
            Fact(f"{code(r.id)} {r.title}: {r.missing or r.status.value}")
            for r in sorted(report.criteria, key=lambda r: r.id)
            if r.layer is summary.layer and r.status in (Status.MISSING, Status.UNKNOWN)
        )
        layers.append(
            StackLayer(
                layer=summary.layer,
                met=summary.met,
                applicable=summary.applicable,
                implicit=summary.implicit,
                explicit_here=explicit[summary.layer],
                gaps=gaps,
            )
        )
    return tuple(layers)


def _explicit_here(
    spec: Spec | None, owners: CodeOwners | None, policy: Policy, today: date
) -> Mapping[Layer, tuple[str, ...]]:
    """What this file states for each layer, given what was found."""
    intent: list[str] = []
    verification: list[str] = []
    operation = ["how the project logs, times out outbound calls and handles errors"]
    constraints = [
        "the tier and the architecture rules",
        "the sensitive paths and the scan rules that block",
        "the code conventions, each with a real example",
    ]
    accountability: list[str] = []
    if owners is not None:
        accountability.append(f"the owners from {owners.path}")
    if active_waivers(policy, today)[0]:
        accountability.append("who accepted each known risk (waivers)")
    if spec is not None:
        intent.append("the change's intent, acceptance criteria and stop condition")
        verification.append("the acceptance criteria the tests must name")
        if "verification" in spec.sections:
            verification.append("the verification plan")
        if "constraints" in spec.sections:
            constraints.append("the change's constraints")
        if spec.endpoints:
            constraints.append("each endpoint's validation, authorization and failure behaviour")
        if spec.rollback:
            operation.append("the change's rollback plan")
        if spec.owner:
            accountability.append("the change's owner")
        if "accountability" in spec.sections:
            accountability.append("who accepts the remaining risk of the change")
    return {
        Layer.INTENT: tuple(intent),
        Layer.CONSTRAINTS: tuple(constraints),
        Layer.VERIFICATION: tuple(verification),
        Layer.OPERATION: tuple(operation),
        Layer.ACCOUNTABILITY: tuple(accountability),
    }
