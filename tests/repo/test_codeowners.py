"""CODEOWNERS parsing and matching, checked against what GitHub and GitLab document."""

from __future__ import annotations

from pathlib import Path

import pathspec.util
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodready.repo.codeowners import (
    CodeOwners,
    OwnerRule,
    OwnerSection,
    find_codeowners,
    parse_codeowners,
)

# Modelled on the CODEOWNERS of a large Python/JS monorepo: team sections as comments,
# anchored directories, unanchored build files, wildcards, and later overrides.
GITHUB_FILE = """\
# Ownership for the payments platform.
# Later rules take precedence over earlier ones.

*                                          @acme/platform

## Legal
/LICENSE                                   @acme/legal

## Billing
/src/billing/                              @acme/billing
/src/billing/refunds/                      @acme/billing @acme/risk
/src/billing/refunds/legacy.py             @jdoe
/src/billing/generated/

## Security
/src/api/auth*                             @acme/security
/src/api/endpoints/*                       @acme/api
/src/api/endpoints/admin.py                @acme/security  # reviewed by security

## Dev tooling
Makefile                                   @acme/dev-infra
requirements*.txt                          @acme/python-build
.github/                                   @acme/dev-infra
**/migrations/                             @acme/dba
/docs/**/*.md                              docs@acme.example
*.tf                                       @acme/sre ops@acme.example
/deploy/helm/values.yaml                   @acme/sre

# Lines GitHub cannot use:
!/src/billing/vendor/                      @acme/billing
/src/[ab]pi/                               @acme/api
/tools/                                    acme-tools
"""


@pytest.fixture(scope="module")
def github() -> CodeOwners:
    return parse_codeowners(GITHUB_FILE, ".github/CODEOWNERS")


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        # the catch-all first line
        ("setup.py", ("@acme/platform",)),
        ("src/util/strings.py", ("@acme/platform",)),
        # anchored file
        ("LICENSE", ("@acme/legal",)),
        ("third_party/LICENSE", ("@acme/platform",)),
        # directory patterns own everything below, at any depth
        ("src/billing/invoice.py", ("@acme/billing",)),
        ("src/billing/tax/vat.py", ("@acme/billing",)),
        # last match wins
        ("src/billing/refunds/api.py", ("@acme/billing", "@acme/risk")),
        ("src/billing/refunds/legacy.py", ("@jdoe",)),
        # a `*` inside a segment does not cross '/'
        ("src/api/auth.py", ("@acme/security",)),
        ("src/api/authz/roles.py", ("@acme/security",)),  # the directory itself matched
        ("src/api/v2/auth.py", ("@acme/platform",)),
        # `dir/*` covers direct children only (GitHub's documented exception)
        ("src/api/endpoints/users.py", ("@acme/api",)),
        ("src/api/endpoints/v2/users.py", ("@acme/platform",)),
        ("src/api/endpoints/admin.py", ("@acme/security",)),  # inline comment dropped
        # unanchored names match at any depth
        ("Makefile", ("@acme/dev-infra",)),
        ("services/ledger/Makefile", ("@acme/dev-infra",)),
        ("requirements-dev.txt", ("@acme/python-build",)),
        ("services/ledger/requirements.txt", ("@acme/python-build",)),
        (".github/workflows/ci.yml", ("@acme/dev-infra",)),
        # `**/dir/` at any depth, including the root
        ("migrations/0001_initial.py", ("@acme/dba",)),
        ("src/billing/migrations/0002_refunds.py", ("@acme/dba",)),
        # `**` crosses directories
        ("docs/index.md", ("docs@acme.example",)),
        ("docs/guide/setup/install.md", ("docs@acme.example",)),
        ("docs/guide/diagram.png", ("@acme/platform",)),
        ("infra/modules/vpc/main.tf", ("@acme/sre", "ops@acme.example")),
        # anchored multi-segment pattern does not match deeper copies
        ("deploy/helm/values.yaml", ("@acme/sre",)),
        ("charts/deploy/helm/values.yaml", ("@acme/platform",)),
    ],
)
def test_github_owners(github: CodeOwners, path: str, owners: tuple[str, ...]) -> None:
    assert github.owners_of(path) == owners


