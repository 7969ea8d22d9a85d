"""Checking a README's shell commands against the repository: the scripts, requirement
files, directories, Makefile targets and `python -m` modules they name.

The checker first learns what the README itself creates (clones, `mkdir`, virtualenvs,
copies, downloads) and which directories it may be run from, then checks each block's
commands in order, following `cd`. Anything it cannot be sure of (a path after a command
that generates files, one outside the repository, a placeholder) is left alone: a false
"stale" costs more than a missed one.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from prodready.repo.readme.document import CodeBlock, Document
from prodready.repo.readme.paths import clean_path, is_generated, is_unknowable, join_in_repo
from prodready.repo.readme.results import StaleReference
from prodready.repo.readme.shell import (
    ASSIGNMENT,
    SHELL_LANGS,
    Command,
    command_lines,
    is_python,
    option_values,
    parse_line,
    positionals,
)
from prodready.repo.readme.word_sets import word_set

_UNLABELED = word_set("text txt plain plaintext none nohighlight") | {""}


def _implicit_path_command(head: str) -> bool:
    """`scripts/x.sh` or `run.py` without `./`: in an unlabeled block, likely a file listing."""
    explicit = head.startswith(("./", "../"))
    return not explicit and ("/" in head or head.endswith(".py"))


# Options whose value is the next word, per command.
_PYTHON_VALUE_OPTIONS = frozenset({"-W", "-X", "-Q"})
_PIP_FILE_OPTIONS = frozenset({"-r", "--requirement", "-c", "--constraint"})
_CLONE_VALUE_OPTIONS = frozenset(
    {"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config", "-j", "--jobs", "--filter"}
)
# Commands that create files we cannot predict, after which a block is not checked further.
_GENERATORS = word_set(
    "make cmake ./configure configure tar unzip gunzip curl wget cookiecutter "
    "django-admin npx openssl ssh-keygen protoc sphinx-build git rsync scp"
)
_MAKE_READ_ONLY = word_set("test tests check lint fmt format typecheck help run serve start dev up")
_BUILD_SUBCOMMANDS = frozenset({"build", "new", "init", "generate", "startproject", "startapp"})

# A file meant to be copied before use (`cp .env.example .env`).
_TEMPLATE_FILE = re.compile(r"example|sample|template|dist|default|tmpl|tpl|\.in$", re.IGNORECASE)


@dataclass
class CommandChecker:
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
        """Does the repository have this path? Cached: `exists` may touch an index."""
        if not path:
            return True
        if path not in self._cache:
            self._cache[path] = bool(self.exists(path))
        return self._cache[path]

    def check_blocks(self, blocks: list[CodeBlock]) -> list[StaleReference]:
        """Stale paths and targets in the shell commands of the README's code blocks."""
        parsed: list[list[Command]] = []
        for block in blocks:
            commands: list[Command] = []
            if block.lang in SHELL_LANGS:
                for number, text in command_lines(block):
                    commands.extend(parse_line(number, text) or [])
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

    def _learn(self, command: Command) -> None:
        words = command.words
        head, args = words[0], list(words[1:])
        self.created.update(clean_path(path) for path in command.creates)
        positional = positionals(args)
        if head == "git" and args[:1] == ["clone"]:
            clone = positionals(args[1:], _CLONE_VALUE_OPTIONS)
            if clone:
                name = re.split(r"[/:]", clone[0].rstrip("/"))[-1].removesuffix(".git")
                self.clone_names.add(clone[1] if len(clone) > 1 else name)
        elif head in ("mkdir", "touch"):
            self.created.update(clean_path(path) for path in positional)
        elif head in ("cp", "mv", "ln", "install") and len(positional) >= 2:
            target = positional[-1]
            into = not is_unknowable(target) and not target.startswith("/")
            if target.endswith("/") or (into and self.has(clean_path(target))):
                # copying into a directory creates files in it, not the directory
                for source in positional[:-1]:
                    name = posixpath.basename(source.rstrip("/"))
                    self.created.add(clean_path(posixpath.join(target, name)))
            else:
                self.created.add(clean_path(target))
        elif head in ("virtualenv", "pyvenv"):
            self.created.update(clean_path(path) for path in positionals(args, frozenset({"-p"})))
        elif is_python(head) and args[:2] in (["-m", "venv"], ["-m", "virtualenv"]):
            self.created.update(
                clean_path(path) for path in positionals(args[2:], frozenset({"-p"}))
            )
        elif head == "uv" and args[:1] == ["venv"]:
            self.created.update([clean_path(path) for path in positionals(args[1:])] or [".venv"])
        elif head in ("wget", "curl"):
            self.created.update(
                clean_path(path)
                for path in option_values(args, frozenset({"-o", "-O", "--output"}))
            )
        elif head in ("cd", "pushd") and positional:
            target = positional[0]
            if self.first_cd is None:
                self.first_cd = command.line
            for base in (self.readme_dir, ""):
                resolved = join_in_repo(base, target)
                if resolved and not is_unknowable(target) and self.has(resolved):
                    self.cd_dirs.add(resolved)

    def learn_directories(self, doc: Document) -> None:
        """Directories the README names (`backend/`, [api](services/api)) are places its
        commands may be meant to run in, which matters in monorepos."""
        names = [text for _, text in doc.inline_code] + [text for _, text in doc.links]
        for name in names:
            candidate = name.strip().strip("<>")
            if not re.fullmatch(r"\.?[\w-]+(?:/[\w.-]+)*/?", candidate):
                continue
            resolved = join_in_repo(self.readme_dir, candidate)
            last = posixpath.basename(resolved or "")
            if resolved and "." not in last and not is_generated(resolved) and self.has(resolved):
                self.cd_dirs.add(resolved)

    def _mentioned(self, path: str) -> bool:
        """Whether the README names this file outside its commands.

        "Save this as hello.py, then run python hello.py" describes a file the reader
        creates. Only bare names count: a script under a directory (scripts/seed.py) is
        the repository's even when the prose talks about it.
        """
        name = clean_path(path)
        if "/" in name:
            return False
        if self._outside_words is None:
            words = re.findall(r"[\w.-]+", self.outside_commands)
            self._outside_words = frozenset(word.rstrip(".") for word in words)
        return bool(name) and name in self._outside_words

    def _script(self, command: Command, path: str) -> list[StaleReference]:
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
            resolved = join_in_repo(base, path)
            if resolved is None:
                continue
            inside = True
            if self.has(resolved):
                return True
        return False if inside else None

    def _skip(self, path: str) -> bool:
        """Paths whose absence proves nothing."""
        cleaned = clean_path(path)
        if not cleaned or self.cwd is None or self.tainted or is_unknowable(path):
            return True
        if path.startswith("/") or is_generated(cleaned):
            return True
        if cleaned in self.created or any(cleaned.startswith(c + "/") for c in self.created):
            return True
        first = cleaned.split("/", 1)[0]
        return first in self.clone_names

    def _path(
        self, command: Command, path: str, what: str = "file or directory"
    ) -> list[StaleReference]:
        if self._skip(path) or self._found(clean_path(path)) is not False:
            return []
        shown = clean_path(path)
        return [
            StaleReference(command.line, path, "path", f"no {what} '{shown}' in the repository")
        ]

    # -- the rules --------------------------------------------------------------------

    def _check(self, command: Command) -> list[StaleReference]:
        words = command.words
        head, args = words[0], list(words[1:])
        if head in ("cd", "pushd", "popd"):
            return self._cd(command, args if head != "popd" else [])
        found: list[StaleReference] = []
        if is_python(head):
            found = self._python(command, args)
        elif head in ("pip", "pip3") or (head == "uv" and args[:1] == ["pip"]):
            found = self._pip(command, args[1:] if head == "uv" else args)
        elif head in ("bash", "sh", "zsh", "ksh", "dash"):
            scripts = positionals(args, frozenset({"-c", "-o", "-O"}))
            if scripts and "-c" not in args and _looks_like_script(scripts[0]):
                found = self._script(command, scripts[0])
        elif head in ("source", "."):
            if args and ("/" in args[0] or args[0].endswith((".sh", ".bash"))):
                found = self._script(command, args[0])
        elif head == "cp":
            sources = positionals(args, frozenset({"-t", "-S", "--suffix"}))
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
            for value in option_values(args, frozenset({"-f", "--filename", "-k"})):
                found += self._path(command, value)
        elif head == "helm":
            for value in option_values(args, frozenset({"-f", "--values"})):
                found += self._path(command, value)
        elif head in ("pytest", "py.test"):
            found = self._pytest(command, args)
        elif head in ("uvicorn", "gunicorn", "hypercorn", "daphne"):
            found = self._asgi(command, args)
        elif ("/" in head and not head.startswith("/")) or head.endswith(".py"):
            found = self._script(command, head)  # ./scripts/x.sh, or a script after `uv run`
        self._after(command)
        return found

    def _after(self, command: Command) -> None:
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

    def _cd(self, command: Command, args: list[str]) -> list[StaleReference]:
        positional = positionals(args)
        if not positional or positional[0] == "-":
            self.cwd = None
            return []
        target = positional[0]
        cleaned = clean_path(target)
        if self.cwd is None or self.tainted or is_unknowable(target) or target.startswith("/"):
            self.cwd = None
            return []
        first, _, rest = cleaned.partition("/")
        if first in self.clone_names:
            self.cwd = rest if not rest or self._found(rest) else None
            return []
        for base in self._bases():
            resolved = join_in_repo(base, cleaned)
            if resolved is not None and self.has(resolved):
                self.cwd = resolved
                return []
        if any(join_in_repo(base, cleaned) is None for base in self._bases()):
            self.cwd = None  # leaves the repository: nothing to check against
            return []
        self.cwd = None
        if is_generated(cleaned) or cleaned in self.created:
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

    def _python(self, command: Command, args: list[str]) -> list[StaleReference]:
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

    def _pip(self, command: Command, args: list[str]) -> list[StaleReference]:
        found: list[StaleReference] = []
        for value in option_values(args, _PIP_FILE_OPTIONS):
            found += self._path(command, value)
        for value in [*option_values(args, frozenset({"-e", "--editable"})), *args]:
            local = re.sub(r"\[[^\]]*\]$", "", value)
            if local.startswith(("./", "../")) and local.rstrip("/") not in (".", ".."):
                found += self._path(command, local)
        return found

    def _pytest(self, command: Command, args: list[str]) -> list[StaleReference]:
        found: list[StaleReference] = []
        value_options = frozenset({"-k", "-m", "-p", "-c", "-o", "--rootdir", "--cov", "-n"})
        for arg in positionals(args, value_options):
            path = arg.split("::", 1)[0]
            if path.endswith(".py") or "/" in path.rstrip("/"):
                found += self._script(command, path)
        return found

    def _module(self, command: Command, module: str, shown: str) -> list[StaleReference]:
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
                top = join_in_repo(base, posixpath.join(root, parts[0]) if root else parts[0])
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

    def _asgi(self, command: Command, args: list[str]) -> list[StaleReference]:
        if any(arg.startswith(("--app-dir", "--chdir", "--pythonpath")) for arg in args):
            return []
        value_options = frozenset(
            {"-w", "--workers", "-b", "--bind", "-k", "--worker-class", "-c", "--config"}
            | {"--host", "--port", "--log-level", "--env-file", "-t", "--timeout"}
        )
        for arg in positionals(args, value_options):
            if ":" in arg:
                module = arg.split(":", 1)[0]
                return self._module(command, module, arg)
        return []

    def _make(self, command: Command, args: list[str]) -> list[StaleReference]:
        # Not stopped by earlier commands: whether a target exists depends only on the
        # Makefile, and a generated Makefile (./configure, cmake) is excluded by name.
        if self.cwd is None or self.mentions_configure:
            return []
        if any(arg.startswith(("-C", "-f", "--directory", "--file", "--makefile")) for arg in args):
            return []
        targets = [
            arg
            for arg in positionals(args, frozenset({"-j", "-l", "-o", "-W", "-I"}))
            if not ASSIGNMENT.match(arg) and not arg.isdigit()
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

    def _docker(self, command: Command, head: str, args: list[str]) -> list[StaleReference]:
        if head == "docker-compose":
            return self._compose(command, args)
        if args[:1] == ["compose"]:
            return self._compose(command, args[1:])
        if args[:1] == ["build"] or args[:2] == ["buildx", "build"]:
            rest = args[1:] if args[0] == "build" else args[2:]
            found: list[StaleReference] = []
            for value in option_values(rest, frozenset({"-f", "--file"})):
                if value != "-":
                    found += self._path(command, value)
            if len(rest) >= 2 and not rest[-1].startswith("-") and not rest[-2].startswith("-"):
                context = rest[-1]
                if context not in (".", "-"):
                    found += self._path(command, context, "directory")
            return found
        return []

    def _compose(self, command: Command, args: list[str]) -> list[StaleReference]:
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


def _looks_like_script(arg: str, *, python: bool = False) -> bool:
    """Is this argument of `python`/`bash` a script path rather than a module or a word?"""
    if python:
        return arg.endswith((".py", ".pyw", ".pyz")) or ("/" in arg and not arg.endswith("/"))
    return arg.endswith((".sh", ".bash")) or ("/" in arg and not arg.endswith("/"))
