from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodready.errors import EvidenceError
from prodready.evidence.sarif import load_sarif

# The shape of a Semgrep/CodeQL-style SARIF 2.1.0 log: tool.driver, results with
# ruleId, level, message.text and a physical location with a region.
SEMGREP = {
    "version": "2.1.0",
    "runs": [
        {
            "tool": {"driver": {"name": "Semgrep OSS", "rules": []}},
            "results": [
                {
                    "ruleId": "python.flask.security.injection.os-system-injection",
                    "level": "error",
                    "message": {"text": "User data flows into os.system"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {
                                    "uri": "app/views.py",
                                    "uriBaseId": "%SRCROOT%",
                                },
                                "region": {"startLine": 12, "endLine": 13},
                            }
                        }
                    ],
                },
                {
                    "ruleId": "generic.secrets",
                    "level": "warning",
                    "message": {"text": "secret"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "file:///elsewhere/x.py"},
                                "region": {"startLine": 1},
                            }
                        }
                    ],
                },
                {
                    "ruleId": "accepted",
                    "message": {"text": "accepted"},
                    "suppressions": [{"kind": "inSource"}],
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "./app/a.py"},
                                "region": {"startLine": 3},
                            }
                        }
                    ],
                },
                {"ruleId": "no-location", "message": {"text": "repository-level"}},
            ],
        }
    ],
}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "other.sarif"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_results_become_located_findings(tmp_path: Path) -> None:
    findings = load_sarif(write(tmp_path, SEMGREP), tmp_path)
    got = [(f.rule, f.path, f.line, f.end_line, f.severity, f.suppressed) for f in findings]
    assert got == [
        (
            "Semgrep OSS:python.flask.security.injection.os-system-injection",
            "app/views.py",
            12,
            13,
            "error",
            False,
        ),
        ("Semgrep OSS:accepted", "app/a.py", 3, 3, "warning", True),
    ]


def test_absolute_file_uri_inside_the_repository(tmp_path: Path) -> None:
    data = json.loads(json.dumps(SEMGREP))
    uri = (tmp_path / "app" / "b.py").as_uri()
    data["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = (
        uri
    )
    paths = [f.path for f in load_sarif(write(tmp_path, data), tmp_path)]
    assert "app/b.py" in paths


@pytest.mark.parametrize("content", ["{not json", "[]", '{"runs": 3}', '{"runs": [1]}', ""])
def test_not_sarif_is_an_evidence_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.sarif"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvidenceError):
        load_sarif(path, tmp_path)


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda c: (
            st.lists(c, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "runs",
                        "results",
                        "locations",
                        "physicalLocation",
                        "artifactLocation",
                        "uri",
                        "region",
                        "startLine",
                        "tool",
                    ]
                ),
                c,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_arbitrary_json_never_raises_anything_else(
    tmp_path_factory: pytest.TempPathFactory, data: object
) -> None:
    root = tmp_path_factory.mktemp("s")
    path = root / "f.sarif"
    path.write_text(json.dumps(data), encoding="utf-8")
    with contextlib.suppress(EvidenceError):
        load_sarif(path, root)
