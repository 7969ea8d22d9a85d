from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from prodready.errors import PolicyError
from prodready.model import Mode, ProjectKind, Tier
from prodready.policy import load_policy, parse_policy

IDS = {"tests.coverage", "deploy.ci", "docs.readme"}


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")


def test_defaults_without_any_policy_file(tmp_path: Path) -> None:
    policy = load_policy(tmp_path, IDS)
    assert policy.source is None
    assert policy.tier is Tier.INTERNAL
    assert policy.waivers == ()


def test_dedicated_file_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.prodready]\ntier = "critical"\n')
    write(tmp_path, "prodready.toml", 'tier = "production"\n')
    policy = load_policy(tmp_path, IDS)
    assert policy.tier is Tier.PRODUCTION
    assert policy.source == str(tmp_path / "prodready.toml")


def test_pyproject_table_is_read(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.prodready]\ntier = "critical"\nkind = "service"\n')
    policy = load_policy(tmp_path, IDS)
    assert (policy.tier, policy.kind) == (Tier.CRITICAL, ProjectKind.SERVICE)


def test_full_policy_parses(tmp_path: Path) -> None:
    write(
        tmp_path,
        "prodready.toml",
        """
tier = "production"
[criteria]
"tests.coverage" = "warn"
"deploy.ci" = "off"
[thresholds]
max_module_lines = 500
min_coverage = 85
min_test_ratio = 0.3
[architecture]
layers = ["api", "service", "storage"]
[sensitive]
payments = ["billing/**"]
[[component]]
name = "api"
path = "services/api/"
tier = "critical"
[dependencies]
approved = ["requests>=2.31", "django-*"]
[[waiver]]
id = "docs.readme"
paths = ["docs/**"]
reason = "rewrite in progress"
owner = "@alice"
approved_by = "@bob"
expires = 2027-01-31
""",
    )
    p = load_policy(tmp_path, IDS)
    assert p.modes == {"tests.coverage": Mode.WARN, "deploy.ci": Mode.OFF}
    assert p.thresholds.max_module_lines == 500
    assert p.thresholds.coverage_floor(Tier.PRODUCTION) == 85.0
    assert p.layers == ("api", "service", "storage")
    assert p.sensitive["payments"] == ("billing/**",)
    assert "permissions" in p.sensitive  # defaults kept for groups not overridden
    assert [(c.name, c.path, c.tier) for c in p.components] == [
        ("api", "services/api", Tier.CRITICAL)
    ]
    (w,) = p.waivers
    assert (w.id, w.paths, w.expires) == ("docs.readme", ("docs/**",), date(2027, 1, 31))
    assert p.notes == ()
    assert p.approved_dependencies == ("requests>=2.31", "django-*")
    assert p.thresholds.changed_floor(Tier.CRITICAL) == 90.0


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ('tier = "prod"', "tier", "expected one of experimental, internal, production, critical"),
        ("tier = 3", "tier", "got 3"),
        ('tiers = "internal"', "tiers", "unknown key"),
        ('[criteria]\n"tests.coverag" = "warn"', "criteria.tests.coverag", "unknown criterion id"),
        (
            '[criteria]\n"tests.coverage" = "strict"',
            "criteria.tests.coverage",
            "expected one of enforce, warn, off",
        ),
        (
            "[thresholds]\nmax_module_lines = 1.5",
            "thresholds.max_module_lines",
            "expected a non-negative int",
        ),
        ("[thresholds]\nmin_coverage = 120", "thresholds.min_coverage", "between 0 and 100"),
        ("[thresholds]\nmin_test_ratio = -1", "thresholds.min_test_ratio", "non-negative"),
        ("[thresholds]\nspeed = 1", "thresholds.speed", "unknown key"),
        (
            "[dependencies]\napproved = 'requests'",
            "dependencies.approved",
            "list of non-empty strings",
        ),
        ("[dependencies]\nallow = []", "dependencies.allow", "unknown key"),
        (
            '[architecture]\nlayers = "api"',
            "architecture.layers",
            "expected a list of non-empty strings",
        ),
        ('[architecture]\nlayers = ["a", "a"]', "architecture.layers", "each layer once"),
        ('[[component]]\nname = "x"', "component[1].path", "expected a non-empty string"),
        ('[[component]]\npath = "../x"', "component[1].path", "inside the repository"),
        ("waiver = 1", "waiver", "array of tables"),
        ("[thresholds]\nmin_mutation_score = 101", "thresholds.min_mutation_score", "0 and 100"),
        ('[[waiver]]\nid = "deploy.ci"\nfoo = 1', "waiver[1].foo", "unknown key"),
    ],
)
def test_invalid_policy_names_file_key_and_expectation(
    tmp_path: Path, text: str, key: str, expected: str
) -> None:
    write(tmp_path, "prodready.toml", text + "\n")
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path, IDS)
    err = info.value
    assert err.file == str(tmp_path / "prodready.toml")
    assert err.key == key
    assert expected in err.expected
    assert str(err).startswith(f"{tmp_path / 'prodready.toml'}: {key}: ")
    assert err.exit_code == 2


def test_invalid_toml_names_the_file_and_position(tmp_path: Path) -> None:
    write(tmp_path, "prodready.toml", 'tier = "internal\n')
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path, IDS)
    assert "invalid TOML" in str(info.value)
    assert "line 1" in str(info.value)


def test_policy_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "prodready.toml").write_bytes(b'tier = "\xff"\n')
    with pytest.raises(PolicyError, match="expected UTF-8"):
        load_policy(tmp_path, IDS)


def test_pyproject_key_names_carry_the_table_prefix(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.prodready]\ntier = "x"\n')
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path, IDS)
    assert info.value.key == "tool.prodready.tier"


def test_incomplete_waivers_are_reported_and_do_not_count() -> None:
    table = {
        "waiver": [
            {
                "id": "deploy.ci",
                "reason": "r",
                "owner": "o",
                "approved_by": "a",
                "expires": "2027-01-01",
            },
            {"id": "deploy.ci", "reason": "r", "owner": "o", "expires": "2027-01-01"},
            {"id": "deploy.ci", "reason": "r", "owner": "o", "approved_by": "a", "expires": "soon"},
            {
                "id": "nope",
                "reason": "r",
                "owner": "o",
                "approved_by": "a",
                "expires": "2027-01-01",
            },
            {"reason": "", "owner": "o", "approved_by": "a", "expires": "2027-01-01"},
        ]
    }
    policy = parse_policy(table, "prodready.toml", IDS)
    assert [w.index for w in policy.waivers] == [1]
    assert len(policy.notes) == 4
    assert (
        "waiver[2] (deploy.ci): incomplete waiver does not count: no approved_by" in policy.notes[0]
    )
    assert "expires 'soon' is not a date" in policy.notes[1]
    assert "id 'nope' names no criterion or rule" in policy.notes[2]
    assert "no id; no reason" in policy.notes[3]
