"""What a README tells a newcomer, and whether what it points at still exists.

The documentation criterion asks two questions of the README: does it say how to
install, run and test the project, and are its instructions still true? The second is
where READMEs rot: a script is renamed, ``requirements-dev.txt`` is folded into
``pyproject.toml``, a Makefile target disappears, and the README keeps sending people to
them. This module finds such stale references without running anything and without
touching the filesystem: the caller answers ``exists(path)`` from its file index.

A false "stale" alarm teaches users to switch the check off, so every rule here errs
towards silence. Only arguments that are paths by position (``python X.py``,
``-r X``, ``cd X``, the source of ``cp``) are checked; anything that could have been
created by an earlier command in the README, lives in a generated directory, holds a
variable, a glob or a placeholder, or points outside the repository, is left alone.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

__all__ = ["README_NAMES", "ReadmeFacts", "StaleReference", "find_readme", "read_readme_facts"]

# In GitHub's order of preference when several exist.
README_NAMES: tuple[str, ...] = (
    "README.md",
    "README.markdown",
    "README.rst",
    "README.txt",
    "README",
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _table(text: str) -> dict[str, frozenset[str]]:
    """Parse "tool:sub1,sub2 ..." into {tool: {sub1, sub2}}; "-" means no subcommand."""
    table: dict[str, frozenset[str]] = {}
    for entry in text.split():
        tool, _, subs = entry.partition(":")
        table[tool] = frozenset("" if sub == "-" else sub for sub in subs.split(","))
    return table


@dataclass(frozen=True)
class StaleReference:
    """Something the README points at that the repository does not have.

    ``kind`` is ``"link"`` for a Markdown/reST link, image or include, ``"path"`` for a
    file or directory argument of a shell command, and ``"command"`` for a command's
    target that is not a path (a Makefile target, a ``python -m`` module).
    """

    line: int
    reference: str
    kind: str
    reason: str


@dataclass(frozen=True)
class ReadmeFacts:
    """Lines (1-based) where the README covers each topic, or None, and its stale references."""

    path: str
    install: int | None
    run: int | None
    test: int | None
    stale: tuple[StaleReference, ...]
    # Prose documents in the repository the README links to ("Backend docs:
    # backend/README.md"): a README may say how to install by delegating to them.
    linked_docs: tuple[str, ...] = ()


def find_readme(root: Path) -> Path | None:
    """The README at the repository root, matched case-insensitively like the forges do."""
    try:
        entries = {entry.name.lower(): entry for entry in os.scandir(root)}
    except OSError:
        return None
    for name in README_NAMES:
        entry = entries.get(name.lower())
        try:
            if entry is not None and entry.is_file():
                return Path(entry.path)
        except OSError:
            continue
    return None


def read_readme_facts(
    readme_text: str,
    readme_rel: str,
    exists: Callable[[str], bool],
    console_scripts: frozenset[str] = frozenset(),
    makefile_text: str | None = None,
) -> ReadmeFacts:
    """Read a README's text; ``exists`` answers for repository-relative '/' paths."""
    readme_rel = readme_rel.replace("\\", "/").lstrip("/")
    if readme_rel.lower().endswith((".rst", ".rest")):
        doc = _parse_rst(readme_text)
    else:
        doc = _parse_markdown(readme_text)
    base = posixpath.dirname(readme_rel)
    checker = _Checker(
        exists=exists,
        readme_dir=base,
        makefile_targets=_make_targets(makefile_text) if makefile_text is not None else None,
        mentions_clone="clone" in readme_text.lower(),
        mentions_configure=bool(_CONFIGURE.search(readme_text)),
        outside_commands=_outside_commands(doc),
    )
    checker.learn_directories(doc)
    stale = [*_stale_links(doc, base, checker), *checker.check_blocks(doc.blocks)]
    install, run, test = _topics(doc, console_scripts, _pointer_lines(doc, base, exists))
    linked = _linked_docs(doc, base, exists)
    unique = {(ref.line, ref.reference, ref.kind): ref for ref in stale}
    return ReadmeFacts(
        path=readme_rel,
        install=install,
        run=run,
        test=test,
        stale=tuple(sorted(unique.values(), key=lambda ref: (ref.line, ref.reference))),
        linked_docs=linked,
    )


# --------------------------------------------------------------------------- document


@dataclass
class _Block:
    """A code block; ``lang`` is the fence's language, "" when unlabeled or literal."""

    lang: str
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Doc:
    headings: list[tuple[int, str]] = field(default_factory=list)
    blocks: list[_Block] = field(default_factory=list)
    inline_code: list[tuple[int, str]] = field(default_factory=list)
    prose: list[tuple[int, str]] = field(default_factory=list)
    links: list[tuple[int, str]] = field(default_factory=list)


