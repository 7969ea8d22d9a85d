"""Which commits of a change declare AI assistance, from their trailers.

One of the change's five numbers is "do its commits declare AI assistance?". It is tracked
so teams can see how much review capacity AI-assisted work takes — never to judge that work
more leniently or more harshly. So the rule is precision first: a commit counts only when a
trailer says so, and a human co-author never counts.

Recognised trailers (keys case-insensitive, found with git's trailer rules, see
:func:`prodready.gate.review.commit_trailers`):

* ``Co-authored-by:`` naming a known assistant, by name or by its known commit e-mail
  (table :data:`ASSISTANTS`). ``Co-authored-by: Jane Doe <jane@example.com>`` does not count.
* ``Assisted-by:`` — the disclosure trailer of the Linux kernel, Fedora and others
  (``Assisted-by: Claude:claude-sonnet-4-6``); any value counts, since the trailer itself
  is the declaration, except a negative one (``none``, ``no``, ``n/a``).
* ``AI-assisted:`` — counts unless its value is negative (``AI-assisted: no``).
* ``Generated-by:`` — counts only when it names a known assistant: the key is also used for
  code generators (``Generated-by: scripts/regen.sh``), which are not AI assistance.

Not recognised: Aider's "(aider)" suffix on the git author name and Cursor's ``Made-with:``
line — they are not in the message's trailer block or not a declaration the gate is asked
to read; add them here if a team relies on them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from prodready.gate.review import commit_trailers

__all__ = ["ASSISTANTS", "Assistant", "AssistedCommit", "assisted_commits", "identify_assistant"]


@dataclass(frozen=True)
class Assistant:
    """A known coding assistant and how its commits name it.

    ``names`` are full-match patterns over the lower-cased display name; they are the
    unambiguous forms. ``bare_names`` are names that are also people's names (``Devin``,
    ``Jules``, ``Cody``...): they count only when the e-mail is absent or looks automated
    (noreply, ``[bot]``), so ``Co-authored-by: Devin Smith <devin@corp.example>`` is a person.
    ``emails`` are full-match patterns over the lower-cased e-mail.
    """

    name: str
    names: tuple[str, ...] = ()
    bare_names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


_GH = r"(?:\d+\+)?{}@users\.noreply\.github\.com"

# The one table of assistants. E-mails are those seen in real commits (GitHub's noreply
# form is "<id>+<login>@users.noreply.github.com"; the id varies by app, so it is a wildcard).
ASSISTANTS: tuple[Assistant, ...] = (
    Assistant(
        "GitHub Copilot",
        names=(
            r"(github )?copilot( agent| chat| coding agent)?",
            r"(github-)?copilot(-swe-agent)?(\[bot\])?",
        ),
        emails=(_GH.format(r"copilot(-swe-agent)?(\[bot\])?"), r"copilot@github\.com"),
    ),
    Assistant(
        "Claude (Anthropic)",
        # "Claude Code", "Claude Opus 4.7 (1M context)", "Claude Sonnet 4", "claude[bot]"
        names=(r"claude (code|opus|sonnet|haiku)\b.*", r"claude[ -]?\d.*", r"claude\[bot\]"),
        bare_names=(r"claude", r"anthropic"),
        emails=(r"noreply@anthropic\.com", _GH.format(r"claude\[bot\]")),
    ),
    Assistant(
        "Cursor",
        names=(r"cursor( agent)?", r"cursoragent", r"cursor\[bot\]"),
        emails=(r"cursoragent@cursor\.com",),
    ),
    Assistant(
        "Windsurf (Codeium)",
        names=(r"windsurf( cascade| agent| ai)?", r"codeium( .*)?"),
        emails=(r"(noreply|windsurf)@codeium\.com", r"(noreply|cascade)@windsurf\.(ai|com)"),
    ),
    Assistant(
        "Aider",
        names=(r"aider( ?\(.*\))?",),  # "aider (gpt-4o)"
        emails=(r"noreply@aider\.chat",),
    ),
    Assistant(
        "OpenAI (ChatGPT / Codex)",
        names=(
            r"chatgpt( .*)?",
            r"(openai )?codex( cli| agent)?",
            r"openai( .*)?",
            r"gpt-?\d.*",
            r"chatgpt-codex-connector(\[bot\])?",
        ),
        emails=(r"(noreply|codex)@openai\.com", _GH.format(r"chatgpt-codex-connector\[bot\]")),
    ),
    Assistant(
        "Google Gemini",
        names=(r"(google )?gemini( cli| code assist| \d.*)?", r"gemini-code-assist(\[bot\])?"),
        emails=(_GH.format(r"gemini-code-assist\[bot\]"),),
    ),
    Assistant(
        "Google Jules",
        names=(r"google-labs-jules(\[bot\])?", r"google jules"),
        bare_names=(r"jules",),
        emails=(_GH.format(r"google-labs-jules\[bot\]"),),
    ),
    Assistant(
        "Devin (Cognition)",
        names=(r"devin ai", r"devin-ai-integration(\[bot\])?"),
        bare_names=(r"devin",),
        emails=(_GH.format(r"devin-ai-integration\[bot\]"),),
    ),
    Assistant(
        "Amazon Q Developer",
        names=(r"amazon q( developer)?", r"amazon-q-developer(\[bot\])?"),
        bare_names=(r"kiro",),
        emails=(_GH.format(r"amazon-q-developer\[bot\]"),),
    ),
    Assistant(
        "Sourcegraph Cody / Amp",
        names=(r"sourcegraph (cody|amp)",),
        bare_names=(r"cody", r"amp"),
        emails=(r"amp@ampcode\.com",),
    ),
    Assistant("Tabnine", names=(r"tabnine( .*)?",)),
    Assistant(
        "OpenCode",
        names=(r"opencode", r"opencode-agent(\[bot\])?"),
        emails=(r"noreply@opencode\.ai", _GH.format(r"opencode-agent\[bot\]")),
    ),
    Assistant(
        "OpenHands",
        names=(r"openhands( agent|-agent|\[bot\])?",),
        emails=(r"openhands@all-hands\.dev",),
    ),
    Assistant("Cline", names=(r"cline\[bot\]",), bare_names=(r"cline",)),
)


@dataclass(frozen=True)
class _Matcher:
    label: str
    names: re.Pattern[str] | None
    bare_names: re.Pattern[str] | None
    emails: re.Pattern[str] | None


def _alternation(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


_MATCHERS = tuple(
    _Matcher(a.name, _alternation(a.names), _alternation(a.bare_names), _alternation(a.emails))
    for a in ASSISTANTS
)

_NAME_EMAIL = re.compile(r"(?P<name>.*?)\s*<(?P<email>[^<>]*)>\s*")
# A bot or service address. A person's GitHub private address
# ("123+jane@users.noreply.github.com") says "noreply" too, but is a person.
_AUTOMATED_EMAIL = re.compile(r".*\[bot\].*|(?!.*@users\.noreply\.github\.com$).*no-?reply.*")
_NEGATIVE = frozenset({"", "no", "none", "n/a", "na", "false", "0", "-"})


@dataclass(frozen=True)
class AssistedCommit:
    """One declaration of AI assistance: the commit, the trailer as written, the assistant."""

    sha: str
    trailer: str  # e.g. "Co-Authored-By: Claude <noreply@anthropic.com>"
    assistant: str  # a name from ASSISTANTS, or the declared tool as written


def identify_assistant(identity: str, *, declared: bool = False) -> str | None:
    """The assistant a ``Name <email>`` (or bare name) refers to, or None for a person.

    ``declared`` is true for trailers that already declare AI use (``Assisted-by:``): there
    an ambiguous name such as ``Devin`` is taken as the assistant, and the tool is also
    looked for in the head of values like ``Claude:claude-sonnet-4-6`` or ``Cursor/gpt-4``.
    """
    text = " ".join(identity.split())
    match = _NAME_EMAIL.fullmatch(text)
    name = (match.group("name") if match else text).strip().strip("\"'").casefold()
    email = match.group("email").strip().casefold() if match else ""
    candidates = [name]
    if declared:
        head = re.split(r"[:/(,;]", name, maxsplit=1)[0].strip()
        candidates += [head, head.split(" ")[0]] if head else []
    if email:  # a known assistant e-mail decides, whatever display name it carries
        for matcher in _MATCHERS:
            if matcher.emails is not None and matcher.emails.fullmatch(email):
                return matcher.label
    automated = declared or not email or bool(_AUTOMATED_EMAIL.fullmatch(email))
    for candidate in candidates:
        for matcher in _MATCHERS:
            if matcher.names is not None and matcher.names.fullmatch(candidate):
                return matcher.label
            bare = matcher.bare_names
            if automated and bare is not None and bare.fullmatch(candidate):
                return matcher.label
    return None


def assisted_commits(messages: Sequence[tuple[str, str]]) -> list[AssistedCommit]:
    """Every AI-assistance declaration in ``(sha, full commit message)`` pairs.

    One entry per declaring trailer, in commit order, so a commit with both
    ``Assisted-by:`` and ``Co-authored-by: Claude`` appears twice; count distinct ``sha``
    for "how many commits declare assistance".
    """
    found: list[AssistedCommit] = []
    for sha, message in messages:
        seen: set[tuple[str, str]] = set()
        for key, value in commit_trailers(message):
            assistant = _declared_assistant(key.casefold(), value)
            if assistant is None:
                continue
            trailer = f"{key}: {value}"
            if (trailer, assistant) in seen:
                continue
            seen.add((trailer, assistant))
            found.append(AssistedCommit(sha, trailer, assistant))
    return found


def _declared_assistant(key: str, value: str) -> str | None:
    if key == "co-authored-by":
        return identify_assistant(value)
    if key == "generated-by":
        return identify_assistant(value, declared=True)
    if key in ("assisted-by", "ai-assisted"):
        if value.strip().casefold() in _NEGATIVE:
            return None
        known = identify_assistant(value, declared=True)
        if known is not None:
            return known
        if key == "ai-assisted" and value.strip().casefold() in ("yes", "true", "1", "y"):
            return "unspecified assistant"
        return " ".join(value.split())[:80]
    return None
