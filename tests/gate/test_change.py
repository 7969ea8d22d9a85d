"""The analysed change: executable lines, moved lines, tests added, counts."""

from __future__ import annotations

import textwrap
from pathlib import Path

from prodready.gate import git as g
from prodready.gate.change import (
    Change,
    build_change,
    executable_changed_lines,
    moved_only_lines,
    path_kind,
)
from prodready.gate.diff import FileDiff
from tests.conftest import RepoFactory, git, write_tree

PAY = '''\
"""Payments."""

import stripe


def charge(amount):
    """Charge a card."""
    # the amount is in cents
    return stripe.Charge.create(amount=amount)


def refund(charge_id):
    return stripe.Refund.create(charge=charge_id)
'''

TESTS = """\
from app.pay import charge


def test_charge():
    assert charge(1)


class TestRefund:
    def test_refund(self):
        assert True
"""


def branch(root: Path, name: str = "feature") -> str:
    base = g.resolve(root, "HEAD")
    git(root, "checkout", "-q", "-b", name)
    return base


def commit(root: Path, files: dict[str, str | bytes], message: str = "change") -> str:
    write_tree(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return g.resolve(root, "HEAD")


def lines_of(change: Change, path: str) -> list[int]:
    return sorted(change.executable[path].lines)


def added(lines: dict[int, str]) -> FileDiff:
    return FileDiff("m.py", "m.py", "modified", added=tuple(sorted(lines)), added_text=lines)


def test_comment_docstring_and_blank_edits_are_not_counted(make_repo: RepoFactory) -> None:
    root = make_repo({"app/pay.py": PAY})
    base = branch(root)
    edited = PAY.replace('"""Charge a card."""', '"""Charge a card, once."""')
    edited = edited.replace("# the amount is in cents", "# the amount is in cents, always\n")
    edited = edited.replace('"""Payments."""', '"""Payments: cards and refunds."""')
    head = commit(root, {"app/pay.py": edited})
    change = build_change(root, base, head)
    assert change.file("app/pay.py") is not None
    assert change.production_lines.added == 4  # the diff still shows the edit...
    assert lines_of(change, "app/pay.py") == []  # ...but no executable line changed
    assert change.changed_executable_lines == 0


def test_changed_statement_lines_are_counted(make_repo: RepoFactory) -> None:
    root = make_repo({"app/pay.py": PAY})
    base = branch(root)
    edited = PAY.replace(
        "    return stripe.Refund.create(charge=charge_id)\n",
        "    if not charge_id:\n"
        "        raise ValueError(charge_id)  # refuse\n"
        "    return stripe.Refund.create(\n"
        "        # idempotent on the charge\n"
        "        charge=charge_id,\n"
        "        idempotency_key=charge_id,\n"
        "    )\n",
    )
    head = commit(root, {"app/pay.py": edited})
    change = build_change(root, base, head)
    found = change.executable["app/pay.py"]
    assert sorted(found.lines) == [13, 14, 15, 17, 18, 19]  # line 16 is a comment
    assert sorted(found.statements) == [13, 14, 15]  # where coverage records each statement
    assert not found.fallback


def test_lines_that_only_moved_are_not_counted(make_repo: RepoFactory) -> None:
    root = make_repo({"app/pay.py": PAY, "app/util.py": "X = 1\n"})
    base = branch(root)
    refund = "def refund(charge_id):\n    return stripe.Refund.create(charge=charge_id)\n"
    moved_out = PAY.replace("\n\n" + refund, "\n")
    util = "import stripe\n\nX = 1\n\n\n" + refund.replace(
        "    return", "    print(charge_id)\n    return"
    )
    head = commit(root, {"app/pay.py": moved_out, "app/util.py": util})
    change = build_change(root, base, head)
    # the `def` and `return` lines moved; `import stripe` (pay.py keeps its own) and the
    # print are new
    assert lines_of(change, "app/util.py") == [1, 7]
    assert change.moved["app/util.py"] == frozenset({6, 8})
    assert "app/pay.py" not in change.executable  # pay.py only lost lines


def test_moved_only_lines_is_a_multiset() -> None:
    removed = FileDiff("a.py", "a.py", "modified", removed_count=1, removed_text={3: "  x = 1"})
    both = FileDiff(
        "b.py", "b.py", "modified", added=(1, 2, 3), added_text={1: "x = 1", 2: "x = 1", 3: ""}
    )
    assert moved_only_lines([removed, both]) == {"b.py": frozenset({1})}


def test_executable_lines_of_compound_statements_and_decorators() -> None:
    source = textwrap.dedent(
        """\
        import functools


        @functools.cache
        def f(
            a,
            # a comment inside the signature
            b,
        ):
            '''Doc
            string.'''
            if a:  # header only
                return b
            else:
                pass
            x = '''not a
            docstring'''
            return x
        """
    )
    every = dict(enumerate(source.split("\n"), start=1))
    found = executable_changed_lines(added(every), source)
    assert sorted(found.lines) == [1, 4, 5, 6, 8, 9, 12, 13, 15, 16, 17, 18]
    assert 10 not in found.lines and 11 not in found.lines  # the docstring
    assert 14 not in found.lines  # `else:` is not a statement of its own
    assert {4, 12, 13, 16, 18} <= found.statements and 6 not in found.statements
    assert not executable_changed_lines(added(every), source, ignore=every).lines


def test_a_syntax_error_falls_back_to_code_like_lines() -> None:
    source = "def broken(:\n    # note\n\n    return 1\n"
    found = executable_changed_lines(added({1: "def broken(:", 2: "    # note", 3: ""}), source)
    assert found.fallback and found.reason == "syntax error at line 1"
    assert found.lines == frozenset({1})  # 2 is a comment, 3 is blank, 4 was not added


def test_syntax_error_in_a_changed_file_is_noted(make_repo: RepoFactory) -> None:
    root = make_repo({"app/mod.py": "x = 1\n"})
    base = branch(root)
    head = commit(root, {"app/mod.py": "x = 1\ndef broken(:\n    return 2\n"})
    change = build_change(root, base, head)
    assert change.executable["app/mod.py"].fallback
    assert lines_of(change, "app/mod.py") == [2, 3]
    assert change.notes == (
        "app/mod.py: syntax error at line 2; counted its non-blank, non-comment added lines",
    )


def test_tests_added_are_counted_by_function(make_repo: RepoFactory) -> None:
    root = make_repo({"app/pay.py": PAY, "tests/test_pay.py": TESTS, "tests/test_old.py": TESTS})
    base = branch(root)
    new_tests = TESTS + (
        "\n\ndef test_refund_twice():\n    assert True\n"
        "\n\nasync def test_async_charge():\n    assert True\n"
    )
    new_tests = new_tests.replace("    def test_refund(self):", "    def test_refund_card(self):")
    git(root, "mv", "tests/test_old.py", "tests/test_renamed.py")
    head = commit(
        root,
        {
            "tests/test_pay.py": new_tests,
            "tests/test_renamed.py": TESTS + "\n\ndef test_extra():\n    assert 1\n",
            "tests/helpers.py": "def make():\n    return 1\n",
        },
    )
    change = build_change(root, base, head)
    assert sorted((t.path, t.name) for t in change.tests_added) == [
        ("tests/test_pay.py", "TestRefund.test_refund_card"),
        ("tests/test_pay.py", "test_async_charge"),
        ("tests/test_pay.py", "test_refund_twice"),
        ("tests/test_renamed.py", "test_extra"),
    ]
    assert [(t.path, t.name) for t in change.tests_removed] == [
        ("tests/test_pay.py", "TestRefund.test_refund")
    ]
    assert change.test_lines.added > 0 and change.production_lines == type(change.test_lines)()
    assert change.executable == {}  # test code is not production code


def test_a_test_moved_to_another_file_is_not_new(make_repo: RepoFactory) -> None:
    root = make_repo({"tests/test_a.py": "def test_one():\n    assert 1\n", "tests/test_b.py": ""})
    base = branch(root)
    head = commit(
        root,
        {
            "tests/test_a.py": "",
            "tests/test_b.py": "def test_one():\n    assert 1\n\n\ndef test_two():\n    assert 2\n",
        },
    )
    change = build_change(root, base, head)
    assert [t.name for t in change.tests_added] == ["test_two"]
    assert change.tests_removed == ()


def test_counts_by_kind_of_path(make_repo: RepoFactory) -> None:
    root = make_repo({"app/pay.py": PAY, "README.md": "# x\n", "tests/test_pay.py": TESTS})
    base = branch(root)
    head = commit(
        root,
        {
            "app/pay.py": PAY + "\nLIMIT = 10\n",
            "README.md": "# x\n\nMore.\n",
            "tests/test_pay.py": TESTS.replace("assert True", "assert 1"),
            "examples/demo.py": "print(1)\n",
            "Dockerfile": "FROM python:3.11\n",
        },
    )
    change = build_change(root, base, head)
    assert (change.production_lines.added, change.production_lines.removed) == (3, 0)
    assert (change.test_lines.added, change.test_lines.removed) == (1, 1)
    assert (change.other_lines.added, change.other_lines.removed) == (3, 0)
    assert [f.path for f in change.files_of_kind("production")] == ["Dockerfile", "app/pay.py"]
    assert path_kind("docs/index.md") == "other" and path_kind("LICENSE") == "other"
    assert path_kind("requirements.txt") == "production"


def test_change_is_measured_from_the_merge_base(make_repo: RepoFactory) -> None:
    root = make_repo({"app/a.py": "a = 1\n"})
    fork = branch(root)
    head = commit(root, {"app/b.py": "b = 1\n"})
    git(root, "checkout", "-q", "main")
    main = commit(root, {"app/c.py": "c = 1\n"})
    change = build_change(root, "main", "feature")
    assert (change.base, change.head, change.merge_base) == (main, head, fork)
    assert change.paths == ("app/b.py",)  # main's own later work is not this change


def test_merge_commit_head(make_repo: RepoFactory) -> None:
    root = make_repo({"app/a.py": "a = 1\n"})
    branch(root)
    commit(root, {"app/b.py": "b = 1\n"})
    git(root, "checkout", "-q", "main")
    main = commit(root, {"app/c.py": "c = 1\n"})
    git(root, "checkout", "-q", "feature")
    git(root, "merge", "-q", "--no-edit", "main")
    head = g.resolve(root, "HEAD")
    change = build_change(root, "main", head)
    assert change.merge_base == main
    assert change.paths == ("app/b.py",)
    assert [c.is_merge for c in g.commits(root, "main", head)] == [False, True]


def test_paths_renames_binary_and_deletions(make_repo: RepoFactory) -> None:
    body = "".join(f"v{i} = {i}\n" for i in range(10))
    root = make_repo(
        {
            "app/old.py": body,
            "app/plain.py": body.replace("v", "w"),
            "app/gone.py": "z = 1\n",
            "img.png": b"\x89PNG\x00\x01",
        }
    )
    base = branch(root)
    git(root, "mv", "app/old.py", "app/new name.py")
    git(root, "mv", "app/plain.py", "app/caf\u00e9.py")
    (root / "app/gone.py").unlink()
    (root / "app/link.py").symlink_to("caf\u00e9.py")
    head = commit(
        root,
        {"app/new name.py": body + "extra = 1\n", "img.png": b"\x89PNG\x00\x02"},
    )
    change = build_change(root, base, head)
    status = {f.path: f.status for f in change.files}
    assert status == {
        "app/new name.py": "renamed",
        "app/caf\u00e9.py": "renamed",
        "app/gone.py": "deleted",
        "app/link.py": "added",
        "img.png": "modified",
    }
    assert lines_of(change, "app/new name.py") == [11]
    assert "app/caf\u00e9.py" not in change.executable  # renamed without edits
    assert "app/link.py" not in change.executable  # a symlink is not code
    assert change.file("img.png") is not None and change.file("img.png").binary  # type: ignore[union-attr]
    assert change.production_lines.removed == 1


def test_head_content_comes_from_git_not_the_working_tree(make_repo: RepoFactory) -> None:
    root = make_repo({"app/a.py": "a = 1\n"})
    base = branch(root)
    head = commit(root, {"app/a.py": "a = 1\nb = 2\n"})
    (root / "app/a.py").write_text("# replaced in the working tree\n" * 5)
    change = build_change(root, base, head)
    assert lines_of(change, "app/a.py") == [2]


def test_a_change_with_no_files(make_repo: RepoFactory) -> None:
    root = make_repo({"app/a.py": "a = 1\n"})
    head = g.resolve(root, "HEAD")
    change = build_change(root, head, "HEAD")
    assert change.files == () and change.executable == {} and change.tests_added == ()
    assert change.merge_base == head and change.changed_executable_lines == 0


def test_a_change_in_python_314_syntax_is_read_not_guessed() -> None:
    source = "try:\n    run()\nexcept ValueError, KeyError:\n    # ignored\n    pass\n"
    found = executable_changed_lines(added(dict(enumerate(source.split("\n"), start=1))), source)
    assert not found.fallback
    assert sorted(found.lines) == [1, 2, 3, 5]