_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_ATX = re.compile(r"^\s{0,3}#{1,6}(?:\s+(?P<text>.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_HTML_HEADING = re.compile(r"<h[1-6][^>]*>(?P<text>.*?)</h[1-6]>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_INLINE_CODE = re.compile(r"(`+)(?P<code>.+?)\1")
_MD_LINK = re.compile(r"\]\(\s*(?P<target><[^>\n]*>|[^)\s]+)")
_MD_REF_DEF = re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*(?P<target><[^>]*>|\S+)")
_HTML_LINK = re.compile(
    r"<(?:img|a|source|video|audio|image)\b[^>]{0,400}?\s(?:src|href)\s*=\s*"
    r"[\"'](?P<target>[^\"']+)[\"']",
    re.IGNORECASE,
)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def _blank_out(found: re.Match[str]) -> str:
    """Replace a span with spaces but keep its newlines, so line numbers stay right."""
    return re.sub(r"[^\n]", " ", found.group())


def _language(info: str) -> str:
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    return word.strip("{}.").lower()


def _parse_markdown(text: str) -> _Doc:
    doc = _Doc()
    # Commented-out text is not shown to readers, and is where old instructions go to rest.
    lines = _HTML_COMMENT.sub(_blank_out, text).split("\n")
    fence: tuple[str, int] | None = None
    block: _Block | None = None
    previous = ""  # the previous line, for setext headings and indented code
    last_text = ""  # the last non-blank line outside code, for list context
    indented: _Block | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r")
        if fence is not None and block is not None:
            stripped = line.strip()
            char, length = fence
            if stripped.startswith(char * length) and not stripped.strip(char):
                fence, block = None, None
            else:
                block.lines.append((number, line))
            previous = line
            continue
        opened = _FENCE.match(line)
        if opened is not None:
            indented = None
            marker = opened["fence"]
            fence = (marker[0], len(marker))
            block = _Block(_language(opened["info"]))
            doc.blocks.append(block)
            previous = line
            continue
        is_indented = line.startswith(("    ", "\t")) and bool(line.strip())
        if is_indented and (
            indented is not None
            or (not previous.strip() and not _LIST_ITEM.match(last_text) and last_text[:1] != " ")
        ):
            if indented is None:
                indented = _Block("")
                doc.blocks.append(indented)
            indented.lines.append((number, line.strip()))
            previous = line
            continue
        if line.strip():
            indented = None
        heading = _ATX.match(line)
        if heading is not None and line.lstrip().startswith("#"):
            doc.headings.append((number, heading["text"] or ""))
        elif (
            _SETEXT.match(line)
            and previous.strip()
            and not _LIST_ITEM.match(previous)
            and not _SETEXT.match(previous)
        ):
            doc.headings.append((number - 1, previous.strip()))
        else:
            for found in _HTML_HEADING.finditer(line):
                doc.headings.append((number, re.sub(r"<[^>]+>", "", found["text"])))
        _scan_markdown_text(doc, number, line)
        if line.strip():
            last_text = line
        previous = line
    return doc


def _scan_markdown_text(doc: _Doc, number: int, line: str) -> None:
    for found in _INLINE_CODE.finditer(line):
        doc.inline_code.append((number, found["code"].strip()))
    text = _INLINE_CODE.sub(" ", line)
    if text.strip():
        doc.prose.append((number, text))
    for pattern in (_MD_LINK, _MD_REF_DEF, _HTML_LINK):
        for found in pattern.finditer(text):
            doc.links.append((number, found["target"]))


def _outside_commands(doc: _Doc) -> str:
    """README text that is not a shell command: prose, headings, non-shell code."""
    parts = [text for _, text in (*doc.prose, *doc.inline_code, *doc.headings)]
    for block in doc.blocks:
        if block.lang not in _SHELL_LANGS:
            parts.extend(text for _, text in block.lines)
    return "\n".join(parts)


_RST_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:._<>])\1{2,}\s*$")
_RST_CODE = re.compile(
    r"^(?P<indent>\s*)\.\.\s+(?:code-block|code|sourcecode|prompt)::\s*(?P<lang>\S*)"
)
_RST_LINK_DIRECTIVE = re.compile(
    r"^\s*\.\.\s+(?:\|[^|]+\|\s+)?(?:image|figure|include|literalinclude)::\s*(?P<target>\S+)"
)
_RST_TARGET = re.compile(r"^\s*\.\.\s+(?:_[^:]+|__):\s*(?P<target>\S+)\s*$")
_RST_TARGET_OPTION = re.compile(r"^\s+:target:\s*(?P<target>\S+)")
_RST_EMBEDDED = re.compile(r"`[^`<]*<(?P<target>[^>`]+)>`__?")
_RST_INLINE_LITERAL = re.compile(r"``(?P<code>.+?)``")
_RST_COMMENT = re.compile(r"^(?P<indent>\s*)\.\.(?:\s|$)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _parse_rst(text: str) -> _Doc:
    doc = _Doc()
    lines = [line.rstrip("\r") for line in text.split("\n")]
    index = 0
    expect_literal = False
    while index < len(lines):
        line = lines[index]
        number = index + 1
        code = _RST_CODE.match(line)
        comment = _RST_COMMENT.match(line)
        if code is not None or expect_literal:
            indent = _indent(line) if code is not None else _indent(_last_text(lines, index))
            block = _Block(code["lang"].lower() if code is not None else "")
            start = index + 1 if code is not None else index
            index = _collect_indented(lines, start, indent, block)
            if block.lines:
                doc.blocks.append(block)
            expect_literal = False
            continue
        if comment is not None and "::" not in line and not _RST_TARGET.match(line):
            # ".. anything" that is not a directive is a comment, with its indented body.
            index = _collect_indented(lines, index + 1, _indent(line), _Block(""))
            continue
        for pattern in (_RST_LINK_DIRECTIVE, _RST_TARGET, _RST_TARGET_OPTION):
            found = pattern.match(line)
            if found is not None:
                doc.links.append((number, found["target"]))
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        stripped = line.strip()
        heading = bool(
            stripped
            and not _RST_ADORNMENT.match(line)
            and _RST_ADORNMENT.match(nxt)
            and len(nxt.strip()) >= min(len(stripped), 3)
        )
        if heading:
            doc.headings.append((number, stripped))
        for found in _RST_INLINE_LITERAL.finditer(line):
            doc.inline_code.append((number, found["code"].strip()))
        plain = _RST_INLINE_LITERAL.sub(" ", line)
        for found in _RST_EMBEDDED.finditer(plain):
            if not found["target"].strip().endswith("_"):  # `x <name_>`_ names a target
                doc.links.append((number, found["target"].strip()))
        if plain.strip() and not heading and not _RST_ADORNMENT.match(line):
            doc.prose.append((number, plain))
        if stripped.endswith("::") and not stripped.startswith(".."):
            expect_literal = _next_is_blank(lines, index)
        index += 1
    return doc


def _last_text(lines: list[str], index: int) -> str:
    for back in range(index - 1, -1, -1):
        if lines[back].strip():
            return lines[back]
    return ""


def _next_is_blank(lines: list[str], index: int) -> bool:
    return index + 1 < len(lines) and not lines[index + 1].strip()


def _collect_indented(lines: list[str], start: int, indent: int, block: _Block) -> int:
    """Add the block indented deeper than ``indent`` that starts at ``start``; return its end."""
    index = start
    seen_body = False
    while index < len(lines):
        line = lines[index]
        if line.strip():
            if _indent(line) <= indent:
                break
            if not seen_body and re.match(r"^\s*:[\w-]+:", line):
                index += 1  # directive options such as :caption:
                continue
            seen_body = True
            block.lines.append((index + 1, line.strip()))
        index += 1
    return index


# ------------------------------------------------------------------------------- links

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_LOOKS_LIKE_HOST = re.compile(r"^(?:www\.|[^/@\s]+@[^/@\s]+\.\w+$)", re.IGNORECASE)


def _stale_links(doc: _Doc, base: str, checker: _Checker) -> Iterator[StaleReference]:
    for number, written in doc.links:
        target = written.strip()
        if target.startswith("<") and target.endswith(">"):
            target = target[1:-1].strip()
        if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
            continue
        path = unquote(target.split("#", 1)[0].split("?", 1)[0])
        if not path or _unknowable(path) or _LOOKS_LIKE_HOST.match(path):
            continue  # "someone@example.com", "www.example.com": meant as addresses
        # GitHub resolves "/x" against the repository root, everything else against the
        # README's directory.
        resolved = _join("", path.lstrip("/")) if path.startswith("/") else _join(base, path)
        if resolved is None or _generated(resolved):
            continue  # outside the repository (../../issues), or build output
        if resolved and not checker.has(resolved):
            yield StaleReference(
                number, written, "link", f"no file or directory '{resolved}' in the repository"
            )


def _join(base: str, path: str) -> str | None:
    """Normalise ``base/path``; None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
    if joined == ".":
        return ""
    if joined == ".." or joined.startswith(("../", "/")):
        return None
    return joined


# Directories that are created by tools rather than committed.
_GENERATED = _words(
    "build dist node_modules bower_components .tox .nox target out bin _build site "
    "htmlcov vendor __pycache__ .pytest_cache .mypy_cache .ruff_cache site-packages .next "
    ".nuxt .gradle .terraform .eggs coverage"
)
_VENV_NAME = re.compile(r"^\.?(?:venv|virtualenv|env)(?:\d[\d.]*|[-_]\w+)?$", re.IGNORECASE)
_LOCAL_ENV = re.compile(r"^\.env(?:\.[\w-]+)?$")
_TEMPLATE = re.compile(r"example|sample|template|dist|default", re.IGNORECASE)
_TEMPLATE_FILE = re.compile(r"example|sample|template|dist|default|tmpl|tpl|\.in$", re.IGNORECASE)
_PLACEHOLDER_SEGMENT = re.compile(
    r"^(?:your|some[-_]|my(?:[-_.]|[A-Z]|$)|(?:foo|bar|baz|qux|xxx|examples?|samples?)(?:[-_.]|$)"
    r"|(?:file|dir|folder|directory|path|project|repo)(?:name)?$)",
)


def _generated(path: str) -> bool:
    """True for paths inside directories that tools create (virtualenvs, build output)."""
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    if any(segment in _GENERATED or _VENV_NAME.match(segment) for segment in segments):
        return True
    last = segments[-1] if segments else ""
    # .env and .env.local hold secrets and are never committed; .env.example is.
    return bool(_LOCAL_ENV.match(last)) and not _TEMPLATE.search(last)


def _unknowable(text: str) -> bool:
    """Arguments whose real value the README does not state: variables, globs, placeholders."""
    if any(char in text for char in "$%`*?[]{}<>|~\\\"'") or "..." in text or "…" in text:
        return True
    if text.startswith("-") or "://" in text or re.match(r"^[\w.-]+@[\w.-]+:", text):
        return True
    lowered = text.lower()
    if "path/to" in lowered or "/path/" in lowered or lowered.startswith("path/"):
        return True
    return any(_PLACEHOLDER_SEGMENT.match(segment) for segment in text.split("/"))


# ------------------------------------------------------------------------------ shell

# "" is an unlabeled fence or a literal block: commands are only read from its lines when
# they start with a command we know, so program output in it is harmless.
_SHELL_LANGS = frozenset({""}) | _words(
    "sh bash zsh ksh fish shell console terminal shell-session sh-session shellsession "
    "bash-session text txt plain plaintext none nohighlight cli"
)
_WINDOWS_LANGS = frozenset({"cmd", "bat", "batch", "powershell", "ps1", "pwsh", "ps", "doscon"})
_SIMPLE_PROMPT = re.compile(r"^(?:\([^)]*\)\s*)?(?:[$>%]|[\w.-]+@[\w.-]+:[^$#]*[$#])\s+")
_HEREDOC = re.compile(r"<<-?\s*[\"']?(?P<word>[A-Za-z_]\w*)[\"']?")
_CONFIGURE = re.compile(r"\b(?:configure|cmake|autogen|autoreconf|qmake|premake|meson)\b")


@dataclass(frozen=True)
class _Command:
    """One simple command: words after prompts, env assignments and wrappers are removed."""

    line: int
    words: tuple[str, ...]
    creates: tuple[str, ...]  # redirection targets


def _command_lines(block: _Block) -> Iterator[tuple[int, str]]:
    """Logical command lines of a block: prompts stripped, output and heredocs skipped."""
    prompted = any(_SIMPLE_PROMPT.match(text) for _, text in block.lines)
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
            prompt = _SIMPLE_PROMPT.match(text)
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


_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "(", ")", ";;", "|&", ";&", "{", "}"})
_CREATING_REDIRECTS = frozenset({">", ">>", ">|", "&>", "&>>"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_WRAPPERS = frozenset({"sudo", "time", "nohup", "exec", "command", "builtin", "env", "xvfb-run"})
_RUNNERS = _words("poetry uv pipenv pdm hatch rye pixi conda bundle")
_RUNNER_VALUE_OPTIONS = _words("-n --name -p --prefix --with --extra -e --env --group")


def _parse_line(number: int, text: str) -> list[_Command] | None:
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
    commands: list[_Command] = []
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
                    commands.append(_Command(number, _unwrap(words), tuple(creates)))
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
        if _ASSIGNMENT.match(head) or head in _WRAPPERS:
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


def _positionals(words: Iterable[str], takes_value: frozenset[str] = frozenset()) -> list[str]:
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


def _option_values(words: Iterable[str], names: frozenset[str]) -> list[str]:
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


def _is_python(word: str) -> bool:
    return bool(re.match(r"^(?:python|pypy)(?:\d+(?:\.\d+)?)?(?:\.exe)?$|^py$", word))


# ------------------------------------------------------------------------------ checks

_UNLABELED = _words("text txt plain plaintext none nohighlight") | {""}


def _implicit_path_command(head: str) -> bool:
    explicit = head.startswith(("./", "../"))
    return not explicit and ("/" in head or head.endswith(".py"))


_PYTHON_VALUE_OPTIONS = frozenset({"-W", "-X", "-Q"})
_PIP_FILE_OPTIONS = frozenset({"-r", "--requirement", "-c", "--constraint"})
_CLONE_VALUE_OPTIONS = frozenset(
    {"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "-j", "--jobs", "--filter"}
)
_GENERATORS = _words(
    "make cmake ./configure configure tar unzip gunzip curl wget cookiecutter "
    "django-admin npx openssl ssh-keygen protoc sphinx-build git rsync scp"
)
_MAKE_READ_ONLY = _words("test tests check lint fmt format typecheck help run serve start dev up")
_BUILD_SUBCOMMANDS = frozenset({"build", "new", "init", "generate", "startproject", "startapp"})


@dataclass
class _Checker:
    """Checks commands block by block, remembering what the README itself creates."""

    exists: Callable[[str], bool]
    readme_dir: str
    makefile_targets: frozenset[str] | None
    mentions_clone: bool
    mentions_configure: bool
    created: set[str] = field(default_factory=set)
    clone_names: set[str] = field(default_factory=set)
    outside_commands: str = ""
    cd_dirs: set[str] = field(default_factory=set)
    first_cd: int | None = None
    cwd: str | None = ""
    tainted: bool = False
    _cache: dict[str, bool] = field(default_factory=dict)
    _outside_words: frozenset[str] | None = None

    def has(self, path: str) -> bool:
        if not path:
            return True
        if path not in self._cache:
            self._cache[path] = bool(self.exists(path))
        return self._cache[path]

    def check_blocks(self, blocks: list[_Block]) -> list[StaleReference]:
        parsed: list[list[_Command]] = []
        for block in blocks:
            commands: list[_Command] = []
            if block.lang in _SHELL_LANGS:
                for number, text in _command_lines(block):
                    commands.extend(_parse_line(number, text) or [])
            if block.lang in _UNLABELED:
                # A file listing or program output is not a command: in a block that
                # does not say it is shell, only an explicit ./path runs something.
                commands = [c for c in commands if not _implicit_path_command(c.words[0])]
            parsed.append(commands)
        # What the README creates anywhere counts everywhere: sections are read out of
        # order, and a false alarm costs more than a missed one.
        for commands in parsed:
            for command in commands:
                self._learn(command)
        stale: list[StaleReference] = []
        for commands in parsed:
            self.cwd, self.tainted = self.readme_dir, False
            for command in commands:
                stale.extend(self._check(command))
        return stale

    # -- what exists ------------------------------------------------------------------

    def _learn(self, command: _Command) -> None:
        words = command.words
        head, args = words[0], list(words[1:])
        self.created.update(_clean(path) for path in command.creates)
        positional = _positionals(args)
        if head == "git" and args[:1] == ["clone"]:
            clone = _positionals(args[1:], _CLONE_VALUE_OPTIONS)
            if clone:
                name = re.split(r"[/:]", clone[0].rstrip("/"))[-1].removesuffix(".git")
                self.clone_names.add(clone[1] if len(clone) > 1 else name)
        elif head in ("mkdir", "touch"):
            self.created.update(_clean(path) for path in positional)
        elif head in ("cp", "mv", "ln", "install") and len(positional) >= 2:
            target = positional[-1]
            into = not _unknowable(target) and not target.startswith("/")
            if target.endswith("/") or (into and self.has(_clean(target))):
                # copying into a directory creates files in it, not the directory
                for source in positional[:-1]:
                    name = posixpath.basename(source.rstrip("/"))
                    self.created.add(_clean(posixpath.join(target, name)))
            else:
                self.created.add(_clean(target))
        elif head in ("virtualenv", "pyvenv"):
            self.created.update(_clean(path) for path in _positionals(args, frozenset({"-p"})))
        elif _is_python(head) and args[:2] in (["-m", "venv"], ["-m", "virtualenv"]):
            self.created.update(_clean(path) for path in _positionals(args[2:], frozenset({"-p"})))
        elif head == "uv" and args[:1] == ["venv"]:
            self.created.update([_clean(path) for path in _positionals(args[1:])] or [".venv"])
        elif head in ("wget", "curl"):
            self.created.update(
                _clean(path) for path in _option_values(args, frozenset({"-o", "-O", "--output"}))
            )
        elif head in ("cd", "pushd") and positional:
            target = positional[0]
            if self.first_cd is None:
                self.first_cd = command.line
            for base in (self.readme_dir, ""):
                resolved = _join(base, target)
                if resolved and not _unknowable(target) and self.has(resolved):
                    self.cd_dirs.add(resolved)

    def learn_directories(self, doc: _Doc) -> None:
        """Directories the README names (`backend/`, [api](services/api)) are places its
        commands may be meant to run in, which matters in monorepos."""
        names = [text for _, text in doc.inline_code] + [text for _, text in doc.links]
        for name in names:
            candidate = name.strip().strip("<>")
            if not re.fullmatch(r"\.?[\w-]+(?:/[\w.-]+)*/?", candidate):
                continue
            resolved = _join(self.readme_dir, candidate)
            last = posixpath.basename(resolved or "")
            if resolved and "." not in last and not _generated(resolved) and self.has(resolved):
                self.cd_dirs.add(resolved)

    def _mentioned(self, path: str) -> bool:
        """Whether the README names this file outside its commands.

        "Save this as hello.py, then run python hello.py" describes a file the reader
        creates. Only bare names count: a script under a directory (scripts/seed.py) is
        the repository's even when the prose talks about it.
        """
        name = _clean(path)
        if "/" in name:
            return False
        if self._outside_words is None:
            words = re.findall(r"[\w.-]+", self.outside_commands)
            self._outside_words = frozenset(word.rstrip(".") for word in words)
        return bool(name) and name in self._outside_words

    def _script(self, command: _Command, path: str) -> list[StaleReference]:
        if self._mentioned(path):
            return []
        return self._path(command, path)

    def _bases(self) -> list[str]:
        bases = [self.cwd] if self.cwd is not None else []
        return [*bases, self.readme_dir, "", *sorted(self.cd_dirs)]

    def _found(self, path: str) -> bool | None:
        """Whether ``path`` exists from any directory the README could be run in.

        None when it resolves outside the repository from every one of them.
        """
        inside = False
        for base in self._bases():
            resolved = _join(base, path)
            if resolved is None:
                continue
            inside = True
            if self.has(resolved):
                return True
        return False if inside else None

    def _skip(self, path: str) -> bool:
        """Paths whose absence proves nothing."""
        cleaned = _clean(path)
        if not cleaned or self.cwd is None or self.tainted or _unknowable(path):
            return True
        if path.startswith("/") or _generated(cleaned):
            return True
        if cleaned in self.created or any(cleaned.startswith(c + "/") for c in self.created):
            return True
        first = cleaned.split("/", 1)[0]
        return first in self.clone_names

    def _path(
        self, command: _Command, path: str, what: str = "file or directory"
    ) -> list[StaleReference]:
        if self._skip(path) or self._found(_clean(path)) is not False:
            return []
        shown = _clean(path)
        return [
            StaleReference(command.line, path, "path", f"no {what} '{shown}' in the repository")
        ]

    # -- the rules --------------------------------------------------------------------

    def _check(self, command: _Command) -> list[StaleReference]:
        words = command.words
        head, args = words[0], list(words[1:])
        if head in ("cd", "pushd", "popd"):
            return self._cd(command, args if head != "popd" else [])
        found: list[StaleReference] = []
        if _is_python(head):
            found = self._python(command, args)
        elif head in ("pip", "pip3") or (head == "uv" and args[:1] == ["pip"]):
            found = self._pip(command, args[1:] if head == "uv" else args)
        elif head in ("bash", "sh", "zsh", "ksh", "dash"):
            scripts = _positionals(args, frozenset({"-c", "-o", "-O"}))
            if scripts and "-c" not in args and _looks_like_script(scripts[0]):
                found = self._script(command, scripts[0])
        elif head in ("source", "."):
            if args and ("/" in args[0] or args[0].endswith((".sh", ".bash"))):
                found = self._script(command, args[0])
        elif head == "cp":
            sources = _positionals(args, frozenset({"-t", "-S", "--suffix"}))
            # A template (.env.example) or a path into the tree is the repository's; a bare
            # "credentials.json" may be something the reader downloads first.
            for source in sources[:-1]:
                if _TEMPLATE_FILE.search(posixpath.basename(source)) or "/" in source:
                    found += self._path(command, source)
        elif head == "make":
            found = self._make(command, args)
        elif head in ("docker", "podman", "docker-compose"):
            found = self._docker(command, head, args)
        elif head == "kubectl" and args[:1] and args[0] in ("apply", "create", "replace", "diff"):
            for value in _option_values(args, frozenset({"-f", "--filename", "-k"})):
                found += self._path(command, value)
        elif head == "helm":
            for value in _option_values(args, frozenset({"-f", "--values"})):
                found += self._path(command, value)
        elif head in ("pytest", "py.test"):
            found = self._pytest(command, args)
        elif head in ("uvicorn", "gunicorn", "hypercorn", "daphne"):
            found = self._asgi(command, args)
        elif ("/" in head and not head.startswith("/")) or head.endswith(".py"):
            found = self._script(command, head)  # ./scripts/x.sh, or a script after `uv run`
        self._after(command)
        return found

    def _after(self, command: _Command) -> None:
        """Commands that create files we cannot predict end checking for this block."""
        head, args = command.words[0], command.words[1:]
        generator = head in _GENERATORS and args[:1] != ("clone",)
        if head == "make" and args and all(arg in _MAKE_READ_ONLY for arg in args):
            generator = False  # make test / make lint leave the tree as it was
        # docker/kubectl "build" and friends do not write into the working tree.
        remote = head in ("docker", "podman", "docker-compose", "kubectl", "helm")
        builds = not remote and any(arg in _BUILD_SUBCOMMANDS for arg in args[:2])
        scaffolds = args[:1] == ("manage.py",) and args[1:2] in (("startapp",), ("collectstatic",))
        if generator or builds or scaffolds:
            self.tainted = True

    def _cd(self, command: _Command, args: list[str]) -> list[StaleReference]:
        positional = _positionals(args)
        if not positional or positional[0] == "-":
            self.cwd = None
            return []
        target = positional[0]
        cleaned = _clean(target)
        if self.cwd is None or self.tainted or _unknowable(target) or target.startswith("/"):
            self.cwd = None
            return []
        first, _, rest = cleaned.partition("/")
        if first in self.clone_names:
            self.cwd = rest if not rest or self._found(rest) else None
            return []
        for base in self._bases():
            resolved = _join(base, cleaned)
            if resolved is not None and self.has(resolved):
                self.cwd = resolved
                return []
        if any(_join(base, cleaned) is None for base in self._bases()):
            self.cwd = None  # leaves the repository: nothing to check against
            return []
        self.cwd = None
        if _generated(cleaned) or cleaned in self.created:
            return []
        if any(cleaned.startswith(c + "/") for c in self.created):
            return []
        if self.mentions_clone and command.line == self.first_cd:
            # "Clone the repository, then cd into it": the clone's name is not in the
            # repository, and the README did not show the clone command that names it.
            self.cwd = rest if not rest or self._found(rest) else None
            return []
        return [
            StaleReference(
                command.line, target, "path", f"no directory '{cleaned}' in the repository"
            )
        ]

    def _python(self, command: _Command, args: list[str]) -> list[StaleReference]:
        index = 0
        while index < len(args) and args[index].startswith("-") and args[index] != "-":
            option = args[index]
            if option == "-c":
                return []
            if option == "-m":
                module = args[index + 1] if index + 1 < len(args) else ""
                rest = args[index + 2 :]
                if module == "pip":
                    return self._pip(command, rest)
                if module in ("pytest", "py.test"):
                    return self._pytest(command, rest)
                return self._module(command, module, module)
            index += 2 if option in _PYTHON_VALUE_OPTIONS else 1
        if index >= len(args):
            return []
        script = args[index]
        if not _looks_like_script(script, python=True):
            return []
        return self._script(command, script)

    def _pip(self, command: _Command, args: list[str]) -> list[StaleReference]:
        found: list[StaleReference] = []
        for value in _option_values(args, _PIP_FILE_OPTIONS):
            found += self._path(command, value)
        for value in [*_option_values(args, frozenset({"-e", "--editable"})), *args]:
            local = re.sub(r"\[[^\]]*\]$", "", value)
            if local.startswith(("./", "../")) and local.rstrip("/") not in (".", ".."):
                found += self._path(command, local)
        return found

    def _pytest(self, command: _Command, args: list[str]) -> list[StaleReference]:
        found: list[StaleReference] = []
        value_options = frozenset({"-k", "-m", "-p", "-c", "-o", "--rootdir", "--cov", "-n"})
        for arg in _positionals(args, value_options):
            path = arg.split("::", 1)[0]
            if path.endswith(".py") or "/" in path.rstrip("/"):
                found += self._script(command, path)
        return found

    def _module(self, command: _Command, module: str, shown: str) -> list[StaleReference]:
        """``python -m a.b``: only a module of a package that is in the repository is checked.

        ``python -m pytest`` and friends are installed packages; a top-level name the
        repository does not have tells us nothing.
        """
        if self.cwd is None or self.tainted or not re.fullmatch(r"[\w]+(?:\.\w+)+", module):
            return []
        parts = module.split(".")
        looked: list[str] = []
        for base in self._bases():
            for root in ("", "src"):
                top = _join(base, posixpath.join(root, parts[0]) if root else parts[0])
                if top is None or not self.has(top):
                    continue
                path = posixpath.join(top, *parts[1:])
                if self.has(path + ".py") or self.has(path) or self._compiled(path):
                    return []
                looked.append(f"{path}.py")
        if not looked:
            return []  # not a package of this repository: an installed one
        return [
            StaleReference(
                command.line,
                shown,
                "command",
                f"no module '{module}' in the repository ({looked[0]} does not exist)",
            )
        ]

    def _compiled(self, path: str) -> bool:
        return any(self.has(path + suffix) for suffix in (".pyx", ".pyi", ".c", ".rs"))

    def _asgi(self, command: _Command, args: list[str]) -> list[StaleReference]:
        if any(arg.startswith(("--app-dir", "--chdir", "--pythonpath")) for arg in args):
            return []
        value_options = frozenset(
            {"-w", "--workers", "-b", "--bind", "-k", "--worker-class", "-c", "--config"}
            | {"--host", "--port", "--log-level", "--env-file", "-t", "--timeout"}
        )
        for arg in _positionals(args, value_options):
            if ":" in arg:
                module = arg.split(":", 1)[0]
                return self._module(command, module, arg)
        return []

    def _make(self, command: _Command, args: list[str]) -> list[StaleReference]:
        # Not stopped by earlier commands: whether a target exists depends only on the
        # Makefile, and a generated Makefile (./configure, cmake) is excluded by name.
        if self.cwd is None or self.mentions_configure:
            return []
        if any(arg.startswith(("-C", "-f", "--directory", "--file", "--makefile")) for arg in args):
            return []
        targets = [
            arg
            for arg in _positionals(args, frozenset({"-j", "-l", "-o", "-W", "-I"}))
            if not _ASSIGNMENT.match(arg) and not arg.isdigit()
        ]
        makefiles = ("Makefile", "makefile", "GNUmakefile")
        if not self.tainted and not any(self._found(name) for name in makefiles):
            return [
                StaleReference(
                    command.line,
                    " ".join(command.words),
                    "command",
                    "no Makefile in the repository",
                )
            ]
        if self.makefile_targets is None or self.cwd != self.readme_dir or self.readme_dir:
            return []
        return [
            StaleReference(
                command.line, target, "command", f"the Makefile has no target '{target}'"
            )
            for target in targets
            if re.fullmatch(r"[\w-]+", target) and target not in self.makefile_targets
        ]

    def _docker(self, command: _Command, head: str, args: list[str]) -> list[StaleReference]:
        if head == "docker-compose":
            return self._compose(command, args)
        if args[:1] == ["compose"]:
            return self._compose(command, args[1:])
        if args[:1] == ["build"] or args[:2] == ["buildx", "build"]:
            rest = args[1:] if args[0] == "build" else args[2:]
            found: list[StaleReference] = []
            for value in _option_values(rest, frozenset({"-f", "--file"})):
                if value != "-":
                    found += self._path(command, value)
            if len(rest) >= 2 and not rest[-1].startswith("-") and not rest[-2].startswith("-"):
                context = rest[-1]
                if context not in (".", "-"):
                    found += self._path(command, context, "directory")
            return found
        return []

    def _compose(self, command: _Command, args: list[str]) -> list[StaleReference]:
        found: list[StaleReference] = []
        index = 0
        while index < len(args) and args[index].startswith("-"):
            option = args[index]
            if option == "--project-directory":
                return []
            if option in ("-f", "--file") and index + 1 < len(args):
                found += self._path(command, args[index + 1])
            if "=" not in option and option in (
                "-f",
                "--file",
                "-p",
                "--project-name",
                "--env-file",
                "--profile",
                "--ansi",
                "--progress",
            ):
                index += 1
            index += 1
        return found


def _clean(path: str) -> str:
    """``./a//b/`` -> ``a/b``; the spelling of a path does not change whether it exists."""
    cleaned = posixpath.normpath(path) if path else ""
    return "" if cleaned == "." else cleaned


def _looks_like_script(arg: str, *, python: bool = False) -> bool:
    if python:
        return arg.endswith((".py", ".pyw", ".pyz")) or ("/" in arg and not arg.endswith("/"))
    return arg.endswith((".sh", ".bash")) or ("/" in arg and not arg.endswith("/"))


_TARGET_LINE = re.compile(r"^(?P<names>[^:=#\t][^:=#]*?)\s*::?(?![:=])")


def _make_targets(text: str) -> frozenset[str] | None:
    """Targets a Makefile defines; None when it can define more than we can see."""
    if re.search(r"^\s*-?(?:s?include)\s|\$\(eval\b", text, re.MULTILINE):
        return None
    targets: set[str] = set()
    in_define = False
    for line in text.replace("\\\n", " ").split("\n"):
        stripped = line.strip()
        if stripped.startswith("define ") or stripped == "define":
            in_define = True
        elif stripped == "endef":
            in_define = False
        if in_define or line.startswith(("\t", "#")):
            continue
        found = _TARGET_LINE.match(line)
        if found is None:
            continue
        names = found["names"].split()
        if any("%" in name or "$" in name for name in names):
            return None  # pattern rules and computed names match targets we cannot list
        targets.update(names)
    return frozenset(targets)


# ------------------------------------------------------------------------------ topics

_INSTALL_HEADING = re.compile(
    r"\b(?:install(?:ation|ing)?|set[- ]?up|setting up|bootstrap(?:ping)?)\b", re.IGNORECASE
)
_RUN_HEADING = re.compile(
    r"\b(?:usage|how to use|using|run|running|quick[- ]?start|getting started|get started|"
    r"launch(?:ing)?|start(?:ing)? (?:the )?(?:app|application|server|service|api)|"
    r"local development|development server)\b",
    re.IGNORECASE,
)
# A heading about testing the project starts with it ("Tests", "Running the tests",
# "Testing") or ends a pair ("Building and testing"); "Local Email Testing" is a feature.
_TEST_HEADING = re.compile(
    r"^\W*(?:\d+[.)]\s*)?(?:(?:running|run|how to run|executing|writing)\s+)?(?:the\s+)?"
    r"(?:unit\s+|integration\s+|automated\s+|end-to-end\s+)?(?:tests?|testing|test suite)\b|"
    r"\band\s+(?:tests?|testing)\W*$",
    re.IGNORECASE,
)
_RUN_TESTS_HEADING = re.compile(r"\brun(?:ning)? (?:the )?(?:unit )?tests?\b", re.IGNORECASE)

_TEST_TOOLS = _words("pytest py.test tox nox nosetests rspec phpunit ctest jest vitest")
_NOT_RUN_MODULES = _words(
    "pip venv virtualenv pytest unittest build twine ensurepip mypy ruff black isort flake8 "
    "pylint coverage tox nox pre_commit pipx poetry uv doctest compileall sphinx mkdocs "
    "pip_audit bandit"
)
_RUN_TOOLS = _words(
    "uvicorn gunicorn hypercorn daphne waitress-serve streamlit celery honcho foreman node "
    "deno java dotnet rails"
)
# tool -> subcommands; "-" stands for the tool run without a subcommand.
_INSTALL_TOOLS = _table(
    "pip:install pip3:install pipx:install poetry:install pdm:install,sync pipenv:install,sync "
    "conda:install,create,env mamba:install,create,env brew:install apt:install "
    "apt-get:install go:install,get cargo:install gem:install bundle:install,- hatch:env "
    "uv:sync,pip,tool"
)
_RUN_SUBCOMMANDS = _table(
    "flask:run fastapi:run,dev go:run cargo:run django-admin:runserver streamlit:run"
)
_TEST_SUBCOMMANDS = _table(
    "go:test cargo:test mvn:test,verify gradle:test ./gradlew:test hatch:test just:test "
    "task:test coverage:run"
)
_MAKE_TOPICS = {
    **dict.fromkeys(_words("install setup deps dev-install bootstrap venv build"), "install"),
    **dict.fromkeys(_words("run start serve server dev up"), "run"),
    **dict.fromkeys(_words("test tests check coverage unit"), "test"),
}


_DOC_PATH = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)+[\w.-]+\.(?:md|rst|txt|adoc))\b")
_POINTER_TOPICS = (
    ("install", re.compile(r"\binstall", re.IGNORECASE)),
    ("test", re.compile(r"\btest(?:s|ing| suite)?\b", re.IGNORECASE)),
    ("run", re.compile(r"\b(?:usage|tutorials?|getting started|quick ?start|how to use)\b", re.I)),
)


