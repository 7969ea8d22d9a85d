"""Where a file sits: production code or a developer's tool (not a rule)."""

from __future__ import annotations

import ast
import re

from prodready.scan.context import SERVICE_FACT, FileContext

# Top-level folders of developer tooling: release, maintenance and CI scripts run by hand
# from a checkout (`scripts/generate-changelog.py`, `tools/scan-deps.py`), not code that
# serves users.
SCRIPT_DIRS = frozenset(
    {
        "scripts",
        "script",
        "tools",
        "tool",
        "dev",
        "development",  # the docker dev environment's settings (`development/nautobot_config.py`)
        "devtools",
        "dev-tools",
        "dev_tools",
        "hack",
        "devstack",  # OpenStack's development-environment plugin (`devstack/tools/oidc/`)
        "extras",
        # Unix's folder of configuration and support files: no application imports a
        # package named `etc`, and gpt4free keeps its maintainers' tools in `etc/tool/`
        "etc",
        "ci",
        ".ci",  # pulpcore's `.ci/scripts/calc_constraints.py`
        ".github",
        ".circleci",
    }
)
# Top-level folders that hold hand-run admin scripts beside library code
# (`utils/create_assets_user/bulk_create_user.py` next to an importable `utils/` package):
# a file there counts as a script only when it runs as one.
# A top-level `docker/` folder holds the image's entrypoint and HEALTHCHECK programs
# (`docker/fetchstatus.py`), run by the container runtime, not imported by the app.
# `docker_assets/` and `docker-files/` are the same kind of folder under another name
# (`docker_assets/ffmpeg_download.py`, run by a Dockerfile `RUN` while the image builds).
# A top-level `data/`, `datasets/` or `preprocessing/` folder holds the programs that
# download and prepare datasets (Open-Assistant's `data/datasets/oa_stackexchange/download.py`,
# WikiChat's `preprocessing/get_all_wiki_sizes.py`), run offline.
SCRIPT_WHEN_RUN_DIRS = frozenset(
    {
        "utils",
        "util",
        "bin",
        "docker",
        "docker_assets",
        "docker-assets",
        "docker-files",
        "data",
        "datasets",
        "preprocessing",
        "preprocess",
    }
)
# A top-level `cli/` folder holds command-line programs: Liberapay's
# `cli/paypal_payout_countries.py` scrapes PayPal's site in a top-level loop and prints
# what a maintainer copies into the code. A module of a product's own command-line
# interface defines commands and parses arguments; it does not do its work as it is
# loaded, so only such a file counts as a script there.
SCRIPT_WHEN_FLAT_DIRS = frozenset({"cli"})
# Folders of end-to-end test support anywhere in the tree (`api/e2etests/seed_data.py`):
# code that exists for a test run, with the test users and passwords it seeds.
TEST_HARNESS_DIRS = frozenset({"e2e", "e2etests", "e2e_tests", "e2e-tests"})
# A top-level QA folder (`qa/utils/api_client.py`, `qa/scenarios/`): scripts that drive a
# running deployment for testers; a file there importing a web framework is still checked
# (a question-and-answer app may be named `qa`).
QA_DIRS = frozenset({"qa"})
# Folders named for scripts anywhere in the tree (`app/scripts/extract_strings.py`): below
# the top they sit inside application packages, so a file there counts as a developer
# script only when it runs as a program (a stand-alone program, or a `__main__` block
# running the file's `main()`, no web framework imported).
NESTED_SCRIPT_DIRS = frozenset({"scripts", "script"})
# Folders of evaluation and benchmark harnesses anywhere in the tree (openui's
# `backend/openui/eval/scrape.py`): a program there measures the app offline.
EVALUATION_DIRS = frozenset(
    {"eval", "evals", "evaluation", "evaluations", "benchmark", "benchmarks"}
)
# Folders named for experiments anywhere in the tree (Aleph's `contrib/play/esnames.py`):
# a file there that runs as a program is a developer trying something out.
PLAYGROUND_DIRS = frozenset({"play", "playground", "sandbox", "scratch"})
# Folders of a web app's static assets at any depth (`fec/static/js/data/`): files served
# to browsers as they are, so a program kept there is a build helper run by hand.
ASSET_DIRS = frozenset({"static", "assets"})
# Container health probes (`galaxy-operator/bin/readyz.py`, a Dockerfile HEALTHCHECK's
# `healthcheck.py`): the orchestrator runs them as programs and kills them at its own probe
# timeout, so a call in them cannot hang anything. A cron job in a `bin/` folder can.
_PROBE_STEMS = frozenset(
    {"readyz", "livez", "healthz", "healthcheck", "health_check", "readiness", "liveness"}
)
# What authors write when a module or a management command exists only for tests: "Minimal
# REST client used by the API test harness", "created for testing purposes of the import".
# "An endpoint for testing the webhook" is a feature, so plain "for testing" is not enough.
# A command "for use on Heroku review apps" sets up the throwaway copy deployed per pull
# request, and one "for local development only" a developer's machine: not production.
# A package that is a "testing framework for Airweave" drives the application from outside.
_TEST_PURPOSE = re.compile(
    r"(?i)\bfor testing purposes\b|\btest harness\b|\b(?:for )?testing only\b"
    r"|\b(?:only used|used only) (?:in|by) tests\b|\bused by (?:the )?tests\b"
    r"|\bheroku review apps?\b|\bfor (?:local )?development (?:purposes )?only\b"
    r"|\btest(?:ing)? framework for\b"
)
# A module docstring in which the file calls itself a script ("This script can be used to
# retrieve Zendesk tickets"): the author's word that it is run by hand.
_CALLS_ITSELF_SCRIPT = re.compile(r"(?i)\bthis script\b|^\s*(?:a |an )?(?:one-off )?script\b")
# How far into a file its header (comments, docstring) is looked for.
_HEADER_CHARS = 2000
# Modules that make a file a command-line program.
_CLI_MODULES = ("argparse", "optparse", "click", "typer", "fire", "docopt", "getopt")
# Stand-alone harnesses that drive a running app from outside: a CTF or health checker,
# an exploit or solver script kept beside the apps it attacks.
_HARNESS_STEMS = frozenset({"checker", "exploit", "solve", "solver", "poc"})


