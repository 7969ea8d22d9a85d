"""Who approved a change, from the three places a CI job can learn it offline.

The gate's review item needs names, not a yes/no: "approved by @jane (review #123)" is
evidence, "reviewed" is an opinion. Approvals come from

* ``--reviewer NAME`` on the command line (the CI system vouches for it);
* ``Reviewed-by:`` / ``Approved-by:`` commit trailers (the committer vouches for it — a
  trailer is self-asserted, so it is reported with the commit it came from and the report
  can weigh it accordingly);
* a GitHub ``pull_request_review`` webhook payload (``$GITHUB_EVENT_PATH``), the only source
  the platform itself vouches for. A ``pull_request`` payload carries no approvals, but it
  does name the requested reviewers and teams, which tells the report who is still pending.

Nothing here talks to the network: team membership and "is this e-mail that login?" cannot
be resolved offline, so matching is deliberately literal (see :func:`is_owner_approved`).
An event file that cannot be read or is the wrong kind of event never raises: it becomes a
``problems`` entry, and the review item turns ``unknown`` rather than silently ``met``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "APPROVAL_TRAILERS",
    "SOURCE_CLI",
    "SOURCE_EVENT",
    "SOURCE_TRAILER",
    "Approval",
    "ReviewEvidence",
    "approvals_from_event",
    "approvals_from_trailers",
    "collect_reviews",
    "commit_trailers",
    "identity_keys",
    "is_owner_approved",
    "normalise_reviewer",
]

SOURCE_CLI = "--reviewer"
SOURCE_TRAILER = "trailer"
SOURCE_EVENT = "github-event"

# Lower-cased trailer keys that record an approval. ``Acked-by`` and ``Tested-by`` are
# weaker statements in the kernel's sense and deliberately do not count.
APPROVAL_TRAILERS: frozenset[str] = frozenset({"reviewed-by", "approved-by"})

# Review actions whose ``review.state`` still describes a standing review. ``edited`` fires
# when an approving reviewer edits the review's text; the approval stands.
_STANDING_ACTIONS = frozenset({"submitted", "edited"})
# Payloads that also carry ``pull_request`` but are other events
# (pull_request_review_comment, pull_request_review_thread).
_OTHER_PULL_EVENT_KEYS = ("comment", "thread")


@dataclass(frozen=True)
class Approval:
    """One approval and where it came from, so the report can cite it."""

    reviewer: str  # "@login", "@org/team", an e-mail, or a free name from a trailer
    source: str  # SOURCE_CLI | SOURCE_TRAILER | SOURCE_EVENT
    evidence: str  # e.g. "Reviewed-by: Jane Doe <jane@example.com> in commit 1a2b3c4"


@dataclass(frozen=True)
class ReviewEvidence:
    """Everything known about the change's review, including what could not be read."""

    approvals: tuple[Approval, ...]
    requested: tuple[str, ...]  # pending reviewers/teams named by a pull_request payload
    author: str | None  # pull request author ("@login"); never counts as their own approver
    problems: tuple[str, ...]  # e.g. "event.json: not a pull_request ... payload"

    @property
    def approvers(self) -> tuple[str, ...]:
        """Distinct reviewers in first-seen order: one person approving twice is one."""
        seen: set[str] = set()
        out: list[str] = []
        for approval in self.approvals:
            key = approval.reviewer.casefold()
            if key not in seen:
                seen.add(key)
                out.append(approval.reviewer)
        return tuple(out)


# --------------------------------------------------------------------------- trailers

# git's find_separator(): a token of letters, digits and "-", optional blanks, then ":".
_TRAILER_LINE = re.compile(r"([A-Za-z0-9-]+)[ \t]*:(.*)")
# Lines git itself writes (case-sensitive, as in git); they count as trailer lines and let a
# mixed last paragraph count as a trailer block.
_GIT_GENERATED_PREFIXES = ("Signed-off-by: ", "(cherry picked from commit ")
_GIT_SPACE = " \t"  # git's isspace() within a line; other Unicode spaces are text to git