def test_rule_without_owners_makes_paths_unowned(github: CodeOwners) -> None:
    assert github.owners_of("src/billing/generated/models.py") == ()
    rule = github.rule_for("src/billing/generated/models.py")
    assert rule == OwnerRule("/src/billing/generated/", (), 13, None)


def test_rule_for_points_at_the_deciding_line(github: CodeOwners) -> None:
    rule = github.rule_for("src/billing/refunds/legacy.py")
    assert rule is not None
    assert (rule.line, rule.pattern) == (12, "/src/billing/refunds/legacy.py")
    catch_all = github.rule_for("setup.py")
    assert catch_all is not None and catch_all.line == 4


def test_unowned_without_catch_all() -> None:
    owners = parse_codeowners("/src/ @team-a\n", "CODEOWNERS")
    assert owners.owners_of("README.md") == ()
    assert owners.rule_for("README.md") is None


def test_problems_are_reported_with_line_numbers_and_lines_skipped(github: CodeOwners) -> None:
    assert [line for line, _ in github.problems] == [30, 31, 32]
    messages = dict(github.problems)
    assert "negation" in messages[30]
    assert "character ranges" in messages[31]
    assert "'acme-tools' is not a valid owner" in messages[32]
    # skipped, not half-applied: the earlier rules still decide
    assert github.owners_of("src/billing/vendor/lib.py") == ("@acme/billing",)
    assert github.owners_of("src/api/x.py") == ("@acme/platform",)
    assert github.owners_of("tools/release.py") == ("@acme/platform",)


def test_every_meaningful_line_is_a_rule_or_a_problem(github: CodeOwners) -> None:
    meaningful = [
        number
        for number, line in enumerate(GITHUB_FILE.split("\n"), start=1)
        if line.strip() and not line.strip().startswith("#")
    ]
    accounted = sorted([rule.line for rule in github.rules] + [n for n, _ in github.problems])
    assert accounted == meaningful
    assert github.dialect == "github"
    assert github.sections == ()


def test_escapes_and_odd_but_valid_lines() -> None:
    text = "\n".join(
        [
            r"\#notes.txt @a",  # escaped hash: a pattern, not a comment
            r"my\ dir/ @b",  # escaped space inside a pattern
            "docs/*\t@c\t@d",  # tabs separate owners
            "*.md @e @e",  # duplicate owner listed once
            "\r",
        ]
    )
    owners = parse_codeowners(text, "CODEOWNERS")
    assert owners.problems == ()
    assert owners.owners_of("#notes.txt") == ("@a",)
    assert owners.owners_of("my dir/file.txt") == ("@b",)
    assert owners.owners_of("docs/readme.txt") == ("@c", "@d")
    assert owners.owners_of("guide.md") == ("@e",)


def test_other_malformed_lines() -> None:
    text = "src\\\n!vendor/ @b\n*.py @ok @\n[] @c\n[Docs][two] @d\n"
    owners = parse_codeowners(text, ".gitlab/CODEOWNERS")
    lines = [line for line, _ in owners.problems]
    assert lines == [1, 2, 3, 4, 5]
    assert "invalid pattern" in owners.problems[0][1]
    assert "exclusion pattern '!vendor/' cannot have owners" in owners.problems[1][1]
    assert "'@' is not a valid owner" in owners.problems[2][1]
    assert "no name" in owners.problems[3][1]
    assert "not a number" in owners.problems[4][1]


# Modelled on GitLab's documented examples: an unnamed section, sections with default
# owners, an optional section, an approval count, a duplicated section name and an
# exclusion.
GITLAB_FILE = """\
* @acme/maintainers

[Documentation][2] @acme/docs
docs/
README.md
/docs/api/ @acme/api-docs

^[Database] @acme/dba
model/db/
config/db/database-setup.md @acme/docs
!model/db/generated/

[Frontend]
*.ts @acme/web
/app/legacy/*.ts @acme/web-legacy
[abc].css @acme/design

[documentation]
*.txt
"""