def script_dir(name: str) -> bool:
    """`scripts/`, or a name made of such words (Synapse's `scripts-dev/`, `ci-scripts/`)."""
    parts = re.split(r"[-_]", name)
    return name in SCRIPT_DIRS or (len(parts) > 1 and all(p in SCRIPT_DIRS for p in parts))


def _nested_script_dir(name: str) -> bool:
    """`scripts/`, or a folder named for a kind of scripts (FastChat's
    `serve/monitor/dataset_release_scripts/`, `migration-scripts/`); not a word that only
    ends in the letters (`transcripts/`), nor a private package of the library
    (Synapse's `synapse/_scripts/`, whose programs are installed as console commands)."""
    parts = re.split(r"[-_]", name)
    return all(parts) and parts[-1] in NESTED_SCRIPT_DIRS


def developer_script(ctx: FileContext) -> bool:
    """See `_developer_script`; asked by four rules of every file, so answered once."""
    known = ctx.memo.get("developer_script")
    if known is None:
        known = ctx.memo["developer_script"] = _developer_script(ctx)
    return known


def _developer_script(ctx: FileContext) -> bool:
    """A release, maintenance or CI script (under a top-level `scripts/`, `tools/`, `dev/`,
    `extras/`, `etc/`, `ci/`, `.ci/`... folder or one named with two such words, `scripts-dev/`, a
    program run by hand (or a file doing its work as it is loaded) under a top-level `utils/`,
    `bin/`, `docker/`, `data/` or `preprocessing/`, a file doing its work as it is loaded under
    a top-level `cli/`, a container health probe run as a program
    (`readyz.py`, `healthcheck.py`), a program with a `__main__` block, one doing its work at the
    top level or a django-extensions `run()` script in a `scripts/` (`dataset_release_scripts/`),
    `eval/` or `benchmarks/` folder deeper in the tree, a file doing its work at the top level in a
    `tools/` folder deeper in the tree, a module or management command whose own docstring or `help`
    says it is for tests, a management command that refuses to run outside development, or a
    stand-alone program at the top of the checkout, in a file whose name is no module name, or whose
    header shows running it by its file name), test support (an `e2e/` folder anywhere, a top-level
    `qa/` file importing no web framework), a program in a folder named for experiments (`play/`,
    `sandbox/`), a top-level module whose docstring calls it a script, a load test (`locustfile.py`,
    a Locust import), a program among static assets (`static/js/data/merge.py`), a module importing
    the project's development tooling (`from meta.dev.src...`) and no web framework, or its
    tests (`from temba.tests.integration import ...`), a plugin for a
    developer tool (a gitlint rule, a pylint checker) or a build hook (hatchling, setuptools), a
    file no `import` can name that does its work as it is loaded, an invoke or Fabric task file at
    the top of the checkout or in its top-level `tasks/` package, a script with PEP 723 inline
    metadata (`# /// script`) importing no web framework, a sample whose module-level settings are
    placeholders to fill in, a module building records with test factories, a module importing no
    web framework that writes files beside its own source, a code generator that writes a Python
    module named in its code (`open("app/emoji_db.py", "w")`), or a checker/exploit harness
    importing no web framework."""
    head, sep, _ = ctx.path.partition("/")
    if sep and script_dir(head.lower()):
        return True
    if sep and head.lower() in SCRIPT_WHEN_RUN_DIRS and (runs_as_script(ctx) or flat_script(ctx)):
        return True
    if sep and head.lower() in SCRIPT_WHEN_FLAT_DIRS and flat_script(ctx):
        return True
    if sep and head.lower() in QA_DIRS and SERVICE_FACT not in ctx.facts:
        return True
    folders = ctx.path.lower().split("/")[:-1]
    if any(f in TEST_HARNESS_DIRS for f in folders):
        return True
    stem = ctx.path.rsplit("/", 1)[-1].removesuffix(".py").lower()
    if stem in _PROBE_STEMS and runs_as_script(ctx):
        return True
    if declared_test_support(ctx):
        return True
    # `app/scripts/extract_strings.py`, `app/release_scripts/approve_all.py`,
    # `app/eval/scrape.py`: the folder already says "scripts" or "evaluation", so a
    # stand-alone program, a `__main__` block running the file's `main()` or reading
    # `sys.argv`, a django-extensions `run()` script, or a file that does its work as it
    # is loaded is a program run by hand
    if any(_nested_script_dir(f) or f in EVALUATION_DIRS for f in folders[1:]) and (
        standalone_program(ctx) or _main_program(ctx) or _runscript(ctx) or flat_script(ctx)
    ):
        return True
    # a nested `tools/` holds an agent's tools and shipped commands as often as scripts, so
    # only a file doing its work as it is loaded counts (HuixiangDou's
    # `web/tools/get_puyu_model_list.py`, which prints the models a token may use)
    if "tools" in folders[1:] and flat_script(ctx):
        return True
    if any(f in PLAYGROUND_DIRS for f in folders) and runs_as_script(ctx):
        return True
    # `get_zendesk_tickets.py` at the top of the checkout, "This script can be used to
    # retrieve Zendesk tickets", run from a shell: no package imports a top-level module
    # that describes itself that way, and it boots no framework
    if not sep and SERVICE_FACT not in ctx.facts and _calls_itself_script(ctx):
        return True
    # `upload-screenshots.py`, which no `import` statement can name, or a program at the
    # top of the checkout (`populate.py` beside the package): run by hand when stand-alone;
    # a file no `import` can name that does its work as it is loaded is one too (Ship It's
    # `taskcluster/scripts/codecov-upload.py`, a CI job that runs the uploader)
    if (not sep or not stem.isidentifier()) and standalone_program(ctx):
        return True
    if not stem.isidentifier() and flat_script(ctx):
        return True
    if standalone_program(ctx) and _header_shows_running_it(ctx, stem):
        return True
    if _development_only_command(ctx):
        return True
    # a load test (`locustfile.py`, Locust user classes) drives a deployment from outside
    if stem == "locustfile" or ctx.imports("locust"):
        return True
    if any(f in ASSET_DIRS for f in folders) and runs_as_script(ctx):
        return True
    if SERVICE_FACT not in ctx.facts and _built_on_dev_tooling(ctx):
        return True
    if _built_on_test_code(ctx):
        return True
    if any(ctx.imports(m) for m in _DEV_TOOL_MODULES) or _seeds_test_data(ctx):
        return True
    # a task file at the top of the checkout (a `fabfile.py`), or any module of a top-level
    # `tasks/` package (OSF's `tasks/__init__.py`, WikiChat's `tasks/preprocessing.py`);
    # inside the package, invoke may build the command the product ships (wger's
    # `wger bootstrap`)
    task_file = head in _TASK_FILE_STEMS if sep else stem in _TASK_FILE_STEMS
    if task_file and any(map(ctx.imports, _TASK_RUNNERS)):
        return True
    if SERVICE_FACT not in ctx.facts and _writes_into_own_tree(ctx):
        return True
    if _generates_python_source(ctx):
        return True
    if SERVICE_FACT not in ctx.facts and _INLINE_SCRIPT_METADATA.search(ctx.source):
        return True
    if _sample_to_fill_in(ctx):
        return True
    return stem in _HARNESS_STEMS and SERVICE_FACT not in ctx.facts


