"""Deployment criteria: can this be built, shipped and taken back safely?"""

from __future__ import annotations

import posixpath
import re
import tomllib

from packaging.requirements import InvalidRequirement, Requirement

from prodready.context import AuditContext
from prodready.criteria.base import criterion
from prodready.model import Dimension, Evidence, Layer, Outcome, ProjectKind, Tier
from prodready.repo.dockerfile import image_pin_problem, parse_stages
from prodready.repo.files import is_production_path, is_test_path

_MAX_LISTED = 20

CI_SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("GitHub Actions", re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")),
    ("GitLab CI", re.compile(r"^\.gitlab-ci\.ya?ml$")),
    ("CircleCI", re.compile(r"^\.circleci/config\.ya?ml$")),
    ("Jenkins", re.compile(r"^(.+/)?Jenkinsfile$")),
    ("Azure Pipelines", re.compile(r"^(azure-pipelines\.ya?ml|\.azure-pipelines/[^/]+\.ya?ml)$")),
    ("Buildkite", re.compile(r"^\.buildkite/[^/]*\.ya?ml$")),
    ("Travis CI", re.compile(r"^\.travis\.ya?ml$")),
)
_RUNS_TESTS = re.compile(
    r"\b(pytest|py\.test|tox|nox|unittest|runtests(\.py)?|manage\.py\s+test|"
    r"make\s+(test|check|ci)|(npm|yarn|pnpm)\s+(run\s+)?test|hatch\s+(run\s+)?test|"
    r"go\s+test|mvn\s+(test|verify)|gradlew?\s+test|cargo\s+test|playwright\s+test|vitest|jest)\b"
)
_INSTALLS = re.compile(
    r"\b(pip|pip3|uv pip|poetry|pipx|apt-get|brew)\s+(install|add)\b|\bpip install\b"
)
_WORKDIR = re.compile(r"working[-_]directory:\s*([^\s#]+)")
_SCRIPT_REF = re.compile(r"(?:^|[\s'\"=])(\.?/?[\w.-]+(?:/[\w.-]+)+|\./[\w.-]+)")
_BUILD_IMAGE = re.compile(
    r"(^|/)(packaging|build|ci|\.ci|\.devcontainer|\.github|e2e|testing|tools)/|"
    r"Dockerfile\.(test|tests|ci|dev|e2e|playwright|build|docs)$|(test|dev|e2e|ci|docs)\.Dockerfile$",
    re.I,
)
_LOCK_FILES = (
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "pdm.lock",
    "conda-lock.yml",
    "pylock.toml",
)
_ROLLBACK = re.compile(
    r"\broll(ing)?[\s-]?back\b|\brevert(ing)?\s+(a\s+|the\s+)?(deploy|release)", re.I
)


def ci_files(ctx: AuditContext) -> list[tuple[str, str]]:
    return [
        (system, rel)
        for rel in ctx.repo.files
        for system, pattern in CI_SYSTEMS
        if pattern.match(rel)
    ]