@pytest.fixture(scope="module")
def gitlab() -> CodeOwners:
    return parse_codeowners(GITLAB_FILE, "CODEOWNERS")


def test_gitlab_sections_are_read(gitlab: CodeOwners) -> None:
    assert gitlab.dialect == "gitlab"
    assert gitlab.problems == ()
    assert gitlab.sections == (
        OwnerSection("Documentation", 3, False, 2, ("@acme/docs",)),
        OwnerSection("Database", 8, True, None, ("@acme/dba",)),
        OwnerSection("Frontend", 13, False, None, ()),
        OwnerSection("documentation", 18, False, None, ()),
    )
    # default owners are inherited by pattern lines without owners of their own
    readme = gitlab.rule_for("README.md")
    assert readme == OwnerRule("README.md", ("@acme/docs",), 5, "Documentation")
    # a duplicated section name (any case) joins the first one
    assert {rule.section for rule in gitlab.rules} == {
        None,
        "Documentation",
        "Database",
        "Frontend",
    }


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("src/main.py", ("@acme/maintainers",)),
        # each section adds its own last match, in section order
        ("docs/guide.md", ("@acme/maintainers", "@acme/docs")),
        ("docs/api/v1.md", ("@acme/maintainers", "@acme/api-docs")),
        ("model/db/schema.sql", ("@acme/maintainers", "@acme/dba")),
        ("config/db/database-setup.md", ("@acme/maintainers", "@acme/docs")),
        # the exclusion removes the path from the Database section only
        ("model/db/generated/tables.sql", ("@acme/maintainers",)),
        # relative paths match at any depth in GitLab, even with a slash inside
        ("services/a/model/db/x.sql", ("@acme/maintainers", "@acme/dba")),
        ("pkg/README.md", ("@acme/maintainers", "@acme/docs")),
        # a path without a trailing slash names a file, not a directory's contents
        ("README.md/notes.txt", ("@acme/maintainers",)),
        ("app/legacy/old.ts", ("@acme/maintainers", "@acme/web-legacy")),
        ("app/legacy/sub/old.ts", ("@acme/maintainers", "@acme/web")),
        # GitLab allows [ ] ranges
        ("styles/a.css", ("@acme/maintainers", "@acme/design")),
        ("styles/d.css", ("@acme/maintainers",)),
        # the duplicated [documentation] header has no defaults: its *.txt is unowned,
        # and it is the last match in the merged Documentation section
        ("notes/todo.txt", ("@acme/maintainers",)),
    ],
)
def test_gitlab_owners(gitlab: CodeOwners, path: str, owners: tuple[str, ...]) -> None:
    assert gitlab.owners_of(path) == owners


def test_gitlab_rule_for_is_from_the_last_matching_section(gitlab: CodeOwners) -> None:
    rule = gitlab.rule_for("model/db/generated/tables.sql")
    assert rule is not None and rule.pattern == "!model/db/generated/"
    assert rule.section == "Database"


def test_gitlab_exclusions_and_shapes_from_a_large_real_file() -> None:
    # Shapes taken from GitLab's own .gitlab/CODEOWNERS: exclusions from the catch-all,
    # root-only "/db/*", "/**/dir/" and relative multi-segment patterns.
    text = """\
* @gitlab-org/maintainers/rails-backend
.gitlab/CODEOWNERS @gitlab-org/development-leaders
!/doc/**/*.md

[Database] @gitlab-org/maintainers/database
/db/*
/**/click_house/
lib/gitlab/database/

[Documentation Pages] @gl-docsteam
/doc/
/app/assets/javascripts/diffs
"""
    owners = parse_codeowners(text, ".gitlab/CODEOWNERS")
    assert owners.problems == ()
    backend = "@gitlab-org/maintainers/rails-backend"
    database = "@gitlab-org/maintainers/database"
    assert owners.owners_of("doc/api/users.md") == ("@gl-docsteam",)
    assert owners.owners_of("doc/api/diagram.png") == (backend, "@gl-docsteam")
    assert owners.owners_of(".gitlab/CODEOWNERS") == ("@gitlab-org/development-leaders",)
    assert owners.owners_of("db/structure.sql") == (backend, database)
    assert owners.owners_of("db/migrate/001_init.rb") == (backend,)
    assert owners.owners_of("ee/db/click_house/x.sql") == (backend, database)
    assert owners.owners_of("ee/lib/gitlab/database/load.rb") == (backend, database)
    # GitLab matches a path without a trailing slash as a file, not a directory
    assert owners.owners_of("app/assets/javascripts/diffs/store.js") == (backend,)