# PEP 723 inline metadata (`# /// script` then its dependencies): the file is a script
# that `uv run` or `pipx run` installs for and runs by hand (ragflow's
# `ragflow_deps/download_go_deps.py`, which fetches what a Docker image bakes in).
_INLINE_SCRIPT_METADATA = re.compile(r"(?m)^# /// script\s*$")
# A value that is a placeholder the reader must replace before the file can run:
# `{YOUR_IP_ADDRESS:PORT}/v1/...`, `http://<your-host>/api`, `<your-api-key>`; not a
# sentence that mentions one ("Set {your_host} in the settings").
_FILL_IN = re.compile(r"(?i)^(?:https?://)?[{<]\s*your[\s_-]")


def _sample_to_fill_in(ctx: FileContext) -> bool:
    """A module whose own settings are placeholders (ragflow's Discord bot sample:
    `URL = '{YOUR_IP_ADDRESS:PORT}/v1/api/completion_aibotk'`): it cannot run until someone
    copies and edits it, so it is a template shown to users, not a deployed program. Only
    a module-level constant counts; a placeholder in a message or a default is not one."""
    if "your" not in ctx.source.lower():
        return False
    for stmt in ctx.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
            and _FILL_IN.match(stmt.value.value)
        ):
            return True
    return False


# Developer tools whose plugin or rule APIs a module is written against (a gitlint rule
# that checks commit titles, a pylint checker, a nox session): it runs on a developer's
# machine or in CI, never where the service does. pytest is not one of them: a pytest
# plugin can be what a package ships (prodready's own mutation-testing plugin).
_DEV_TOOL_MODULES = (
    "gitlint",
    "pylint",
    "astroid",
    "flake8",
    "pre_commit",
    "mkdocs",
    "nox",
    # build backends: a build hook (conda-store's `hatch_build.py`, which downloads the UI
    # it bundles) runs when the package is built, not where it is served
    "hatchling",
    "setuptools",
    "pdm.backend",
    "poetry.core",
)
# Task runners whose task files a developer runs by hand (rebuild the search index, deploy).
_TASK_RUNNERS = ("invoke", "fabric", "fabric2")
_TASK_FILE_STEMS = frozenset({"tasks", "fabfile"})
# Test-data builders: factory_boy's package, and Django's model makers.
_FACTORY_BOY = "factory"
_MODEL_MAKERS = frozenset({"model_bakery", "model_mommy"})