def _linked_docs(doc: _Doc, base: str, exists: Callable[[str], bool]) -> tuple[str, ...]:
    docs: list[str] = []
    for _number, written in doc.links:
        target = unquote(written.strip().strip("<>").split("#", 1)[0].split("?", 1)[0])
        if not target or _SCHEME.match(target):
            continue
        resolved = _join("", target.lstrip("/")) if target.startswith("/") else _join(base, target)
        if resolved and resolved.lower().endswith((".md", ".rst", ".txt")) and exists(resolved):
            docs.append(resolved)
    return tuple(dict.fromkeys(docs))


def _pointer_lines(doc: _Doc, base: str, exists: Callable[[str], bool]) -> frozenset[int]:
    """Lines that point at a document in the repository ("read docs/install.md", a link to
    it). A README that sends the reader to its own install or test guide does say how."""
    lines: set[int] = set()
    for number, written in doc.links:
        target = unquote(written.strip().strip("<>").split("#", 1)[0].split("?", 1)[0])
        if not target or _SCHEME.match(target):
            continue
        resolved = _join("", target.lstrip("/")) if target.startswith("/") else _join(base, target)
        # a guide, not a screenshot: documents, or folders of them
        is_doc = resolved is not None and (
            resolved.lower().endswith((".md", ".rst", ".txt", ".adoc"))
            or "." not in resolved.rsplit("/", 1)[-1]
        )
        if resolved and is_doc and exists(resolved):
            lines.add(number)
    for number, text in (*doc.prose, *doc.inline_code):
        for path in _DOC_PATH.findall(text):
            resolved = _join(base, path)
            if resolved and exists(resolved):
                lines.add(number)
    return frozenset(lines)