def test_gitlab_location_alone_selects_gitlab_rules() -> None:
    owners = parse_codeowners("!vendor/\n* @a\n", ".gitlab/CODEOWNERS")
    assert owners.problems == ()
    assert owners.owners_of("vendor/x.go") == ()
    assert owners.owners_of("main.go") == ("@a",)


def test_cache_does_not_change_answers(github: CodeOwners) -> None:
    first = github.owners_of("./src/billing/invoice.py")
    assert first == github.owners_of("src/billing/invoice.py") == ("@acme/billing",)
    assert github.owners_of("./src/billing/invoice.py") == first


def test_find_codeowners_follows_github_order(tmp_path: Path) -> None:
    assert find_codeowners(tmp_path) is None
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "CODEOWNERS").write_text("* @a\n")
    assert find_codeowners(tmp_path) == tmp_path / "docs" / "CODEOWNERS"
    (tmp_path / "CODEOWNERS").write_text("* @b\n")
    assert find_codeowners(tmp_path) == tmp_path / "CODEOWNERS"
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text("* @c\n")
    assert find_codeowners(tmp_path) == tmp_path / ".github" / "CODEOWNERS"


def test_find_codeowners_gitlab_directory_and_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").mkdir()  # a directory of that name is not the file
    (tmp_path / ".gitlab").mkdir()
    (tmp_path / ".gitlab" / "CODEOWNERS").write_text("* @a\n")
    assert find_codeowners(tmp_path) == tmp_path / ".gitlab" / "CODEOWNERS"


@settings(max_examples=300)
@given(st.text(), st.text(max_size=40))
def test_arbitrary_text_never_raises(text: str, path: str) -> None:
    owners = parse_codeowners(text, "CODEOWNERS")
    owners.owners_of(path)
    owners.rule_for(path)
    meaningful = {
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not line.strip().startswith("#")
    }
    accounted = {rule.line for rule in owners.rules} | {n for n, _ in owners.problems}
    accounted |= {section.line for section in owners.sections}
    assert accounted <= meaningful


_SEGMENTS = st.sampled_from(
    ["src", "a", "b", "docs", "*", "**", "*.py", "a*", "x.py", "?", "x.p?", "a\\*", "*b*"]
)
_PATTERNS = st.builds(
    lambda lead, segs, trail: lead + "/".join(segs) + trail,
    st.sampled_from(["", "/", "**/"]),
    st.lists(_SEGMENTS, min_size=1, max_size=3),
    st.sampled_from(["", "/"]),
)
_PATHS = st.lists(
    st.sampled_from(["src", "a", "b", "docs", "x.py", "ab", "y.py", ".py", "a*", "bb"]),
    min_size=1,
    max_size=4,
).map("/".join)


@settings(max_examples=300)
@given(st.lists(_PATTERNS, min_size=1, max_size=8), _PATHS)
def test_github_matching_agrees_with_pathspec_last_match(patterns: list[str], path: str) -> None:
    """The rule index is an optimisation: it must never change which rule wins."""
    text = "\n".join(f"{pattern} @owner{n}" for n, pattern in enumerate(patterns))
    owners = parse_codeowners(text, "CODEOWNERS")
    by_line = {rule.line: rule for rule in owners.rules}
    gitignore = pathspec.util.lookup_pattern("gitignore")
    expected: tuple[str, ...] = ()
    for number, pattern in enumerate(patterns, start=1):
        if number in by_line and gitignore(pattern).match_file(path) is not None:
            expected = (f"@owner{number - 1}",)
    assert owners.owners_of(path) == expected