def _seeds_test_data(ctx: FileContext) -> bool:
    """A module building records with test factories (udata's `commands/fixtures.py`:
    `from udata.core.dataset.factories import DatasetFactory`, "Commands to generate and
    import fixtures locally"): it makes sample data for a developer's instance. A factory
    class is recognised by its name (`...Factory` from a `factories` module or from
    factory_boy), so an app-factory module (`from app.factory import create_app`) is not."""
    for node in ctx.import_nodes:
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        parts = node.module.split(".")
        if parts[0] in _MODEL_MAKERS and not node.level:
            return True
        from_factories = parts[-1] == "factories" or (parts[0] == _FACTORY_BOY and not node.level)
        if from_factories and any(a.name.endswith("Factory") for a in node.names):
            return True
    return False


# `open()` modes that create or change a file.
_WRITE_MODE = re.compile(r"[wax+]")


def _writes_into_own_tree(ctx: FileContext) -> bool:
    """A module that writes files next to its own source (Thunderbird Appointment's
    `download_legal.py`: `open(f"{os.path.dirname(__file__)}/../tmp/legal/...", "w")`,
    "check you're not getting a 404 before committing"): a generator run from a checkout,
    whose output a developer commits. A deployed service does not write into its code."""
    if "__file__" not in ctx.source:
        return False
    for call in ctx.calls:
        if not call.args or not _mentions_own_file(call.args[0]):
            continue
        if ctx.call_name(call) == "open" and _opens_for_writing(call):
            return True
    return False


