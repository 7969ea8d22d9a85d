"""AI-assistance declarations, on commit messages shaped like the ones assistants really write."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prodready.gate.assistance import (
    ASSISTANTS,
    Assistant,
    AssistedCommit,
    assisted_commits,
    identify_assistant,
)
from tests.conftest import RepoFactory, git

SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8"

# Trailer lines in the forms the tools write them (from public commits and the tools'
# documented attribution settings).
ASSISTANT_TRAILERS = [
    ("Co-Authored-By: Claude <noreply@anthropic.com>", "Claude (Anthropic)"),
    ("Co-Authored-By: Claude Opus 4.7 (1M context) <noreply@anthropic.com>", "Claude (Anthropic)"),
    ("Co-Authored-By: Claude Sonnet 4 <noreply@anthropic.com>", "Claude (Anthropic)"),
    ("Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>", "GitHub Copilot"),
    ("Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>", "GitHub Copilot"),
    (
        "Co-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>",
        "GitHub Copilot",
    ),
    ("Co-authored-by: Cursor Agent <cursoragent@cursor.com>", "Cursor"),
    ("Co-authored-by: Cursor <cursoragent@cursor.com>", "Cursor"),
    ("Co-authored-by: aider (gpt-4o) <noreply@aider.chat>", "Aider"),
    ("Co-authored-by: Codex <noreply@openai.com>", "OpenAI (ChatGPT / Codex)"),
    ("Co-authored-by: Codex <codex@openai.com>", "OpenAI (ChatGPT / Codex)"),
    (
        "Co-Authored-By: Devin <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
        "Devin (Cognition)",
    ),
    (
        "Co-authored-by: gemini-code-assist[bot] "
        "<176961590+gemini-code-assist[bot]@users.noreply.github.com>",
        "Google Gemini",
    ),
    ("Co-authored-by: Amp <amp@ampcode.com>", "Sourcegraph Cody / Amp"),
    ("Co-authored-by: Windsurf <noreply@codeium.com>", "Windsurf (Codeium)"),
    ("Co-Authored-By: opencode <noreply@opencode.ai>", "OpenCode"),
    ("Co-authored-by: openhands <openhands@all-hands.dev>", "OpenHands"),
    ("Co-Authored-By: Claude", "Claude (Anthropic)"),  # no e-mail: the name is the assistant
    ("Co-authored-by: Tabnine", "Tabnine"),
    ("Co-authored-by: Amazon Q Developer", "Amazon Q Developer"),
    ("Assisted-by: Claude:claude-sonnet-4-6", "Claude (Anthropic)"),  # Linux kernel form
    ("Assisted-by: Cursor/claude-4-sonnet", "Cursor"),
    ("Assisted-by: ChatGPT 5.2", "OpenAI (ChatGPT / Codex)"),
    ("Assisted-by: Devin", "Devin (Cognition)"),  # the trailer declares AI: a bare name is enough
    ("Generated-by: GitHub Copilot", "GitHub Copilot"),
    ("AI-assisted: Windsurf IDE", "Windsurf (Codeium)"),
    ("AI-assisted: yes", "unspecified assistant"),
    ("Assisted-by: VoiceVibeCoder (AI-assisted)", "VoiceVibeCoder (AI-assisted)"),  # unknown tool
]

HUMAN_OR_NOT_AI_TRAILERS = [
    "Co-authored-by: Jane Doe <jane@example.com>",
    "Co-authored-by: Devin Smith <devin.smith@example.com>",
    "Co-authored-by: Claude Dupont <claude.dupont@example.fr>",
    "Co-authored-by: Claude <claude@example.fr>",  # a person called Claude
    "Co-authored-by: Devin <12345+devin@users.noreply.github.com>",  # a person's GitHub e-mail
    "Co-authored-by: Jules <jules@example.org>",
    "Co-authored-by: dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
    "Signed-off-by: Claude <noreply@anthropic.com>",  # not a key that declares assistance
    "Generated-by: scripts/regen_protos.sh",  # a code generator is not an assistant
    "AI-assisted: no",
    "Assisted-by: none",
    "Reviewed-by: Copilot <175728472+Copilot@users.noreply.github.com>",
]


@pytest.mark.parametrize(("trailer", "assistant"), ASSISTANT_TRAILERS)
def test_assistant_trailers_are_recognised(trailer: str, assistant: str) -> None:
    message = f"Add retry budget to the payment client\n\nCaps retries at 3.\n\n{trailer}\n"
    assert assisted_commits([(SHA, message)]) == [AssistedCommit(SHA, trailer, assistant)]


@pytest.mark.parametrize("trailer", HUMAN_OR_NOT_AI_TRAILERS)
def test_people_and_other_trailers_do_not_count(trailer: str) -> None:
    message = f"Add retry budget to the payment client\n\n{trailer}\n"
    assert assisted_commits([(SHA, message)]) == []


def test_claude_code_commit_as_written_by_the_tool() -> None:
    message = (
        "fix(billing): make refund idempotent\n\n"
        "Refund requests now carry an idempotency key derived from the order id,\n"
        "so a retried request cannot refund twice.\n\n"
        "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
        "Co-Authored-By: Claude <noreply@anthropic.com>\n"
    )
    assert assisted_commits([(SHA, message)]) == [
        AssistedCommit(SHA, "Co-Authored-By: Claude <noreply@anthropic.com>", "Claude (Anthropic)")
    ]


def test_kernel_style_disclosure_among_other_trailers() -> None:
    message = (
        "mfd: max77620: use a non-blocking bus lock on power-off\n\n"
        "The power-off handler runs with interrupts disabled.\n\n"
        "Tested on Pixel C, powers off correctly.\n\n"
        "Assisted-by: Claude:claude-sonnet-4-6\n"
        'Fixes: 744b13107d0d ("mfd: max77620: Provide system power-off functionality")\n'
        "Cc: stable@vger.kernel.org\n"
        "Signed-off-by: A Developer <dev@example.org>\n"
    )
    assert [c.assistant for c in assisted_commits([(SHA, message)])] == ["Claude (Anthropic)"]


def test_amp_commit_with_its_thread_trailer() -> None:
    message = (
        "Validate webhook signatures before parsing\n\n"
        "Amp-Thread-ID: https://ampcode.com/threads/T-019c58d6-7447-76d1-8e5b-c1c0e03cac36\n"
        "Co-authored-by: Amp <amp@ampcode.com>\n"
    )
    assert [c.trailer for c in assisted_commits([(SHA, message)])] == [
        "Co-authored-by: Amp <amp@ampcode.com>"
    ]


def test_a_mention_in_the_body_is_not_a_declaration() -> None:
    message = (
        "Document commit conventions\n\n"
        "Do not add Co-Authored-By: Claude <noreply@anthropic.com> to commits.\n"
        "Keep messages short.\n\n"
        "Signed-off-by: A Developer <dev@example.org>\n"
    )
    assert assisted_commits([(SHA, message)]) == []


def test_several_declarations_and_several_commits() -> None:
    messages = [
        ("a" * 40, "One\n\nAssisted-by: Cursor\nCo-authored-by: Cursor <cursoragent@cursor.com>\n"),
        ("b" * 40, "Two\n\nCo-authored-by: Jane Doe <jane@example.com>\n"),
        (
            "c" * 40,
            "Three\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\n",
        ),
    ]
    found = assisted_commits(messages)
    assert [(c.sha[0], c.assistant) for c in found] == [
        ("a", "Cursor"),
        ("a", "Cursor"),
        ("c", "GitHub Copilot"),
    ]
    assert len({c.sha for c in found}) == 2  # commits that declare assistance


def test_declarations_read_from_a_real_repository(make_repo: RepoFactory) -> None:
    root = make_repo({"app.py": "x = 1\n"})
    (root / "app.py").write_text("x = 2\n", encoding="utf-8")
    git(
        root,
        "commit",
        "-qam",
        "Bump x",
        "--trailer",
        "Co-authored-by: Claude <noreply@anthropic.com>",
    )
    (root / "app.py").write_text("x = 3\n", encoding="utf-8")
    git(root, "commit", "-qam", "Bump x again", "--trailer", "Co-authored-by: Jane <j@example.com>")
    out = git(root, "log", "--format=%H%x00%B%x1e")
    messages = [tuple(r.lstrip("\n").split("\x00", 1)) for r in out.split("\x1e") if r.strip("\n")]
    found = assisted_commits([(sha, msg) for sha, msg in messages])
    assert [(c.trailer, c.assistant) for c in found] == [
        ("Co-authored-by: Claude <noreply@anthropic.com>", "Claude (Anthropic)")
    ]
    assert found[0].sha == git(root, "rev-parse", "HEAD~1").strip()


@pytest.mark.parametrize("assistant", ASSISTANTS, ids=lambda a: a.name)
def test_every_table_entry_is_found_by_its_own_name(assistant: Assistant) -> None:
    assert identify_assistant(assistant.name, declared=True) == assistant.name


@given(st.text())
def test_any_message_is_read_without_error(message: str) -> None:
    for commit in assisted_commits([(SHA, message)]):
        assert commit.sha == SHA and commit.assistant
