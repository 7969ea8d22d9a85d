"""The diff parser: real git output, hand-written edge cases, and fuzzing."""

from __future__ import annotations

import contextlib
import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodready.gate import git as g
from prodready.gate.diff import DiffParseError, FileDiff, parse_diff
from tests.conftest import RepoFactory, git, write_tree


def one(text: str) -> FileDiff:
    files = parse_diff(text)
    assert len(files) == 1
    return files[0]


def test_modified_file_with_several_hunks() -> None:
    f = one(
        "diff --git a/app.py b/app.py\n"
        "index 1111111..2222222 100644\n"
        "--- a/app.py\n"
        "+++ b/app.py\n"
        "@@ -2 +2,2 @@ def f():\n"
        "-    return 1\n"
        "+    x = 2\n"
        "+    return x\n"
        "@@ -10,2 +11,0 @@\n"
        "-gone = 1\n"
        "-gone = 2\n"
        "@@ -20,0 +20 @@\n"
        "+tail = 3\n"
    )
    assert (f.path, f.old_path, f.status, f.binary) == ("app.py", "app.py", "modified", False)
    assert f.added == (2, 3, 20)
    assert f.added_text == {2: "    x = 2", 3: "    return x", 20: "tail = 3"}
    assert f.removed_count == 3
    assert f.removed_text == {2: "    return 1", 10: "gone = 1", 11: "gone = 2"}


def test_quoted_paths_with_octal_escapes_and_spaces() -> None:
    f = one(
        'diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"\n'
        "index 1111111..2222222 100644\n"
        '--- "a/caf\\303\\251.py"\n'
        '+++ "b/caf\\303\\251.py"\n'
        "@@ -1 +1 @@\n"
        "-a\n"
        "+b\n"
    )
    assert f.path == "caf\u00e9.py" and f.old_path == "caf\u00e9.py"
    spaced = one(
        "diff --git a/my dir/x y.py b/my dir/x y.py\n"
        "index 1111111..2222222 100644\n"
        "--- a/my dir/x y.py\t\n"
        "+++ b/my dir/x y.py\t\n"
        "@@ -1 +1 @@\n"
        "-a\n"
        "+b\n"
    )
    assert spaced.path == "my dir/x y.py"
    quoted = one(
        'diff --git "a/q\\"t\\tab.py" "b/q\\"t\\tab.py"\n'
        "new file mode 100644\n"
        "index 0000000..2222222\n"
        "--- /dev/null\n"
        '+++ "b/q\\"t\\tab.py"\n'
        "@@ -0,0 +1 @@\n"
        "+x\n"
    )
    assert quoted.path == 'q"t\tab.py' and quoted.status == "added" and quoted.old_path is None


def test_no_newline_at_end_of_file() -> None:
    f = one(
        "diff --git a/a.txt b/a.txt\n"
        "index 1111111..2222222 100644\n"
        "--- a/a.txt\n"
        "+++ b/a.txt\n"
        "@@ -3 +3,2 @@\n"
        "-c\n"
        "\\ No newline at end of file\n"
        "+c\n"
        "+d\n"
        "\\ No newline at end of file\n"
    )
    assert f.added == (3, 4) and f.removed_count == 1


def test_mode_only_change_and_type_change() -> None:
    files = parse_diff(
        "diff --git a/run.sh b/run.sh\n"
        "old mode 100644\n"
        "new mode 100755\n"
        "diff --git a/f.py b/f.py\n"
        "deleted file mode 100644\n"
        "index 587be6b..0000000\n"
        "--- a/f.py\n"
        "+++ /dev/null\n"
        "@@ -1 +0,0 @@\n"
        "-x\n"
        "diff --git a/f.py b/f.py\n"
        "new file mode 120000\n"
        "index 0000000..1de5659\n"
        "--- /dev/null\n"
        "+++ b/f.py\n"
        "@@ -0,0 +1 @@\n"
        "+target\n"
        "\\ No newline at end of file\n"
    )
    mode, link = files
    assert (mode.path, mode.status, mode.added, mode.removed_count) == ("run.sh", "modified", (), 0)
    assert (mode.old_mode, mode.new_mode) == ("100644", "100755")
    assert (link.path, link.old_path, link.status) == ("f.py", "f.py", "typechange")
    assert link.added == (1,) and link.removed_count == 1 and link.new_mode == "120000"


