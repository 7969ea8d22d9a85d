"""The command line: parse arguments, call the library, map errors to exit codes.

Reports go to stdout (or ``--output``), diagnostics to stderr. Every error prodready raises
carries its exit code; anything else is an internal error (exit 3) with a short message,
never a bare traceback unless ``PRODREADY_DEBUG`` is set.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from prodready import __version__
from prodready.errors import EXIT_BLOCK, EXIT_INTERNAL, EXIT_OK, ProdreadyError, UsageError
from prodready.model import Tier, Verdict
from prodready.output import write_report
from prodready.scan.confidence import CONFIDENCES, DEFAULT_MIN_CONFIDENCE

# Kept here rather than imported so that `prodready scan` does not pay for loading the
# audit and its reporters (startup time is most of a warm scan).
FORMATS = ("text", "markdown", "json", "html", "sarif")
SCAN_FORMATS = ("text", "json", "sarif", "markdown")
GATE_FORMATS = ("text", "markdown", "json", "sarif")
MUTATE_FORMATS = ("text", "json", "markdown")

_EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)

# Options the audit and the gate share, declared once.
_TODAY = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date for waiver expiry (default: today).",
)
_OUTPUT = click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here."
)
_COVERAGE = click.option(
    "--coverage", type=_EXISTING_FILE, help="Cobertura XML, .coverage data or coverage JSON."
)
_JUNIT = click.option(
    "--junit", multiple=True, type=_EXISTING_FILE, help="JUnit XML test results (repeatable)."
)
_VULNS = click.option(
    "--vulns",
    multiple=True,
    type=_EXISTING_FILE,
    help="pip-audit or OSV-Scanner JSON (repeatable).",
)
_TIER = click.option(
    "--tier", type=click.Choice([t.value for t in Tier]), help="Override the policy's tier."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prodready")
def cli() -> None:
    """Is this repository or change ready for production? A verdict with evidence."""


@cli.command()
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@_OUTPUT
@_COVERAGE
@_JUNIT
@_VULNS
@_TIER
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores)."
)
@_TODAY
@click.option(
    "--color/--no-color", default=None, help="Colour the text report (default: when a terminal)."
)
def audit(
    path: Path,
    fmt: str,
    output: Path | None,
    coverage: Path | None,
    junit: tuple[Path, ...],
    vulns: tuple[Path, ...],
    tier: str | None,
    jobs: int | None,
    today: object,
    color: bool | None,
) -> None:
    """Audit a whole repository and print its production-readiness report."""
    from prodready.audit import AuditOptions, run_audit
    from prodready.reporters import render

    options = AuditOptions(
        coverage=coverage,
        junit=junit,
        vulns=vulns,
        tier=Tier(tier) if tier else None,
        today=today.date() if hasattr(today, "date") else date.today(),
        jobs=jobs,
    )
    with _progress() as progress:
        report = run_audit(path, options, progress=progress)
    use_color = color if color is not None else (output is None and _tty(sys.stdout))
    width = _width()
    text = render(report, fmt, color=use_color, width=width)
    write_report(text, output)
    if output is not None:
        click.echo(f"prodready: {report.verdict.value} — report written to {output}", err=True)
    raise SystemExit(EXIT_BLOCK if report.verdict is Verdict.BLOCK else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(SCAN_FORMATS), default="text", show_default=True)
@_OUTPUT
@click.option("--baseline", type=_EXISTING_FILE, help="Report only findings not in this baseline.")
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record current findings as the baseline.",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores)."
)
@click.option(
    "--no-cache", is_flag=True, help="Analyse every file again; do not read or write the cache."
)
@click.option(
    "--min-confidence",
    type=click.Choice(CONFIDENCES),
    default=DEFAULT_MIN_CONFIDENCE,
    show_default=True,
    help="Show findings of this confidence and up (low shows every finding).",
)
def scan(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    baseline: Path | None,
    write_baseline: Path | None,
    jobs: int | None,
    no_cache: bool,
    min_confidence: str,
) -> None:
    """Find production risks in Python code: timeouts, retries, swallowed errors, secrets..."""
    from prodready.scan.baseline import new_findings, read_baseline
    from prodready.scan.baseline import write_baseline as record
    from prodready.scan.cache import ScanCache
    from prodready.scan.engine import scan_paths
    from prodready.scan.report import hide_below, render_scan

    targets = list(paths) or [Path(".")]
    with _progress() as progress:
        result = scan_paths(
            targets, jobs=jobs, cache=None if no_cache else ScanCache(), progress=progress
        )
    root = Path(result.root)
    if write_baseline is not None:
        count = record(write_baseline, result.findings, root)
        click.echo(
            f"prodready: baseline of {count} finding(s) written to {write_baseline}", err=True
        )
        return
    if baseline is not None:
        result.findings = new_findings(result.findings, read_baseline(baseline), root)
    hide_below(result, min_confidence)
    write_report(render_scan(result, fmt), output)
    active = [f for f in result.findings if not f.suppressed]
    raise SystemExit(EXIT_BLOCK if active else EXIT_OK)


@cli.command()
@click.option(
    "--base", required=True, help="The revision the change is judged against (branch, tag, commit)."
)
@click.option("--head", default="HEAD", show_default=True, help="The revision to judge.")
@click.option(
    "--repo",
    "repo",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The repository.",
)
@_COVERAGE
@_JUNIT
@click.option(
    "--sarif", multiple=True, type=_EXISTING_FILE, help="Other analyzers' SARIF (repeatable)."
)
@_VULNS
@click.option(
    "--description",
    type=_EXISTING_FILE,
    help="The change description (pull-request body), Markdown.",
)
@click.option(
    "--spec",
    type=_EXISTING_FILE,
    help="The change spec (specs/NAME.md): check its criteria and interfaces.",
)
@click.option(
    "--mutation",
    type=_EXISTING_FILE,
    help="The change's `prodready mutate --format json` report.",
)
@click.option(
    "--reviewer", "reviewers", multiple=True, help="Someone who approved the change (repeatable)."
)
@click.option(
    "--github-event",
    type=_EXISTING_FILE,
    help="A GitHub pull_request or pull_request_review payload.",
)
@click.option("--format", "fmt", type=click.Choice(GATE_FORMATS), default="text", show_default=True)
@_OUTPUT
@_TIER
@click.option(
    "--history",
    type=click.Path(dir_okay=False, path_type=Path),
    help="History database (default .prodready/history.db).",
)
@click.option("--no-history", is_flag=True, help="Do not record this run.")
@_TODAY
def gate(
    base: str,
    head: str,
    repo: Path,
    coverage: Path | None,
    junit: tuple[Path, ...],
    sarif: tuple[Path, ...],
    vulns: tuple[Path, ...],
    description: Path | None,
    spec: Path | None,
    mutation: Path | None,
    reviewers: tuple[str, ...],
    github_event: Path | None,
    fmt: str,
    output: Path | None,
    tier: str | None,
    history: Path | None,
    no_history: bool,
    today: object,
) -> None:
    """Judge the change between --base and --head: ship, ship-with-known-risk or block."""
    from prodready.gate.report import render_gate
    from prodready.gate.run import GateOptions, run_gate

    options = GateOptions(
        base=base,
        head=head,
        coverage=coverage,
        junit=junit,
        sarif=sarif,
        vulns=vulns,
        description=description,
        spec=spec,
        mutation=mutation,
        reviewers=reviewers,
        github_event=github_event,
        tier=Tier(tier) if tier else None,
        today=today.date() if hasattr(today, "date") else date.today(),
        history=history,
        record_history=not no_history,
    )
    report = run_gate(repo, options)
    write_report(render_gate(report, fmt), output)
    if output is not None:
        click.echo(f"prodready gate: {report.verdict} — report written to {output}", err=True)
    raise SystemExit(EXIT_BLOCK if report.verdict == "block" else EXIT_OK)


@cli.command()
@click.option("--base", required=True, help="The revision the change is measured from.")
@click.option("--head", default="HEAD", show_default=True, help="The revision to mutate.")
@click.option(
    "--repo",
    "repo",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The repository.",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Parallel test workers (default: all cores)."
)
@click.option(
    "--timeout-factor",
    type=click.FloatRange(min=1.0),
    default=3.0,
    show_default=True,
    help="A mutant's tests may take this many times their measured time before it times out.",
)
@click.option(
    "--python",
    "python",
    type=click.Path(exists=True, dir_okay=False),
    help="The Python that runs the tests (default: the one running prodready).",
)
@click.option(
    "--format", "fmt", type=click.Choice(MUTATE_FORMATS), default="text", show_default=True
)
@_OUTPUT
@click.option(
    "--fail-under",
    type=click.FloatRange(0.0, 1.0),
    help="Exit 1 when the mutation score is below this (0 to 1).",
)
@click.option("--no-cache", is_flag=True, help="Run every mutant again; do not use the cache.")
@click.option(
    "--pytest-arg",
    "pytest_args",
    multiple=True,
    help="Passed to pytest (repeatable): options as --name=value, and test paths that limit "
    "the suite, e.g. --pytest-arg=--rootdir=backend --pytest-arg=backend/tests.",
)
@click.option(
    "--fresh-process",
    is_flag=True,
    help="Run every mutant in a new pytest process instead of a forked, collected session "
    "(slower; for suites whose tests share state a fork would carry over).",
)
def mutate(
    base: str,
    head: str,
    repo: Path,
    jobs: int | None,
    timeout_factor: float,
    python: str | None,
    fmt: str,
    output: Path | None,
    fail_under: float | None,
    no_cache: bool,
    pytest_args: tuple[str, ...],
    fresh_process: bool,
) -> None:
    """Mutate the change's executable lines and run the tests that cover each mutant."""
    from prodready.mutate.render import render_mutate
    from prodready.mutate.run import MutateOptions, run_mutate

    options = MutateOptions(
        base=base,
        head=head,
        jobs=jobs,
        timeout_factor=timeout_factor,
        python=python,
        use_cache=not no_cache,
        fresh_process=fresh_process,
        pytest_args=pytest_args,
    )
    with _mutate_progress() as progress:
        report = run_mutate(repo, options, progress)
    write_report(render_mutate(report, fmt), output)
    score = report.score
    if output is not None:
        shown = "n/a" if score is None else f"{score:.0%}"
        click.echo(f"prodready mutate: score {shown} — report written to {output}", err=True)
    below = fail_under is not None and score is not None and score < fail_under
    raise SystemExit(EXIT_BLOCK if below else EXIT_OK)


