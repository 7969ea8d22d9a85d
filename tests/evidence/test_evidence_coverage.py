"""Coverage parsing against real coverage.py output, and against broken or hostile input."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodready.errors import EvidenceError
from prodready.evidence._common import UNEXPECTED_PREFIX
from prodready.evidence.coverage import (
    FORMAT_COBERTURA,
    FORMAT_DATA,
    FORMAT_JSON,
    CoverageData,
    FileCoverage,
    load_coverage,
)

DATA = Path(__file__).parent / "data"

CALC = '''"""Arithmetic the tests exercise, partly."""


def add(a, b):
    return a + b


def classify(n):
    if n < 0:
        return "negative"
    return "non-negative"


def unused(x):
    doubled = x * 2
    return doubled
'''

TEST_CALC = """from pkg.calc import add, classify


def test_add():
    assert add(1, 2) == 3


def test_classify():
    assert classify(5) == "non-negative"
"""

# What coverage.py itself reports for CALC under TEST_CALC (statements; docstring excluded).
CALC_EXECUTABLE = frozenset({4, 5, 8, 9, 10, 11, 14, 15, 16})
CALC_COVERED = frozenset({4, 5, 8, 9, 11, 14})
# What the tracer recorded: also the module docstring's line, which is not a statement.
CALC_EXECUTED_RAW = frozenset({1, 4, 5, 8, 9, 11, 14})


def _clean_env() -> dict[str, str]:
    """The child run must not inherit coverage or pytest settings of the run testing us."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COVERAGE_", "PYTEST_", "HYPOTHESIS_"))
    }


def _run(root: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "coverage", *args],
        cwd=root,
        env=_clean_env(),
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny package measured by a real coverage.py run in every output format."""
    root = tmp_path_factory.mktemp("covproject")
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "calc.py").write_text(CALC)
    (root / "tests").mkdir()
    (root / "tests" / "test_calc.py").write_text(TEST_CALC)
    (root / "pytest.ini").write_text("[pytest]\n")
    pytest_args = ("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    _run(root, "run", "--source=pkg", *pytest_args)
    _run(root, "xml", "-o", "coverage.xml")
    _run(root, "json", "-o", "coverage.json")
    _run(root, "run", "--branch", "--source=pkg", "--data-file=.coverage.branch", *pytest_args)
    _run(root, "json", "--data-file=.coverage.branch", "-o", "branch.json")
    return root


# --- real reports --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "fmt"),
    [
        ("coverage.xml", FORMAT_COBERTURA),
        ("coverage.json", FORMAT_JSON),
        (".coverage", FORMAT_DATA),
    ],
)
def test_real_reports_agree_on_lines(project: Path, report: str, fmt: str) -> None:
    data = load_coverage(project / report, project)
    assert data.format == fmt
    assert data.source == str(project / report)
    assert set(data.files) == {"pkg/__init__.py", "pkg/calc.py"}
    calc = data.for_path("pkg/calc.py")
    assert calc is not None
    assert calc.covered == CALC_COVERED
    assert calc.executable == CALC_EXECUTABLE
    assert {15, 16}.isdisjoint(calc.covered)  # the never-called function
    assert data.files["pkg/__init__.py"] == FileCoverage(frozenset(), frozenset())
    assert data.percent() == pytest.approx(600 / 9)


def test_format_is_detected_from_content_not_name(project: Path, tmp_path: Path) -> None:
    for report, fmt in [
        ("coverage.xml", FORMAT_COBERTURA),
        ("coverage.json", FORMAT_JSON),
        (".coverage", FORMAT_DATA),
    ]:
        renamed = tmp_path / f"{fmt}.txt"
        shutil.copyfile(project / report, renamed)
        assert load_coverage(renamed, project).format == fmt


def test_branch_data_file_derives_lines_from_arcs(project: Path) -> None:
    with sqlite3.connect(project / ".coverage.branch") as db:
        assert db.execute("SELECT count(*) FROM line_bits").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM arc").fetchone()[0] > 0
    data = load_coverage(project / ".coverage.branch", project)
    calc = data.for_path("pkg/calc.py")
    assert calc == FileCoverage(CALC_EXECUTABLE, CALC_COVERED)
    reported = load_coverage(project / "branch.json", project).for_path("pkg/calc.py")
    assert reported == calc


def test_data_file_is_opened_read_only(project: Path) -> None:
    before = (project / ".coverage").read_bytes()
    mtime = (project / ".coverage").stat().st_mtime_ns
    load_coverage(project / ".coverage", project)
    assert (project / ".coverage").read_bytes() == before
    assert (project / ".coverage").stat().st_mtime_ns == mtime
    assert not list(project.glob(".coverage-*"))  # no journal or WAL files left behind


def _relocated_data_file(project: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the real data file whose paths point into a repo where we control sources."""
    repo = tmp_path / "repo"
    (repo / "pkg").mkdir(parents=True)
    copy = tmp_path / "moved.coverage"
    shutil.copyfile(project / ".coverage", copy)
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE file SET path = replace(path, ?, ?)", (str(project), str(repo)))
    db.close()
    return repo, copy


