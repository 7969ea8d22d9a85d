"""The git wrapper, against real temporary repositories."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from prodready.errors import EXIT_USAGE
from prodready.gate import git as g
from tests.conftest import RepoFactory, git, write_tree


def commit(root: Path, files: dict[str, str | bytes], message: str = "change") -> str:
    write_tree(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def test_repo_root_from_a_subdirectory_and_a_file(make_repo: RepoFactory) -> None:
    root = make_repo({"src/pkg/mod.py": "x = 1\n"})
    assert g.repo_root(root / "src" / "pkg") == root.resolve()
    assert g.repo_root(root / "src" / "pkg" / "mod.py") == root.resolve()


def test_repo_root_outside_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(g.GitError, match="not inside a git work tree") as info:
        g.repo_root(plain)
    assert info.value.exit_code == EXIT_USAGE
    with pytest.raises(g.GitError, match="no such file"):
        g.repo_root(tmp_path / "missing")


def test_a_git_dir_in_the_environment_does_not_redirect_git(
    make_repo: RepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # git exports GIT_DIR to hooks; prodready run from a hook must still read its own path
    other = make_repo({"other.txt": "x\n"})
    root = make_repo({"mine.txt": "y\n"})
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    assert g.repo_root(root) == root.resolve()
    assert g.show(root, "HEAD", "mine.txt") == b"y\n"


def test_resolve_branch_tag_commit_and_relative(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "1\n"})
    first = g.resolve(root, "HEAD")
    git(root, "tag", "-a", "v1", "-m", "release")  # an annotated tag peels to its commit
    second = commit(root, {"a.txt": "2\n"})
    assert len(first) == 40 and first != second
    assert g.resolve(root, "main") == second
    assert g.resolve(root, "v1") == first
    assert g.resolve(root, first[:10]) == first
    assert g.resolve(root, "HEAD~1") == first


def test_resolve_an_unknown_revision_says_to_fetch_it(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "1\n"})
    with pytest.raises(g.GitError, match=r"'origin/main'.*not a branch, tag or commit") as info:
        g.resolve(root, "origin/main")
    assert "git fetch origin origin/main" in str(info.value)
    assert info.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize("rev", ["--all", "-n1", "", "a\nb"])
def test_resolve_refuses_option_like_revisions(make_repo: RepoFactory, rev: str) -> None:
    root = make_repo({"a.txt": "1\n"})
    with pytest.raises(g.GitError, match="is not a revision"):
        g.resolve(root, rev)


def test_repository_without_commits(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "1\n"}, commit=False)
    assert g.repo_root(root) == root.resolve()
    assert not g.has_commits(root)
    assert g.current_branch(root) == "main"
    with pytest.raises(g.GitError, match="has no commits yet"):
        g.resolve(root, "HEAD")


def test_shallow_clone_says_to_fetch_more_history(make_repo: RepoFactory, tmp_path: Path) -> None:
    root = make_repo({"a.txt": "1\n"})
    old = g.resolve(root, "HEAD")
    commit(root, {"a.txt": "2\n"})
    commit(root, {"a.txt": "3\n"})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    assert g.is_shallow(clone)
    assert not g.is_shallow(root)
    with pytest.raises(g.GitError) as info:
        g.resolve(clone, old)
    message = str(info.value)
    assert "shallow" in message
    assert "git fetch --unshallow" in message
    assert "--depth=" in message


def test_shallow_clone_without_the_fork_point(make_repo: RepoFactory, tmp_path: Path) -> None:
    # CI's usual checkout: both tips fetched with depth 1, the history between them is not
    root = make_repo({"a.txt": "1\n"})
    git(root, "checkout", "-q", "-b", "feature")
    commit(root, {"b.txt": "feature\n"})
    git(root, "checkout", "-q", "main")
    commit(root, {"c.txt": "main\n"})
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{root}", str(clone))
    with pytest.raises(g.GitError, match=r"shallow.*git fetch --unshallow"):
        g.merge_base(clone, "origin/main", "origin/feature")


def test_merge_base_is_where_head_forked(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "1\n"})
    fork = g.resolve(root, "HEAD")
    git(root, "checkout", "-q", "-b", "feature")
    head = commit(root, {"b.txt": "feature\n"})
    git(root, "checkout", "-q", "main")
    main = commit(root, {"c.txt": "main moved on\n"})
    assert g.merge_base(root, "main", "feature") == fork
    assert g.merge_base(root, main, head) == fork
    assert g.is_ancestor(root, fork, head)
    assert not g.is_ancestor(root, main, head)
    assert g.is_ancestor(root, head, head)


def test_merge_base_without_common_history(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "1\n"})
    git(root, "checkout", "-q", "--orphan", "unrelated")
    commit(root, {"b.txt": "2\n"})
    with pytest.raises(g.GitError, match="no common history"):
        g.merge_base(root, "main", "unrelated")


def test_detached_head(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "1\n"})
    first = g.resolve(root, "HEAD")
    second = commit(root, {"a.txt": "2\n"})
    git(root, "checkout", "-q", "--detach", "HEAD~1")
    assert g.current_branch(root) is None
    assert g.resolve(root, "HEAD") == first
    assert g.commits(root, "HEAD", second)[0].sha == second


def test_show_reads_content_at_a_revision(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "prodready.toml": b'tier = "critical"\r\n',
            "dir with space/caf\u00e9.py": "x = 1\n",
            "src/pkg/__init__.py": "",
        }
    )
    base = g.resolve(root, "HEAD")
    commit(root, {"prodready.toml": 'tier = "experimental"\n'})
    assert g.show(root, base, "prodready.toml") == b'tier = "critical"\r\n'  # bytes as stored
    assert g.show(root, "HEAD", "prodready.toml") == b'tier = "experimental"\n'
    assert g.show(root, "HEAD", "dir with space/caf\u00e9.py") == b"x = 1\n"
    assert g.show(root, "HEAD", "src/pkg/__init__.py") == b""
    assert g.show(root, "HEAD", "missing.toml") is None
    assert g.show(root, "HEAD", "src/pkg") is None  # a directory is not a file
    assert g.show(root, "HEAD", "src/*") is None  # a path, not a pattern


def test_show_does_not_follow_symlinks(make_repo: RepoFactory) -> None:
    root = make_repo({"real.toml": "x = 1\n"})
    (root / "prodready.toml").symlink_to("real.toml")
    commit(root, {})
    assert g.show(root, "HEAD", "prodready.toml") is None


def test_changed_files_and_numstat(make_repo: RepoFactory) -> None:
    body = "".join(f"line {i}\n" for i in range(20))
    root = make_repo(
        {
            "keep.py": "a = 1\n",
            "gone.py": "b = 2\n",
            "moved.py": body,
            "edited_move.py": body.replace("line", "row"),
            "data.bin": b"\x00\x01\x02",
            "link.py": "c = 3\n",
        }
    )
    base = g.resolve(root, "HEAD")
    (root / "gone.py").unlink()
    git(root, "mv", "moved.py", "pkg_moved.py")
    git(root, "mv", "edited_move.py", "renamed_and_edited.py")
    (root / "link.py").unlink()
    (root / "link.py").symlink_to("keep.py")
    head = commit(
        root,
        {
            "keep.py": "a = 2\n",
            "new file.py": "d = 4\n",
            "data.bin": b"\x00\x01\x03",
            "renamed_and_edited.py": body.replace("line", "row") + "extra\n",
        },
    )
    by_path = {c.path: c for c in g.changed_files(root, base, head)}
    assert {p: c.status for p, c in by_path.items()} == {
        "keep.py": "M",
        "gone.py": "D",
        "pkg_moved.py": "R",
        "renamed_and_edited.py": "R",
        "new file.py": "A",
        "data.bin": "M",
        "link.py": "T",
    }
    assert by_path["pkg_moved.py"].old_path == "moved.py"
    assert by_path["pkg_moved.py"].similarity == 100
    assert by_path["renamed_and_edited.py"].old_path == "edited_move.py"
    assert by_path["new file.py"].old_blob is None and by_path["new file.py"].old_path is None
    assert by_path["gone.py"].new_blob is None
    assert by_path["link.py"].new_mode == "120000"
    blobs = g.read_blobs(root, [by_path["keep.py"].new_blob or ""])
    assert list(blobs.values()) == [b"a = 2\n"]

    stats = {s.path: s for s in g.numstat(root, base, head)}
    assert (stats["keep.py"].added, stats["keep.py"].removed) == (1, 1)
    assert stats["data.bin"].added is None and stats["data.bin"].removed is None
    assert stats["renamed_and_edited.py"].old_path == "edited_move.py"
    assert (stats["renamed_and_edited.py"].added, stats["renamed_and_edited.py"].removed) == (1, 0)


def test_diff_text_is_zero_context_and_can_be_limited_to_paths(make_repo: RepoFactory) -> None:
    root = make_repo({"a.py": "1\n2\n3\n", "b.py": "x\n", "*.py": "star\n"})
    base = g.resolve(root, "HEAD")
    head = commit(root, {"a.py": "1\nTWO\n3\n", "b.py": "y\n", "*.py": "STAR\n"})
    text = g.diff_text(root, base, head)
    assert "@@ -2 +2 @@\n-2\n+TWO\n" in text
    assert "\n 1\n" not in text  # no context lines
    only_a = g.diff_text(root, base, head, ["a.py"])
    assert "a/a.py" in only_a and "b/b.py" not in only_a
    star = g.diff_text(root, base, head, ["*.py"])  # a literal path, not a glob
    assert "STAR" in star and "TWO" not in star
    assert g.diff_text(root, base, head, []) == ""


def test_commits_in_range_include_merges_and_full_messages(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "1\n"})
    base = g.resolve(root, "HEAD")
    git(root, "checkout", "-q", "-b", "feature")
    message = "Add refund\n\nLonger body.\n\nReviewed-by: Ada <ada@example.invalid>\n"
    one = commit(root, {"b.txt": "b\n"}, message)
    git(root, "checkout", "-q", "main")
    commit(root, {"c.txt": "c\n"}, "main work")
    git(root, "merge", "-q", "--no-ff", "feature", "-m", "Merge feature")
    merge = g.resolve(root, "HEAD")
    found = g.commits(root, base, merge)
    subjects = [c.message.splitlines()[0] for c in found]
    assert sorted(subjects[:2]) == ["Add refund", "main work"] and subjects[2] == "Merge feature"
    refund = next(c for c in found if c.sha == one)
    assert refund.message == message.rstrip("\n")
    assert refund.author == "Test <test@example.invalid>"
    assert not refund.is_merge
    assert found[-1].sha == merge and found[-1].is_merge and len(found[-1].parents) == 2
    assert g.commits(root, merge, merge) == []


def test_no_program_configured_in_the_repository_runs(
    make_repo: RepoFactory, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f'#!/bin/sh\ntouch {marker}\ncat "$1" 2>/dev/null\nexit 0\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    root = make_repo({".gitattributes": "*.py diff=evil\n", "a.py": "x = 1\n"})
    base = g.resolve(root, "HEAD")
    head = commit(root, {"a.py": "x = 2\n"})
    for key, value in [
        ("diff.external", str(script)),
        ("diff.evil.command", str(script)),
        ("diff.evil.textconv", str(script)),
        ("core.pager", str(script)),
        ("core.fsmonitor", str(script)),
        ("gpg.program", str(script)),
        ("log.showSignature", "true"),
    ]:
        git(root, "config", key, value)
    assert "x = 2" in g.diff_text(root, base, head)
    g.changed_files(root, base, head)
    g.numstat(root, base, head)
    g.commits(root, base, head)
    assert g.show(root, head, "a.py") == b"x = 2\n"
    g.repo_root(root)
    assert not marker.exists()


def test_git_error_names_the_command_and_reason(make_repo: RepoFactory) -> None:
    root = make_repo({"a.txt": "1\n"})
    with pytest.raises(g.GitError, match="cannot read object"):
        g.read_blobs(root, ["1" * 40])
    with pytest.raises(g.GitError, match="not an object id"):
        g.read_blobs(root, ["HEAD:a.txt"])