@cli.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing prodready.toml.")
def init(path: Path, force: bool) -> None:
    """Write a commented starter prodready.toml from what the repository shows. Asks nothing."""
    from prodready.init import write_starter_policy

    written = write_starter_policy(path, force=force)
    click.echo(f"wrote {written}", err=True)


@cli.command()
@click.argument("criterion_id", required=False)
@click.option("--list", "list_all", is_flag=True, help="List every criterion and rule id.")
def explain(criterion_id: str | None, list_all: bool) -> None:
    """Show the documentation of one criterion or rule: what, why, an example, the fix."""
    from prodready.criteria import all_criteria
    from prodready.gate.registry import all_items
    from prodready.scan.registry import all_rules

    criteria = {**all_criteria(), **all_items()}
    rules = all_rules()
    if list_all or criterion_id is None:
        for crit in criteria.values():
            required = crit.required_from.value if crit.required_from else "advisory"
            click.echo(
                f"{crit.id:<32} {crit.dimension.value:<14} {crit.layer.value:<15} {required}"
            )
        for r in rules.values():
            click.echo(f"{r.id:<32} {'scan rule':<14} {r.category:<15} {r.severity}")
        return
    by_name = {r.name: r for r in rules.values()}
    rule = rules.get(criterion_id) or by_name.get(criterion_id)
    if rule is not None:
        click.echo(rule.documentation())
        return
    found = criteria.get(criterion_id)
    if found is None:
        close = [c for c in [*criteria, *by_name] if criterion_id.split(".")[-1] in c]
        hint = (
            f"; did you mean {', '.join(close)}?"
            if close
            else "; `prodready explain --list` shows all"
        )
        raise UsageError(f"unknown criterion or rule {criterion_id!r}{hint}")
    click.echo(found.documentation())


