"""`prodready spec new` writes a skeleton pre-filled from the policy and CODEOWNERS, and
`spec check` on it reports exactly the template's placeholders, one gap each."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from prodready.model import Tier
from prodready.policy.model import Policy
from prodready.spec import check_spec, load_spec, parse_spec
from prodready.spec.new import default_owner, spec_skeleton
from tests.conftest import RepoFactory

POLICY = """\
tier = "production"

[architecture]
layers = ["api", "service", "storage"]

[sensitive]
payments = ["**/billing/**"]
"""
_PLACEHOLDER = re.compile(r"^(?:- )?(?:[\w -]+: )?TODO(?:\s+#.*)?$")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prodready", "spec", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def placeholder_lines(text: str) -> dict[int, str]:
    return {
        number: line
        for number, line in enumerate(text.split("\n"), start=1)
        if _PLACEHOLDER.match(line.strip())
    }


def test_spec_new_prefills_from_policy_and_codeowners(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "prodready.toml": POLICY,
            ".github/CODEOWNERS": "* @org/platform\n/src/billing/ @org/payments\n",
        }
    )
    proc = run("new", "refund-api", "--repo", str(root), cwd=root)
    assert proc.returncode == 0, proc.stderr
    target = root / "specs" / "refund-api.md"
    assert proc.stderr == f"wrote {target}\n"
    text = target.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert (
        lines[3] == 'owner: "@org/platform"  # from the default rule of .github/CODEOWNERS line 1'
    )
    assert lines[4].startswith("tier: production  # from prodready.toml")
    # the groups the policy defines (its own and the defaults) are offered, none assumed
    assert lines[5] == (
        "sensitive: []  # groups this change touches: payments, permissions, data-deletion, "
        "external-integrations, policy"
    )
    assert "       payments: **/billing/**" in lines
    spec = load_spec(target)
    assert (spec.title, spec.owner, spec.tier, spec.sensitive) == (
        "Refund api",
        "@org/platform",
        "production",
        (),
    )
    assert spec.sections["constraints"].lines[0][1] == (
        "- Architecture: layers api > service > storage (prodready.toml); "
        "a lower layer must not import a higher one."
    )
    assert [(c.id, c.text) for c in spec.criteria] == [("AC-1", "TODO")]
    assert [e.name for e in spec.endpoints] == ["POST /example"]


def test_spec_check_reports_exactly_the_template_placeholders(make_repo: RepoFactory) -> None:
    root = make_repo({"prodready.toml": POLICY, "CODEOWNERS": "* @org/platform\n"})
    assert run("new", "refunds", cwd=root).returncode == 0
    text = (root / "specs" / "refunds.md").read_text(encoding="utf-8")
    spec = parse_spec(text, "specs/refunds.md")
    check = check_spec(spec, Tier.CRITICAL)
    todo = placeholder_lines(text)
    assert [gap.line for gap in check.gaps] == sorted(todo)
    assert [(todo[gap.line].strip(), gap.message) for gap in check.gaps] == [
        ("TODO", "intent: still a placeholder (TODO)"),
        ("- AC-1: TODO", "AC-1: still a placeholder (TODO)"),
        ("TODO", "stop condition: still a placeholder (TODO)"),
        ("- Security: TODO", "constraints: security still a placeholder (TODO)"),
        ("- Data: TODO", "constraints: data still a placeholder (TODO)"),
        (
            "- Performance and cost: TODO",
            "constraints: performance and cost still a placeholder (TODO)",
        ),
        ("- Request: TODO", "request shape: still a placeholder for POST /example (TODO)"),
        ("- Response: TODO", "response shape: still a placeholder for POST /example (TODO)"),
        ("- Validation: TODO", "validation rules: still a placeholder for POST /example (TODO)"),
        (
            "- Authorization: TODO",
            "authorization rule: still a placeholder for POST /example (TODO)",
        ),
        ("- Failure: TODO", "failure behaviour: still a placeholder for POST /example (TODO)"),
        ("TODO", "verification plan: still a placeholder (TODO)"),
        ("- Logs: TODO", "operation: logs still a placeholder (TODO)"),
        ("- Metrics: TODO", "operation: metrics still a placeholder (TODO)"),
        ("- Alerts: TODO", "operation: alerts still a placeholder (TODO)"),
        ("- Rollback: TODO", "rollback plan: still a placeholder (TODO)"),
        ("- Reviewers: TODO", "accountability: reviewers still a placeholder (TODO)"),
        ("- Risk accepted by: TODO", "remaining risk: still a placeholder (TODO)"),
    ]
    assert all(gap.blocking for gap in check.gaps) is False  # request/response: advisory
    # at the spec's own tier (production) only what production requires blocks
    at_production = check_spec(spec, Tier.PRODUCTION)
    assert [gap.line for gap in at_production.gaps] == sorted(todo)
    advisory = {gap.message for gap in at_production.gaps if not gap.blocking}
    assert advisory == {
        "constraints: security still a placeholder (TODO)",
        "constraints: data still a placeholder (TODO)",
        "constraints: performance and cost still a placeholder (TODO)",
        "request shape: still a placeholder for POST /example (TODO)",
        "response shape: still a placeholder for POST /example (TODO)",
        "accountability: reviewers still a placeholder (TODO)",
        "remaining risk: still a placeholder (TODO)",
    }
    proc = run("check", cwd=root)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == (
        "specs/refunds.md: not buildable at tier production (from the spec); "
        "11 blocking, 7 advisory gap(s)"
    )


def test_without_policy_or_codeowners_the_owner_is_a_placeholder(make_repo: RepoFactory) -> None:
    root = make_repo({"README.md": "# x\n"})
    assert run("new", "export.md", cwd=root).returncode == 0
    text = (root / "specs" / "export.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[3].startswith("owner: TODO  #")
    assert lines[4].startswith("tier: internal  # from the default policy")
    assert "- Architecture: TODO" in lines
    check = check_spec(parse_spec(text, "specs/export.md"), Tier.CRITICAL)
    assert [gap.line for gap in check.gaps] == sorted(placeholder_lines(text))
    assert check.gaps[0].line == 4
    assert check.gaps[0].message == "owner: still a placeholder (TODO)"
    assert check.gaps[1].message == "intent: still a placeholder (TODO)"
    assert "constraints: architecture still a placeholder (TODO)" in {
        gap.message for gap in check.gaps
    }


def test_refuses_to_overwrite_without_force(make_repo: RepoFactory) -> None:
    root = make_repo({"specs/refunds.md": "mine\n"})
    proc = run("new", "refunds", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr == (
        "prodready: error: specs/refunds.md already exists; pass --force to overwrite it\n"
    )
    assert (root / "specs" / "refunds.md").read_text(encoding="utf-8") == "mine\n"
    assert run("new", "refunds", "--force", cwd=root).returncode == 0
    assert (root / "specs" / "refunds.md").read_text(encoding="utf-8").startswith("---\n")
    assert sorted(p.name for p in (root / "specs").iterdir()) == ["refunds.md"]  # no temp left


def test_a_name_is_a_file_name_not_a_path(make_repo: RepoFactory) -> None:
    root = make_repo({"README.md": "# x\n"})
    for name in ("../escape", "a/b", ".hidden", ""):
        proc = run("new", name, cwd=root)
        assert proc.returncode == 2, name
        assert "expected letters, digits" in proc.stderr
    assert not (root / "specs").exists()


def test_invalid_policy_exits_2(make_repo: RepoFactory) -> None:
    root = make_repo({"prodready.toml": 'tier = "prod"\n'})
    proc = run("new", "x", cwd=root)
    assert proc.returncode == 2
    assert "prodready.toml: tier" in proc.stderr


def test_default_owner_is_the_last_catch_all_rule(tmp_path: Path) -> None:
    assert default_owner(tmp_path) is None
    (tmp_path / "CODEOWNERS").write_text(
        "* @first\n/docs/ @docs\n* @second ops@example.com\n/src/ @src\n", encoding="utf-8"
    )
    assert default_owner(tmp_path) == (("@second", "ops@example.com"), "CODEOWNERS line 3")
    text = spec_skeleton(tmp_path, "x", Policy(source=None))
    assert '\nowner: ["@second", "ops@example.com"]  # from the default rule' in text
    assert parse_spec(text, "x.md").owner == "@second, ops@example.com"
    (tmp_path / "CODEOWNERS").write_text("/src/ @src\n", encoding="utf-8")
    assert default_owner(tmp_path) is None
