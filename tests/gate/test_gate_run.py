"""The gate as a whole: the five numbers, AI-assistance trailers, the run history, git's odd
cases (renames, deletions, binary files, merge commits, shallow clones), the JSON contract,
the markdown page and the exit codes (through the CLI, in a fresh process)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from prodready.gate import history
from prodready.gate.report import render_gate
from prodready.gate.run import ITEM_ORDER
from prodready.model import Status
from tests.conftest import RepoFactory, git
from tests.gate.gatekit import branch, cli, commit, item, junit, policy, run, texts, where

ORDERS = 'def total(items):\n    return sum(i["price"] for i in items)\n'
BASE: dict[str, str | bytes] = {
    "prodready.toml": policy(),
    "app/__init__.py": "",
    "app/orders.py": ORDERS,
    "tests/test_orders.py": "from app.orders import total\n\n\ndef test_total():\n    assert total([]) == 0\n",
    "README.md": "# Shop\n",
}
NOTIFY = (
    "import requests\n\n\ndef notify(url, payload):\n    return requests.post(url, json=payload)\n"
)


# ---------------------------------------------------------------- the five numbers


def test_numbers_count_production_and_test_lines_and_tests_added(make_repo: RepoFactory) -> None:
    tests = (
        BASE["tests/test_orders.py"]
        + "\n\ndef test_two():\n    assert total([{'price': 2}]) == 2\n"
    )  # type: ignore[operator]
    root = branch(
        make_repo,
        BASE,
        {
            "app/orders.py": ORDERS.replace("sum(", "round(sum(").replace(
                "items)\n", "items), 2)\n"
            ),
            "app/notify.py": NOTIFY,
            "tests/test_orders.py": tests,
            "README.md": "# Shop\n\nSells things.\n",
        },
    )
    n = run(root).numbers
    assert (n.production_added, n.production_removed) == (6, 1)
    assert (n.test_added, n.test_removed) == (4, 0)
    assert n.tests_added == 1
    assert n.sensitive_groups == ("external-integrations",)
    assert n.findings == 1  # PR101 on app/notify.py:5
    assert n.commits == 1


def test_ai_assistance_trailers_are_counted(make_repo: RepoFactory) -> None:
    root = make_repo(BASE)
    git(root, "checkout", "-q", "-b", "feature")
    commit(
        root, {"app/a.py": "A = 1\n"}, message="A\n\nCo-authored-by: Claude <noreply@anthropic.com>"
    )
    commit(root, {"app/b.py": "B = 1\n"}, message="B\n\nAssisted-by: GitHub Copilot")
    commit(root, {"app/c.py": "C = 1\n"}, message="C by hand")
    report = run(root)
    n = report.numbers
    assert (n.assisted_commits, n.commits) == (2, 3)
    assert n.assistants == ("Claude (Anthropic)", "GitHub Copilot")
    page = render_gate(report, "markdown")
    assert "2 of 3 commits declare AI assistance (Claude (Anthropic), GitHub Copilot)" in page


# ---------------------------------------------------------------- history


def test_history_records_runs_and_counts_findings_fixed_on_the_branch(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    db = tmp_path / "history.db"
    root = branch(make_repo, BASE, {"app/notify.py": NOTIFY})
    first = run(root, record_history=True, history=db)
    assert first.numbers.findings == 1
    assert not first.numbers.fixed_before_merge
    commit(root, {"app/notify.py": NOTIFY.replace("json=payload)", "json=payload, timeout=5)")})
    second = run(root, record_history=True, history=db)
    assert second.numbers.findings == 0
    assert second.numbers.fixed_before_merge == 1
    recorded = history.runs(db, "feature")
    assert [r.verdict for r in recorded] == ["block", "block"]
    assert [(f.rule, f.path) for f in recorded[0].findings] == [("PR101", "app/notify.py")]
    assert "1 fixed before merge" in render_gate(second, "markdown")


def test_history_is_kept_per_branch_named_by_head(make_repo: RepoFactory, tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    root = branch(make_repo, BASE, {"app/notify.py": NOTIFY})
    git(root, "checkout", "-q", "main")  # judge the branch without checking it out
    report = run(root, head="feature", record_history=True, history=db)
    assert report.branch == "feature"
    assert len(history.runs(db, "feature")) == 1
    assert history.runs(db, "main") == []


def test_history_default_location_and_opt_out(make_repo: RepoFactory) -> None:
    root = branch(make_repo, BASE, {"app/a.py": "A = 1\n"})
    run(root, record_history=False)
    assert not (root / ".prodready").exists()
    run(root, record_history=True)
    with sqlite3.connect(root / ".prodready" / "history.db") as conn:
        assert conn.execute("SELECT branch, verdict FROM runs").fetchall() == [("feature", "block")]


def test_history_that_cannot_be_written_is_a_note_not_a_failure(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    bad = tmp_path / "history.db"
    bad.write_bytes(b"this is not a database" * 100)
    report = run(branch(make_repo, BASE, {"app/a.py": "A = 1\n"}), record_history=True, history=bad)
    assert any(n.startswith("history not recorded:") for n in report.notes)


# ---------------------------------------------------------------- git's odd cases


def test_a_renamed_and_edited_file_is_judged_at_its_new_path(make_repo: RepoFactory) -> None:
    long_orders = ORDERS + "".join(f"\n\ndef f{i}(x):\n    return x + {i}\n" for i in range(8))
    root = make_repo({**BASE, "app/orders.py": long_orders})
    git(root, "checkout", "-q", "-b", "feature")
    git(root, "mv", "app/orders.py", "app/sales.py")
    commit(root, {"app/sales.py": long_orders.replace("x + 3\n", "x * 3\n")}, message="Rename")
    report = run(root)
    renamed = report.numbers
    assert (renamed.production_added, renamed.production_removed) == (1, 1)
    result = item(report, "gate.tests-for-change")
    assert where(result) == ["app/sales.py:18"]
    assert texts(result)[0] == "lines 18 changed"


def test_a_deleted_file_counts_as_removed_lines_only(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo, {**BASE, "app/legacy.py": "A = 1\nB = 2\nC = 3\n"}, {}, delete=["app/legacy.py"]
    )
    report = run(root)
    assert (report.numbers.production_added, report.numbers.production_removed) == (0, 3)
    assert item(report, "gate.tests-for-change").status is Status.NOT_APPLICABLE
    assert item(report, "gate.no-new-risk").status is Status.MET


def test_binary_files_are_carried_but_not_read(make_repo: RepoFactory) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    root = branch(
        make_repo,
        {**BASE, "app/static/logo.png": png},
        {
            "app/static/logo.png": png[::-1],
            "app/static/icon.png": png,
            "app/data.py": b"X = '\xff'\n",
        },
    )
    report = run(root)
    assert report.stats["files"] == 3
    assert report.numbers.production_added == 1  # the .py line; binary files have no lines
    assert any(n.startswith("app/data.py: not UTF-8") for n in report.notes)
    risk = item(report, "gate.no-new-risk")
    assert risk.status is Status.UNKNOWN  # a .py file the rules cannot read
    assert where(risk) == ["app/data.py"]
    assert json.loads(render_gate(report, "json"))["schema"] == "prodready.gate/1"


def test_a_symlink_with_a_python_name_is_not_code(make_repo: RepoFactory) -> None:
    root = make_repo(BASE)
    git(root, "checkout", "-q", "-b", "feature")
    (root / "app" / "alias.py").symlink_to("orders.py")
    commit(root, {}, message="Alias")
    report = run(root)
    assert item(report, "gate.no-new-risk").status is Status.MET
    assert item(report, "gate.tests-for-change").status is Status.NOT_APPLICABLE


def test_a_merge_commit_as_head_judges_only_the_branchs_own_change(
    make_repo: RepoFactory,
) -> None:
    root = branch(make_repo, BASE, {"app/notify.py": NOTIFY}, message="Notify")
    git(root, "checkout", "-q", "main")
    commit(
        root,
        {
            "app/payments.py": "import stripe\n\n\ndef pay(c):\n    return stripe.Charge.create(amount=c)\n"
        },
        message="Payments on main",
    )
    git(root, "checkout", "-q", "feature")
    git(root, "merge", "-q", "--no-edit", "main")
    assert len(git(root, "rev-parse", "HEAD^@").split()) == 2  # head is a merge commit
    report = run(root)
    assert [f.path for f in report.findings] == ["app/notify.py"]
    assert report.numbers.sensitive_groups == ("external-integrations",)  # not main's payments
    assert report.numbers.commits == 2  # the branch's commit and the merge


def test_base_as_a_tag_and_a_sha(make_repo: RepoFactory) -> None:
    root = branch(make_repo, BASE, {"app/notify.py": NOTIFY})
    git(root, "tag", "v1.0", "main")
    sha = git(root, "rev-parse", "main").strip()
    by_tag, by_sha = run(root, base="v1.0"), run(root, base=sha)
    assert by_tag.merge_base == by_sha.merge_base == sha
    assert (
        [f.path for f in by_tag.findings] == [f.path for f in by_sha.findings] == ["app/notify.py"]
    )


def test_a_shallow_clone_without_the_base_says_to_fetch_more_history(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    origin = branch(make_repo, BASE, {"app/notify.py": NOTIFY})
    commit(origin, {"app/more.py": "M = 1\n"})
    clone = tmp_path / "shallow"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "feature",
        f"file://{origin}",
        str(clone),
    )
    proc = cli("gate", "--base", "origin/main", "--no-history", cwd=clone)
    assert proc.returncode == 2
    assert "shallow" in proc.stderr and "fetch more history" in proc.stderr
    assert proc.stdout == ""

    both = tmp_path / "both"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--no-single-branch",
        "--branch",
        "feature",
        f"file://{origin}",
        str(both),
    )
    proc = cli("gate", "--base", "origin/main", "--no-history", cwd=both)
    assert proc.returncode == 2
    assert "fetch more history" in proc.stderr


# ---------------------------------------------------------------- output contracts


def test_json_follows_the_gate_schema(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = branch(make_repo, BASE, {"app/notify.py": NOTIFY})
    proc = cli("gate", "--base", "main", "--no-history", "--format", "json", cwd=root)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema"] == "prodready.gate/1"
    assert {
        "schema",
        "verdict",
        "base",
        "head",
        "tier",
        "change",
        "items",
        "findings",
        "waivers",
    } <= set(data)
    assert data["verdict"] == "block"
    assert data["tier"] == "production"
    assert data["base"]["ref"] == "main"
    assert data["base"]["sha"] == git(root, "rev-parse", "main").strip()
    assert data["head"]["sha"] == git(root, "rev-parse", "HEAD").strip()
    assert data["head"]["branch"] == "feature"
    assert data["change"]["production_lines"] == {"added": 5, "removed": 0}
    assert data["change"]["sensitive_groups"] == ["external-integrations"]
    assert [i["id"] for i in data["items"]] == list(ITEM_ORDER)
    risk = next(i for i in data["items"] if i["id"] == "gate.no-new-risk")
    assert risk["status"] == "missing" and risk["blocking"] is True
    assert risk["evidence"][0]["path"] == "app/notify.py" and risk["evidence"][0]["line"] == 5
    assert [(f["rule"], f["path"], f["line"]) for f in data["findings"]] == [
        ("PR101", "app/notify.py", 5)
    ]
    assert data["waivers"] == []


def test_markdown_escapes_file_names_and_stays_under_the_comment_limit(
    make_repo: RepoFactory,
) -> None:
    odd = "app/we|rd<b>.py"
    files: dict[str, str | bytes] = {
        odd: "import stripe\n\n\ndef pay(c):\n    return stripe.Charge.create(amount=c)\n"
    }
    files.update({f"app/gen/bad_{i:04}.py": f"def broken_{i}(:\n    pass\n" for i in range(1200)})
    report = run(branch(make_repo, BASE, files))
    page = render_gate(report, "markdown")
    assert len(page) < 60_000
    assert page.startswith("## prodready gate: BLOCK (tier production)")
    assert "- app/we\\|rd&lt;b&gt;.py:5 payments: payment SDK call:" in page  # plain, escaped
    assert "we|rd" not in page and "<b>" not in page
    assert page.rstrip().endswith("_(truncated: see the JSON report)_")


def test_sarif_output_locates_findings_and_gaps(make_repo: RepoFactory) -> None:
    report = run(branch(make_repo, BASE, {"app/notify.py": NOTIFY}))
    sarif = json.loads(render_gate(report, "sarif"))
    assert sarif["version"] == "2.1.0"
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}
    loc = results["PR101"]["locations"][0]["physicalLocation"]
    assert (loc["artifactLocation"]["uri"], loc["region"]["startLine"]) == ("app/notify.py", 5)
    assert results["gate.acceptance-criteria"]["level"] == "error"


# ---------------------------------------------------------------- exit codes


def test_exit_0_when_the_change_ships(make_repo: RepoFactory) -> None:
    root = branch(
        make_repo,
        {**BASE, "prodready.toml": policy(tier="experimental")},
        {"README.md": "# Shop!\n"},
    )
    proc = cli("gate", "--base", "main", "--no-history", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("prodready gate: SHIP  tier experimental")


def test_exit_0_with_known_risk(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = branch(
        make_repo,
        {**BASE, "prodready.toml": policy("gate.ci-passing", tier="internal")},
        {"README.md": "# Shop!\n"},
    )
    failing = junit(tmp_path / "r.xml", ("tests.test_orders", "test_total", "failed"))
    out = tmp_path / "gate.md"
    proc = cli(
        "gate",
        "--base",
        "main",
        "--no-history",
        "--junit",
        failing,
        "--format",
        "markdown",
        "--output",
        out,
        "--today",
        "2026-01-15",
        cwd=root,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ship-with-known-risk" in proc.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("## prodready gate: SHIP-WITH-KNOWN-RISK (tier internal)")
    assert "owner @olivia, approved by @victor, expires 2027-01-01" in page


def test_exit_1_when_blocked_and_2_on_usage_or_policy_errors(make_repo: RepoFactory) -> None:
    root = branch(make_repo, BASE, {"app/notify.py": NOTIFY})
    assert cli("gate", "--base", "main", "--no-history", cwd=root).returncode == 1
    bad_rev = cli("gate", "--base", "no-such-branch", "--no-history", cwd=root)
    assert bad_rev.returncode == 2
    assert "cannot resolve 'no-such-branch'" in bad_rev.stderr
    broken = branch(
        make_repo, {**BASE, "prodready.toml": "tier = 'gold'\n"}, {"app/a.py": "A = 1\n"}
    )
    bad_policy = cli("gate", "--base", "main", "--no-history", cwd=broken)
    assert bad_policy.returncode == 2
    assert "prodready.toml" in bad_policy.stderr and "tier" in bad_policy.stderr