def _topics(
    doc: _Doc, console_scripts: frozenset[str], pointers: frozenset[int] = frozenset()
) -> tuple[int | None, int | None, int | None]:
    """Where the README first covers installing, running and testing."""
    first: dict[str, int] = {}

    def note(topic: str, number: int) -> None:
        if topic not in first or number < first[topic]:
            first[topic] = number

    # A pointer's sentence may start a few lines earlier ("To run the test suite:" /
    # "* Follow the instructions in docs/unit-tests.txt").
    texts = [*doc.prose, *doc.headings]
    for pointer in sorted(pointers):
        context = " ".join(text for number, text in texts if pointer - 3 <= number <= pointer)
        for topic, pattern in _POINTER_TOPICS:
            if pattern.search(context):
                note(topic, pointer)

    # The first heading is the project's title; "pytest-foo" or "Test Kitchen" there
    # says nothing about how to test it.
    for number, heading in doc.headings[1:]:
        if _INSTALL_HEADING.search(heading):
            note("install", number)
        if _TEST_HEADING.search(heading):
            note("test", number)
        if _RUN_HEADING.search(_RUN_TESTS_HEADING.sub("", heading)):
            note("run", number)
    code: list[tuple[int, str]] = []
    for block in doc.blocks:
        if block.lang in _SHELL_LANGS or block.lang in _WINDOWS_LANGS:
            code.extend(_command_lines(block))
    code.extend(doc.inline_code)
    prose = [(number, _LIST_ITEM.sub("", text).strip()) for number, text in doc.prose]
    # A console script's name opening a sentence ("csvtool converts ...") is not an
    # instruction to run it; in code it is.
    for lines, scripts in ((code, console_scripts), (prose, frozenset[str]())):
        for number, text in lines:
            for command in _parse_topic_line(number, text):
                for topic in _command_topics(command.words, scripts):
                    note(topic, number)
    return first.get("install"), first.get("run"), first.get("test")