@criterion(
    "deploy.ci",
    "CI runs the tests",
    Dimension.DEPLOYMENT,
    Layer.VERIFICATION,
    required_from=Tier.INTERNAL,
)
def ci(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Detects CI configuration (GitHub Actions, GitLab CI, CircleCI, Jenkins, Azure
        Pipelines, Buildkite, Travis CI) and checks that it runs the tests: a test command
        in the configuration, or in a repository script the configuration calls.
    Why it matters:
        Tests that only run on a developer's laptop do not protect the main branch. CI that
        only lints gives a green tick that means nothing about behaviour.
    Example:
        `.github/workflows/ci.yml` runs `ruff check` and `mypy` but never `pytest`.
    Fix:
        Add a job step that runs the test suite (`pytest`, `tox`, `make test`) on
        every pull request.
    """
    found = ci_files(ctx)
    if not found:
        return Outcome.gap(
            "no CI configuration found (looked for " + ", ".join(s for s, _ in CI_SYSTEMS) + ")"
        )
    systems = sorted({s for s, _ in found})
    for _, rel in found:
        text = ctx.repo.read_text(rel) or ""
        hit = _test_command(ctx, rel, text, depth=0)
        if hit is not None:
            return Outcome.met(
                Evidence(f"{', '.join(systems)}; runs tests: {hit.text}", hit.path, hit.line)
            )
    return Outcome.gap(
        f"{', '.join(systems)} configured, but no test command found in it "
        "or in the scripts it calls",
        *[Evidence(system, rel) for system, rel in found[:_MAX_LISTED]],
    )


def _test_command(
    ctx: AuditContext,
    rel: str,
    text: str,
    depth: int,
    seen: set[str] | None = None,
    workdirs: tuple[str, ...] = (),
) -> Evidence | None:
    """The first line that runs tests in a CI file or, up to three scripts deep, in the
    repository scripts it calls (resolved from the root, the calling script's folder and
    any `working-directory:` the file names)."""
    seen = seen if seen is not None else {rel}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.split(" #", 1)[0].strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _RUNS_TESTS.search(stripped)
        if match and not _INSTALLS.search(stripped):
            return Evidence(stripped[:100], rel, number)
    if depth >= 3:
        return None
    # a script runs in the directory its caller ran in, so working directories carry down
    workdirs = (*workdirs, *(d.strip().strip("'\"./") for d in _WORKDIR.findall(text)))
    bases = ["", rel.rsplit("/", 1)[0] if "/" in rel else "", *workdirs]
    for ref in _SCRIPT_REF.findall(text):
        for base in dict.fromkeys(bases):
            target = posixpath.normpath(posixpath.join(base, ref.removeprefix("./")))
            if target in seen or not ctx.repo.is_file(target):
                continue
            seen.add(target)
            script = ctx.repo.read_text(target) or ""
            hit = _test_command(ctx, target, script, depth + 1, seen, workdirs)
            if hit is not None:
                return hit
    return None


@criterion(
    "deploy.dependencies-locked",
    "Dependencies locked or pinned",
    Dimension.DEPLOYMENT,
    Layer.CONSTRAINTS,
    required_from=Tier.PRODUCTION,
)
def dependencies_locked(ctx: AuditContext) -> Outcome:
    """
    What it does:
        For services, looks for a lock file (poetry.lock, uv.lock,
        Pipfile.lock, pdm.lock, pylock.toml) or requirements files where every requirement
        is pinned with `==` (or hashed); names each unpinned requirement with its line.
        Libraries and command-line tools published as packages are not judged
        unless they commit a lock file: they declare ranges and their consumers pin.
    Why it matters:
        An unpinned dependency means the artifact you tested is not the artifact you ship:
        a new release upstream can change behaviour between CI and production.
    Example:
        `requirements.txt:3 requests>=2` in a service.
    Fix:
        Commit a lock file (`uv lock`, `poetry lock`, `pip-compile`) and install from
        it in CI and in the image.
    """
    locks = [
        f for f in ctx.repo.files if f.rsplit("/", 1)[-1] in _LOCK_FILES and is_production_path(f)
    ]
    if locks:
        return Outcome.met(*[Evidence("lock file", f) for f in locks[:5]])
    if ctx.kind in (ProjectKind.LIBRARY, ProjectKind.CLI):
        return Outcome.not_applicable(
            f"a {ctx.kind.value} published as a package declares version ranges; "
            "the applications that install it pin"
        )
    req_files = [
        f
        for f in ctx.repo.files
        if re.search(r"(^|/)requirements[^/]*\.(txt|in)$|(^|/)requirements/[^/]+\.txt$", f)
        and is_production_path(f)
        and not f.endswith(".in")
    ]
    unpinned: list[Evidence] = []
    pinned_files: list[str] = []
    for rel in req_files:
        problems = _unpinned_requirements(ctx.repo.read_text(rel) or "")
        unpinned.extend(Evidence(f"not pinned: {req}", rel, line) for line, req in problems)
        if not problems:
            pinned_files.append(rel)
    if unpinned:
        return Outcome.gap(
            f"{len(unpinned)} requirement(s) not pinned to one version", *unpinned[:_MAX_LISTED]
        )
    if pinned_files:
        return Outcome.met(*[Evidence("every requirement pinned", f) for f in pinned_files[:5]])
    declared = _pyproject_dependencies(ctx)
    if declared:
        return Outcome.gap(
            f"{declared} dependencies declared in pyproject.toml with ranges and no lock file",
            Evidence("dependencies without a lock file", "pyproject.toml"),
        )
    return Outcome.not_applicable("no dependencies declared")


def _unpinned_requirements(text: str) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip().rstrip("\\").strip()
        if not line or line.startswith(("#", "-", "--")):
            continue
        if "://" in line or line.startswith((".", "/")):
            if re.search(r"@[0-9a-f]{40}\b", line) is None and "://" in line:
                problems.append((number, line))
            continue
        try:
            req = Requirement(line.split(" --hash", 1)[0].strip())
        except InvalidRequirement:
            continue  # pip would reject it too; not this criterion's business
        specs = list(req.specifier)
        exact = (
            len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version
        )
        if not exact:
            problems.append((number, str(req)))
    return problems


def _pyproject_dependencies(ctx: AuditContext) -> int:
    text = ctx.repo.read_text("pyproject.toml")
    if text is None:
        return 0
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return 0
    project = data.get("project", {})
    deps = project.get("dependencies", []) if isinstance(project, dict) else []
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    return (len(deps) if isinstance(deps, list) else 0) + (
        len([k for k in poetry if k != "python"]) if isinstance(poetry, dict) else 0
    )


def _dockerfiles(ctx: AuditContext) -> list[str]:
    """Images that run the project; build, packaging and test images are not judged."""
    found = ctx.repo.matching("Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile")
    return [
        f
        for f in found
        if not is_test_path(f)
        and not f.endswith((".dockerignore", ".md"))
        and not _BUILD_IMAGE.search(f)
    ]


def _compose_healthcheck(ctx: AuditContext) -> Evidence | None:
    for rel in ctx.repo.matching(
        "docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml"
    ):
        text = ctx.repo.read_text(rel) or ""
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip().startswith("healthcheck:"):
                return Evidence("compose healthcheck", rel, number)
    return None


@criterion(
    "deploy.container",
    "Container image hygiene",
    Dimension.DEPLOYMENT,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
)
def container(ctx: AuditContext) -> Outcome:
    """
    What it does:
        For each Dockerfile that builds the project's image (build, packaging, CI and test
        images are skipped): every base image is pinned (a tag other than `latest`, or a
        digest); the final stage switches to a non-root `USER`; and, for a service, there
        is a `HEALTHCHECK` (or a compose `healthcheck:` or Kubernetes probes).
    Why it matters:
        `FROM python:latest` rebuilds into a different image tomorrow; a root container
        turns any code execution bug into control of the node; without a health check the
        orchestrator keeps routing traffic to a hung process.
    Example:
        `FROM python` ... `CMD ["gunicorn", "app:app"]` with no `USER` and no
        `HEALTHCHECK`.
    Fix:
        `FROM python:3.12-slim@sha256:...`; `RUN useradd -r app` and `USER app`;
        `HEALTHCHECK CMD curl -f http://localhost:8000/healthz || exit 1`.
    """
    files = _dockerfiles(ctx)
    if not files:
        return Outcome.not_applicable("no Dockerfile in the repository")
    # Only a service needs a health check; a compose file or Kubernetes probes may hold it.
    health_elsewhere = (
        not ctx.is_service
        or bool(ctx.manifests.probe_paths)
        or _compose_healthcheck(ctx) is not None
    )
    problems: list[Evidence] = []
    for rel in files:
        text = ctx.repo.read_text(rel)
        if text is None:
            problems.append(Evidence("Dockerfile cannot be read as text", rel))
            continue
        stages = parse_stages(text)
        if not stages:
            problems.append(Evidence("no FROM instruction", rel))
            continue
        names = {s.name for s in stages if s.name}
        for stage in stages:
            why = image_pin_problem(stage.image, names)
            if why:
                problems.append(Evidence(why, rel, stage.line))
        final = stages[-1]
        users = [i for i in final.instructions if i.keyword == "USER"]
        if not users:
            problems.append(
                Evidence("final stage runs as root (no USER instruction)", rel, final.line)
            )
        elif users[-1].args.split(":")[0].strip() in ("root", "0"):
            problems.append(Evidence(f"final stage runs as {users[-1].args}", rel, users[-1].line))
        checks = [i for i in final.instructions if i.keyword == "HEALTHCHECK"]
        if (not checks or checks[-1].args.upper().startswith("NONE")) and not health_elsewhere:
            problems.append(
                Evidence(
                    "no HEALTHCHECK (nor compose healthcheck or Kubernetes probes)", rel, final.line
                )
            )
    if problems:
        return Outcome.gap(f"{len(problems)} container image problem(s)", *problems[:_MAX_LISTED])
    return Outcome.met(
        *[Evidence("pinned base, non-root USER, health check", f) for f in files[:5]]
    )


@criterion(
    "deploy.kubernetes",
    "Kubernetes workloads have probes and resources",
    Dimension.DEPLOYMENT,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
)
def kubernetes(ctx: AuditContext) -> Outcome:
    """
    What it does:
        For every Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Job and CronJob in
        the repository's manifests, checks that each container has liveness and readiness
        probes (not for batch jobs) and resource requests and limits. Helm templates are
        judged by their text.
    Why it matters:
        Without probes Kubernetes sends traffic to pods that are not ready and never
        restarts hung ones; without requests and limits one pod can starve the node.
    Example:
        `deploy/api.yaml`: Deployment/api container `web` with no `readinessProbe`.
    Fix:
        Add `livenessProbe`/`readinessProbe` (an HTTP health endpoint) and
        `resources.requests`/`resources.limits` to every container.
    """
    scan = ctx.manifests
    if scan.workloads == 0 and not scan.unreadable:
        return Outcome.not_applicable("no Kubernetes workload manifests")
    evidence = [
        Evidence(f"{p.workload} container {p.container}: no {', '.join(p.missing)}", p.path, p.line)
        for p in scan.problems
    ]
    if evidence:
        return Outcome.gap(
            f"{len(evidence)} container(s) lack probes or resources", *evidence[:_MAX_LISTED]
        )
    if scan.unreadable:
        path, reason = scan.unreadable[0]
        return Outcome.unknown(f"manifest {path} could not be read: {reason}")
    return Outcome.met(Evidence(f"{scan.workloads} workload(s) with probes, requests and limits"))


@criterion(
    "deploy.rollback",
    "A documented rollback procedure",
    Dimension.DEPLOYMENT,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
    service_only=True,
)
def rollback(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for a section heading about rolling back (or reverting a deploy or release)
        in the README, runbooks and documentation.
    Why it matters:
        The moment you need a rollback plan is the worst moment to write one. A named,
        rehearsed procedure turns an incident into a routine.
    Example:
        `docs/runbook.md` has "## Deploy" but nothing about going back.
    Fix:
        Add a "Rollback" section: how to redeploy the previous version, what to do with
        database migrations, and who decides.
    """
    hits = ctx.search_documents(_ROLLBACK, headings_only=True)
    if hits:
        return Outcome.met(*hits[:3])
    return Outcome.gap("no rollback section in the README, runbooks or docs")


