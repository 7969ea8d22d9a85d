"""Report factories and the golden-file helper shared by the reporter tests.

Goldens are compared byte for byte; run with ``PRODREADY_UPDATE_GOLDEN=1`` to rewrite
them after an intended change, then review the diff like any other code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

try:
    import prodready  # noqa: F401
except ModuleNotFoundError:  # the package is not installed: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from prodready.model import (
    AuditReport,
    CriterionResult,
    Decision,
    Dimension,
    Evidence,
    Finding,
    Layer,
    LayerSummary,
    ProjectKind,
    ReportError,
    Status,
    Tier,
    Verdict,
    WaiverRef,
)

GOLDEN_DIR = Path(__file__).parent / "golden"

HOSTILE = "<script>alert(1)</script>"
HOSTILE_ATTR = '" onload="alert(2)'


def criterion(
    cid: str,
    title: str,
    dimension: Dimension,
    layer: Layer,
    status: Status,
    *evidence: Evidence,
    required: bool = True,
    missing: str | None = None,
    remediation: str = "",
    waiver: WaiverRef | None = None,
    original_status: Status | None = None,
) -> CriterionResult:
    return CriterionResult(
        id=cid,
        title=title,
        dimension=dimension,
        layer=layer,
        status=status,
        required=required,
        evidence=tuple(evidence),
        missing=missing,
        remediation=remediation,
        waiver=waiver,
        original_status=original_status,
    )


def block_report() -> AuditReport:
    """Two blocking gaps, one waived known risk, findings (one suppressed), one unreadable
    input, an implicit layer: every section of every reporter has something to show."""
    criteria = (
        criterion(
            "ARCH-001",
            "Outbound calls have timeouts",
            Dimension.ARCHITECTURE,
            Layer.CONSTRAINTS,
            Status.MISSING,
            Evidence("requests.post() without timeout", "src/billing/client.py", 42),
            Evidence("httpx.get() without timeout", "src/billing/client.py", 77),
            Evidence("urlopen() without timeout", "src/billing/fx.py", 12),
            Evidence("requests.get() without timeout", "src/billing/fx.py", 30),
            Evidence("requests.put() without timeout", "src/billing/ledger.py", 9),
            missing="5 outbound HTTP calls in src/billing have no timeout",
            remediation="Pass an explicit timeout to every outbound call, e.g. timeout=5.",
        ),
        criterion(
            "ARCH-002",
            "Retries are idempotent",
            Dimension.ARCHITECTURE,
            Layer.CONSTRAINTS,
            Status.MET,
            Evidence("refund retries carry an idempotency key", "src/billing/refund.py", 51),
        ),
        criterion(
            "TEST-001",
            "Changed lines are executed by tests",
            Dimension.TESTS,
            Layer.VERIFICATION,
            Status.UNKNOWN,
            Evidence("src/billing/refund.py lines 40-58 changed", "src/billing/refund.py", 40),
            missing="coverage.xml could not be read, so changed-line coverage is unknown",
            remediation="Upload a readable coverage.xml (coverage xml) from the test job.",
        ),
        criterion(
            "TEST-002",
            "Test suite passes",
            Dimension.TESTS,
            Layer.VERIFICATION,
            Status.MET,
            Evidence("312 tests, 0 failures", "reports/junit.xml"),
        ),
        criterion(
            "DEPL-001",
            "Rollback plan documented",
            Dimension.DEPLOYMENT,
            Layer.OPERATION,
            Status.WAIVED,
            missing="no rollback section in docs/ or the deploy manifest",
            remediation="Describe how to roll back a bad release in docs/runbook.md.",
            waiver=WaiverRef(
                id="W-12",
                owner="alice",
                approved_by="bob",
                expires="2031-03-31",
                reason="blue/green switch-back documented in the platform wiki",
            ),
            original_status=Status.MISSING,
        ),
        criterion(
            "DEPL-002",
            "Health check endpoint",
            Dimension.DEPLOYMENT,
            Layer.OPERATION,
            Status.MET,
            Evidence("GET /healthz", "src/billing/app.py", 18),
        ),
        criterion(
            "SEC-001",
            "Endpoints authenticate callers",
            Dimension.SECURITY,
            Layer.CONSTRAINTS,
            Status.MET,
            Evidence("all 6 routes use require_user", "src/billing/app.py", 25),
        ),
        criterion(
            "SEC-002",
            "Dependencies are pinned",
            Dimension.SECURITY,
            Layer.CONSTRAINTS,
            Status.MISSING,
            Evidence("requests>=2", "requirements.txt", 3),
            required=False,
            missing="1 of 4 requirements is not pinned",
            remediation="Pin every requirement to an exact version or use a lock file.",
        ),
        criterion(
            "SEC-003",
            "No known vulnerable dependencies",
            Dimension.SECURITY,
            Layer.CONSTRAINTS,
            Status.UNKNOWN,
            required=False,
            missing="no vulnerability report was supplied",
            remediation="Run pip-audit -f json and pass it with --vulns.",
        ),
        criterion(
            "OBS-001",
            "Error-rate metric for user-facing failures",
            Dimension.OBSERVABILITY,
            Layer.OPERATION,
            Status.MISSING,
            required=False,
            missing="no counter or histogram labelled by outcome",
            remediation="Count failed requests by route and status code.",
        ),
        criterion(
            "OBS-002",
            "Structured logging",
            Dimension.OBSERVABILITY,
            Layer.OPERATION,
            Status.MET,
            Evidence("structlog configured", "src/billing/logging.py", 5),
        ),
        criterion(
            "DOC-001",
            "README explains how to run the service",
            Dimension.DOCUMENTATION,
            Layer.INTENT,
            Status.MET,
            Evidence("## Running locally", "README.md", 14),
        ),
        criterion(
            "DOC-002",
            "Public API reference",
            Dimension.DOCUMENTATION,
            Layer.INTENT,
            Status.NOT_APPLICABLE,
            Evidence("services have no public Python API"),
            required=False,
        ),
        criterion(
            "OWN-001",
            "CODEOWNERS covers changed paths",
            Dimension.OWNERSHIP,
            Layer.ACCOUNTABILITY,
            Status.MET,
            Evidence("billing-team owns src/billing/", ".github/CODEOWNERS", 4),
        ),
        criterion(
            "OWN-002",
            "On-call rotation named",
            Dimension.OWNERSHIP,
            Layer.ACCOUNTABILITY,
            Status.MISSING,
            required=False,
            missing="no on-call rotation in prodready.toml [ownership]",
            remediation="Name the on-call rotation under [ownership] oncall.",
        ),
    )
    return AuditReport(
        root="/srv/checkout/acme-billing",
        tier=Tier.PRODUCTION,
        kind=ProjectKind.SERVICE,
        kind_reason="Dockerfile and an HTTP entry point (src/billing/app.py)",
        decision=Decision(
            verdict=Verdict.BLOCK,
            blocking=("ARCH-001", "TEST-001"),
            known_risks=("DEPL-001",),
            reasons=(
                "2 required criteria are not met: ARCH-001, TEST-001",
                "unknown blocks from tier production up",
                "1 gap is waived as known risk: DEPL-001",
            ),
        ),
        criteria=criteria,
        findings=(
            Finding(
                rule="PR101",
                category="timeout",
                severity="warning",
                confidence="high",
                path="src/billing/client.py",
                line=42,
                end_line=44,
                message="requests.post() has no timeout",
                remediation="Pass timeout= to requests.post().",
            ),
            Finding(
                rule="PR401",
                category="sensitive-logging",
                severity="error",
                confidence="medium",
                path="src/billing/refund.py",
                line=88,
                end_line=88,
                message="log line includes card_token",
                remediation="Log a redacted token or drop the field.",
            ),
            Finding(
                rule="PR203",
                category="swallowed-exception",
                severity="warning",
                confidence="high",
                path="src/billing/cache.py",
                line=12,
                end_line=15,
                message="except Exception: pass hides failures",
                remediation="Log the exception or re-raise it.",
                suppressed=True,
                suppression_reason="best-effort cache warm-up; failure is harmless",
            ),
        ),
        errors=(ReportError("coverage.xml", "not well-formed XML: line 1, column 0"),),
        layers=(
            LayerSummary(Layer.INTENT, met=1, applicable=1),
            LayerSummary(Layer.CONSTRAINTS, met=2, applicable=5),
            LayerSummary(Layer.VERIFICATION, met=1, applicable=2),
            LayerSummary(Layer.OPERATION, met=2, applicable=4),
            LayerSummary(Layer.ACCOUNTABILITY, met=1, applicable=2),
        ),
        policy_notes=("waiver W-7 for OBS-001 expired on 2024-01-31 and no longer counts",),
        stats={"files_scanned": 42, "changed_files": 7, "criteria": 15, "seconds_cpu": 0.25},
    )


def ship_report() -> AuditReport:
    """Everything required is met; nothing blocks, nothing is waived."""
    return AuditReport(
        root=".",
        tier=Tier.INTERNAL,
        kind=ProjectKind.LIBRARY,
        kind_reason="pyproject.toml with no entry point",
        decision=Decision(
            verdict=Verdict.SHIP,
            blocking=(),
            known_risks=(),
            reasons=("all required criteria are met",),
        ),
        criteria=(
            criterion(
                "TEST-002",
                "Test suite passes",
                Dimension.TESTS,
                Layer.VERIFICATION,
                Status.MET,
                Evidence("88 tests, 0 failures", "junit.xml"),
            ),
            criterion(
                "DOC-001",
                "README explains how to use the library",
                Dimension.DOCUMENTATION,
                Layer.INTENT,
                Status.MET,
                Evidence("## Usage", "README.md", 3),
            ),
            criterion(
                "DEPL-002",
                "Health check endpoint",
                Dimension.DEPLOYMENT,
                Layer.OPERATION,
                Status.NOT_APPLICABLE,
                Evidence("libraries are not deployed"),
            ),
        ),
        layers=(
            LayerSummary(Layer.INTENT, met=1, applicable=1),
            LayerSummary(Layer.VERIFICATION, met=1, applicable=1),
            LayerSummary(Layer.OPERATION, met=0, applicable=0),
        ),
    )


def hostile_report() -> AuditReport:
    """Repository-derived strings that try to break out of every output format."""
    nasty_path = f"src/{HOSTILE}{HOSTILE_ATTR}|x`y`.py"
    waiver = WaiverRef(
        id="W-<1>",
        owner="[red]mallory[/red] <img src=x onerror=alert(3)>",
        approved_by="@everyone",
        expires="2031-01-01 | injected | cell",
        reason="</details></td></tr></table><script>alert(4)</script>",
    )
    return AuditReport(
        root=f"/tmp/{HOSTILE}",
        tier=Tier.CRITICAL,
        kind=ProjectKind.SERVICE,
        kind_reason=f"entry point {nasty_path}",
        decision=Decision(
            verdict=Verdict.BLOCK,
            blocking=("SEC-<9>",),
            known_risks=("DOC-9",),
            reasons=(f"blocked by {HOSTILE}",),
        ),
        criteria=(
            criterion(
                "SEC-<9>",
                "Title with | pipe and `code` and <b>bold</b>",
                Dimension.SECURITY,
                Layer.CONSTRAINTS,
                Status.MISSING,
                Evidence(HOSTILE, nasty_path, 3),
                Evidence(f"line one\nline two | {HOSTILE_ATTR}", "a\x1b[31mred\x1b[0m.py", 4),
                Evidence("bidi \u202eevil\u202c text", "\u202etxt.exe"),
                Evidence("[bold]markup[/bold] :smile:", "b.py", 5),
                missing=f"missing <img src=x onerror=alert(5)> {HOSTILE_ATTR}",
                remediation="```\nrm -rf /\n```",
            ),
            criterion(
                "DOC-9",
                "Docs <i>waived</i>",
                Dimension.DOCUMENTATION,
                Layer.INTENT,
                Status.WAIVED,
                waiver=waiver,
                original_status=Status.MISSING,
            ),
        ),
        findings=(
            Finding(
                rule="X<1>",
                category=HOSTILE,
                severity="error",
                confidence="high",
                path=nasty_path,
                line=1,
                end_line=1,
                message=f"message {HOSTILE} | col |",
                remediation=HOSTILE_ATTR,
                suppressed=True,
                suppression_reason=HOSTILE,
            ),
        ),
        errors=(ReportError(nasty_path, f"reason {HOSTILE}"),),
        policy_notes=(f"note {HOSTILE}",),
        stats={"<b>count</b>": 1},
    )


def _api_component() -> AuditReport:
    """A critical service that blocks: two required gaps, one waived known risk."""
    criteria = (
        criterion(
            "ARCH-002",
            "Retries are idempotent",
            Dimension.ARCHITECTURE,
            Layer.CONSTRAINTS,
            Status.MET,
            Evidence("payment retries carry an idempotency key", "services/api/pay.py", 30),
        ),
        criterion(
            "TEST-001",
            "Changed lines are executed by tests",
            Dimension.TESTS,
            Layer.VERIFICATION,
            Status.MISSING,
            Evidence("services/api/pay.py lines 12-40 not executed", "services/api/pay.py", 12),
            missing="41% of changed lines executed; critical requires 90%",
            remediation="Add tests for services/api/pay.py.",
        ),
        criterion(
            "DEPL-001",
            "Rollback plan documented",
            Dimension.DEPLOYMENT,
            Layer.OPERATION,
            Status.UNKNOWN,
            missing="no deploy manifest found for services/api",
            remediation="Describe how to roll back a bad release in services/api/RUNBOOK.md.",
        ),
        criterion(
            "SEC-004",
            "Debug mode off in production settings",
            Dimension.SECURITY,
            Layer.CONSTRAINTS,
            Status.WAIVED,
            Evidence("app.debug = True", "services/api/app.py", 3),
            missing="debug mode is on in services/api/app.py",
            remediation="Turn debug mode off outside development.",
            waiver=WaiverRef(
                id="W-3",
                owner="@api-team",
                approved_by="@cto",
                expires="2031-01-31",
                reason="debug toolbar until the 2.0 cut-over",
            ),
            original_status=Status.MISSING,
        ),
        criterion(
            "OBS-002",
            "Structured logging",
            Dimension.OBSERVABILITY,
            Layer.OPERATION,
            Status.MET,
            Evidence("structlog configured", "services/api/logging.py", 5),
        ),
        criterion(
            "OWN-001",
            "CODEOWNERS covers changed paths",
            Dimension.OWNERSHIP,
            Layer.ACCOUNTABILITY,
            Status.MET,
            Evidence("@api-team owns /services/api/", ".github/CODEOWNERS", 1),
        ),
    )
    return AuditReport(
        root="services/api",
        tier=Tier.CRITICAL,
        kind=ProjectKind.SERVICE,
        kind_reason="services/api/app.py creates a web application (Flask(...))",
        decision=Decision(
            verdict=Verdict.BLOCK,
            blocking=("TEST-001", "DEPL-001"),
            known_risks=("SEC-004",),
            reasons=(
                "2 required criteria are not met: TEST-001, DEPL-001",
                "1 gap is waived as known risk: SEC-004",
            ),
        ),
        criteria=criteria,
        errors=(ReportError("services/api/coverage.xml", "not well-formed XML"),),
        layers=(
            LayerSummary(Layer.CONSTRAINTS, met=1, applicable=2),
            LayerSummary(Layer.VERIFICATION, met=0, applicable=1),
            LayerSummary(Layer.OPERATION, met=1, applicable=2),
            LayerSummary(Layer.ACCOUNTABILITY, met=1, applicable=1),
        ),
        stats={"files": 12, "python_files": 9, "criteria": 6},
        name="api",
    )


def _tools_component() -> AuditReport:
    """An experimental CLI that ships: its only gap is advisory."""
    return AuditReport(
        root="tools",
        tier=Tier.EXPERIMENTAL,
        kind=ProjectKind.CLI,
        kind_reason="console script in tools/pyproject.toml",
        decision=Decision(
            verdict=Verdict.SHIP,
            blocking=(),
            known_risks=(),
            reasons=("all required criteria are met",),
        ),
        criteria=(
            criterion(
                "TEST-002",
                "Test suite passes",
                Dimension.TESTS,
                Layer.VERIFICATION,
                Status.MET,
                Evidence("14 tests, 0 failures", "tools/junit.xml"),
            ),
            criterion(
                "DOC-001",
                "README explains how to run the tool",
                Dimension.DOCUMENTATION,
                Layer.INTENT,
                Status.MISSING,
                required=False,
                missing="no README in tools/",
                remediation="Add tools/README.md with a usage example.",
            ),
        ),
        layers=(
            LayerSummary(Layer.INTENT, met=0, applicable=1),
            LayerSummary(Layer.VERIFICATION, met=1, applicable=1),
        ),
        stats={"files": 3, "python_files": 2, "criteria": 2},
        name="tools",
    )


def monorepo_report() -> AuditReport:
    """A repository with two components: "api" (critical) blocks, "tools" ships. The
    repository's own criteria are met; its decision names the components' gaps."""
    return AuditReport(
        root="/srv/checkout/acme",
        tier=Tier.INTERNAL,
        kind=ProjectKind.LIBRARY,
        kind_reason="Python code with no server entry point or console script",
        decision=Decision(
            verdict=Verdict.BLOCK,
            blocking=("api:TEST-001", "api:DEPL-001"),
            known_risks=("api:SEC-004",),
            reasons=(
                "[api] 2 required criteria are not met: TEST-001, DEPL-001",
                "[api] 1 gap is waived as known risk: SEC-004",
                "[tools] all required criteria are met",
            ),
        ),
        criteria=(
            criterion(
                "TEST-002",
                "Test suite passes",
                Dimension.TESTS,
                Layer.VERIFICATION,
                Status.MET,
                Evidence("31 tests, 0 failures", "junit.xml"),
            ),
            criterion(
                "OWN-002",
                "On-call rotation named",
                Dimension.OWNERSHIP,
                Layer.ACCOUNTABILITY,
                Status.MISSING,
                required=False,
                missing="no on-call rotation in prodready.toml [ownership]",
                remediation="Name the on-call rotation under [ownership] oncall.",
            ),
        ),
        layers=(
            LayerSummary(Layer.VERIFICATION, met=1, applicable=1),
            LayerSummary(Layer.ACCOUNTABILITY, met=0, applicable=1),
        ),
        policy_notes=("waiver W-9 for OBS-001 expired on 2024-01-31 and no longer counts",),
        stats={"files": 31, "python_files": 4, "criteria": 2},
        components=(_api_component(), _tools_component()),
    )


@pytest.fixture
def factories() -> dict[str, Callable[[], AuditReport]]:
    """The report factories by name, for tests that need fresh, equal reports."""
    return {
        "block": block_report,
        "ship": ship_report,
        "hostile": hostile_report,
        "monorepo": monorepo_report,
    }


@pytest.fixture
def block() -> AuditReport:
    return block_report()


@pytest.fixture
def ship() -> AuditReport:
    return ship_report()


@pytest.fixture
def hostile() -> AuditReport:
    return hostile_report()


@pytest.fixture
def monorepo() -> AuditReport:
    return monorepo_report()


class Golden:
    """Compare output with ``golden/<name>``, or rewrite it when asked to."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, name: str, actual: str) -> None:
        path = GOLDEN_DIR / name
        if self.update:
            GOLDEN_DIR.mkdir(exist_ok=True)
            path.write_bytes(actual.encode("utf-8"))
            return
        assert path.exists(), f"{path} is missing; run with PRODREADY_UPDATE_GOLDEN=1"
        expected = path.read_bytes().decode("utf-8")
        assert actual == expected, f"{name} differs from its golden file"


@pytest.fixture
def golden() -> Golden:
    return Golden(update=os.environ.get("PRODREADY_UPDATE_GOLDEN") == "1")