def _opens_for_writing(call: ast.Call) -> bool:
    """`open(path, "w")`, `open(path, mode="a+")`: a mode written out that writes."""
    mode = call.args[1] if len(call.args) > 1 else None
    for kw in call.keywords:
        if kw.arg == "mode":
            mode = kw.value
    return (
        isinstance(mode, ast.Constant)
        and isinstance(mode.value, str)
        and _WRITE_MODE.search(mode.value) is not None
    )


def _generates_python_source(ctx: FileContext) -> bool:
    """A module that writes a Python module named in its code (Karrot's `make_emoji_list`
    command: `FILENAME = 'karrot/conversations/emoji_db.py'`, then `open(FILENAME, 'w')`):
    a code generator a developer runs to regenerate a file the repository keeps. A
    deployed service writes data, not its own source."""
    if ".py" not in ctx.source:
        return False
    for call in ctx.calls:
        if ctx.call_name(call) != "open" or not call.args:
            continue
        path = call.args[0]
        if isinstance(path, ast.Name):
            path = ctx.module_constants.get(path.id, path)
        if (
            isinstance(path, ast.Constant)
            and isinstance(path.value, str)
            and path.value.endswith(".py")
            and _opens_for_writing(call)
        ):
            return True
    return False


def _mentions_own_file(node: ast.expr) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "__file__" for n in ast.walk(node))


def _built_on_dev_tooling(ctx: FileContext) -> bool:
    """A module importing from the project's development tooling (OpenSlides'
    `cli/util/util.py`: `from meta.dev.src.helper_get_names import ...`): what needs the
    dev helpers to run is itself a developer's tool, not code the service runs."""
    return any(set(q.split(".")[:-1]) & _DEV_PACKAGES for q in ctx.aliases.values())


_DEV_PACKAGES = frozenset({"dev", "devtools", "dev_tools"})


def _built_on_test_code(ctx: FileContext) -> bool:
    """A module importing from the project's tests (RapidPro's `msg_console` command:
    `from temba.tests.integration import Messenger`, or `from ..tests import factories`):
    what needs the test suite to run is a developer's tool, even when it boots the
    framework, since a deployed service does not ship or load its tests. A library's
    testing helpers (`django.test`, `numpy.testing`) are another package's, not tests.
    Only imports at the top of the module count: one inside a function may serve a branch
    that only runs under test."""
    for node in ctx.tree.body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif node.module:
            modules = [node.module]
        else:  # `from . import tests`
            modules = [alias.name for alias in node.names]
        if any("tests" in module.split(".") for module in modules):
            return True
    return False


# Settings that say the process runs on a developer's machine.
_DEVELOPMENT_SETTING = re.compile(
    r"^settings\.(?:DEBUG|DEVELOPMENT|DEV|DEV_MODE|DEVELOPMENT_MODE)$"
)


# Flask's flag for its debug mode; Django's is one of `_DEVELOPMENT_SETTING`.
_FLASK_DEBUG = re.compile(r"^(?:current_)?app\.debug$")


def in_development_branch(ctx: FileContext, node: ast.AST) -> bool:
    """Is `node` in the body of `if settings.DEBUG:` (also an `elif`, or the flag `and`-ed
    with another test) or Flask's `if app.debug:`? That branch is meant for a developer's
    machine: Care prints a patient's login code there, where production sends it by SMS."""
    if "DEBUG" not in ctx.source and "DEV" not in ctx.source and ".debug" not in ctx.source:
        return False
    child, parent = node, ctx.parents.get(node)
    while parent is not None:
        if isinstance(parent, ast.If) and child in parent.body:
            test = parent.test
            tests = (
                test.values
                if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And)
                else [test]
            )
            texts = [_flag_text(t) for t in tests]
            if any(_DEVELOPMENT_SETTING.match(t) or _FLASK_DEBUG.match(t) for t in texts):
                return True
        child, parent = parent, ctx.parents.get(parent)
    return False


def _flag_text(test: ast.expr) -> str:
    """`settings.DEBUG` also for `getattr(settings, "DEBUG", False)` (Studio's service
    worker view), which reads the same flag where a settings module may lack it."""
    if (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "getattr"
        and len(test.args) >= 2
        and isinstance(test.args[1], ast.Constant)
        and isinstance(test.args[1].value, str)
    ):
        return f"{ast.unparse(test.args[0])}.{test.args[1].value}"
    return ast.unparse(test)