@criterion(
    "deploy.migrations-reversible",
    "Database migrations can be reversed",
    Dimension.DEPLOYMENT,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
)
def migrations(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Names Alembic migrations whose `downgrade()` is empty (`pass`, `...` or only
        a docstring) and Django migrations with `RunPython` without `reverse_code` or
        `RunSQL` without `reverse_sql`.
    Why it matters:
        A deploy that cannot be rolled back past a migration cannot be rolled back at all.
        An explicit no-op reverse (`migrations.RunPython.noop`) is a decision; a missing
        one is an accident.
    Example:
        `migrations/0007_backfill.py:12 migrations.RunPython(backfill_totals)`.
    Fix:
        Write the reverse operation, or pass an explicit no-op reverse and document in the
        rollback plan why going back is safe.
    """
    kinds = {
        "alembic-empty-downgrade": "Alembic downgrade() is empty",
        "runpython-no-reverse": "RunPython without reverse_code",
        "runsql-no-reverse": "RunSQL without reverse_sql",
    }
    migration_files = 0
    problems: list[Evidence] = []
    for facts in ctx.python.production():
        if "/migrations/" not in f"/{facts.rel}" and "/versions/" not in f"/{facts.rel}":
            continue
        if facts.rel.endswith("__init__.py"):
            continue
        is_migration = any(fn.name in ("upgrade", "downgrade") for fn in facts.functions) or any(
            i.module.startswith("django.db") for i in facts.imports
        )
        if not is_migration:
            continue
        migration_files += 1
        problems.extend(
            Evidence(kinds[s.kind], facts.rel, s.line) for s in facts.signals if s.kind in kinds
        )
    if migration_files == 0:
        return Outcome.not_applicable("no database migrations found")
    if problems:
        return Outcome.gap(
            f"{len(problems)} irreversible migration operation(s)", *problems[:_MAX_LISTED]
        )
    return Outcome.met(Evidence(f"{migration_files} migration files, all reversible"))
