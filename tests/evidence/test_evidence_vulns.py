"""Vulnerability report parsing: pip-audit and OSV-Scanner JSON, and hostile input.

The fixtures in data/ follow real published payloads; data/SOURCES.md says where each
shape came from (pip-audit's JSON formatter, OSV-Scanner's output docs, DefectDojo's
sample scans).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodready.errors import EvidenceError
from prodready.evidence._common import UNEXPECTED_PREFIX
from prodready.evidence.vulns import (
    FORMAT_OSV_SCANNER,
    FORMAT_PIP_AUDIT,
    Vulnerability,
    VulnReport,
    load_vulns,
)

DATA = Path(__file__).parent / "data"


def test_pip_audit_report() -> None:
    report = load_vulns(DATA / "pip-audit.json")
    assert report.format == FORMAT_PIP_AUDIT
    assert report.source == str(DATA / "pip-audit.json")
    assert report.packages_scanned == 4  # azure-devops was skipped, not scanned
    assert report.skipped == ("azure-devops",)
    assert report.vulnerabilities == (
        Vulnerability(
            "aiohttp",
            "3.6.2",
            "PYSEC-2021-76",
            ("CVE-2021-21330", "GHSA-v6wp-4m6f-gcjg"),
            ("3.7.4",),
            "aiohttp is an asynchronous HTTP client/server framework for asyncio and Python. "
            "In aiohttp before version 3.7.4 there is an open redirect vulnerability.",
        ),
        Vulnerability(
            "django",
            "3.2.9",
            "PYSEC-2021-439",
            ("CVE-2021-44420",),
            ("2.2.25", "3.1.14", "3.2.10"),
            "In Django 2.2 before 2.2.25, 3.1 before 3.1.14, and 3.2 before 3.2.10, HTTP "
            "requests for URLs with trailing newlines could bypass upstream access control "
            "based on URL paths.",
        ),
        Vulnerability(
            "lxml",
            "4.6.4",
            "PYSEC-2021-852",
            (),
            (),
            "lxml is a library for processing XML and HTML in the Python language.",
        ),
    )


def test_legacy_pip_audit_list() -> None:
    report = load_vulns(DATA / "pip-audit-legacy.json")
    assert report.format == FORMAT_PIP_AUDIT
    assert report.packages_scanned == 2
    assert report.skipped == ()
    assert [
        (v.package, v.id, v.aliases, v.fix_versions, v.summary) for v in report.vulnerabilities
    ] == [
        ("twisted", "PYSEC-2019-128", (), ("19.2.1",), ""),
        ("twisted", "PYSEC-2020-260", (), ("20.3.0rc1",), ""),
    ]


def test_clean_pip_audit_report(tmp_path: Path) -> None:
    report_path = tmp_path / "clean.json"
    report_path.write_text(
        '{"dependencies": [{"name": "pip", "version": "24.0", "vulns": []}], "fixes": []}'
    )
    report = load_vulns(report_path)
    assert (report.packages_scanned, report.vulnerabilities, report.skipped) == (1, (), ())


def test_osv_scanner_report() -> None:
    report = load_vulns(DATA / "osv-scanner.json")
    assert report.format == FORMAT_OSV_SCANNER
    assert report.packages_scanned == 2
    assert report.skipped == ()
    assert report.vulnerabilities == (
        # GHSA and PYSEC records of one flaw, grouped by OSV-Scanner, become one entry;
        # fixes come from both records' ECOSYSTEM ranges for this package only (not the
        # GIT commit, not the other package the advisory also covers).
        Vulnerability(
            "Django",
            "3.2.9",
            "GHSA-v6rh-hp5x-86rv",
            ("CVE-2021-44420", "PYSEC-2021-439"),
            ("2.2.25", "3.2.10", "3.1.14"),
            "Potential bypass of an upstream access control based on URL paths in Django",
        ),
        # A malicious package: no fixed version exists; the details text is markdown
        # furniture only, so the summary is used.
        Vulnerability(
            "flot-axis",
            "0.0.0",
            "MAL-2023-1035",
            ("GHSA-8348-2q94-ffjx",),
            (),
            "Malicious code in flot-axis (npm)",
        ),
    )


def test_osv_scanner_go_nulls_and_ungrouped_records(tmp_path: Path) -> None:
    report_path = tmp_path / "osv.json"
    report_path.write_text(
        json.dumps(
            {
                "results": [
                    {
                        "source": {"path": "go.mod", "type": "lockfile"},
                        "packages": [
                            {
                                "package": {
                                    "name": "github.com/gogo/protobuf",
                                    "version": "1.3.1",
                                    "ecosystem": "Go",
                                },
                                "vulnerabilities": [
                                    {
                                        "id": "GO-2021-0053",
                                        "aliases": None,
                                        "details": "### Impact\n\nIndex validation is missing.",
                                        "affected": None,
                                    }
                                ],
                                "groups": None,
                            },
                            {
                                "package": {"name": "clean", "version": "1.0"},
                                "vulnerabilities": None,
                            },
                        ],
                    },
                    {"source": {"path": "empty.lock"}, "packages": None},
                ]
            }
        )
    )
    report = load_vulns(report_path)
    assert report.packages_scanned == 2
    assert report.vulnerabilities == (
        Vulnerability(
            "github.com/gogo/protobuf",
            "1.3.1",
            "GO-2021-0053",
            (),
            (),
            "Index validation is missing.",
        ),
    )


def test_osv_scanner_empty_results(tmp_path: Path) -> None:
    report_path = tmp_path / "osv.json"
    report_path.write_text('{"results": []}')
    report = load_vulns(report_path)
    assert (report.format, report.packages_scanned, report.vulnerabilities) == (
        FORMAT_OSV_SCANNER,
        0,
        (),
    )


# --- broken and hostile input --------------------------------------------------------------

MALFORMED: list[tuple[str, bytes, str]] = [
    ("no-known-key", b'{"meta": {}}', "JSON has no 'dependencies' key"),
    ("scalar", b"42", "JSON top level is a number"),
    ("empty", b"", "file is empty"),
    ("binary", bytes(range(256)), "not UTF-8"),
    ("not-json", b"dependencies: []", "not valid JSON at line 1, column 1"),
    ("truncated", b'{"dependencies": [{"name": "a", "vers', "not valid JSON"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("huge-int", b"[" + b"9" * 10_000 + b"]", "not valid JSON"),
    (
        "deps-not-list",
        b'{"dependencies": {"a": 1}}',
        "dependencies is an object, expected an array",
    ),
    (
        "dep-not-object",
        b'{"dependencies": ["flask"]}',
        "dependencies[0] is a string, expected an object",
    ),
    (
        "dep-no-name",
        b'{"dependencies": [{"version": "1", "vulns": []}]}',
        "dependencies[0] has no 'name'",
    ),
    (
        "dep-no-vulns",
        b'{"dependencies": [{"name": "a", "version": "1"}]}',
        "has neither 'vulns' nor 'skip_reason'",
    ),
    (
        "vuln-no-id",
        b'{"dependencies": [{"name": "a", "version": "1", "vulns": [{"fix_versions": []}]}]}',
        "dependencies[0].vulns[0] has no 'id'",
    ),
    (
        "fix-not-string",
        b'{"dependencies": [{"name": "a", "version": "1", '
        b'"vulns": [{"id": "X", "fix_versions": [1]}]}]}',
        "fix_versions[0] is a number, expected a string",
    ),
    ("results-not-list", b'{"results": "none"}', "results is a string, expected an array"),
    (
        "osv-package-missing",
        b'{"results": [{"packages": [{"vulnerabilities": []}]}]}',
        "results[0].packages[0].package is null, expected an object",
    ),
    (
        "osv-vuln-no-id",
        b'{"results": [{"packages": [{"package": {"name": "a"}, "vulnerabilities": [{}]}]}]}',
        "vulnerabilities[0] has no 'id'",
    ),
    (
        "osv-bad-ranges",
        b'{"results": [{"packages": [{"package": {"name": "a"}, "vulnerabilities": '
        b'[{"id": "X", "affected": [{"ranges": {}}]}]}]}]}',
        "ranges is an object, expected an array",
    ),
]


@pytest.mark.parametrize(
    ("content", "reason"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_input_is_an_evidence_error(tmp_path: Path, content: bytes, reason: str) -> None:
    report = tmp_path / "report.json"
    report.write_bytes(content)
    with pytest.raises(EvidenceError) as caught:
        load_vulns(report)
    assert reason in caught.value.reason


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="file not found"):
        load_vulns(tmp_path / "absent.json")
    with pytest.raises(EvidenceError, match="is a directory"):
        load_vulns(tmp_path)


# --- fuzzing -------------------------------------------------------------------------------


def _accepts_or_rejects(load: Callable[[], VulnReport]) -> None:
    try:
        report = load()
    except EvidenceError as error:
        assert not error.reason.startswith(UNEXPECTED_PREFIX), error.reason
        return
    assert report.format in (FORMAT_PIP_AUDIT, FORMAT_OSV_SCANNER)
    assert report.packages_scanned >= 0
    for vuln in report.vulnerabilities:
        assert all(isinstance(x, str) for x in (vuln.package, vuln.version, vuln.id, vuln.summary))
        assert vuln.id not in vuln.aliases


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(content=st.binary(max_size=2048))
def test_fuzz_arbitrary_bytes(fuzz_dir: Path, content: bytes) -> None:
    report = fuzz_dir / "bytes.json"
    report.write_bytes(content)
    _accepts_or_rejects(lambda: load_vulns(report))


_KEYS = st.sampled_from(
    [
        "dependencies",
        "name",
        "version",
        "vulns",
        "id",
        "aliases",
        "fix_versions",
        "description",
        "skip_reason",
        "results",
        "packages",
        "package",
        "vulnerabilities",
        "groups",
        "ids",
        "affected",
        "ranges",
        "type",
        "events",
        "fixed",
        "summary",
        "details",
        "commit",
        "ECOSYSTEM",
    ]
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=6)
    | st.sampled_from(["ECOSYSTEM", "SEMVER", "GIT"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=40,
)


@FUZZ
@given(document=_JSON)
def test_fuzz_json_shapes(fuzz_dir: Path, document: object) -> None:
    report = fuzz_dir / "shape.json"
    report.write_text(json.dumps(document))
    _accepts_or_rejects(lambda: load_vulns(report))


@settings(max_examples=100, deadline=None)
@given(
    which=st.sampled_from(["pip-audit.json", "pip-audit-legacy.json", "osv-scanner.json"]),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=6),
)
def test_fuzz_mutated_real_reports(
    fuzz_dir: Path, which: str, edits: list[tuple[int, int]]
) -> None:
    content = bytearray((DATA / which).read_bytes())
    for position, value in edits:
        content[position % len(content)] = value
    report = fuzz_dir / f"mutated-{which}"
    report.write_bytes(bytes(content))
    _accepts_or_rejects(lambda: load_vulns(report))