def _development_only_command(ctx: FileContext) -> bool:
    """A Django management command whose `handle()` stops unless the settings say
    development (CourtListener's `clone_from_cl`: `if not settings.DEVELOPMENT:
    self.stdout.write("Error: Command not enabled for production environment"); return`):
    it never runs where the service does."""
    if "settings.DEV" not in ctx.source and "settings.DEBUG" not in ctx.source:
        return False
    for cls in ctx.classes:
        if cls.name != "Command":
            continue
        for method in cls.body:
            if isinstance(method, ast.FunctionDef) and method.name == "handle":
                return any(_stops_outside_development(stmt) for stmt in method.body)
    return False


def _stops_outside_development(stmt: ast.stmt) -> bool:
    """`if not settings.DEVELOPMENT: ... return` (or raise, or exit)."""
    if not isinstance(stmt, ast.If) or stmt.orelse:
        return False
    test = stmt.test
    if not isinstance(test, ast.UnaryOp) or not isinstance(test.op, ast.Not):
        return False
    if not _DEVELOPMENT_SETTING.match(ast.unparse(test.operand)):
        return False
    last = stmt.body[-1]
    if isinstance(last, ast.Return | ast.Raise):
        return True
    return (
        isinstance(last, ast.Expr)
        and isinstance(last.value, ast.Call)
        and ast.unparse(last.value.func) in ("sys.exit", "exit", "quit")
    )


def _calls_itself_script(ctx: FileContext) -> bool:
    """The first paragraph of the module docstring calls the file a script."""
    summary = (ast.get_docstring(ctx.tree) or "").split("\n\n", 1)[0]
    return _CALLS_ITSELF_SCRIPT.search(summary) is not None


def _header_shows_running_it(ctx: FileContext, stem: str) -> bool:
    """The file's header tells how to run it by its own file name (Socorro's `# Usage:
    python socorro/schemas/validate_telemetry_socorro_crash.py`), or shows a usage example
    that runs a Python file (CosyVoice's `infer_cosyvoice3.py`, whose "Example Usage" still
    runs it by its former name, after the environment variables it needs): a program run
    by hand from a checkout. A command users install is run by its command name instead."""
    head = ctx.source[:_HEADER_CHARS]
    if re.search(rf"(?i)\busage:\s*(?:python3?\s+)?(?:\S*/)?{re.escape(stem)}\.py\b", head):
        return True
    return _USAGE_EXAMPLE.search(head) is not None


# "Example Usage" or "Usage:", then within a few lines `python3 some/file.py`.
_USAGE_EXAMPLE = re.compile(r"(?is)\busage\b.{0,300}?\bpython3?\s+(?:\S*/)?[\w.-]+\.py\b")


def declared_test_support(ctx: FileContext) -> bool:
    """The first paragraph of the module's docstring, or the `help` of a command class it
    defines, says the code exists for tests ("Minimal REST client used by the API test
    harness", "created for testing purposes"): the authors' own word that it does not
    serve users. Later paragraphs tell users how to test with the module ("You can mock
    the runtime attributes for testing purposes by..."), which says nothing of the kind."""
    texts = [(ast.get_docstring(ctx.tree) or "").split("\n\n", 1)[0]]
    for node in ctx.tree.body:
        if isinstance(node, ast.ClassDef):
            texts.extend(
                stmt.value.value
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "help" for t in stmt.targets)
                and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, str)
            )
    return any(_TEST_PURPOSE.search(text) for text in texts)


def runs_as_script(ctx: FileContext) -> bool:
    """Is the file a program run from a terminal: a shebang, an `if __name__ == "__main__":`
    block, a command-line parser (argparse, click...) or `sys.argv`? A module of helpers
    that the application imports has none of these."""
    if ctx.source.startswith("#!"):
        return True
    if any(ctx.imports(m) for m in _CLI_MODULES):
        return True
    if "sys.argv" in ctx.source and ctx.imports("sys"):
        return True
    return any(main_guard(stmt) for stmt in ctx.tree.body)


