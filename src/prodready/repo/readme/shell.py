"""Shell commands in a README's code blocks, split into simple commands and their words.

The shell is not run and not fully parsed: prompts, program output, heredocs and comments
are dropped, a line is split on `&&`, `|`, `;` and friends, and wrappers (`sudo`, `VAR=x`,
`poetry run`) are removed so that each `Command` starts with the program it runs. A line
whose words cannot be known (command substitution, backslashes) is not read at all.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from prodready.repo.readme.document import CodeBlock
from prodready.repo.readme.word_sets import word_set

# "" is an unlabeled fence or a literal block: commands are only read from its lines when
# they start with a command we know, so program output in it is harmless.
SHELL_LANGS = frozenset({""}) | word_set(
    "sh bash zsh ksh fish shell console terminal shell-session sh-session shellsession "
    "bash-session text txt plain plaintext none nohighlight cli"
)
WINDOWS_LANGS = frozenset({"cmd", "bat", "batch", "powershell", "ps1", "pwsh", "ps", "doscon"})
SIMPLE_PROMPT = re.compile(r"^(?:\([^)]*\)\s*)?(?:[$>%]|[\w.-]+@[\w.-]+:[^$#]*[$#])\s+")
_HEREDOC = re.compile(r"<<-?\s*[\"']?(?P<word>[A-Za-z_]\w*)[\"']?")


@dataclass(frozen=True)
class Command:
    """One simple command: words after prompts, env assignments and wrappers are removed."""

    line: int
    words: tuple[str, ...]
    creates: tuple[str, ...]  # redirection targets


def command_lines(block: CodeBlock) -> Iterator[tuple[int, str]]:
    """Logical command lines of a block: prompts stripped, output and heredocs skipped."""
    prompted = any(SIMPLE_PROMPT.match(text) for _, text in block.lines)
    pending: tuple[int, str] | None = None
    heredoc: str | None = None
    for number, raw in block.lines:
        text = raw.strip()
        if heredoc is not None:
            if text == heredoc:
                heredoc = None
            continue
        if pending is not None:
            if prompted:
                text = re.sub(r"^>\s+", "", text)  # the shell's continuation prompt
            number, text = pending[0], f"{pending[1]} {text}"
            pending = None
        elif prompted:
            prompt = SIMPLE_PROMPT.match(text)
            if prompt is None:
                continue  # program output in a console transcript
            text = text[prompt.end() :]
        if text.startswith(">>> ") or text.startswith("... "):
            continue  # a Python REPL, not a shell
        if text.endswith("\\"):
            pending = (number, text[:-1])
            continue
        marker = _HEREDOC.search(text)
        if marker is not None:
            heredoc = marker["word"]
        yield number, text
    if pending is not None:
        yield pending


def _strip_comment(text: str) -> str:
    """Cut a ``#`` comment the way a shell does: only at the start of a word, outside quotes."""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or text[index - 1].isspace()):
            return text[:index]
    return text


# Tokens that end a simple command, and redirections that create their target.
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;", "|&", ";&", "{", "}"})
_CREATING_REDIRECTS = frozenset({">", ">>", ">|", "&>", "&>>"})
ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
# Words before the real command: `sudo`, `env`, and `poetry run`-style runners.
_WRAPPERS = frozenset({"sudo", "time", "nohup", "exec", "command", "builtin", "env", "xvfb-run"})
_RUNNERS = word_set("poetry uv pipenv pdm hatch rye pixi conda bundle")
_RUNNER_VALUE_OPTIONS = word_set("-n --name -p --prefix --with --extra -e --env --group")


def parse_line(number: int, text: str) -> list[Command] | None:
    """Split a command line into simple commands; None when it cannot be read safely."""
    text = _strip_comment(text)
    if "`" in text or "$(" in text or "\\" in text:
        return None  # substitutions and Windows paths: we cannot know the real words
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    commands: list[Command] = []
    words: list[str] = []
    creates: list[str] = []
    redirect: str | None = None
    for token in [*tokens, ";"]:
        if redirect is not None:
            if redirect in _CREATING_REDIRECTS:
                creates.append(token)
            redirect = None
            continue
        if token and not token.strip("();<>|&"):
            if token in _SEPARATORS:
                if words:
                    commands.append(Command(number, _unwrap(words), tuple(creates)))
                words, creates = [], []
            else:
                if words and words[-1].isdigit():
                    words.pop()  # the "2" of 2>file
                redirect = token
            continue
        words.append(token)
    return [command for command in commands if command.words]


def _unwrap(words: list[str]) -> tuple[str, ...]:
    """Drop ``VAR=x``, ``sudo`` and ``poetry run``-style wrappers before the real command."""
    rest = list(words)
    while rest:
        head = rest[0]
        if ASSIGNMENT.match(head) or head in _WRAPPERS:
            rest.pop(0)
            while rest and rest[0].startswith("-") and head in ("sudo", "env"):
                rest.pop(0)
        elif head in _RUNNERS and len(rest) > 1 and rest[1] in ("run", "exec"):
            rest = rest[2:]
            while rest and rest[0].startswith("-"):
                option = rest.pop(0)
                if option in _RUNNER_VALUE_OPTIONS and rest:
                    rest.pop(0)
        else:
            break
    return tuple(rest)


def positionals(words: Iterable[str], takes_value: frozenset[str] = frozenset()) -> list[str]:
    """The arguments that are not options, skipping the value of each option in
    `takes_value`."""
    result: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--":
            continue
        elif word.startswith("-") and word != "-":
            skip = word in takes_value
        else:
            result.append(word)
    return result


def option_values(words: Iterable[str], names: frozenset[str]) -> list[str]:
    """The values given to the options `names`, as `-f x` or `--file=x`."""
    values: list[str] = []
    taking = False
    for word in words:
        if taking:
            values.append(word)
            taking = False
        elif word in names:
            taking = True
        elif "=" in word and word.split("=", 1)[0] in names:
            values.append(word.split("=", 1)[1])
    return values


def is_python(word: str) -> bool:
    """Is this command a Python interpreter (`python3.12`, `pypy`, `py`)?"""
    return bool(re.match(r"^(?:python|pypy)(?:\d+(?:\.\d+)?)?(?:\.exe)?$|^py$", word))