def _parse_topic_line(number: int, text: str) -> list[_Command]:
    prompt = _SIMPLE_PROMPT.match(text)
    if prompt is not None:
        text = text[prompt.end() :]
    # Topic detection does not need exact words, so Windows paths are fine here.
    commands = _parse_line(number, text.replace("\\", "/").replace("`", " "))
    return commands or []


def _command_topics(words: tuple[str, ...], console_scripts: frozenset[str]) -> set[str]:
    head = words[0].lower()
    args = [word.lower() for word in words[1:]]
    sub = args[0] if args else ""
    topics: set[str] = set()
    if head in _TEST_TOOLS or sub in _TEST_SUBCOMMANDS.get(head, ()):
        topics.add("test")
    if head == "bundle" and args[:2] == ["exec", "rspec"]:
        topics.add("test")
    if sub in _INSTALL_TOOLS.get(head, ()) or (head == "make" and not args):
        topics.add("install")
    if head in ("npm", "yarn", "pnpm", "bun"):
        topics |= _js_topics(args)
    if head in ("docker", "podman") and (sub == "build" or args[:2] == ["compose", "build"]):
        topics.add("install")
    if head in ("docker", "podman") and (sub == "run" or args[:2] == ["compose", "up"]):
        topics.add("run")
    if head == "docker-compose" and sub in ("up", "run"):
        topics.add("run")
    if head in _RUN_TOOLS or sub in _RUN_SUBCOMMANDS.get(head, ()):
        topics.add("run")
    if head == "flask" and "run" in args:
        topics.add("run")
    if head in console_scripts:
        topics.add("run")
    if head == "make":
        for arg in args:
            topic = _MAKE_TOPICS.get(arg)
            if topic:
                topics.add(topic)
    if _is_python(head):
        topics |= _python_topics(args)
    elif head.endswith(".py"):  # ./manage.py test, ./run.py
        topics |= _python_topics([head, *args])
    return topics