def commit_trailers(message: str) -> list[tuple[str, str]]:
    """``(key, value)`` pairs of a commit message's trailer block, as git finds them.

    Mirrors ``git interpret-trailers --parse --no-divider`` (git's trailer.c): the block is
    the last paragraph and never the title paragraph; it counts when all its lines are
    ``Key: value`` trailers, or when at least a quarter are and one is git-generated
    (``Signed-off-by: ``, ``(cherry picked from commit ``). Lines starting with whitespace
    continue the previous trailer's value. Keys keep their spelling; compare them
    case-insensitively. The test suite checks this against git itself.
    """
    lines = message.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip(_GIT_SPACE):
        lines.pop()
    title_end = 0
    while title_end < len(lines) and lines[title_end].strip(_GIT_SPACE):
        title_end += 1
    start = len(lines)
    while start > title_end and lines[start - 1].strip(_GIT_SPACE):
        start -= 1
    if start <= title_end:
        return []  # no blank line after the title: the last paragraph is the title

    pairs: list[list[str]] = []
    trailer_lines = non_trailer_lines = 0
    recognised = False
    last: list[str] | None = None  # the trailer a continuation line would extend
    after_trailer = False
    for line in lines[start:]:
        if line[:1] in (" ", "\t"):
            if after_trailer:
                if last is not None:
                    last[1] = f"{last[1]} {line.strip()}".strip()
            else:
                non_trailer_lines += 1
            continue
        if line.startswith(_GIT_GENERATED_PREFIXES):
            recognised = True
        match = _TRAILER_LINE.fullmatch(line)
        if match is not None:
            trailer_lines += 1
            last = [match.group(1), match.group(2).strip()]
            pairs.append(last)
            after_trailer = True
        elif line.startswith(_GIT_GENERATED_PREFIXES):
            trailer_lines += 1  # "(cherry picked from commit ...)": a trailer line, no key
            last, after_trailer = None, True
        else:
            non_trailer_lines += 1
            last, after_trailer = None, False
    if not trailer_lines:
        return []
    if non_trailer_lines and not (recognised and trailer_lines * 3 >= non_trailer_lines):
        return []
    return [(key, value) for key, value in pairs]


def approvals_from_trailers(messages: Sequence[tuple[str, str]]) -> list[Approval]:
    """Approvals declared by ``Reviewed-by:`` / ``Approved-by:`` trailers.

    ``messages`` are ``(sha, full commit message)`` pairs, e.g. from
    ``git log --format=%H%x00%B``. One approval per distinct reviewer per commit; the
    evidence quotes the trailer and names the commit so a reader can check it.
    """
    approvals: list[Approval] = []
    for sha, message in messages:
        seen: set[str] = set()
        for key, value in commit_trailers(message):
            if key.lower() not in APPROVAL_TRAILERS or not value:
                continue
            reviewer = normalise_reviewer(value, source=SOURCE_TRAILER)
            if not reviewer or reviewer.casefold() in seen:
                continue
            seen.add(reviewer.casefold())
            approvals.append(
                Approval(reviewer, SOURCE_TRAILER, f"{key}: {value} in commit {sha[:7]}")
            )
    return approvals


# --------------------------------------------------------------------------- identities

_LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_LOGIN_RE = re.compile(_LOGIN)
_TEAM_RE = re.compile(rf"{_LOGIN}/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")
_NAME_EMAIL = re.compile(r"(?P<name>.*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>")
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
# GitHub's private commit e-mail encodes the login: "12345+login@users.noreply.github.com"
# (or, for older accounts, "login@users.noreply.github.com").
_GITHUB_NOREPLY = re.compile(
    rf"(?:\d+\+)?(?P<login>{_LOGIN}(?:\[bot\])?)@users\.noreply\.github\.com", re.IGNORECASE
)


def normalise_reviewer(value: str, *, source: str = SOURCE_CLI) -> str:
    """The reviewer as the report shows it: ``@login``, ``@org/team``, an e-mail or a name.

    ``Name <email>`` keeps only the e-mail (the stable part), except that a GitHub noreply
    address becomes the ``@login`` it encodes. On the command line a bare ``jane`` or
    ``org/team`` is a GitHub handle; in a trailer a bare word stays as written, since
    ``Reviewed-by: Jane`` is as likely a first name as a login.
    """
    text = " ".join(value.split())
    if not text:
        return ""
    match = _NAME_EMAIL.fullmatch(text)
    email = match.group("email") if match else (text if _EMAIL.fullmatch(text) else None)
    if email is not None and not email.startswith("@"):
        noreply = _GITHUB_NOREPLY.fullmatch(email)
        return f"@{noreply.group('login')}" if noreply else email.lower()
    if text.startswith("@"):
        return text
    if source == SOURCE_CLI and (_LOGIN_RE.fullmatch(text) or _TEAM_RE.fullmatch(text)):
        return f"@{text}"
    return text


