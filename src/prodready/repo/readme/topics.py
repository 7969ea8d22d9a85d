"""Where a README first says how to install, run and test the project.

A topic is covered by a heading ("Installation", "Running the tests"), by a command that
does it (`pip install`, `flask run`, `pytest`, `make test`), or by a pointer to another
document in the repository that the surrounding text says is about it.
"""

from __future__ import annotations

import posixpath
import re

from prodready.repo.readme.document import Document
from prodready.repo.readme.markdown import LIST_ITEM
from prodready.repo.readme.shell import (
    SHELL_LANGS,
    SIMPLE_PROMPT,
    WINDOWS_LANGS,
    Command,
    command_lines,
    is_python,
    parse_line,
)
from prodready.repo.readme.word_sets import word_set


def _table(text: str) -> dict[str, frozenset[str]]:
    """Parse "tool:sub1,sub2 ..." into {tool: {sub1, sub2}}; "-" means no subcommand."""
    table: dict[str, frozenset[str]] = {}
    for entry in text.split():
        tool, _, subs = entry.partition(":")
        table[tool] = frozenset("" if sub == "-" else sub for sub in subs.split(","))
    return table


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

# Commands and `python -m` modules that say which topic a command is about.
_TEST_TOOLS = word_set("pytest py.test tox nox nosetests rspec phpunit ctest jest vitest")
_NOT_RUN_MODULES = word_set(
    "pip venv virtualenv pytest unittest build twine ensurepip mypy ruff black isort flake8 "
    "pylint coverage tox nox pre_commit pipx poetry uv doctest compileall sphinx mkdocs "
    "pip_audit bandit"
)
_RUN_TOOLS = word_set(
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
    **dict.fromkeys(word_set("install setup deps dev-install bootstrap venv build"), "install"),
    **dict.fromkeys(word_set("run start serve server dev up"), "run"),
    **dict.fromkeys(word_set("test tests check coverage unit"), "test"),
}


# Words near a pointer to another document that say what the document is for.
_POINTER_TOPICS = (
    ("install", re.compile(r"\binstall", re.IGNORECASE)),
    ("test", re.compile(r"\btest(?:s|ing| suite)?\b", re.IGNORECASE)),
    ("run", re.compile(r"\b(?:usage|tutorials?|getting started|quick ?start|how to use)\b", re.I)),
)


def find_topics(
    doc: Document, console_scripts: frozenset[str], pointers: frozenset[int] = frozenset()
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
        if block.lang in SHELL_LANGS or block.lang in WINDOWS_LANGS:
            code.extend(command_lines(block))
    code.extend(doc.inline_code)
    prose = [(number, LIST_ITEM.sub("", text).strip()) for number, text in doc.prose]
    # A console script's name opening a sentence ("csvtool converts ...") is not an
    # instruction to run it; in code it is.
    for lines, scripts in ((code, console_scripts), (prose, frozenset[str]())):
        for number, text in lines:
            for command in _parse_topic_line(number, text):
                for topic in _command_topics(command.words, scripts):
                    note(topic, number)
    return first.get("install"), first.get("run"), first.get("test")


def _parse_topic_line(number: int, text: str) -> list[Command]:
    """Commands on a line of code or prose, read loosely: a prompt is dropped and Windows
    paths are allowed."""
    prompt = SIMPLE_PROMPT.match(text)
    if prompt is not None:
        text = text[prompt.end() :]
    # Topic detection does not need exact words, so Windows paths are fine here.
    commands = parse_line(number, text.replace("\\", "/").replace("`", " "))
    return commands or []


def _command_topics(words: tuple[str, ...], console_scripts: frozenset[str]) -> set[str]:
    """The topics ("install", "run", "test") a command is an instruction for."""
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
    if is_python(head):
        topics |= _python_topics(args)
    elif head.endswith(".py"):  # ./manage.py test, ./run.py
        topics |= _python_topics([head, *args])
    return topics


def _js_topics(args: list[str]) -> set[str]:
    """Topics of `npm`/`yarn`/`pnpm`/`bun` with these arguments."""
    script = args[1] if args[:1] == ["run"] and len(args) > 1 else (args[0] if args else "")
    if script in ("", "install", "i", "ci", "add"):
        return {"install"}
    if script.split(":", 1)[0] in ("test", "tests", "t", "e2e"):
        return {"test"}
    if script in ("start", "dev", "serve", "develop", "preview"):
        return {"run"}
    return set()


def _python_topics(args: list[str]) -> set[str]:
    """Topics of `python` with these arguments: `-m pytest`, `setup.py install`,
    `manage.py runserver`, a script."""
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
