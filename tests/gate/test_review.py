"""Review evidence: trailers (checked against git itself), GitHub payloads, CODEOWNERS matching."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodready.gate.review import (
    SOURCE_CLI,
    SOURCE_EVENT,
    SOURCE_TRAILER,
    Approval,
    ReviewEvidence,
    approvals_from_event,
    approvals_from_trailers,
    collect_reviews,
    commit_trailers,
    is_owner_approved,
    normalise_reviewer,
)
from tests.conftest import RepoFactory, git

DATA = Path(__file__).parent / "data"
APPROVED = DATA / "pull_request_review.approved.json"

KERNEL_STYLE = """\
mm/page_alloc: fix a race when draining per-cpu lists

drain_pages_zone() could run concurrently with a CPU going offline and
free pages twice. Take the zone lock before reading pcp->count.

Reviewed-by: this line is in the body, not the trailer block

Fixes: 1a2b3c4d5e6f ("mm/page_alloc: batch per-cpu list draining")
Signed-off-by: Alice Author <alice@example.org>
Reviewed-by: Jane Doe <jane@example.com>
Acked-by: Bob Builder <bob@example.com>
Cc: stable@vger.kernel.org
"""


def log_messages(root: Path) -> list[tuple[str, str]]:
    """(sha, full message) pairs, oldest first, the way the gate reads them from git."""
    out = git(root, "log", "--reverse", "--format=%H%x00%B%x1e")
    pairs = []
    for record in out.split("\x1e"):
        record = record.lstrip("\n")
        if record:
            sha, message = record.split("\x00", 1)
            pairs.append((sha, message))
    return pairs


# --------------------------------------------------------------------------- trailers


def test_kernel_style_message_yields_the_reviewer_and_names_the_commit() -> None:
    approvals = approvals_from_trailers([("1a2b3c4d5e6f7a8b", KERNEL_STYLE)])
    assert approvals == [
        Approval(
            "jane@example.com",
            SOURCE_TRAILER,
            "Reviewed-by: Jane Doe <jane@example.com> in commit 1a2b3c4",
        )
    ]


def test_trailer_block_parses_like_git() -> None:
    assert commit_trailers(KERNEL_STYLE) == [
        ("Fixes", '1a2b3c4d5e6f ("mm/page_alloc: batch per-cpu list draining")'),
        ("Signed-off-by", "Alice Author <alice@example.org>"),
        ("Reviewed-by", "Jane Doe <jane@example.com>"),
        ("Acked-by", "Bob Builder <bob@example.com>"),
        ("Cc", "stable@vger.kernel.org"),
    ]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # A one-paragraph message is all title, even if it looks like a trailer.
        ("Reviewed-by: Jane <jane@example.com>\n", []),
        ("Fix typo\nReviewed-by: Jane <jane@example.com>\n", []),
        # Keys are case-insensitive; lower-case spelling is kept for the evidence.
        ("Fix\n\nreviewed-by: @octocat\n", [("@octocat", "reviewed-by: @octocat")]),
        ("Fix\n\nAPPROVED-BY: Sam <sam@example.com>\n", [("sam@example.com", "APPROVED-BY")]),
        # A prose last paragraph is not a trailer block, so its "Reviewed-by:" is prose.
        ("Fix\n\nThanks to all.\nReviewed-by: Jane <jane@example.com>\n", []),
        # ...unless git-generated lines make a quarter of it trailers.
        (
            "Fix\n\nThanks to all.\nReviewed-by: Jane <jane@example.com>\n"
            "Signed-off-by: Al <al@example.org>\n",
            [("jane@example.com", "Reviewed-by")],
        ),
        # CRLF messages (from Windows editors) parse the same.
        ("Fix\r\n\r\nReviewed-by: Jane <jane@example.com>\r\n", [("jane@example.com", "Rev")]),
        # Tested-by and Acked-by are not approvals.
        ("Fix\n\nTested-by: Jane <jane@example.com>\nAcked-by: Bob <b@example.com>\n", []),
        # An empty value is no reviewer.
        ("Fix\n\nReviewed-by:\n", []),
    ],
)
def test_trailer_cases(message: str, expected: list[tuple[str, str]]) -> None:
    approvals = approvals_from_trailers([("abcdef0123", message)])
    assert [a.reviewer for a in approvals] == [reviewer for reviewer, _ in expected]
    for approval, (_, evidence_start) in zip(approvals, expected, strict=True):
        assert approval.evidence.startswith(evidence_start)
        assert approval.evidence.endswith("in commit abcdef0")


def test_continuation_lines_are_unfolded() -> None:
    message = "Fix\n\nReviewed-by: Jane Doe\n  <jane@example.com>\nSigned-off-by: A <a@x.org>\n"
    assert commit_trailers(message)[0] == ("Reviewed-by", "Jane Doe <jane@example.com>")
    assert [a.reviewer for a in approvals_from_trailers([("s", message)])] == ["jane@example.com"]


def test_github_noreply_address_becomes_the_login_it_encodes() -> None:
    message = "Fix\n\nReviewed-by: Mona <583231+octocat@users.noreply.github.com>\n"
    assert [a.reviewer for a in approvals_from_trailers([("s", message)])] == ["@octocat"]


def test_same_reviewer_twice_in_one_commit_is_one_approval() -> None:
    message = "Fix\n\nReviewed-by: Jane <jane@example.com>\nApproved-by: jane@example.com\n"
    assert len(approvals_from_trailers([("s", message)])) == 1


def test_trailers_read_from_a_real_repository(make_repo: RepoFactory) -> None:
    root = make_repo({"app.py": "x = 1\n"})
    (root / "app.py").write_text("x = 2\n", encoding="utf-8")
    git(root, "commit", "-qam", "Bump x", "--trailer", "Reviewed-by: Jane Doe <jane@example.com>")
    (root / "app.py").write_text("x = 3\n", encoding="utf-8")
    git(root, "commit", "-qam", "Bump x again", "-m", "Approved-by: @octocat")
    messages = log_messages(root)
    approvals = approvals_from_trailers(messages)
    assert [(a.reviewer, a.evidence.split(" in commit ")[0]) for a in approvals] == [
        ("jane@example.com", "Reviewed-by: Jane Doe <jane@example.com>"),
        ("@octocat", "Approved-by: @octocat"),
    ]
    assert approvals[0].evidence.endswith(messages[1][0][:7])


# Lines a commit message's last paragraph is made of, in git's terms.
_KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,12}", fullmatch=True)
_WORDS = st.from_regex(r"[A-Za-z0-9<>@.()]{1,8}( [A-Za-z0-9<>@.():]{1,8}){0,3}", fullmatch=True)
_LINE = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", _KEY, _WORDS),
    st.builds(lambda k, v: f"{k} :{v}", _KEY, _WORDS),
    st.builds(lambda v: f"Signed-off-by: {v}", _WORDS),
    st.builds(lambda v: f"signed-off-by: {v}", _WORDS),
    st.just("(cherry picked from commit 0123456789abcdef)"),
    st.builds(lambda v: f"  {v}", _WORDS),
    st.builds(lambda v: f"\t{v}", _WORDS),
    _WORDS,
    st.just(""),
    st.just("   "),
)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed as the oracle")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_WORDS, lines=st.lists(_LINE, max_size=8))
def test_trailer_parsing_agrees_with_git_interpret_trailers(title: str, lines: list[str]) -> None:
    message = "\n".join([title, *lines]) + "\n"
    result = subprocess.run(
        ["git", "interpret-trailers", "--parse", "--no-divider"],
        input=message,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull},
    )
    expected = [line.rstrip() for line in result.stdout.splitlines()]
    assert [f"{k}: {v}".rstrip() for k, v in commit_trailers(message)] == expected


@given(st.text())
def test_trailer_parsing_never_raises(message: str) -> None:
    for key, value in commit_trailers(message):
        assert key and "\n" not in value
    approvals_from_trailers([("0" * 40, message)])


# --------------------------------------------------------------------------- GitHub payloads


def test_recorded_approval_payload() -> None:
    evidence = approvals_from_event(APPROVED)
    assert evidence == ReviewEvidence(
        approvals=(
            Approval(
                "@abeyuya",
                SOURCE_EVENT,
                "review #787479727 approved by @abeyuya at 2021-10-24T07:46:22Z on commit 2472de2",
            ),
        ),
        requested=(),
        author="@abeyuya-bot",
        problems=(),
    )


@pytest.mark.parametrize(
    "name", ["pull_request_review.commented.json", "pull_request_review.dismissed.json"]
)
def test_reviews_that_are_not_approvals_approve_nothing(name: str) -> None:
    evidence = approvals_from_event(DATA / name)
    assert evidence.approvals == ()
    assert evidence.author == "@Codertocat"
    assert evidence.requested == ("@octocat",)
    assert evidence.problems == ()


def test_pull_request_payload_names_pending_reviewers() -> None:
    evidence = approvals_from_event(DATA / "pull_request.review_requested.json")
    assert evidence == ReviewEvidence((), ("@octocat",), "@Codertocat", ())


def test_requested_team_is_named_with_the_repository_owner() -> None:
    evidence = approvals_from_event(DATA / "pull_request.opened_with_team.json")
    assert evidence.requested == ("@octocat", "@Codertocat/justice-league")
    assert evidence.approvals == ()


def test_review_state_is_compared_case_insensitively(tmp_path: Path) -> None:
    payload = json.loads(APPROVED.read_text(encoding="utf-8"))
    payload["review"]["state"] = "APPROVED"  # the REST API's spelling
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    assert [a.reviewer for a in approvals_from_event(path).approvals] == ["@abeyuya"]


def test_approved_review_without_a_reviewer_is_a_problem(tmp_path: Path) -> None:
    payload = json.loads(APPROVED.read_text(encoding="utf-8"))
    del payload["review"]["user"]
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    evidence = approvals_from_event(path)
    assert evidence.approvals == ()
    assert evidence.problems == (
        f"{path}: review #787479727 is approved but names no reviewer (review.user.login)",
    )


def test_push_payload_is_the_wrong_event() -> None:
    path = DATA / "push.json"
    evidence = approvals_from_event(path)
    assert evidence.approvals == () and evidence.author is None
    assert evidence.problems == (
        f"{path}: not a pull_request or pull_request_review payload "
        "(top-level keys: after, before, pusher, ref, repository, sender)",
    )


def test_review_comment_payload_is_the_wrong_event(tmp_path: Path) -> None:
    payload = json.loads((DATA / "pull_request.review_requested.json").read_text("utf-8"))
    payload["action"] = "created"
    payload["comment"] = {"body": "LGTM", "user": {"login": "octocat"}}
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    (problem,) = approvals_from_event(path).problems
    assert problem.startswith(f"{path}: not a pull_request or pull_request_review payload")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            b'{"action": "submitted", "review": {',
            "not valid JSON (line 1 column 36: Expecting property name",
        ),
        (b"[1, 2]", "a JSON list where a GitHub event payload object was expected"),
        (b"null", "a JSON null where a GitHub event payload object was expected"),
        (b"\xff\xfe{}", "not UTF-8 text, so not a GitHub event payload"),
        (b"[" * 100_000, "JSON nested too deeply"),
    ],
)
def test_unreadable_payloads_become_problems(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "event.json"
    path.write_bytes(content)
    evidence = approvals_from_event(path)
    assert evidence.approvals == ()
    (message,) = evidence.problems
    assert message.startswith(f"{path}: {problem}")


def test_missing_event_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    (message,) = approvals_from_event(path).problems
    assert message == f"{path}: cannot be read (No such file or directory)"


_PAYLOAD_KEYS = (
    *("action", "review", "pull_request", "user", "login", "state", "requested_teams"),
    *("requested_reviewers", "slug", "repository", "owner", "id", "submitted_at", "comment"),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(_PAYLOAD_KEYS),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=_JSON)
def test_any_json_shape_yields_evidence_not_an_exception(tmp_path: Path, payload: object) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    evidence = approvals_from_event(path)
    assert all(a.source == SOURCE_EVENT and a.reviewer.startswith("@") for a in evidence.approvals)
    assert all(str(path) in p for p in evidence.problems)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=200))
def test_any_bytes_yield_evidence_not_an_exception(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(content)
    assert isinstance(approvals_from_event(path), ReviewEvidence)


# --------------------------------------------------------------------------- together


def test_collect_reviews_combines_all_three_sources() -> None:
    evidence = collect_reviews(
        ["payments-lead", "@org/payments"],
        [("0123456789", "Fix\n\nReviewed-by: Jane Doe <jane@example.com>\n")],
        APPROVED,
    )
    assert [(a.reviewer, a.source) for a in evidence.approvals] == [
        ("@payments-lead", SOURCE_CLI),
        ("@org/payments", SOURCE_CLI),
        ("jane@example.com", SOURCE_TRAILER),
        ("@abeyuya", SOURCE_EVENT),
    ]
    assert evidence.approvals[0].evidence == "--reviewer payments-lead"
    assert evidence.author == "@abeyuya-bot"
    assert evidence.problems == ()


def test_the_author_never_approves_their_own_change() -> None:
    evidence = collect_reviews(
        ["Abeyuya-Bot"],
        [("0123456789", "Fix\n\nReviewed-by: abeyuya-bot\n")],
        APPROVED,
    )
    assert evidence.approvers == ("@abeyuya",)
    assert evidence.problems == (
        "@Abeyuya-Bot is the pull request's author; their own approval does not count "
        "(--reviewer Abeyuya-Bot)",
        "abeyuya-bot is the pull request's author; their own approval does not count "
        "(Reviewed-by: abeyuya-bot in commit 0123456)",
    )


def test_requested_reviewers_who_approved_elsewhere_are_not_pending() -> None:
    event = DATA / "pull_request.opened_with_team.json"
    evidence = collect_reviews(["octocat"], [], event)
    assert evidence.requested == ("@Codertocat/justice-league",)


def test_duplicates_within_a_source_collapse_and_approvers_are_distinct() -> None:
    messages = [
        ("1111111", "Fix\n\nReviewed-by: @jane\n"),
        ("2222222", "Fix more\n\nReviewed-by: @Jane\n"),
    ]
    evidence = collect_reviews(["jane"], messages, None)
    assert [(a.reviewer, a.source) for a in evidence.approvals] == [
        ("@jane", SOURCE_CLI),
        ("@jane", SOURCE_TRAILER),
    ]
    assert evidence.approvers == ("@jane",)


def test_no_sources_no_approvals() -> None:
    assert collect_reviews([], [], None) == ReviewEvidence((), (), None, ())


def test_bad_event_file_is_reported_and_other_sources_still_count(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text("{not json", encoding="utf-8")
    evidence = collect_reviews(["jane"], [], path)
    assert evidence.approvers == ("@jane",)
    assert len(evidence.problems) == 1 and evidence.problems[0].startswith(f"{path}: not valid")


# --------------------------------------------------------------------------- identities


@pytest.mark.parametrize(
    ("value", "source", "expected"),
    [
        ("jane", SOURCE_CLI, "@jane"),
        ("@jane", SOURCE_CLI, "@jane"),
        ("org/payments", SOURCE_CLI, "@org/payments"),
        ("Jane Doe <Jane@Example.com>", SOURCE_CLI, "jane@example.com"),
        ("jane@example.com", SOURCE_TRAILER, "jane@example.com"),
        ("Jane", SOURCE_TRAILER, "Jane"),
        ("Jane  Doe", SOURCE_TRAILER, "Jane Doe"),
        ("Mona <octocat@users.noreply.github.com>", SOURCE_TRAILER, "@octocat"),
        ("   ", SOURCE_CLI, ""),
    ],
)
def test_normalise_reviewer(value: str, source: str, expected: str) -> None:
    assert normalise_reviewer(value, source=source) == expected


def _approvals(*reviewers: str) -> list[Approval]:
    return [Approval(r, SOURCE_CLI, f"--reviewer {r}") for r in reviewers]


@pytest.mark.parametrize(
    ("owners", "reviewers", "approved"),
    [
        (["@jane"], ["@jane"], True),
        (["@Jane"], ["jane"], True),  # case and "@" do not matter
        (["@jane", "@org/payments"], ["@jane"], True),  # one owner is enough
        (["jane@example.com"], ["Jane Doe <JANE@example.com>"], True),
        (["jane@example.com"], ["jane@example.com"], True),
        (["@octocat"], ["583231+octocat@users.noreply.github.com"], True),
        (["@org/payments"], ["@Org/Payments"], True),
        (["@org/payments"], ["org/payments"], True),
        # Team membership cannot be resolved offline: a member's approval is not the team's.
        (["@org/payments"], ["@jane"], False),
        (["@org/payments"], ["@org/payments-readonly"], False),
        (["@jane"], ["Jane"], True),  # a one-word trailer name may be the login
        (["@jane"], ["Jane Doe"], False),  # a full name is not a login
        (["@jane"], ["jane@example.com"], False),  # e-mail vs login: cannot be resolved
        (["@@maintainer"], ["@maintainer"], False),  # GitLab roles are not users
        ([], ["@jane"], False),
        (["@jane"], [], False),
    ],
)
def test_is_owner_approved(owners: list[str], reviewers: list[str], approved: bool) -> None:
    assert is_owner_approved(owners, _approvals(*reviewers)) is approved