def standalone_program(ctx: FileContext) -> bool:
    """A program written to be run by hand, not a module the service runs: it has an
    `if __name__ == "__main__":` block and says so again with a shebang or a command-line
    parser (argparse, click...), and it imports no web, task or RPC framework. A helper
    that only has a `__main__` block for a quick self-test, or a job that boots the
    application's framework, is not one."""
    if SERVICE_FACT in ctx.facts or not any(main_guard(stmt) for stmt in ctx.tree.body):
        return False
    return ctx.source.startswith("#!") or any(ctx.imports(m) for m in _CLI_MODULES)


def flat_script(ctx: FileContext) -> bool:
    """A file that does its work at the top level, with no `__main__` block: a loop, a
    `print()` or a command run (`subprocess.run(...)`) among its module statements
    (FastChat's `approve_all.py`, which fetches the pending requests and grants each one in
    a top-level `for`), importing no web, task or RPC framework. A module the application
    imports defines things; it does not loop, print or run commands as it is loaded."""
    if SERVICE_FACT in ctx.facts:
        return False
    return any(
        isinstance(stmt, ast.For | ast.AsyncFor | ast.While)
        or (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Call)
            and (
                (isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "print")
                or ctx.call_name(stmt.value).startswith("subprocess.")
            )
        )
        for stmt in ctx.tree.body
    )


def _main_program(ctx: FileContext) -> bool:
    """`if __name__ == "__main__": main()` calling the file's own `main` function, or a
    `__main__` block that reads its command line (OctoBot's `clear_cache(sys.argv[1:])`),
    in a file importing no web, task or RPC framework: the file is a program run with
    arguments. A `__main__` block for a quick self-test is not enough."""
    if SERVICE_FACT in ctx.facts:
        return False
    defined = {f.name for f in ctx.tree.body if isinstance(f, ast.FunctionDef)}
    return any(
        main_guard(stmt)
        and any(
            (
                "main" in defined
                and isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "main"
            )
            or _reads_argv(node)
            for node in ast.walk(stmt)
        )
        for stmt in ctx.tree.body
    )


def _runscript(ctx: FileContext) -> bool:
    """A django-extensions script: a module of an app's `scripts/` folder with a top-level
    `run()` (OpenCodelists' `codelists/scripts/update_nhs_refsets.py`, run as
    `manage.py runscript update_nhs_refsets`). It boots Django to run once, by hand."""
    return any(isinstance(node, ast.FunctionDef) and node.name == "run" for node in ctx.tree.body)


def _reads_argv(node: ast.AST) -> bool:
    """`sys.argv`"""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "argv"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def main_guard(stmt: ast.stmt) -> bool:
    """`if __name__ == "__main__":`, also with more conditions that must hold as well
    (AutoGen's `if __name__ == "__main__" and __package__ is None:`): the block still
    runs only when the file is run as a program."""
    if not isinstance(stmt, ast.If):
        return False
    test = stmt.test
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    return any(_names_main(part) for part in parts)


def _names_main(test: ast.expr) -> bool:
    """`__name__ == "__main__"`"""
    if not isinstance(test, ast.Compare):
        return False
    sides = [test.left, *test.comparators]
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides) and any(
        isinstance(n, ast.Constant) and n.value == "__main__" for n in sides
    )


def main_only_lines(ctx: FileContext) -> list[tuple[int, int]]:
    """The lines only a run as a program reaches: the `if __name__ == "__main__":` block,
    and the private functions (`_download_url`) that only it, or other such functions,
    call. A module the service imports for its helpers (`external_libraries.py`, whose
    `__main__` block downloads build-time assets) runs none of them when serving."""
    blocks = [stmt for stmt in ctx.tree.body if main_guard(stmt)]
    if not blocks:
        return []
    private = {
        f.name: f
        for f in ctx.tree.body
        if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) and f.name.startswith("_")
    }
    # where each private function's name is used, by the top-level statement it sits in
    used_in: dict[str, set[int]] = {name: set() for name in private}
    for index, stmt in enumerate(ctx.tree.body):
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Name)
                and node.id in used_in
                and stmt is not private.get(node.id)
            ):
                used_in[node.id].add(index)
    reached = {index for index, stmt in enumerate(ctx.tree.body) if stmt in blocks}
    changed = True
    while changed:
        changed = False
        for name, uses in used_in.items():
            index = ctx.tree.body.index(private[name])
            if index not in reached and uses and uses <= reached:
                reached.add(index)
                changed = True
    return [
        (stmt.lineno, stmt.end_lineno or stmt.lineno)
        for index, stmt in enumerate(ctx.tree.body)
        if index in reached
    ]