def test_data_file_without_source_falls_back_to_executed_lines(
    project: Path, tmp_path: Path
) -> None:
    repo, copy = _relocated_data_file(project, tmp_path)
    calc = load_coverage(copy, repo).for_path("pkg/calc.py")
    assert calc == FileCoverage(CALC_EXECUTED_RAW, CALC_EXECUTED_RAW)


def test_data_file_with_uncompilable_source_falls_back(project: Path, tmp_path: Path) -> None:
    repo, copy = _relocated_data_file(project, tmp_path)
    (repo / "pkg" / "calc.py").write_text("def broken(:\n")
    calc = load_coverage(copy, repo).for_path("pkg/calc.py")
    assert calc == FileCoverage(CALC_EXECUTED_RAW, CALC_EXECUTED_RAW)


def test_data_file_approximation_handles_multiline_and_exclusions(
    project: Path, tmp_path: Path
) -> None:
    repo, copy = _relocated_data_file(project, tmp_path)
    # Same line numbers for what ran, different source around them: a multi-line
    # statement, a `pragma: no cover` block and an `if TYPE_CHECKING:` block.
    (repo / "pkg" / "calc.py").write_text(
        '"""Doc."""\n'  # 1
        "\n"  # 2
        "\n"  # 3
        "def add(a, b):\n"  # 4
        "    return (a +\n"  # 5
        "            b)\n"  # 6  continuation of 5
        "\n"  # 7
        "def classify(n):\n"  # 8
        "    if n < 0:  # pragma: no cover\n"  # 9
        "        return 'negative'\n"  # 10
        "    return 'non-negative'\n"  # 11
        "\n"  # 12
        "from typing import TYPE_CHECKING\n"  # 13
        "if TYPE_CHECKING:\n"  # 14
        "    import os\n"  # 15
    )
    calc = load_coverage(copy, repo).for_path("pkg/calc.py")
    assert calc == FileCoverage(frozenset({4, 5, 8, 11, 13}), frozenset({4, 5, 8, 11}))


@pytest.mark.parametrize("report", ["coverage.xml", ".coverage"])
def test_paths_outside_repo_root_are_dropped(project: Path, tmp_path: Path, report: str) -> None:
    # Both formats name files absolutely (the XML through its <source>), so they can be
    # re-rooted; paths that do not land inside the root are not this repository's code.
    inner = load_coverage(project / report, project / "pkg")
    assert set(inner.files) == {"__init__.py", "calc.py"}
    unrelated = load_coverage(project / report, tmp_path)
    assert dict(unrelated.files) == {}
    assert unrelated.percent() is None


def test_json_paths_are_relative_to_where_the_report_was_made(tmp_path: Path) -> None:
    # coverage json writes paths relative to its working directory (taken to be the repo
    # root) and absolute paths for files elsewhere; those outside the root are dropped.
    report = tmp_path / "coverage.json"
    lines = {"executed_lines": [1], "missing_lines": [2]}
    report.write_text(
        json.dumps(
            {
                "files": {
                    "src\\app.py": lines,
                    str(tmp_path / "lib" / "util.py"): lines,
                    "/usr/lib/python3/dist-packages/six.py": lines,
                    "../outside.py": lines,
                }
            }
        )
    )
    data = load_coverage(report, tmp_path)
    assert set(data.files) == {"src/app.py", "lib/util.py"}
    assert data.percent() == 50.0


def test_repo_root_given_through_a_symlink(project: Path, tmp_path: Path) -> None:
    # coverage.py stores real paths; the root may be named through a link to the same place.
    link = tmp_path / "link"
    link.symlink_to(project, target_is_directory=True)
    data = load_coverage(project / ".coverage", link)
    assert set(data.files) == {"pkg/__init__.py", "pkg/calc.py"}


def test_for_path_accepts_other_spellings(project: Path) -> None:
    data = load_coverage(project / "coverage.json", project)
    assert data.for_path("./pkg/calc.py") == data.for_path("pkg\\calc.py") is not None
    assert data.for_path("pkg/missing.py") is None