def identity_keys(identity: str) -> frozenset[str]:
    """Comparable keys for a reviewer or a CODEOWNERS owner (case-insensitive).

    ``@org/team`` and ``org/team`` -> team key; ``@jane``, ``jane`` and jane's GitHub
    noreply e-mail -> user key; ``Jane <jane@x.org>`` and ``jane@x.org`` -> e-mail key;
    anything else (a free name, GitLab's ``@@role``) -> a key only the same text matches.
    """
    text = " ".join(identity.split())
    match = _NAME_EMAIL.fullmatch(text)
    email = match.group("email") if match else (text if _EMAIL.fullmatch(text) else None)
    if email is not None and not email.startswith("@"):
        keys = {f"email:{email.casefold()}"}
        noreply = _GITHUB_NOREPLY.fullmatch(email)
        if noreply:
            keys.add(f"user:{noreply.group('login').casefold()}")
        return frozenset(keys)
    handle = text[1:] if text.startswith("@") and not text.startswith("@@") else text
    if _TEAM_RE.fullmatch(handle):
        return frozenset({f"team:{handle.casefold()}"})
    if _LOGIN_RE.fullmatch(handle) or re.fullmatch(rf"{_LOGIN}\[bot\]", handle):
        return frozenset({f"user:{handle.casefold()}"})
    return frozenset({f"name:{text.casefold()}"})


def is_owner_approved(owners: Sequence[str], approvals: Sequence[Approval]) -> bool:
    """True when at least one of a path's CODEOWNERS owners is among the approvers.

    ``owners`` are the owners CODEOWNERS gives one path (``@org/team``, ``@user``,
    e-mails); as on GitHub, one approving owner is enough. Handles compare
    case-insensitively, ``@user`` equals ``user``, and an e-mail owner equals an approval
    ``Name <email>``. A team owner is satisfied only by an approval that names that same
    team: whether ``@jane`` belongs to ``@org/payments`` cannot be resolved offline, and
    guessing would let anyone's approval stand in for the owning team's. No owners means
    no owner approved — the caller decides what an unowned path requires.
    """
    approved: set[str] = set()
    for approval in approvals:
        approved |= identity_keys(approval.reviewer)
    return any(identity_keys(owner) & approved for owner in owners)


# --------------------------------------------------------------------------- GitHub event


def _obj(value: object) -> dict[str, object] | None:
    return value if isinstance(value, dict) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _login(value: object) -> str | None:
    user = _obj(value)
    return _text(user.get("login")) if user is not None else None