def test_binary_files() -> None:
    files = parse_diff(
        "diff --git a/logo.png b/logo.png\n"
        "index 1111111..2222222 100644\n"
        "Binary files a/logo.png and b/logo.png differ\n"
        "diff --git a/new.bin b/new.bin\n"
        "new file mode 100644\n"
        "index 0000000..2222222\n"
        "GIT binary patch\n"
        "literal 3\n"
        "KcmZQzWMT#Y01f~L\n"
        "\n"
        "literal 0\n"
        "HcmV?d00001\n"
        "\n"
    )
    assert [(f.path, f.status, f.binary) for f in files] == [
        ("logo.png", "modified", True),
        ("new.bin", "added", True),
    ]


def test_renames_with_and_without_edits_empty_and_deleted_files() -> None:
    files = parse_diff(
        "diff --git a/old.py b/new.py\n"
        "similarity index 100%\n"
        "rename from old.py\n"
        "rename to new.py\n"
        "diff --git a/a b/c d.py b/e f.py\n"
        "similarity index 90%\n"
        "rename from a b/c d.py\n"
        "rename to e f.py\n"
        "index 1111111..2222222 100644\n"
        "--- a/a b/c d.py\t\n"
        "+++ b/e f.py\t\n"
        "@@ -5 +5 @@\n"
        "-x\n"
        "+y\n"
        "diff --git a/empty.py b/empty.py\n"
        "new file mode 100644\n"
        "index 0000000..e69de29\n"
        "diff --git a/gone.py b/gone.py\n"
        "deleted file mode 100644\n"
        "index 1111111..0000000\n"
        "--- a/gone.py\n"
        "+++ /dev/null\n"
        "@@ -1,2 +0,0 @@\n"
        "-a\n"
        "-b\n"
        "diff --git a/src.py b/copy.py\n"
        "similarity index 100%\n"
        "copy from src.py\n"
        "copy to copy.py\n"
    )
    summary = [(f.path, f.old_path, f.status, f.added, f.removed_count) for f in files]
    assert summary == [
        ("new.py", "old.py", "renamed", (), 0),
        ("e f.py", "a b/c d.py", "renamed", (5,), 1),
        ("empty.py", None, "added", (), 0),
        ("gone.py", "gone.py", "deleted", (), 2),
        ("copy.py", "src.py", "copied", (), 0),
    ]


def test_content_that_looks_like_headers_is_content() -> None:
    # the hunk counts, not the line prefixes, decide where a hunk ends
    f = one(
        "diff --git a/a.txt b/a.txt\n"
        "index 1111111..2222222 100644\n"
        "--- a/a.txt\n"
        "+++ b/a.txt\n"
        "@@ -1,2 +1,2 @@\n"
        "--- a/evil.txt\n"
        "-diff --git a/x b/x\n"
        "++++ b/evil.txt\n"
        "+@@ -1 +1 @@\r\x0c\u2028tail\n"
    )
    assert f.removed_text == {1: "-- a/evil.txt", 2: "diff --git a/x b/x"}
    assert f.added_text == {1: "+++ b/evil.txt", 2: "@@ -1 +1 @@\r\x0c\u2028tail"}


def test_empty_diff() -> None:
    assert parse_diff("") == ()


@pytest.mark.parametrize(
    "text",
    [
        "garbage\n",
        "diff --git a/x b/x\nsomething odd\n",
        "diff --git a/x b/x\n--- a/x\n",
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1 @@\n-a\n",  # truncated hunk
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n*a\n+b\n",
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ bad @@\n",
        'diff --git "a/x b/x\nold mode 100644\nnew mode 100755\n',  # no usable path
        'diff --git a/x b/x\nrename from "bad\\q"\nrename to y\n',
        "diff --git a/x b/x\nold mode 99\n",
        "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1," + "9" * 5000 + " @@\n",
        "diff --cc merged.py\n",
    ],
)
def test_malformed_input_raises_diff_parse_error(text: str) -> None:
    with pytest.raises(DiffParseError):
        parse_diff(text)
    assert issubclass(DiffParseError, ValueError)