@cli.command("context")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--spec", "spec_file", type=_EXISTING_FILE, help="A change spec whose contract to include."
)
@_OUTPUT
@_TODAY
def context_command(path: Path, spec_file: Path | None, output: Path | None, today: object) -> None:
    """Write the production context a coding assistant needs (AGENTS.md-style Markdown)."""
    from prodready.context_file import build_context, render_context

    when = today.date() if hasattr(today, "date") else date.today()
    document = build_context(path, spec=spec_file, today=when)
    write_report(render_context(document), output)
    if output is not None:
        click.echo(f"prodready context: written to {output}", err=True)


@cli.group()
def spec() -> None:
    """Change specs: define "ready" (criteria, constraints, failure behaviour) before coding."""


@spec.command("new")
@click.argument("name")
@click.option(
    "--repo",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The repository (its policy and CODEOWNERS pre-fill the spec).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing spec.")
def spec_new(name: str, repo: Path, force: bool) -> None:
    """Write specs/NAME.md from the template, pre-filled from the policy and CODEOWNERS."""
    from prodready.spec.new import new_spec

    written = new_spec(repo, name, force=force)
    click.echo(f"wrote {written}", err=True)


@spec.command("check")
@click.argument("files", nargs=-1, type=_EXISTING_FILE)
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
@_TIER
def spec_check(files: tuple[Path, ...], fmt: str, tier: str | None) -> None:
    """Is each spec (default: specs/*.md) complete enough to build against at its tier?"""
    from prodready.spec.check import run_check

    text, code = run_check(files, fmt=fmt, tier=Tier(tier) if tier else None, root=Path("."))
    write_report(text, None)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="prodready", standalone_mode=False)
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        raise SystemExit(130) from None
    except ProdreadyError as exc:
        click.echo(f"prodready: error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        raise SystemExit(130) from None
    except SystemExit:
        raise
    except Exception as exc:  # the one place an unexpected error becomes exit 3
        if os.environ.get("PRODREADY_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"prodready: internal error: {type(exc).__name__}: {exc} "
            "(set PRODREADY_DEBUG=1 for the traceback; please report it)",
            err=True,
        )
        raise SystemExit(EXIT_INTERNAL) from None


def _tty(stream: object) -> bool:
    isatty: Callable[[], bool] | None = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def _width() -> int:
    try:
        return max(80, min(140, os.get_terminal_size().columns))
    except OSError:
        return 100


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long runs on a terminal; nothing when not a tty."""
    if not _tty(sys.stderr):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("analysing Python files"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        task = bar.add_task("parse", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@contextmanager
def _mutate_progress() -> Iterator[Callable[[str, int, int | None], None] | None]:
    """The suite's coverage run, then mutants done of total, on a terminal's stderr."""
    if not _tty(sys.stderr):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True
    ) as bar:
        first = "running the tests once with per-test coverage"
        task = bar.add_task(first, total=None)

        def update(phase: str, done: int, total: int | None) -> None:
            label = "running mutants" if phase == "mutants" else first
            bar.update(task, description=label, completed=done, total=total)

        yield update
