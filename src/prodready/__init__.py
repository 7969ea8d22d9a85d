"""prodready: is this repository or change ready for production? A verdict with evidence."""

from prodready.model import (
    AuditReport,
    CriterionResult,
    Decision,
    Dimension,
    Evidence,
    Finding,
    Layer,
    Status,
    Tier,
    Verdict,
)

__version__ = "0.1.0"

__all__ = [
    "AuditReport",
    "CriterionResult",
    "Decision",
    "Dimension",
    "Evidence",
    "Finding",
    "Layer",
    "Status",
    "Tier",
    "Verdict",
    "__version__",
]