def _load_payload(path: Path) -> tuple[dict[str, object] | None, str | None]:
    """The payload object, or a problem naming the file and what is wrong with it."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return None, f"{path}: not UTF-8 text, so not a GitHub event payload"
    except OSError as exc:
        return None, f"{path}: cannot be read ({exc.strerror or exc})"
    try:
        data: object = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, f"{path}: not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
    except RecursionError:
        return None, f"{path}: JSON nested too deeply to be a GitHub event payload"
    payload = _obj(data)
    if payload is None:
        kind = type(data).__name__ if data is not None else "null"
        return None, f"{path}: a JSON {kind} where a GitHub event payload object was expected"
    return payload, None


def approvals_from_event(path: Path) -> ReviewEvidence:
    """Approvals, pending reviewers and the author from a GitHub webhook payload file.

    ``pull_request_review`` (``action`` ``submitted``, ``review.state`` ``approved`` in any
    case) yields one approval by ``review.user.login``; ``pull_request`` yields none but
    lists ``requested_reviewers`` and ``requested_teams`` (as ``@owner/slug``, the owner
    being the repository's organisation). Any other payload, malformed JSON or an unreadable
    file yields a problem instead of an exception.
    """
    payload, problem = _load_payload(path)
    if payload is None:
        return ReviewEvidence((), (), None, (problem,) if problem else ())
    pull = _obj(payload.get("pull_request"))
    review = _obj(payload.get("review"))
    other_event = any(key in payload for key in _OTHER_PULL_EVENT_KEYS)
    if pull is None or other_event or ("review" in payload and review is None):
        keys = ", ".join(sorted(payload)[:8]) or "none"
        return ReviewEvidence(
            (),
            (),
            None,
            (
                f"{path}: not a pull_request or pull_request_review payload "
                f"(top-level keys: {keys})",
            ),
        )

    login = _login(pull.get("user"))
    author = f"@{login}" if login else None
    problems: list[str] = []
    approvals: list[Approval] = []
    if review is not None:
        approval, review_problem = _review_approval(path, payload, review)
        if approval is not None:
            approvals.append(approval)
        if review_problem is not None:
            problems.append(review_problem)
    requested, request_problems = _requested(path, payload, pull)
    problems.extend(request_problems)
    return ReviewEvidence(tuple(approvals), requested, author, tuple(problems))


def _review_approval(
    path: Path, payload: dict[str, object], review: dict[str, object]
) -> tuple[Approval | None, str | None]:
    action = _text(payload.get("action"))
    state = _text(review.get("state"))
    if state is None or state.casefold() != "approved":
        return None, None
    if action is not None and action.casefold() not in _STANDING_ACTIONS:
        return None, None
    review_id = review.get("id")
    label = f"review #{review_id}" if isinstance(review_id, int | str) else "review"
    login = _login(review.get("user"))
    if login is None:
        return None, f"{path}: {label} is approved but names no reviewer (review.user.login)"
    evidence = f"{label} approved by @{login}"
    submitted = _text(review.get("submitted_at"))
    if submitted:
        evidence += f" at {submitted}"
    commit = _text(review.get("commit_id"))
    if commit:
        evidence += f" on commit {commit[:7]}"
    return Approval(f"@{login}", SOURCE_EVENT, evidence), None


def _requested(
    path: Path, payload: dict[str, object], pull: dict[str, object]
) -> tuple[tuple[str, ...], list[str]]:
    repository = _obj(payload.get("repository")) or {}
    org = _login(repository.get("owner")) or _login(payload.get("organization"))
    requested: list[str] = []
    problems: list[str] = []
    for entry in _entries(pull.get("requested_reviewers")):
        login = _text(entry.get("login"))
        if login:
            requested.append(f"@{login}")
    for entry in _entries(pull.get("requested_teams")):
        slug = _text(entry.get("slug"))
        if not slug:
            continue
        if org:
            requested.append(f"@{org}/{slug}")
        else:
            requested.append(slug)
            problems.append(
                f"{path}: team {slug!r} was requested but the payload names no repository "
                "owner (repository.owner.login), so its organisation is unknown"
            )
    return tuple(dict.fromkeys(requested)), problems


def _entries(value: object) -> Iterable[dict[str, object]]:
    if isinstance(value, list):
        for item in value:
            entry = _obj(item)
            if entry is not None:
                yield entry


# --------------------------------------------------------------------------- together


def collect_reviews(
    cli_reviewers: Sequence[str],
    messages: Sequence[tuple[str, str]],
    event: Path | None,
) -> ReviewEvidence:
    """All review evidence for a change: ``--reviewer`` values, trailers, the event file.

    Approvals keep their source (the same person approving in two places is listed twice,
    once per source; :attr:`ReviewEvidence.approvers` gives distinct names). Requested
    reviewers who have approved by any route are no longer pending. When the event
    names the pull request's author, any approval by the author is dropped with a problem
    saying so — whoever wrote a change cannot be its reviewer, however the claim arrives.
    """
    approvals: list[Approval] = []
    for value in cli_reviewers:
        reviewer = normalise_reviewer(value, source=SOURCE_CLI)
        if reviewer:
            approvals.append(Approval(reviewer, SOURCE_CLI, f"--reviewer {value.strip()}"))
    approvals.extend(approvals_from_trailers(messages))

    requested: tuple[str, ...] = ()
    author: str | None = None
    problems: list[str] = []
    if event is not None:
        from_event = approvals_from_event(event)
        approvals.extend(from_event.approvals)
        requested, author = from_event.requested, from_event.author
        problems.extend(from_event.problems)

    kept: list[Approval] = []
    seen: set[tuple[str, str]] = set()
    author_keys = identity_keys(author) if author else frozenset()
    for approval in approvals:
        key = (approval.source, approval.reviewer.casefold())
        if key in seen:
            continue
        seen.add(key)
        if author_keys & identity_keys(approval.reviewer):
            problems.append(
                f"{approval.reviewer} is the pull request's author; their own approval "
                f"does not count ({approval.evidence})"
            )
            continue
        kept.append(approval)
    approved: set[str] = set()
    for approval in kept:
        approved |= identity_keys(approval.reviewer)
    pending = tuple(r for r in requested if not identity_keys(r) & approved)
    return ReviewEvidence(tuple(kept), pending, author, tuple(problems))
