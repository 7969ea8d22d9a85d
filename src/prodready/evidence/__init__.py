"""Parsers for evidence files supplied from outside: coverage, test results, vulnerabilities.

Each loader takes a path to a file that may be broken or hostile and either returns a frozen
result or raises :class:`~prodready.errors.EvidenceError`; the audit records the latter as an
input error and treats the evidence as unknown, never as met.
"""

from prodready.evidence.coverage import CoverageData, FileCoverage, load_coverage
from prodready.evidence.junit import JUnitReport, TestCaseResult, load_junit
from prodready.evidence.vulns import Vulnerability, VulnReport, load_vulns

__all__ = [
    "CoverageData",
    "FileCoverage",
    "JUnitReport",
    "TestCaseResult",
    "VulnReport",
    "Vulnerability",
    "load_coverage",
    "load_junit",
    "load_vulns",
]