def _js_topics(args: list[str]) -> set[str]:
    script = args[1] if args[:1] == ["run"] and len(args) > 1 else (args[0] if args else "")
    if script in ("", "install", "i", "ci", "add"):
        return {"install"}
    if script.split(":", 1)[0] in ("test", "tests", "t", "e2e"):
        return {"test"}
    if script in ("start", "dev", "serve", "develop", "preview"):
        return {"run"}
    return set()


def _python_topics(args: list[str]) -> set[str]:
    if args[:1] == ["-m"] and len(args) > 1:
        module = args[1]
        if module == "pip" and "install" in args:
            return {"install"}
        if module in ("pytest", "unittest", "tox", "nox"):
            return {"test"}
        if module not in _NOT_RUN_MODULES:
            return {"run"}
        return set()
    script = next((arg for arg in args if not arg.startswith("-")), "")
    name = posixpath.basename(script)
    if name == "setup.py":
        rest = args[args.index(script) + 1 :] if script in args else []
        if rest[:1] and rest[0] in ("install", "develop"):
            return {"install"}
        return {"test"} if rest[:1] == ["test"] else set()
    if name == "manage.py":
        rest = args[args.index(script) + 1 :]
        if rest[:1] == ["test"]:
            return {"test"}
        return {"run"} if rest[:1] and rest[0].startswith("run") else set()
    if name.endswith(".py"):
        if name.startswith("test_") or name.endswith("_test.py") or name in ("runtests.py",):
            return {"test"}
        return {"run"}
    return set()