def test_files_mapping_is_read_only(project: Path) -> None:
    data = load_coverage(project / "coverage.json", project)
    with pytest.raises(TypeError):
        data.files["x.py"] = FileCoverage(frozenset(), frozenset())  # type: ignore[index]


# --- other Cobertura producers -------------------------------------------------------------


def test_istanbul_report_from_ci_resolves_against_repo(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "sum.js").write_text("")
    (tmp_path / "src" / "product.js").write_text("")
    data = load_coverage(DATA / "cobertura_istanbul_ci.xml", tmp_path)
    assert data.format == FORMAT_COBERTURA
    # src/gone.js is named by the report but not in this checkout: not this repo's code.
    assert set(data.files) == {"src/sum.js", "src/product.js"}
    assert data.files["src/sum.js"] == FileCoverage(frozenset({1, 2, 3, 5}), frozenset({1, 2, 5}))
    assert data.files["src/product.js"] == FileCoverage(frozenset({1, 2, 4}), frozenset({1, 2}))
    assert data.percent() == pytest.approx(500 / 7)


def test_cobertura_source_from_another_machine_with_src_layout(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "mod.py").write_text("x = 1\n")
    report = tmp_path / "coverage.xml"
    report.write_text(
        '<?xml version="1.0" ?><coverage version="7.4"><sources>'
        "<source>/home/runner/work/proj/proj/src</source></sources><packages><package>"
        '<classes><class filename="pkg/mod.py"><lines><line number="1" hits="2"/>'
        "</lines></class></classes></package></packages></coverage>"
    )
    data = load_coverage(report, tmp_path)
    assert dict(data.files) == {"src/pkg/mod.py": FileCoverage(frozenset({1}), frozenset({1}))}


def test_cobertura_relative_sources_and_namespaces(tmp_path: Path) -> None:
    report = tmp_path / "coverage.xml"
    report.write_text(
        '<coverage xmlns="urn:example"><sources><source>lib</source></sources><packages>'
        '<package><classes><class filename="a.c"><lines><line number="3" hits="0"/>'
        '<line number="4" hits="7"/></lines></class><class filename="a.c"><lines>'
        '<line number="9" hits="1.0"/></lines></class></classes></package></packages>'
        "</coverage>"
    )
    data = load_coverage(report, tmp_path)
    assert dict(data.files) == {"lib/a.c": FileCoverage(frozenset({3, 4, 9}), frozenset({4, 9}))}


