"""README facts: topics covered, and references that no longer exist.

The fixtures are modelled on real READMEs of small web services and CLI tools. Each
asserts the exact set of stale references (line, reference, kind), so a rule that starts
firing on a near-miss shows up as a failure, not as a changed count.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prodready.repo.readme import ReadmeFacts, StaleReference, find_readme, read_readme_facts


def repo(*files: str) -> Callable[[str], bool]:
    """An ``exists`` backed by a file list, answering for files and their directories."""
    known = set(files)
    for path in files:
        parts = path.split("/")
        known.update("/".join(parts[:end]) for end in range(1, len(parts)))
    return known.__contains__


def line_of(text: str, needle: str) -> int:
    numbers = [n for n, line in enumerate(text.split("\n"), start=1) if needle in line]
    assert len(numbers) == 1, f"{needle!r} is on lines {numbers}"
    return numbers[0]


def found(facts: ReadmeFacts) -> set[tuple[int, str, str]]:
    return {(ref.line, ref.reference, ref.kind) for ref in facts.stale}


# --------------------------------------------------------------------------------------
# A FastAPI service, Markdown.

SERVICE = """\
# Orders API

[![CI](https://github.com/acme/orders/actions/workflows/ci.yml/badge.svg)](https://github.com/acme/orders/actions)

Takes orders. See the [architecture notes](docs/architecture.md), the
[runbook](docs/runbook.md#rollback) and the [ADRs][adr].

![Request flow](docs/img/flow.png)
<img src="docs/img/logo.svg" alt="logo" width="80">

[adr]: docs/adr/

## Requirements

- Python 3.11+
- Docker

## Installation

```bash
git clone https://github.com/acme/orders.git
cd orders
python -m venv .venv
source .venv/bin/activate
pip install -r requirements.txt -r requirements-dev.txt
cp .env.example .env
cp config/logging.sample.yaml config/logging.yaml
```

## Running locally

```bash
uvicorn app.main:app --reload
```

Or with Docker:

```bash
docker build -f docker/Dockerfile -t orders .
docker run -p 8000:8000 --env-file .env orders
docker compose -f docker-compose.dev.yml up
```

## Database

```bash
alembic upgrade head
python scripts/seed_db.py
python -m app.worker
bash scripts/reset_db.sh
cd migrations && ./check.sh
```

## Testing

```console
$ pytest tests/
$ make test
$ make lint
$ pytest tests/test_refunds.py
```

## Deployment

Production deploys use `./scripts/release.sh production`. Manifests live in [k8s](k8s/).

```bash
kubectl apply -f k8s/deployment.yaml
kubectl apply -f k8s/hpa.yaml
./deploy/rollout.sh
```

## License

[MIT](LICENSE)
"""

SERVICE_FILES = repo(
    "app/__init__.py",
    "app/main.py",
    "requirements.txt",
    ".env.example",
    "config/logging.sample.yaml",
    "docker/Dockerfile",
    "docs/architecture.md",
    "docs/img/flow.png",
    "docs/adr/0001-record.md",
    "tests/test_orders.py",
    "Makefile",
    "k8s/deployment.yaml",
    "LICENSE",
    "scripts/release.sh",
    "scripts/reset_db.sh",
    "deploy/rollout.sh",
)
SERVICE_MAKEFILE = """\
.PHONY: test fmt

test:
\tpytest -q

fmt:
\truff format .
"""


@pytest.fixture(scope="module")
def service() -> ReadmeFacts:
    return read_readme_facts(SERVICE, "README.md", SERVICE_FILES, makefile_text=SERVICE_MAKEFILE)


def test_service_stale_references(service: ReadmeFacts) -> None:
    at = lambda needle: line_of(SERVICE, needle)  # noqa: E731
    assert found(service) == {
        (at("[runbook]"), "docs/runbook.md#rollback", "link"),
        (at('<img src="docs/img/logo.svg"'), "docs/img/logo.svg", "link"),
        (at("-r requirements-dev.txt"), "requirements-dev.txt", "path"),
        (at("docker-compose.dev.yml"), "docker-compose.dev.yml", "path"),
        (at("seed_db.py"), "scripts/seed_db.py", "path"),
        (at("-m app.worker"), "app.worker", "command"),
        (at("cd migrations"), "migrations", "path"),
        (at("make lint"), "lint", "command"),
        (at("test_refunds.py"), "tests/test_refunds.py", "path"),
        (at("hpa.yaml"), "k8s/hpa.yaml", "path"),
    }


def test_service_reasons_name_the_missing_thing(service: ReadmeFacts) -> None:
    reasons = {ref.reference: ref.reason for ref in service.stale}
    assert reasons["docs/runbook.md#rollback"] == (
        "no file or directory 'docs/runbook.md' in the repository"
    )
    assert reasons["lint"] == "the Makefile has no target 'lint'"
    assert reasons["migrations"] == "no directory 'migrations' in the repository"
    assert "app/worker.py" in reasons["app.worker"]
    assert service.stale == tuple(sorted(service.stale, key=lambda ref: ref.line))


def test_service_topics(service: ReadmeFacts) -> None:
    assert service.path == "README.md"
    assert service.install == line_of(SERVICE, "## Installation")
    assert service.run == line_of(SERVICE, "## Running locally")
    assert service.test == line_of(SERVICE, "## Testing")


# --------------------------------------------------------------------------------------
# A CLI tool, reStructuredText.

CLI = """\
=======
csvtool
=======

.. image:: https://img.shields.io/pypi/v/csvtool.svg
   :target: https://pypi.org/project/csvtool

.. image:: docs/_static/logo.png
   :alt: logo

Convert between CSV, JSON and Parquet. See `the changelog <CHANGELOG.rst>`_,
`contributing <CONTRIBUTING.rst>`_, `the docs <https://csvtool.readthedocs.io>`__ and
`the style guide`_.

Installation
============

::

    pip install csvtool

From source::

    $ git clone https://github.com/acme/csvtool
    $ cd csvtool
    $ pip install -e .[test]

Usage
=====

.. code-block:: console
   :caption: Converting a file

   $ csvtool convert data.csv --to json
   $ python -m csvtool.cli --help
   $ python -m csvtool.legacy --help

.. code-block:: python

   import csvtool
   csvtool.convert("data.csv")

Development
===========

Run the tests with::

    tox -e py311
    python -m pytest tests/test_convert.py

Build the docs::

    make -C docs html

..
   Old instructions, kept for reference:
   python setup.py develop
   .. image:: docs/old.png

.. include:: docs/authors.rst

.. _style guide: docs/style.rst
.. _issue tracker: https://github.com/acme/csvtool/issues
"""

CLI_FILES = repo(
    "src/csvtool/__init__.py",
    "src/csvtool/cli.py",
    "CHANGELOG.rst",
    "docs/_static/logo.png",
    "docs/style.rst",
    "tests/test_convert.py",
    "pyproject.toml",
)


def test_cli_rst_stale_references() -> None:
    facts = read_readme_facts(CLI, "README.rst", CLI_FILES, frozenset({"csvtool"}))
    assert found(facts) == {
        (line_of(CLI, "`contributing <CONTRIBUTING.rst>`_"), "CONTRIBUTING.rst", "link"),
        (line_of(CLI, "csvtool.legacy"), "csvtool.legacy", "command"),
        (line_of(CLI, ".. include:: docs/authors.rst"), "docs/authors.rst", "link"),
    }
    legacy = next(ref for ref in facts.stale if ref.kind == "command")
    assert "src/csvtool/legacy.py" in legacy.reason


def test_cli_rst_topics() -> None:
    facts = read_readme_facts(CLI, "README.rst", CLI_FILES, frozenset({"csvtool"}))
    assert facts.install == line_of(CLI, "Installation")
    assert facts.run == line_of(CLI, "Usage")
    assert facts.test == line_of(CLI, "tox -e py311")  # no "Tests" heading: the command


# --------------------------------------------------------------------------------------
# Near misses: every line here looks like a reference, and none is stale.

NEAR_MISSES = """\
# imgtool

[![PyPI](https://img.shields.io/pypi/v/imgtool)](https://pypi.org/project/imgtool/)
[Issues](../../issues) · [Wiki](https://github.com/acme/imgtool/wiki) · [Mail](mailto:dev@acme.example)
[Top](#imgtool) · [Docs](/docs/) · [API](docs/api.md#functions "API reference")
[Coverage](htmlcov/index.html) · [me](someone@acme.example) · [site](www.acme.example)
[^1]: A footnote, not a link definition.

<!-- Old instructions, hidden from readers:
See [the old setup guide](docs/old-setup.md) and run `python scripts/old.py`.
-->

## Getting started

```sh
mkdir -p build && cd build
cmake .. && make
./bin/imgtool --version
```

```bash
python3 -m venv venv && . venv/bin/activate
python -m venv .venv-dev
source .venv-dev/bin/activate
pip install -e .
pip install ".[dev]"
pip install -e '.[test]'
pip install imgtool==2.1
python -m pytest -q
python -m http.server 8000
python -c "import imgtool; print(imgtool.__version__)"
cp config/settings.example.yaml ~/.config/imgtool/settings.yaml
cp credentials.json config/
python path/to/your_script.py
python my_script.py
python manage.py runserver
./node_modules/.bin/eslint .
docker compose logs -f api
docker compose exec api python scripts/inside_container.py
tail -f logs/app.log
pytest tests/test_api.py::test_health
FLASK_APP=app.py flask run
cp .env.example .env
source .env
uv run --with rich python manage.py check
make
bash <(curl -s https://example.com/install.sh)
cd ../sibling-repo
cd $PROJECT_ROOT
python scripts/after_unknown_cd.py
```

```console
$ ./scripts/check.sh
cp: cannot stat 'missing.txt': No such file or directory
./scripts/printed_by_the_tool.sh
```

```python
# Python, not shell:
python = "./scripts/not_a_command.py"
```

```
src/imgtool/old_module.py    <- a file listing, not a command
```

Save the snippet below as `hello.py`:

```python
import imgtool
```

```bash
python hello.py
python -m imgtool.cli
git clone https://github.com/acme/plugins.git
cd plugins/contrib
cat > notes.txt <<END
python missing_in_heredoc.py
END
npm run build && ./out/cli.js
go build -o server . && ./server
```

Run `python scripts/renamed.py` to regenerate fixtures (inline code is not a command).
"""

NEAR_MISS_FILES = repo(
    "docs/api.md",
    "config/settings.example.yaml",
    "manage.py",
    "scripts/check.sh",
    ".env.example",
    "tests/test_api.py",
    "app.py",
    "imgtool/__init__.py",
    "imgtool/cli.py",
    "Makefile",
    "pyproject.toml",
)


def test_near_misses_are_not_flagged() -> None:
    asked: list[str] = []

    def exists(path: str) -> bool:
        asked.append(path)
        return NEAR_MISS_FILES(path)

    facts = read_readme_facts(NEAR_MISSES, "README.md", exists, makefile_text="all:\n")
    assert facts.stale == ()
    # The near misses were examined and found present, not skipped wholesale.
    assert {
        "docs/api.md",
        "config/settings.example.yaml",
        "manage.py",
        "tests/test_api.py",
        ".env.example",
        "scripts/check.sh",
        "imgtool/cli.py",
    } <= set(asked)


# --------------------------------------------------------------------------------------
# Smaller, targeted cases.


def test_cd_into_created_or_cloned_directories() -> None:
    text = """\
Clone the repository, then:

```bash
cd orders-service
pip install -r requirements.txt
```

```bash
git clone https://github.com/acme/tools.git tools-checkout
cd tools-checkout/cli && ./build.sh
mkdir data && cd data && touch seed.csv
```

```bash
cd frontend
```
"""
    facts = read_readme_facts(text, "README.md", repo("requirements.txt", "cli/build.sh"))
    assert found(facts) == {(line_of(text, "cd frontend"), "frontend", "path")}


def test_commands_run_from_the_readme_directory_and_cd_targets() -> None:
    text = """\
See [the root README](../../README.md) and [shared docs](../../docs/ops.md).
[Outside](../../../elsewhere.md)

```bash
pip install -r requirements.txt
python manage.py migrate
cd ../worker && python run.py
cd ../../docs
python tools/gen.py
```
"""
    files = repo(
        "README.md",
        "services/api/requirements.txt",
        "services/api/manage.py",
        "services/worker/run.py",
        "docs/index.md",
    )
    facts = read_readme_facts(text, "services/api/README.md", files)
    assert facts.path == "services/api/README.md"
    assert found(facts) == {
        (1, "../../docs/ops.md", "link"),
        (line_of(text, "tools/gen.py"), "tools/gen.py", "path"),
    }


def test_monorepo_directories_named_in_prose_are_run_locations() -> None:
    text = """\
The API lives in `backend/`. From there:

```bash
pip install -r requirements.txt
python -m pytest tests/test_api.py
```
"""
    files = repo("backend/requirements.txt", "backend/tests/test_api.py")
    assert read_readme_facts(text, "README.md", files).stale == ()


def test_prose_mentions_only_excuse_bare_names() -> None:
    text = """\
Copy `.env.example` to `.env`, then save the snippet as `hello.py`. The
`scripts/seed.py` script fills the database.

```bash
cp .env.example .env
python hello.py
python scripts/seed.py
./run.sh
```
"""
    facts = read_readme_facts(text, "README.md", repo("README.md"))
    assert found(facts) == {
        (5, ".env.example", "path"),
        (7, "scripts/seed.py", "path"),
        (8, "./run.sh", "path"),
    }


def test_make_without_a_makefile_and_generated_makefiles() -> None:
    text = "```\nmake install\n```\n"
    facts = read_readme_facts(text, "README.md", repo("setup.py"))
    assert facts.stale == (
        StaleReference(2, "make install", "command", "no Makefile in the repository"),
    )
    configured = "Run `./configure` first.\n\n```\nmake install\n```\n"
    assert read_readme_facts(configured, "README.md", repo("configure.ac")).stale == ()


@pytest.mark.parametrize(
    ("makefile", "flagged"),
    [
        ("test lint: deps\n\tpytest\n", set()),
        ("test:: a\n\tpytest\nlint::\n\truff check .\n", set()),
        ("VERSION := 1.0\nX ?= y\ntest:\n\tpytest\n", {"lint"}),
        ("include common.mk\ntest:\n", set()),  # targets may come from the include
        ("%:\n\t@echo $@\n", set()),  # a pattern rule matches anything
        ("$(TARGETS):\n\tbuild $@\n", set()),
        ("define RECIPE\nlint:\nendef\ntest:\n", {"lint"}),
        ("test: ; pytest\n\techo 'lint: not a target'\n", {"lint"}),
    ],
)
def test_makefile_targets(makefile: str, flagged: set[str]) -> None:
    text = "```bash\nmake test\nmake lint\nmake -j4 VERBOSE=1 test\nmake -C docs html\n```\n"
    facts = read_readme_facts(text, "README.md", repo("Makefile"), makefile_text=makefile)
    assert {ref.reference for ref in facts.stale} == flagged


def test_python_modules_only_of_packages_in_the_repository() -> None:
    text = """\
```bash
python -m orders.api
python -m orders.jobs.nightly
python -m orders
python -m celery.bin.worker
gunicorn -w 4 -b 0.0.0.0:8000 orders.wsgi:application
uvicorn orders.asgi:app --host 0.0.0.0 --port 8000
uvicorn --app-dir services gone.main:app
hypercorn main:app
```
"""
    files = repo("src/orders/__init__.py", "src/orders/api/__init__.py", "src/orders/asgi.py")
    facts = read_readme_facts(text, "README.md", files)
    assert found(facts) == {
        (3, "orders.jobs.nightly", "command"),
        (6, "orders.wsgi:application", "command"),
    }


def test_console_transcripts_and_continuations() -> None:
    text = """\
```console
(venv) $ python tools/missing.py \\
>     --verbose
Traceback (most recent call last):
  File "tools/also_missing.py", line 1
user@host:~/orders$ bash ./scripts/gone.sh
```
"""
    facts = read_readme_facts(text, "README.md", repo("README.md"))
    assert found(facts) == {
        (2, "tools/missing.py", "path"),
        (6, "./scripts/gone.sh", "path"),
    }


def test_prompted_and_unprompted_redirections_create_files() -> None:
    text = """\
```bash
./scripts/export.sh > dump.sql 2>&1
psql < dump.sql
python tools/check.py dump.sql
echo "cp a b" >> notes.md
```
"""
    facts = read_readme_facts(text, "README.md", repo("scripts/export.sh"))
    assert found(facts) == {(4, "tools/check.py", "path")}


def test_html_comments_and_code_spans_hide_links() -> None:
    text = "Use `[x](gone.md)`.\n<!-- [y](gone2.md) -->\n[z](gone3.md)\n"
    facts = read_readme_facts(text, "README.md", repo("README.md"))
    assert found(facts) == {(3, "gone3.md", "link")}


def test_link_forms() -> None:
    text = """\
[spaces](<docs/My Guide.md>) [encoded](docs/My%20Guide.md) [query](docs/x.md?plain=1)
[root](/docs/x.md) [dir](docs/) [title](docs/x.md "Title") [up](./docs/../docs/x.md)
[glob](docs/*.md) [var](${DOCS}/x.md) [template]({{ site }}/x.md)
<a href="docs/missing.html">a</a>
"""
    files = repo("docs/My Guide.md", "docs/x.md")
    facts = read_readme_facts(text, "README.md", files)
    assert found(facts) == {(4, "docs/missing.html", "link")}


@pytest.mark.parametrize(
    ("text", "install", "run", "test"),
    [
        ("# Tool\n\nNothing useful here.\n", None, None, None),
        ("# Test Kitchen\n\nA library.\n", None, None, None),  # the title is not a topic
        ("# x\n\n## Running the tests\n\n", None, None, 3),
        ("# x\n\n## Setup\n\n## Usage\n\n## Tests\n", 3, 5, 7),
        ("# x\n\nInstall\n-------\n\nQuick start\n===========\n", 3, 6, None),
        ("# x\n\n```\npip3 install x\n```\n", 4, None, None),
        ("# x\n\n```\npoetry install\nnpm run test:unit\n```\n", 4, None, 5),
        ("# x\n\n* `uv sync`\n* `uv run pytest`\n", 3, None, 4),
        ("# x\n\nmake sure you have Python\nmake test\n", None, None, 4),
        ("# x\n\n```\ndocker compose up --build\n```\n", None, 4, None),
        ("# x\n\n```\npython manage.py runserver\npython manage.py test\n```\n", None, 4, 5),
        ("# x\n\n```\nflask --app hello run\n```\n", None, 4, None),
        ("# x\n\n```\nnpm ci && npm start\n```\n", 4, 4, None),
        ("# x\n\n```\n$ gunicorn app:app\n```\n", None, 4, None),
        ("# x\n\n```\ncsvtool --help\n```\n\ncsvtool is fast.\n", None, 4, None),
        ("# x\n\ncsvtool is fast.\n", None, None, None),  # prose naming the tool
        ("# x\n\n<h2>Installation</h2>\n", 3, None, None),
        ("x\n===\n\nTesting\n-------\n\n.. code-block:: bash\n\n   pytest\n", None, None, 4),
    ],
)
def test_topics(text: str, install: int | None, run: int | None, test: int | None) -> None:
    name = "README.rst" if ".. code-block::" in text else "README.md"
    facts = read_readme_facts(text, name, repo("x"), frozenset({"csvtool"}))
    assert (facts.install, facts.run, facts.test) == (install, run, test)


def test_find_readme(tmp_path: Path) -> None:
    assert find_readme(tmp_path) is None
    (tmp_path / "readme.txt").write_text("x")
    assert find_readme(tmp_path) == tmp_path / "readme.txt"
    (tmp_path / "Readme.rst").write_text("x")
    assert find_readme(tmp_path) == tmp_path / "Readme.rst"
    (tmp_path / "README.md").mkdir()  # a directory of that name is not the README
    assert find_readme(tmp_path) == tmp_path / "Readme.rst"
    assert find_readme(tmp_path / "missing") is None


@settings(max_examples=300)
@given(
    st.text(),
    st.sampled_from(["README.md", "README.rst", "docs/README", "a/b/README.txt"]),
    st.one_of(st.none(), st.text()),
    st.booleans(),
)
def test_arbitrary_text_never_raises(
    text: str, name: str, makefile: str | None, present: bool
) -> None:
    facts = read_readme_facts(text, name, lambda _path: present, frozenset({"x"}), makefile)
    lines = text.split("\n")
    for ref in facts.stale:
        assert 1 <= ref.line <= len(lines)
        assert ref.kind in ("path", "command", "link")


_FRAGMENTS = st.sampled_from(
    [
        "```bash",
        "```",
        "```console",
        "$ ",
        "::",
        ".. code-block:: sh",
        "    ",
        "cd ",
        "python ",
        "-m ",
        "pip install -r ",
        "make ",
        "cp ",
        "docker compose -f ",
        "[x](",
        ")",
        "<!--",
        "-->",
        "&& ",
        "\\",
        "'",
        '"',
        "<<EOF",
        "EOF",
        "a/b.py",
        "scripts/x.sh ",
        "\n",
        "\n\n",
        "# ",
        "Install\n=======\n",
        "`",
    ]
)


@settings(max_examples=300)
@given(
    st.lists(_FRAGMENTS, max_size=40).map("".join),
    st.sampled_from(["README.md", "README.rst"]),
)
def test_readme_shaped_text_never_raises(text: str, name: str) -> None:
    facts = read_readme_facts(text, name, lambda _path: False, makefile_text="all:\n")
    assert all(1 <= ref.line <= text.count("\n") + 1 for ref in facts.stale)


def test_a_readme_that_points_at_its_own_guides_says_how() -> None:
    text = (
        "Django\n======\n\nAll documentation is in the docs directory.\n\n"
        "* First, read docs/intro/install.txt for instructions on installing Django.\n"
        "* Next, work through the tutorials in order (docs/intro/tutorial01.txt).\n\n"
        "To run Django's test suite:\n\n"
        "* Follow the instructions in the Unit tests section of docs/internals/unit-tests.txt\n"
    )
    existing = {
        "docs/intro/install.txt",
        "docs/intro/tutorial01.txt",
        "docs/internals/unit-tests.txt",
    }
    facts = read_readme_facts(text, "README.rst", existing.__contains__)
    assert (facts.install, facts.run, facts.test) == (6, 7, 11)
    assert facts.stale == ()


def test_a_feature_named_testing_is_not_how_to_test() -> None:
    text = (
        "# app\n\n## Mailpit - Local Email Testing\n\nOpen it.\n\n## Building and testing\n\nmake\n"
    )
    facts = read_readme_facts(text, "README.md", lambda _: False)
    assert facts.test == 7
    pointer = "# app\n\n[Installation instructions](docs/install.md)\n"
    assert read_readme_facts(pointer, "README.md", {"docs/install.md"}.__contains__).install == 3
    assert read_readme_facts(pointer, "README.md", lambda _: False).install is None


def test_rst_inline_literals_point_at_guides_too() -> None:
    text = "Django\n======\n\n* First, read ``docs/intro/install.txt`` for instructions on installing Django.\n"
    facts = read_readme_facts(text, "README.rst", {"docs/intro/install.txt"}.__contains__)
    assert facts.install == 4


def test_a_screenshot_is_not_a_guide() -> None:
    text = "# app\n\n### Mailpit - Local Email Testing\n\n![Mailpit screenshot](img/mailpit.png)\n"
    facts = read_readme_facts(text, "README.md", {"img/mailpit.png"}.__contains__)
    assert facts.test is None
