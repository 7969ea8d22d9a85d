"""A warm scan reuses the remembered walk of an unchanged folder, and walks again as soon
as anything the walk rested on changes: a file added or removed, a `.gitignore` edited, a
module whose content decided it, a folder above the root."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from prodready.repo.files import RepoIndex, walk_repository
from prodready.scan import engine
from prodready.scan.cache import ScanCache
from prodready.scan.engine import scan_paths

_UNBOUNDED = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


def _age(*tops: Path) -> None:
    """Set every folder and file under `tops` a minute in the past, as a checkout that
    nobody is editing; a walk of fresher ones is not remembered (git's racy case)."""
    past = time.time() - 60
    for top in tops:
        for folder, _dirs, files in os.walk(top):
            for name in files:
                os.utime(os.path.join(folder, name), (past, past))
            os.utime(folder, (past, past))


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    _age(root)
    return root


def _flagged(root: Path, cache: ScanCache) -> list[tuple[str, int]]:
    result = scan_paths([root], jobs=1, cache=cache)
    return [(f.path, f.line) for f in result.findings]


@pytest.fixture
def no_walk(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record the folders the scan walks, so a test can tell a remembered walk from a
    new one."""
    walked: list[Path] = []

    def spy(root: Path) -> RepoIndex:
        walked.append(root)
        return walk_repository(root)

    monkeypatch.setattr(engine, "walk_repository", spy)
    return walked


def test_an_unchanged_folder_is_not_walked_again(tmp_path: Path, no_walk: list[Path]) -> None:
    root = _tree(tmp_path / "app", {"svc/client.py": _UNBOUNDED, "svc/__init__.py": ""})
    cache = ScanCache(tmp_path / "cache")
    cold = _flagged(root, cache)
    warm = _flagged(root, ScanCache(tmp_path / "cache"))
    assert cold == warm == [("svc/client.py", 5)]
    assert no_walk == [root]


def test_an_added_or_removed_file_is_seen(tmp_path: Path, no_walk: list[Path]) -> None:
    root = _tree(tmp_path / "app", {"svc/client.py": _UNBOUNDED})
    cache = ScanCache(tmp_path / "cache")
    assert _flagged(root, cache) == [("svc/client.py", 5)]
    (root / "svc/other.py").write_text(_UNBOUNDED)
    assert _flagged(root, cache) == [("svc/client.py", 5), ("svc/other.py", 5)]
    _age(root)
    assert _flagged(root, cache) == [("svc/client.py", 5), ("svc/other.py", 5)]
    (root / "svc/client.py").unlink()
    assert _flagged(root, cache) == [("svc/other.py", 5)]
    assert no_walk == [root] * 4  # each change walked; the fresh one is not remembered


def test_an_edited_gitignore_is_seen(tmp_path: Path) -> None:
    root = _tree(tmp_path / "app", {".gitignore": "build/\n", "gen/client.py": _UNBOUNDED})
    cache = ScanCache(tmp_path / "cache")
    assert _flagged(root, cache) == [("gen/client.py", 5)]
    assert _flagged(root, cache) == [("gen/client.py", 5)]
    # written in place: its folder's time does not change, its own does
    with open(root / ".gitignore", "a") as fh:
        fh.write("gen/\n")
    assert _flagged(root, cache) == []


def test_a_module_whose_content_decided_is_read_again(tmp_path: Path) -> None:
    # `tools.py` beside a `tools/` package is shadowed unless it runs as a script
    root = _tree(
        tmp_path / "app",
        {"tools.py": _UNBOUNDED, "tools/__init__.py": "", "tools/cli.py": "X = 1\n"},
    )
    cache = ScanCache(tmp_path / "cache")
    assert _flagged(root, cache) == []
    assert _flagged(root, cache) == []
    script = _UNBOUNDED + "\n\nif __name__ == '__main__':\n    fetch('https://x')\n"
    (root / "tools.py").write_text(script)
    assert _flagged(root, cache) == [("tools.py", 5)]


def test_a_work_tree_made_above_the_root_is_seen(tmp_path: Path) -> None:
    top = tmp_path / "repo"
    root = _tree(top / "services/api", {"gen/client.py": _UNBOUNDED})
    _age(top)
    cache = ScanCache(tmp_path / "cache")
    assert _flagged(root, cache) == [("gen/client.py", 5)]
    assert _flagged(root, cache) == [("gen/client.py", 5)]
    # the folder two levels up becomes a git work tree whose .gitignore covers the code
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    (top / ".gitignore").write_text("/services/api/gen/\n")
    assert _flagged(root, cache) == []


def test_a_fresh_or_linked_tree_is_not_remembered(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    (fresh / "svc").mkdir(parents=True)
    (fresh / "svc/client.py").write_text(_UNBOUNDED)
    cache = ScanCache(tmp_path / "cache")
    _flagged(fresh, cache)
    assert cache.walk_memo(fresh) is None  # changed this very second: may change unseen

    linked = tmp_path / "linked"
    (linked / "svc").mkdir(parents=True)
    (linked / "svc/client.py").write_text(_UNBOUNDED)
    (linked / "svc/alias.py").symlink_to(tmp_path / "fresh/svc/client.py")
    _age(linked)
    _flagged(linked, cache)
    assert cache.walk_memo(linked) is None  # its target can change outside the tree

    aged = _tree(tmp_path / "aged", {"svc/client.py": _UNBOUNDED})
    _flagged(aged, cache)
    assert cache.walk_memo(aged) is not None