# --- broken and hostile input --------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<coverage><sources><source>&lol9;</source></sources></coverage>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE coverage [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<coverage><sources><source>&xxe;</source></sources></coverage>
"""

MALFORMED: list[tuple[str, bytes, str]] = [
    ("invalid-xml", b"<coverage>\n<packages>\n</coverage>", "not well-formed XML at line 3"),
    ("billion-laughs", BILLION_LAUGHS, "refused XML that declares entities"),
    ("xxe", XXE, "refused XML that declares entities"),
    ("wrong-root", b"<testsuites/>", "not a coverage report: root element is <testsuites>"),
    ("empty", b"", "file is empty"),
    ("whitespace", b" \n\t\n", "file is empty"),
    ("binary", bytes(range(256)) * 4, "not a coverage report"),
    ("json-no-files", b'{"results": []}', "JSON has no 'files' key"),
    ("json-list", b"[1, 2]", "JSON top level is an array"),
    (
        "json-bad-lines",
        b'{"files": {"a.py": {"executed_lines": ["1"], "missing_lines": []}}}',
        "not a plausible line number",
    ),
    (
        "json-missing-lines",
        b'{"files": {"a.py": {"executed_lines": [1]}}}',
        "has no 'missing_lines'",
    ),
    ("json-not-utf8", b'{"files": {"\xff.py": {}}}', "not UTF-8"),
    ("json-truncated", b'{"files": {"a.py": {"executed_', "not valid JSON at line 1"),
    ("json-deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (
        "xml-bad-number",
        b'<coverage><packages><package><classes><class filename="a.py"><lines>'
        b'<line number="x" hits="1"/></lines></class></classes></package></packages></coverage>',
        "non-integer number",
    ),
    (
        "xml-no-filename",
        b"<coverage><packages><package><classes><class/></classes></package></packages></coverage>",
        "<class> element has no filename attribute",
    ),
    ("xml-bad-encoding", b'<?xml version="1.0" encoding="bogus"?><coverage/>', "encoding"),
]


@pytest.mark.parametrize(
    ("content", "reason"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_input_is_an_evidence_error(tmp_path: Path, content: bytes, reason: str) -> None:
    report = tmp_path / "report"
    report.write_bytes(content)
    with pytest.raises(EvidenceError) as caught:
        load_coverage(report, tmp_path)
    assert reason in caught.value.reason
    assert caught.value.path == str(report)


def test_truncated_real_xml(project: Path, tmp_path: Path) -> None:
    whole = (project / "coverage.xml").read_bytes()
    report = tmp_path / "coverage.xml"
    report.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(EvidenceError, match="not well-formed XML at line"):
        load_coverage(report, tmp_path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="file not found"):
        load_coverage(tmp_path / "nope.xml", tmp_path)
    with pytest.raises(EvidenceError, match="is a directory"):
        load_coverage(tmp_path, tmp_path)


def _sqlite(path: Path, *statements: str) -> Path:
    with sqlite3.connect(path) as db:
        for statement in statements:
            db.execute(statement)
    db.close()
    return path


def test_sqlite_that_is_not_coverage_data(tmp_path: Path) -> None:
    db = _sqlite(tmp_path / "app.db", "CREATE TABLE users (id INTEGER, name TEXT)")
    with pytest.raises(EvidenceError, match="has no 'file' table"):
        load_coverage(db, tmp_path)


def test_sqlite_with_only_a_file_table(tmp_path: Path) -> None:
    db = _sqlite(tmp_path / "half.db", "CREATE TABLE file (id INTEGER, path TEXT)")
    with pytest.raises(EvidenceError, match="neither 'line_bits' nor 'arc'"):
        load_coverage(db, tmp_path)


def test_sqlite_view_is_refused(tmp_path: Path) -> None:
    db = _sqlite(
        tmp_path / "view.db",
        "CREATE VIEW file AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT x AS id, 'a.py' AS path FROM c",
        "CREATE TABLE line_bits (file_id INTEGER, context_id INTEGER, numbits BLOB)",
    )
    with pytest.raises(EvidenceError, match="'file' is a view"):
        load_coverage(db, tmp_path)


def test_sqlite_with_wrong_columns(tmp_path: Path) -> None:
    db = _sqlite(
        tmp_path / "cols.db",
        "CREATE TABLE file (ident INTEGER, name TEXT)",
        "CREATE TABLE line_bits (file_id INTEGER, context_id INTEGER, numbits BLOB)",
    )
    with pytest.raises(EvidenceError, match="unreadable SQLite data file: no such column"):
        load_coverage(db, tmp_path)


def test_sqlite_with_implausible_numbits(tmp_path: Path) -> None:
    db = _sqlite(
        tmp_path / "huge.db",
        "CREATE TABLE file (id INTEGER PRIMARY KEY, path TEXT)",
        "CREATE TABLE line_bits (file_id INTEGER, context_id INTEGER, numbits BLOB)",
        "INSERT INTO file VALUES (1, 'a.py')",
        "INSERT INTO line_bits VALUES (1, 1, zeroblob(1000000))",
    )
    with pytest.raises(EvidenceError, match="implausible line numbers"):
        load_coverage(db, tmp_path)


def test_sqlite_reading_is_time_bounded(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import prodready.evidence.coverage as module

    monkeypatch.setattr(module, "_SQLITE_STEP", 1)
    monkeypatch.setattr(module, "_SQLITE_BUDGET", 0)
    with pytest.raises(EvidenceError, match="took too long"):
        load_coverage(project / ".coverage", project)


def test_corrupt_sqlite(project: Path, tmp_path: Path) -> None:
    whole = (project / ".coverage").read_bytes()
    report = tmp_path / "corrupt.coverage"
    report.write_bytes(whole[:100] + b"\xff" * (len(whole) - 100))
    with pytest.raises(EvidenceError, match="SQLite"):
        load_coverage(report, tmp_path)


# --- fuzzing: any input returns a result or raises EvidenceError, and nothing else ---------


def _accepts_or_rejects(load: Callable[[], CoverageData]) -> None:
    try:
        data = load()
    except EvidenceError as error:
        assert not error.reason.startswith(UNEXPECTED_PREFIX), error.reason
        return
    for rel, lines in data.files.items():
        assert not rel.startswith(("/", "../")) and rel != ".."
        assert lines.covered <= lines.executable
    percent = data.percent()
    assert percent is None or 0.0 <= percent <= 100.0


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(content=st.binary(max_size=2048))
def test_fuzz_arbitrary_bytes(fuzz_dir: Path, content: bytes) -> None:
    report = fuzz_dir / "bytes"
    report.write_bytes(content)
    _accepts_or_rejects(lambda: load_coverage(report, fuzz_dir))


_KEYS = st.sampled_from(
    ["files", "meta", "executed_lines", "missing_lines", "a.py", "/abs/b.py", "../c.py", ""]
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 2_000_000) | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=25,
)


@FUZZ
@given(document=st.dictionaries(_KEYS, _JSON, max_size=3))
def test_fuzz_json_shapes(fuzz_dir: Path, document: object) -> None:
    report = fuzz_dir / "shape.json"
    report.write_text(json.dumps(document))
    _accepts_or_rejects(lambda: load_coverage(report, fuzz_dir))


_TAGS = st.sampled_from(
    ["coverage", "sources", "source", "packages", "package", "classes", "class", "lines", "line"]
)
_ATTRS = st.dictionaries(
    st.sampled_from(["filename", "number", "hits", "name"]),
    st.one_of(st.integers(-3, 2_000_000).map(str), st.text(max_size=6), st.just("1.5e3")),
    max_size=3,
)


# (tag, attributes, text, children): a generated element tree.
Tree = tuple[str, dict[str, str], str, list[Any]]


def _xml(tree: Tree) -> str:
    tag, attrs, text, children = tree
    rendered = "".join(f' {k}="{_escape(v)}"' for k, v in attrs.items())
    return f"<{tag}{rendered}>{_escape(text)}{''.join(_xml(c) for c in children)}</{tag}>"


def _escape(text: str) -> str:
    cleaned = "".join(c for c in text if c in "\t\n\r" or " " <= c < "\ud800")
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


_TREES: st.SearchStrategy[Tree] = st.recursive(
    st.tuples(_TAGS, _ATTRS, st.text(max_size=8), st.just([])),
    lambda inner: st.tuples(_TAGS, _ATTRS, st.text(max_size=8), st.lists(inner, max_size=4)),
    max_leaves=20,
)


@FUZZ
@given(tree=_TREES)
def test_fuzz_cobertura_shapes(fuzz_dir: Path, tree: Tree) -> None:
    report = fuzz_dir / "shape.xml"
    report.write_text(_xml(("coverage", {}, "", [tree])))
    _accepts_or_rejects(lambda: load_coverage(report, fuzz_dir))


_CELL = st.one_of(
    st.none(), st.integers(-(2**40), 2**40), st.text(max_size=8), st.binary(max_size=40)
)


@settings(max_examples=100, deadline=None)
@given(
    files=st.lists(st.tuples(_CELL, _CELL), max_size=4),
    bits=st.lists(st.tuples(_CELL, _CELL), max_size=4),
    arcs=st.lists(st.tuples(_CELL, _CELL, _CELL), max_size=4),
)
def test_fuzz_data_file_contents(
    fuzz_dir: Path,
    files: list[tuple[object, object]],
    bits: list[tuple[object, object]],
    arcs: list[tuple[object, object, object]],
) -> None:
    report = fuzz_dir / "fuzz.coverage"
    report.unlink(missing_ok=True)
    with sqlite3.connect(report) as db:
        db.execute("CREATE TABLE file (id, path)")
        db.execute("CREATE TABLE line_bits (file_id, context_id, numbits)")
        db.execute("CREATE TABLE arc (file_id, context_id, fromno, tono)")
        db.executemany("INSERT INTO file VALUES (?, ?)", files)
        db.executemany("INSERT INTO line_bits VALUES (?, 1, ?)", bits)
        db.executemany("INSERT INTO arc VALUES (?, 1, ?, ?)", arcs)
    db.close()
    _accepts_or_rejects(lambda: load_coverage(report, fuzz_dir))


@settings(max_examples=150, deadline=None)
@given(
    which=st.sampled_from(["coverage.xml", "coverage.json", ".coverage"]),
    edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.none() | st.integers(0, 10**6),
)
def test_fuzz_mutated_real_reports(
    project: Path,
    fuzz_dir: Path,
    which: str,
    edits: list[tuple[int, int]],
    cut: int | None,
) -> None:
    content = bytearray((project / which).read_bytes())
    for position, value in edits:
        content[position % len(content)] = value
    if cut is not None:
        content = content[: cut % (len(content) + 1)]
    report = fuzz_dir / f"mutated{which}"
    report.write_bytes(bytes(content))
    _accepts_or_rejects(lambda: load_coverage(report, project))