def test_real_git_output(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "caf\u00e9.py": "a = 1\n",
            "with space.py": "a\nb\n",
            "bin.dat": b"\x00\x01",
            "old.py": "keep\nthe\nsame\n",
            "mode.sh": "echo\n",
            "gone.py": "x\n",
        }
    )
    base = g.resolve(root, "HEAD")
    git(root, "mv", "old.py", "renamed.py")
    (root / "gone.py").unlink()
    (root / "mode.sh").chmod(0o755)
    write_tree(
        root,
        {
            "caf\u00e9.py": "a = 2\n",
            "with space.py": b"a\nc",
            "bin.dat": b"\x00\x02",
            "empty.py": "",
            'q"uote.py': "q = 1\n",
        },
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "edit")
    files = {f.path: f for f in parse_diff(g.diff_text(root, base, "HEAD"))}
    assert {p: f.status for p, f in files.items()} == {
        "caf\u00e9.py": "modified",
        "with space.py": "modified",
        "bin.dat": "modified",
        "renamed.py": "renamed",
        "mode.sh": "modified",
        "gone.py": "deleted",
        "empty.py": "added",
        'q"uote.py': "added",
    }
    assert files["bin.dat"].binary
    assert files["with space.py"].added_text == {2: "c"}
    assert files["renamed.py"].old_path == "old.py"
    assert files['q"uote.py'].added == (1,)


def _unified(old: list[str], new: list[str], path: str = "f.py") -> str:
    body = difflib.unified_diff(old, new, f"a/{path}", f"b/{path}", n=0, lineterm="")
    return "\n".join([f"diff --git a/{path} b/{path}", "index 1111111..2222222 100644", *body])


_line = st.text(st.characters(blacklist_characters="\n"), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(_line, max_size=12), st.lists(_line, max_size=12))
def test_added_lines_are_exactly_the_new_files_changed_lines(
    old: list[str], new: list[str]
) -> None:
    (f,) = parse_diff(_unified(old, new))
    for line, text in f.added_text.items():
        assert new[line - 1] == text
    for line, text in f.removed_text.items():
        assert old[line - 1] == text
    assert len(new) - len(f.added) == len(old) - f.removed_count  # the unchanged lines


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.sampled_from(list('diff --git ab/"\\0137@+-, \n\tnewmod'))),
    )
)
def test_fuzz_never_raises_anything_but_diff_parse_error(text: str) -> None:
    with contextlib.suppress(DiffParseError):
        parse_diff(text)


_VALID = (
    'diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"\n'
    "index 1111111..2222222 100644\n"
    '--- "a/caf\\303\\251.py"\n'
    '+++ "b/caf\\303\\251.py"\n'
    "@@ -1,2 +1,3 @@\n-a\n-b\n+c\n+d\n\\ No newline at end of file\n+e\n"
    "diff --git a/x b/y\nsimilarity index 90%\nrename from x\nrename to y\n"
    "diff --git a/b.png b/b.png\nBinary files a/b.png and b/b.png differ\n"
)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzz_mutations_of_a_valid_diff(data: st.DataObject) -> None:
    text = _VALID
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 3))
        insert = data.draw(st.text(max_size=4))
        text = text[:at] + insert + text[at + cut :]
    try:
        files = parse_diff(text)
    except DiffParseError:
        return
    for f in files:
        assert f.path
        assert len(f.added) == len(f.added_text)


def test_classic_hostile_inputs() -> None:
    # a few classic hostile inputs, beyond what hypothesis draws
    for text in ["\x00", "diff --git \n", "diff --git a/ b/\n", "diff --git " + '"' * 1000, "\r\n"]:
        with contextlib.suppress(DiffParseError):
            files = parse_diff(text)
            # whatever parses must be a well-formed result, never half a file
            assert all(f.path and len(f.added) == len(f.added_text) for f in files)
