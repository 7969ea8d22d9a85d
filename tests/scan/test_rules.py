"""Each rule against its fixture: exactly the marked lines fire."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from prodready.scan.cache import ScanCache
from prodready.scan.engine import assemble, scan_paths, scan_source
from prodready.scan.registry import CATEGORIES, all_rules
from tests.scan.harness import FIXTURES, app_findings, check_fixture, flagged_lines


def fixture_for(rule_id: str) -> str:
    matches = sorted(p.name for p in FIXTURES.glob(f"{rule_id}_*.py"))
    assert matches, f"rule {rule_id} has no fixture file"
    return matches[0]


@pytest.mark.parametrize("rule_id", sorted(all_rules()))
def test_rule_fires_on_exactly_the_marked_lines(rule_id: str) -> None:
    check_fixture(fixture_for(rule_id), rule_id)


def test_every_rule_is_documented_and_categorised() -> None:
    for rule in all_rules().values():
        assert rule.category in CATEGORIES
        assert rule.what and rule.why and rule.example and rule.fix


def test_unbounded_queue_only_in_service_code() -> None:
    library = "import queue\n\njobs = queue.Queue()\n"
    assert flagged_lines(library, "PR110") == []
    service = "import queue\nimport flask\n\njobs = queue.Queue()\n"
    assert flagged_lines(service, "PR110") == [4]
    for server in ("cherrypy", "bottle", "waitress"):  # Tautulli serves with CherryPy
        served = f"import queue\nimport {server}\n\njobs = queue.Queue()\n"
        assert flagged_lines(served, "PR110") == [4], server


_NO_TIMEOUT = (
    "import requests\n\n\ndef load_releases_page(page):\n"
    '    return requests.get(f"https://api.github.com/repos/o/r/releases?page={page}").json()\n'
)


def test_developer_scripts_need_no_timeout() -> None:
    for rel in (
        "scripts/generate-changelog.py",
        "tools/scan-deps.py",
        "extras/authors/generate_authors_api.py",
        "md/checker.py",
        ".ci/scripts/calc_constraints.py",  # pulpcore's CI helpers
        "ci/collect_changes.py",
        "scripts-dev/federation_client.py",  # Synapse's developer tools
        "etc/tool/contributers.py",  # gpt4free's maintainers' tools
    ):
        assert flagged_lines(_NO_TIMEOUT, "PR101", rel=rel) == [], rel
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="app/services/releases.py") == [5]
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="dev-portal/views.py") == [5]
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="app/etc/releases.py") == [5]
    # a top-level utils/ or bin/ folder: its programs are run by hand, its modules imported
    for header in ("#!/usr/bin/env python\n", "import sys\nprint(sys.argv)\n"):
        admin_script = header + _NO_TIMEOUT
        lines = len(header.splitlines())
        assert flagged_lines(admin_script, "PR101", rel="utils/users/bulk_create_user.py") == []
        assert flagged_lines(admin_script, "PR101", rel="bin/sync.py") == []
        assert flagged_lines(admin_script, "PR101", rel="docker_assets/download.py") == []
        # a container readiness probe, run by the orchestrator; a cron job in bin/ can hang
        assert flagged_lines(admin_script, "PR101", rel="galaxy-operator/bin/readyz.py") == []
        assert flagged_lines(admin_script, "PR101", rel="nav/bin/update_ouis.py") == [5 + lines]
        assert flagged_lines(admin_script, "PR101", rel="app/sync.py") == [5 + lines]
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="app/health/readyz.py") == [5]  # imported
    main_block = _NO_TIMEOUT + '\n\nif __name__ == "__main__":\n    load_releases_page(1)\n'
    assert flagged_lines(main_block, "PR101", rel="utils/releases.py") == []
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="utils/releases.py") == [5]  # imported
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="docker_assets/releases.py") == [5]
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="app/scripts/sync.py") == [5]  # in the app
    # a folder named for a kind of scripts (FastChat's `dataset_release_scripts/`)
    release = "app/monitor/dataset_release_scripts/approve_all.py"
    program = "import requests\n\npending = requests.get(URL)\nprint(pending.json())\n"
    assert flagged_lines(program, "PR101", rel=release) == []
    assert flagged_lines(program, "PR101", rel="app/migration-scripts/move.py") == []
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel=release) == [5]  # a module, imported
    assert flagged_lines(program, "PR101", rel="app/transcripts/fetch.py") == [3]
    # a private package of the library: installed console commands (Synapse's `_scripts/`)
    assert flagged_lines(program, "PR101", rel="synapse/_scripts/register.py") == [3]
    looped = "import requests\n\nfor user in USERS:\n    requests.post(URL, json=user)\n"
    assert flagged_lines(looped, "PR101", rel=release) == []
    assert flagged_lines(looped, "PR101", rel="app/release/approve_all.py") == [4]
    served = "import flask\n" + looped
    assert flagged_lines(served, "PR101", rel=release) == [5]
    # a nested `tools/` folder holds an agent's tools too: only a file that does its work as
    # it is loaded is a program there (HuixiangDou's `web/tools/get_puyu_model_list.py`)
    assert flagged_lines(program, "PR101", rel="web/tools/get_model_list.py") == []
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="app/agents/tools/search.py") == [5]
    assert flagged_lines(main_block, "PR101", rel="luigi/tools/luigi_grep.py") == [5]
    # an evaluation harness in the app (openui's `eval/scrape.py`), a dataset download
    # program (Open-Assistant's `data/datasets/`); their modules are still checked
    assert flagged_lines(looped, "PR101", rel="backend/openui/eval/scrape.py") == []
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="backend/openui/eval/metrics.py") == [5]
    # a `__main__` test with more conditions (AutoGen's benchmark set-up scripts)
    guarded = _NO_TIMEOUT + (
        "\n\ndef main():\n    load_releases_page(1)\n\n\n"
        'if __name__ == "__main__" and __package__ is None:\n    main()\n'
    )
    init_tasks = "packages/agbench/benchmarks/HumanEval/Scripts/init_tasks.py"
    assert flagged_lines(guarded, "PR101", rel=init_tasks) == []
    assert flagged_lines(guarded.replace(" and ", " or "), "PR101", rel=init_tasks) == [5]
    assert flagged_lines(main_block, "PR101", rel="data/datasets/stackexchange/download.py") == []
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="data/datasets/stackexchange/load.py") == [5]
    # WikiChat's `preprocessing/`: an argparse program, and one that scrapes as it is loaded
    argv = "import argparse\n" + main_block
    assert flagged_lines(argv, "PR101", rel="preprocessing/get_all_wiki_sizes.py") == []
    assert flagged_lines(looped, "PR101", rel="preprocessing/get_words.py") == []
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="preprocessing/utils.py") == [5]
    assert flagged_lines(main_block, "PR101", rel="backend/data/download.py") == [5]
    # Liberapay's `cli/`: a program that scrapes as it is loaded is run by hand; a module
    # of a product's command-line interface, even one run as a program, is checked
    assert flagged_lines(looped, "PR101", rel="cli/paypal_payout_countries.py") == []
    assert flagged_lines(argv, "PR101", rel="cli/commands.py") == [6]
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="cli/client.py") == [5]
    assert flagged_lines(looped, "PR101", rel="app/cli/sync.py") == [4]
    # a program whose header shows running it by its path, from a checkout (Socorro)
    program = "#!/usr/bin/env python\nimport click\n" + main_block
    usage = "# Usage: python socorro/schemas/validate_crash.py\n" + program
    assert flagged_lines(usage, "PR101", rel="socorro/schemas/validate_crash.py") == []
    assert flagged_lines(program, "PR101", rel="socorro/schemas/validate_crash.py") == [7]
    # a usage example running a Python file, by a name the program no longer has (CosyVoice)
    example = (
        '"""Example Usage\n    CUDA_VISIBLE_DEVICES=0 \\\n    python3 infer_v3_token2wav.py\n"""\n'
    )
    assert flagged_lines(example + program, "PR101", rel="runtime/infer_v3.py") == []
    assert flagged_lines(example + _NO_TIMEOUT, "PR101", rel="runtime/infer_v3.py") == [9]
    # a command that regenerates a module the repository keeps (Karrot's make_emoji_list)
    generator = (
        "import requests\nfrom django.core.management.base import BaseCommand\n\n"
        "FILENAME = 'karrot/conversations/emoji_db.py'\n\n\n"
        "class Command(BaseCommand):\n"
        "    def handle(self, *args, **options):\n"
        "        emoji = requests.get(SOURCE_URL).json()\n"
        "        with open(FILENAME, 'w') as f:\n"
        "            f.write(repr(emoji))\n"
    )
    rel = "karrot/conversations/management/commands/make_emoji_list.py"
    assert flagged_lines(generator, "PR101", rel=rel) == []
    data_file = generator.replace("emoji_db.py'", "emoji_db.json'")
    assert flagged_lines(data_file, "PR101", rel=rel) == [9]
    read_only = generator.replace("open(FILENAME, 'w')", "open(FILENAME)")
    assert flagged_lines(read_only, "PR101", rel=rel) == [9]
    command = "# Usage: socorro-validate [--all]\n" + program
    assert flagged_lines(command, "PR101", rel="socorro/schemas/validate_crash.py") == [8]
    service_checker = "import flask\n" + _NO_TIMEOUT
    assert flagged_lines(service_checker, "PR101", rel="health/checker.py") == [6]
    # a program in a folder named for experiments; a module there that a program imports
    assert flagged_lines(main_block, "PR101", rel="contrib/play/esnames.py") == []
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="contrib/play/esnames.py") == [5]
    assert flagged_lines(main_block, "PR101", rel="contrib/display/render.py") == [5]


def test_load_tests_static_asset_programs_and_dev_tooling_need_no_timeout() -> None:
    """FEC's `locustfile.py` and `fec/static/js/data/merge_shape_files.py`, OpenSlides'
    `cli/util/util.py` built on `meta.dev.src`; a module of the app is still checked."""
    main_block = _NO_TIMEOUT + '\n\nif __name__ == "__main__":\n    load_releases_page(1)\n'
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="locustfile.py") == []
    locust = "from locust import HttpUser, task\n" + _NO_TIMEOUT
    assert flagged_lines(locust, "PR101", rel="perf/search.py") == []
    assert flagged_lines(main_block, "PR101", rel="fec/static/js/data/merge.py") == []
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="fec/static/js/data/merge.py") == [5]
    dev = "from meta.dev.src.helper_get_names import COLLECTIONS\n" + _NO_TIMEOUT
    assert flagged_lines(dev, "PR101", rel="cli/util/util.py") == []
    settings = "from app.settings.base import COLLECTIONS\n" + _NO_TIMEOUT
    assert flagged_lines(settings, "PR101", rel="cli/util/util.py") == [6]
    served = "import flask\n" + dev
    assert flagged_lines(served, "PR101", rel="app/views.py") == [7]
    # RapidPro's `msg_console` command drives a local courier with the test suite's helpers
    command = "from django.core.management.base import BaseCommand\n"
    console = "temba/msgs/management/commands/msg_console.py"
    for tests in (
        "from temba.tests.integration import Messenger\n",
        "from ..tests import factories\n",
        "from . import tests\n",
        "import tests.helpers\n",
    ):
        assert flagged_lines(command + tests + _NO_TIMEOUT, "PR101", rel=console) == [], tests
    for other in (
        "from django.test import RequestFactory\n",
        "from numpy.testing import assert_allclose\n",
        "from temba.contests import Contest\n",
    ):
        assert flagged_lines(command + other + _NO_TIMEOUT, "PR101", rel=console) == [7], other
    lazy = _NO_TIMEOUT + "\n\ndef seed():\n    from temba.tests import factories\n"
    assert flagged_lines(command + lazy, "PR101", rel=console) == [6]


def test_a_file_no_import_can_name_that_works_as_it_loads_needs_no_timeout() -> None:
    """Ship It's `taskcluster/scripts/codecov-upload.py` fetches a secret and runs the
    uploader at the top level: a CI job. The same code in an importable module, or a
    hyphenated file that only defines things, is still checked."""
    job = _NO_TIMEOUT + "\nimport subprocess\nsubprocess.run(['codecov'], check=True)\n"
    assert flagged_lines(job, "PR101", rel="taskcluster/scripts/codecov-upload.py") == []
    assert flagged_lines(job, "PR101", rel="taskcluster/ci/codecov-upload.py") == []
    assert flagged_lines(job, "PR101", rel="shipit/codecov_upload.py") == [5]
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="shipit/codecov-upload.py") == [5]


def test_inline_metadata_scripts_and_samples_to_fill_in_need_no_timeout() -> None:
    """ragflow's `ragflow_deps/download_go_deps.py` declares its dependencies with PEP 723
    metadata for `uv run`; its `rag/svr/discord_svr.py` is a bot sample whose URL is
    `{YOUR_IP_ADDRESS:PORT}`. A placeholder in a message, or an inline-metadata file that
    serves a web app, is still checked."""
    pep723 = '# /// script\n# dependencies = ["requests"]\n# ///\n' + _NO_TIMEOUT
    assert flagged_lines(pep723, "PR101", rel="ragflow_deps/download_go_deps.py") == []
    served = '# /// script\n# dependencies = ["flask"]\n# ///\nimport flask\n' + _NO_TIMEOUT
    assert flagged_lines(served, "PR101", rel="app.py") == [9]
    sample = "URL = '{YOUR_IP_ADDRESS:PORT}/v1/api/completion'\n" + _NO_TIMEOUT
    assert flagged_lines(sample, "PR101", rel="rag/svr/discord_svr.py") == []
    told = "HELP = 'Set {your_host} in the settings'\n" + _NO_TIMEOUT
    assert flagged_lines(told, "PR101", rel="rag/svr/discord_svr.py") == [6]
    message = "import logging\nlogging.info('set <your key>')\n" + _NO_TIMEOUT
    assert flagged_lines(message, "PR101", rel="rag/svr/bot.py") == [7]


def test_dev_tool_plugins_fixture_builders_and_committed_generators_need_no_timeout() -> None:
    """La Suite Docs' gitlint rule, udata's `commands/fixtures.py` built on its test
    factories, Thunderbird Appointment's `download_legal.py` writing beside its source."""
    gitlint = "from gitlint.rules import LineRule\n" + _NO_TIMEOUT
    assert flagged_lines(gitlint, "PR101", rel="gitlint/gitlint_emoji.py") == []
    invoke = "import invoke\nfrom invoke import Collection\n" + _NO_TIMEOUT  # OSF's tasks/
    assert flagged_lines(invoke, "PR101", rel="tasks/__init__.py") == []
    tasks = "from invoke import task\n" + _NO_TIMEOUT  # WikiChat's corpus downloads
    assert flagged_lines(tasks, "PR101", rel="tasks/preprocessing.py") == []
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="tasks/preprocessing.py") == [5]
    assert flagged_lines(tasks, "PR101", rel="app/tasks/preprocessing.py") == [6]
    fabric = "from fabric import task\n" + _NO_TIMEOUT
    assert flagged_lines(fabric, "PR101", rel="fabfile.py") == []
    shipped = "from invoke import Program, task\n" + _NO_TIMEOUT  # wger's `wger bootstrap`
    assert flagged_lines(shipped, "PR101", rel="wger/tasks.py") == [6]
    hook = "from hatchling.builders.hooks.plugin.interface import BuildHookInterface\n"
    assert flagged_lines(hook + _NO_TIMEOUT, "PR101", rel="server/hatch_build.py") == []
    setup = "from setuptools import setup\n" + _NO_TIMEOUT
    assert flagged_lines(setup, "PR101", rel="setup.py") == []
    plugin = "import pytest\n" + _NO_TIMEOUT  # a pytest plugin may be what a package ships
    assert flagged_lines(plugin, "PR101", rel="pkg/pytest_plugin.py") == [6]
    fixtures = "import flask\nfrom udata.core.dataset.factories import DatasetFactory\n"
    assert flagged_lines(fixtures + _NO_TIMEOUT, "PR101", rel="udata/commands/fixtures.py") == []
    boy = "from factory.django import DjangoModelFactory\n" + _NO_TIMEOUT
    assert flagged_lines(boy, "PR101", rel="app/seed.py") == []
    app_factory = "import flask\nfrom app.factory import create_app\n" + _NO_TIMEOUT
    assert flagged_lines(app_factory, "PR101", rel="app/jobs.py") == [7]
    session = "from app.factories import make_session\n" + _NO_TIMEOUT
    assert flagged_lines(session, "PR101", rel="app/jobs.py") == [6]
    writer = (
        "import os\n"
        + _NO_TIMEOUT
        + "\n\ndef run():\n"
        + '    with open(f"{os.path.dirname(__file__)}/../tmp/terms.html", "w") as fh:\n'
        + "        fh.write(load_releases_page(1))\n"
    )
    assert flagged_lines(writer, "PR101", rel="backend/app/commands/download_legal.py") == []
    reader = writer.replace('"w")', '"r")')
    assert flagged_lines(reader, "PR101", rel="backend/app/commands/download_legal.py") == [6]
    served = "import flask\n" + writer
    assert flagged_lines(served, "PR101", rel="backend/app/views.py") == [7]


def test_a_command_that_refuses_to_run_outside_development_needs_no_timeout() -> None:
    command = (
        "from django.conf import settings\nfrom django.core.management import BaseCommand\n"
        + _NO_TIMEOUT
        + "\n\nclass Command(BaseCommand):\n    def handle(self, *args, **options):\n"
        "        if not settings.DEVELOPMENT:\n"
        '            self.stdout.write("Error: Command not enabled for production")\n'
        "            return\n"
        "        load_releases_page(1)\n"
    )
    rel = "cl/scrapers/management/commands/clone_from_cl.py"
    assert flagged_lines(command, "PR101", rel=rel) == []
    # a command that only warns, or checks another setting, runs in production
    warns = command.replace("            return\n", "")
    assert flagged_lines(warns, "PR101", rel=rel) == [7]
    other = command.replace("settings.DEVELOPMENT", "settings.SCRAPER_ENABLED")
    assert flagged_lines(other, "PR101", rel=rel) == [7]
    assert flagged_lines(_NO_TIMEOUT, "PR101", rel="devstack/tools/oidc/setup_client.py") == []


def test_a_top_level_module_that_calls_itself_a_script_needs_no_timeout() -> None:
    script = '"""\nThis script can be used to retrieve Zendesk tickets.\n"""\n' + _NO_TIMEOUT
    assert flagged_lines(script, "PR101", rel="get_zendesk_tickets.py") == []
    # inside a package it is imported; a top-level module saying otherwise is checked
    assert flagged_lines(script, "PR101", rel="app/get_zendesk_tickets.py") == [8]
    module = '"""Fetch Zendesk tickets for the support dashboard."""\n' + _NO_TIMEOUT
    assert flagged_lines(module, "PR101", rel="zendesk.py") == [6]
    served = '"""This script is the WSGI entry point."""\nimport flask\n' + _NO_TIMEOUT
    assert flagged_lines(served, "PR101", rel="wsgi.py") == [7]


def test_code_its_authors_say_is_for_tests_needs_no_timeout() -> None:
    harness = '"""Minimal REST client used by the API test harness (tests/)."""\n' + _NO_TIMEOUT
    assert flagged_lines(harness, "PR101", rel="app/rest_client.py") == []
    feature = '"""A client for testing the webhook endpoint a user configured."""\n' + _NO_TIMEOUT
    assert flagged_lines(feature, "PR101", rel="app/rest_client.py") == [6]
    usage = '"""Access the current run.\n\nMock it for testing purposes by..."""\n'
    assert flagged_lines(usage + _NO_TIMEOUT, "PR101", rel="app/runtime.py") == [8]
    command = (
        "class Command:\n"
        '    help = ("Imports every template. It\'s created for testing "\n'
        '            "purposes of the import.")\n\n\n'
    )
    lines = len(command.splitlines())
    assert flagged_lines(command + _NO_TIMEOUT, "PR101", rel="app/commands/load.py") == []
    served = command.replace("for testing ", "for the nightly ")
    assert flagged_lines(served + _NO_TIMEOUT, "PR101", rel="app/commands/load.py") == [lines + 5]
    review_app = "class Command:\n    help = 'Create a superuser for use on Heroku review apps'\n"
    assert flagged_lines(review_app + _NO_TIMEOUT, "PR101", rel="app/commands/admin.py") == []
    local = '"""Seed the search index. For local development only."""\n' + _NO_TIMEOUT
    assert flagged_lines(local, "PR101", rel="app/commands/seed.py") == []
    staging = '"""Seed the search index after each deploy."""\n' + _NO_TIMEOUT
    assert flagged_lines(staging, "PR101", rel="app/commands/seed.py") == [6]


def test_a_module_level_socket_default_covers_the_file_only() -> None:
    fetch = "from urllib.request import urlopen\n\n\ndef fetch(url):\n    return urlopen(url)\n"
    assert flagged_lines(fetch, "PR101", rel="app/feeds.py") == [5]
    configured = "import socket\n\nsocket.setdefaulttimeout(10)\n" + fetch
    assert flagged_lines(configured, "PR101", rel="app/feeds.py") == []


def test_a_session_is_named_as_the_code_writes_it() -> None:
    """A local `session = requests.Session()` in a module that also imports Flask's
    `session` (changedetection.io's version check) is the requests session."""
    source = (
        "import requests\n"
        "from flask import session\n\n\n"
        "def check():\n"
        "    session = requests.Session()\n"
        "    return session.post('https://example.org/check', data={})\n"
    )
    [hit] = [h for h in scan_source("app/version.py", source.encode()).hits if h.rule == "PR101"]
    assert hit.line == 7
    assert hit.message.startswith("session session.post() has no timeout")


_SETTINGS = (
    "# Don't use this key in production!\n"
    "SECRET_KEY = 'wger-local-development-supersecret-key-1234567890!'\n"
    "AWS_ACCESS_KEY_ID = 'AKIAZ7QWERTYUIOPASDF'\n"
)


def test_development_settings_keep_only_known_key_formats() -> None:
    for rel in ("settings/local_dev.py", "settings/ci.py", "config/dev.py", "dev_settings.py"):
        assert flagged_lines(_SETTINGS, "PR109", rel=rel) == [3], rel
    for rel in ("settings/main.py", "project/settings.py", "settings/local.py"):
        assert flagged_lines(_SETTINGS, "PR109", rel=rel) == [2, 3], rel
    for rel in ("demodesk/config/settings.py", "examples/site/settings.py"):  # demo projects
        assert flagged_lines(_SETTINGS, "PR109", rel=rel) == [3], rel
    assert flagged_lines(_SETTINGS, "PR109", rel="demodesk/views.py") == [2, 3]


def test_development_classes_of_a_settings_module_keep_only_known_key_formats() -> None:
    """La Suite's settings (django-configurations): `class Test(Base):` and
    `class Development(Base):` hold made-up keys; `class Production(Base):` is checked, and
    so is a class named `Test` outside a settings module."""
    body = "".join("    " + line + "\n" for line in _SETTINGS.splitlines())
    source = (
        "class Base(Configuration):\n"
        + body  # 1-4
        + "class Development(Base):\n"
        + body  # 5-8
        + "class TestSettings(Base):\n"
        + body  # 9-12
        + "class Production(Base):\n"
        + body  # 13-16
    )
    assert flagged_lines(source, "PR109", rel="meet/settings.py") == [3, 4, 8, 12, 15, 16]
    assert flagged_lines(source, "PR109", rel="meet/models.py") == [3, 4, 7, 8, 11, 12, 15, 16]


def test_checker_scripts_keep_only_known_key_formats() -> None:
    source = "login_data = dict(username='admin', password='secret_123xQ!')\n"
    assert flagged_lines(source, "PR109", rel="md/checker.py") == []
    assert flagged_lines(source, "PR109", rel="md/views.py") == [1]
    assert flagged_lines(_SETTINGS, "PR109", rel="scripts/deploy.py") == [3]


def test_a_plain_card_is_card_data_only_where_payments_are_handled() -> None:
    """Lutris logs `card`, a graphics card (`card0` under /sys/class/drm): a plain `card` is
    a payment card only in a module that speaks of payments (a charge, a CVV, Stripe)."""
    source = (
        "import logging\n"
        "logger = logging.getLogger(__name__)\n"
        "def describe(card):\n"
        "    logger.info('GPU %s', card)\n"  # 4
        "    logger.info('login %s', password)\n"  # 5
    )
    assert flagged_lines(source, "PR104") == [5]
    paying = source.replace("def describe(card):", "def describe(card):  # before the charge")
    assert flagged_lines(paying, "PR104") == [4, 5]


def test_an_ssn_is_a_serial_number_where_the_file_speaks_of_serial_numbers() -> None:
    """cinder's Dell Storage Center driver logs `ssn`, the array's serial number
    (`pf.append('scSerialNumber', ssn)`): in a file with a line that puts an `ssn` beside a
    serial number, and none that speaks of social security, an `ssn` is not personal data."""
    source = (
        "import logging\n"
        "LOG = logging.getLogger(__name__)\n"
        "def find_sc(self, ssn=-1):\n"
        "    LOG.info('open_connection to %(ssn)s', {'ssn': ssn})\n"  # 4
        "    LOG.info('login %s', self.password)\n"  # 5
    )
    assert flagged_lines(source, "PR104") == [4, 5]
    serial = source + "    pf.append('scSerialNumber', ssn)\n"
    assert flagged_lines(serial, "PR104") == [5]
    apart = source + "    pf.append('scSerialNumber', sn)\n"
    assert flagged_lines(apart, "PR104") == [4, 5]
    social = serial + "    # not a social security number\n"
    assert flagged_lines(social, "PR104") == [4, 5]


def _levels_and_messages(rel: str, source: str, rule: str) -> tuple[dict[int, str], dict[int, str]]:
    """The confidence and the message of each line `rule` flags in one scanned file."""
    findings, _, _ = assemble({rel: scan_source(rel, source.encode())})
    shown = [f for f in findings if f.rule == rule]
    return {f.line: f.confidence for f in shown}, {f.line: f.message for f in shown}


def test_a_key_named_for_tests_is_less_sure() -> None:
    """Chia ships its simulator's TLS keys as `SSL_TEST_..._PRIVATE_KEY` constants: a key in
    a known format given a test or sample name is reported at low confidence, not high. A
    key whose name says nothing of tests, or shares an assignment with a name that does
    not, stays high."""
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCmX3vlrtBzYs8m\\n"
    source = (
        f'SSL_TEST_PRIVATE_CA_KEY = b"-----BEGIN PRIVATE KEY-----\\n{body}"\n'  # 1
        f'FAKE_GITHUB_TOKEN = "ghp_{"a1B2" * 9}"\n'  # 2
        f'SERVER_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\\n{body}"\n'  # 3
        f'DEPLOY_TOKEN = TEST_TOKEN = "ghp_{"a1B2" * 9}"\n'  # 4: one name is not a test's
        "keys = {\n"
        f'    "test": "-----BEGIN PRIVATE KEY-----\\n{body}",\n'  # 6: a key, not a name
        "}\n"
    )
    levels, messages = _levels_and_messages("chia/ssl.py", source, "PR109")
    assert levels == {1: "low", 2: "low", 3: "high", 4: "high", 6: "high"}
    assert "`SSL_TEST_PRIVATE_CA_KEY`, named as a test or sample key" in messages[1]


def test_a_key_in_a_test_configuration_class_is_less_sure() -> None:
    """The ONS Response Operations UI writes an RSA key into `class
    TestingConfig(DevelopmentConfig):` of its `config.py`, for unit tests of its JWT
    decoding: low confidence. The same key in the production class stays high, and so
    does one in a test class of a module that is no settings module."""
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCmX3vlrtBzYs8m\\n"
    source = (
        "class Config:\n"  # 1
        f'    JWT_KEY = "-----BEGIN PRIVATE KEY-----\\n{body}"\n'  # 2
        "class TestingConfig(Config):\n"  # 3
        f'    UAA_KEY = "-----BEGIN PRIVATE KEY-----\\n{body}"\n'  # 4
    )
    levels, messages = _levels_and_messages("config.py", source, "PR109")
    assert levels == {2: "high", 4: "low"}
    assert messages[4].endswith("in `TestingConfig`, a development or test configuration")
    levels, _ = _levels_and_messages("app/jwt_helpers.py", source, "PR109")
    assert levels == {2: "high", 4: "high"}


def test_a_secret_logged_in_debug_mode_is_less_sure() -> None:
    """Care prints a patient's login code under `elif settings.DEBUG:` when no SMS gateway is
    set up, a developer's machine; TubeArchivist previews a cookie under `if settings.DEBUG:`,
    which a self-hosted install may switch on to find a fault. Both stay reported, at low
    confidence; the `else` of the debug test and a test that may hold without debug mode
    (`settings.DEBUG or phone`) are not debug-only."""
    source = (
        "import logging\n"  # 1
        "from django.conf import settings\n"  # 2
        "logger = logging.getLogger(__name__)\n"  # 3
        "def send(otp, phone):\n"  # 4
        "    if settings.DEBUG:\n"  # 5
        "        logger.info('otp %s', otp)\n"  # 6
        "    else:\n"  # 7
        "        logger.info('otp %s', otp)\n"  # 8
        "    if settings.DEBUG or phone:\n"  # 9
        "        logger.info('otp %s', otp)\n"  # 10
    )
    levels, messages = _levels_and_messages("care/otp.py", source, "PR104")
    assert levels == {6: "low", 8: "medium", 10: "medium"}
    assert messages[6].endswith("when debug mode is on")
    assert not messages[8].endswith("when debug mode is on")


def test_a_session_key_parameter_is_less_sure() -> None:
    """Django's `request.session.session_key`, or a variable holding it, is the session's
    id: medium. A `session_key` parameter may be that id (a Celery task's
    `audit_login(user_id, session_key)`) or a label of the project's own (Phoenix's sandbox
    backends): low. One the function builds from ids (Jupyter's `kernel_id:session`) is not
    reported. A surer secret logged beside a parameter keeps the call at medium."""
    source = (
        "import logging\n"  # 1
        "logger = logging.getLogger(__name__)\n"  # 2
        "def signin(request):\n"  # 3
        "    session_key = request.session.session_key\n"  # 4
        "    logger.debug('posts of %s', session_key)\n"  # 5
        "def audit_login(user_id, session_key):\n"  # 6
        "    logger.debug('login %s %s', session_key, user_id)\n"  # 7
        "def open_channel(kernel_id, session):\n"  # 8
        "    session_key = f'{kernel_id}:{session.session}'\n"  # 9
        "    logger.info('replacing %s', session_key)\n"  # 10
        "def acquire(session_key, password):\n"  # 11
        "    logger.info('sandbox %s', session_key)\n"  # 12
        "    logger.info('login %s %s', session_key, password)\n"  # 13
        "    logger.info(f'login {session_key} {password}')\n"  # 14
    )
    levels, messages = _levels_and_messages("app/sessions.py", source, "PR104")
    assert levels == {5: "medium", 7: "low", 12: "low", 13: "medium", 14: "medium"}
    assert "`request.session.session_key` (the session's id" in messages[5]
    assert "`session_key` (a web session's id, if it is one)" in messages[7]


def test_a_secret_logged_by_a_developer_script_is_less_sure() -> None:
    """Kitsune's `scripts/sprint_report.py` logs the Bugzilla session cookie it logs in
    with: a maintainer's report run by hand, not the deployed site. Reported at low
    confidence, saying where; the same lines in the application stay medium."""
    source = (
        "import logging\n"  # 1
        "log = logging.getLogger(__name__)\n"  # 2
        "def login(session):\n"  # 3
        "    cookie = session.cookies\n"  # 4
        "    log.debug('cookies: %s', cookie)\n"  # 5
    )
    levels, messages = _levels_and_messages("scripts/sprint_report.py", source, "PR104")
    assert levels == {5: "low"}
    assert messages[5].endswith("to the logs in a developer script")
    levels, messages = _levels_and_messages("kitsune/sumo/bugzilla.py", source, "PR104")
    assert levels == {5: "medium"}
    assert messages[5].endswith("to the logs")


def test_a_call_made_only_in_debug_mode_is_less_sure() -> None:
    """Studio's service-worker view fetches the bundle from a developer's webpack server
    under `if getattr(settings, "DEBUG", False):`: reported at low confidence, as is Flask's
    `if app.debug:`; the same call outside the branch, or under another flag, is high."""
    source = (
        "import requests\n"  # 1
        "from django.conf import settings\n"  # 2
        "def worker(app, flag):\n"  # 3
        "    if getattr(settings, 'DEBUG', False):\n"  # 4
        "        requests.get('http://127.0.0.1:4000/sw.js')\n"  # 5
        "    if app.debug:\n"  # 6
        "        requests.get('http://127.0.0.1:4000/sw.js')\n"  # 7
        "    if getattr(settings, 'CDN', False):\n"  # 8
        "        requests.get('http://cdn/sw.js')\n"  # 9
        "    return requests.get('http://cdn/sw.js')\n"  # 10
    )
    levels, messages = _levels_and_messages("app/pwa.py", source, "PR101")
    assert levels == {5: "low", 7: "low", 9: "high", 10: "high"}
    assert messages[5].endswith("when debug mode is on")
    assert not messages[9].endswith("when debug mode is on")


def test_a_queue_local_to_one_call_is_less_sure() -> None:
    """ragflow streams one LLM answer back from a thread through `result_queue`, local to
    `chat_streamly()`: it holds one call's output, so it is low confidence; so does CAPE's
    queue of the files named on `admin.py`'s command line, in its `__main__` block. A queue
    kept on the object or the module, returned to the caller, or appended to a list of
    clients outlives the call and stays medium."""
    source = (
        "import asyncio, queue, threading\n"  # 1
        "import flask\n"
        "def chat_streamly(prompt):\n"
        "    result_queue: queue.Queue = queue.Queue()\n"  # 4: local
        "    threading.Thread(target=produce, args=(prompt, result_queue)).start()\n"
        "    while (item := result_queue.get()) is not None:\n"
        "        yield item\n"
        "def subscribe(clients):\n"
        "    client_queue = queue.Queue()\n"  # 9: kept by the caller's list
        "    clients.append(client_queue)\n"
        "def stream():\n"
        "    events = queue.Queue()\n"  # 12: returned
        "    return events, 1\n"
        "class Relay:\n"
        "    def __init__(self):\n"
        "        self.pending = queue.Queue()\n"  # 16: on the object
        "        waiting = queue.Queue()\n"  # 17: stored on the object through a name
        "        self.waiting = waiting\n"
        "async def answer(request):\n"
        "    handler = EventHandler(queue=asyncio.Queue())\n"  # 20: a local helper's
        "    task = asyncio.create_task(produce(request, handler))\n"
        "    async for event in handler.stream(task):\n"
        "        yield event\n"
        "def connect(self, hub):\n"
        "    listener = Listener(queue.Queue())\n"  # 25: the helper is kept by the hub
        "    hub.register(listener)\n"
        "    self.relay = Relay(queue.Queue())\n"  # 27: the helper is kept on the object
        "outgoing = queue.Queue()\n"  # 28: a module's, for as long as the service runs
        "if __name__ == '__main__':\n"
        "    files = queue.Queue()\n"  # 30: one run of the program, like a function's
        "    for name in sys.argv[1:]:\n"
        "        files.put(name)\n"
        "    shared = queue.Queue()\n"  # 33: kept in a module-wide list
        "    HUBS.append(shared)\n"
    )
    levels, _ = _levels_and_messages("app/relay.py", source, "PR110")
    assert levels == {
        4: "low",
        9: "medium",
        12: "medium",
        16: "medium",
        17: "medium",
        20: "low",
        25: "medium",
        27: "medium",
        28: "medium",
        30: "low",
        33: "medium",
    }
    documentation = all_rules()["PR110"].documentation()
    assert "low for queues kept in a function's local variable" in documentation


def test_unbounded_queue_not_in_development_aids() -> None:
    service = "import queue\nimport flask\n\noutgoing = queue.Queue()\n"
    assert flagged_lines(service, "PR110", rel="octoprint/plugins/virtual_printer/virtual.py") == []
    assert flagged_lines(service, "PR110", rel="app/simulator/feed.py") == []
    assert flagged_lines(service, "PR110", rel="octoprint/plugins/serial/comm.py") == [4]
    assert flagged_lines(service, "PR110", rel="app/virtual.py") == [4]  # a file, not a folder
    live_reload = (
        "from queue import Queue\n"
        "from django.http import StreamingHttpResponse\n"
        "from django.utils.autoreload import autoreload_started\n\n"
        "def _event_stream():\n"
        "    client_queue = Queue()\n"
        "    return client_queue\n"
    )
    assert flagged_lines(live_reload, "PR110", rel="bookmarks/views/reload.py") == []
    assert flagged_lines(live_reload.replace("autoreload", "signals"), "PR110") == [6]


_BLUEPRINT = (
    "from flask import Blueprint, request\n"
    "from .models import Resolver\n\n"
    'resolver_blueprint = Blueprint("resolver_blueprint", __name__)\n\n\n'
    '@resolver_blueprint.route("/<name>", methods=["POST"])\n'
    "def set_resolver(name):\n"
    "    Resolver.save(name, request.json)\n"
    '    return "", 204\n'
)
_LOGIN = (
    "from flask import Flask\nfrom flask_login import login_required\n\n"
    "app = Flask(__name__)\n\n\n"
    '@app.route("/notes", methods=["POST"])\n@login_required\n'
    'def add_note():\n    return "", 201\n'
)


def _hooks(decorators: str, body: str = "    before_request()\n") -> str:
    return (
        "from flask import request\n"
        "from privacyidea.api.auth import admin_required\n"
        "from .resolver import resolver_blueprint\n"
        "from .policy import policy_blueprint\n\n\n"
        f"{decorators}def guard():\n{body}"
    )


def test_blueprint_guarded_in_another_module() -> None:
    app = {"pi/api/resolver.py": _BLUEPRINT, "pi/app.py": _LOGIN}
    assert app_findings(app, "PR105") == [("pi/api/resolver.py", 8)]
    guarded = "@policy_blueprint.before_request\n@resolver_blueprint.before_request\n"
    guarded += "@admin_required\n"
    app["pi/api/before_after.py"] = _hooks(guarded)
    assert app_findings(app, "PR105") == []
    # a hook on another blueprint, or one that checks nothing, does not guard this one
    app["pi/api/before_after.py"] = _hooks("@policy_blueprint.before_request\n@admin_required\n")
    assert app_findings(app, "PR105") == [("pi/api/resolver.py", 8)]
    app["pi/api/before_after.py"] = _hooks("@resolver_blueprint.before_request\n")
    assert app_findings(app, "PR105") == [("pi/api/resolver.py", 8)]
    # a hook that verifies the token itself; one that only reads an optional key does not
    verify = "    verify_auth_token(request.headers.get('Authorization'), ['admin'])\n"
    app["pi/api/before_after.py"] = _hooks("@resolver_blueprint.before_request\n", verify)
    assert app_findings(app, "PR105") == []
    optional = "    g.client = lookup(request.headers.get('X-API-Key'))\n"
    app["pi/api/before_after.py"] = _hooks("@resolver_blueprint.before_request\n", optional)
    assert app_findings(app, "PR105") == [("pi/api/resolver.py", 8)]


def test_blueprint_guard_before_app_request_covers_its_app_tree() -> None:
    app = {"pi/api/resolver.py": _BLUEPRINT, "pi/app.py": _LOGIN}
    hook = _hooks("@policy_blueprint.before_app_request\n@admin_required\n")
    assert app_findings({**app, "pi/api/before_after.py": hook}, "PR105") == []
    # another application's app-wide hook does not
    assert app_findings({**app, "other/before_after.py": hook}, "PR105") == [
        ("pi/api/resolver.py", 8)
    ]


def test_blueprint_defined_and_guarded_in_its_package() -> None:
    package = (
        "from flask import Blueprint\nfrom flask_login import login_required\n\n"
        'bp = Blueprint("admin", __name__)\n\n\n'
        "@bp.before_request\n@login_required\ndef guard():\n    pass\n"
    )
    views = (
        "from flask import request\nfrom . import bp\nfrom .models import Item\n\n\n"
        '@bp.route("/items/<int:item_id>", methods=["DELETE"])\n'
        "def delete_item(item_id):\n    Item.query.filter_by(id=item_id).delete()\n"
        '    return "", 204\n'
    )
    app = {"site/admin/views.py": views, "site/app.py": _LOGIN}
    assert app_findings(app, "PR105") == [("site/admin/views.py", 7)]
    assert app_findings({**app, "site/admin/__init__.py": package}, "PR105") == []


def test_blueprint_guard_matches_its_own_module_only() -> None:
    views = (
        "from flask import Blueprint\nfrom .models import Item\n\n"
        'bp = Blueprint("{name}", __name__)\n\n\n'
        '@bp.route("/items/<int:item_id>", methods=["DELETE"])\n'
        "def delete_item(item_id):\n    Item.query.filter_by(id=item_id).delete()\n"
        '    return "", 204\n'
    )
    hooks = (
        "from flask import g\nfrom flask_login import login_required\n"
        "from site.admin.views import bp as admin_bp\n\n\n"
        "@admin_bp.before_request\n@login_required\ndef guard():\n    pass\n"
    )
    app = {
        "site/admin/views.py": views.format(name="admin"),
        "site/blog/views.py": views.format(name="blog"),
        "site/hooks.py": hooks,
        "site/app.py": _LOGIN,
    }
    assert app_findings(app, "PR105") == [("site/blog/views.py", 8)]


def test_blueprint_guard_imported_in_an_app_factory() -> None:
    """GOV.UK Notify's create_app imports its hooks and blueprints inside the factory and
    registers `bp.before_request(requires_admin_auth)`; `requires_no_auth` leaves one open."""
    package = 'from flask import Blueprint\n\nservice_blueprint = Blueprint("service", __name__)\n'
    views = (
        "from flask import request\nfrom app.service import service_blueprint\n"
        "from .models import Service\n"
        'LETTER = "letter"\n\n\n'
        '@service_blueprint.route("/<uuid:service_id>", methods=["POST"])\n'
        "def update_service(service_id):\n    Service.update(service_id, request.json)\n"
        '    return "", 204\n\n\n'
        '@service_blueprint.route(f"/{LETTER}", methods=["POST"])\n'
        "def create_letter():\n    Service.letter(request.json)\n"
        '    return "", 201\n'
    )
    factory = (
        "from flask import Flask\n\n\n"
        "def create_app():\n    app = Flask(__name__)\n    register_blueprint(app)\n"
        "    return app\n\n\n"
        "def register_blueprint(application):\n"
        "    from app.authentication.auth import {hook}\n"
        "    from app.service import service_blueprint\n\n"
        "    service_blueprint.before_request({hook})\n"
        "    application.register_blueprint(service_blueprint)\n"
    )
    app = {
        "app/service/__init__.py": package,
        "app/service/rest.py": views,
        "app/status.py": _LOGIN,
    }
    opened = [("app/service/rest.py", 8), ("app/service/rest.py", 14)]
    assert app_findings(app, "PR105") == opened
    guarded = {**app, "app/__init__.py": factory.format(hook="requires_admin_auth")}
    assert app_findings(guarded, "PR105") == []
    # a hook that says the blueprint is open on purpose, or one that checks nothing
    for hook in ("requires_no_auth", "make_session_permanent"):
        open_ = {**app, "app/__init__.py": factory.format(hook=hook)}
        assert app_findings(open_, "PR105") == opened


def test_a_fastapi_app_that_routes_only_itself_answers_for_its_own_authentication() -> None:
    """FastChat: the OpenAI-compatible server checks API keys; each model worker is its own
    `app = FastAPI()` process with open routes. A worker that authenticates one route, or an
    app that includes another module's routers, is still measured against the rest."""
    server = (
        "from fastapi import Depends, FastAPI\nfrom .auth import check_api_key\n\n"
        "app = FastAPI()\n\n\n"
        '@app.post("/v1/chat/completions", dependencies=[Depends(check_api_key)])\n'
        "async def chat(request: dict):\n    return await generate(request)\n"
    )
    worker = (
        "from fastapi import FastAPI, Request\n\napp = FastAPI()\n\n\n"
        '@app.post("/worker_generate")\nasync def api_generate(request: Request):\n'
        "    params = await request.json()\n    return worker.generate(params)\n\n\n"
        '@app.delete("/worker/{name}")\nasync def api_remove(name: str):\n'
        "    workers.remove(name)\n"
    )
    app = {"fastchat/serve/openai_api_server.py": server, "fastchat/serve/worker.py": worker}
    assert app_findings(app, "PR105") == []
    guarded = worker.replace(
        "from fastapi import FastAPI, Request\n",
        "from fastapi import Depends, FastAPI, Request\nfrom .auth import check_api_key\n",
    ).replace(
        '@app.post("/worker_generate")',
        '@app.post("/worker_generate", dependencies=[Depends(check_api_key)])',
    )
    app = {"fastchat/serve/openai_api_server.py": server, "fastchat/serve/worker.py": guarded}
    assert app_findings(app, "PR105") == [("fastchat/serve/worker.py", 14)]
    gathering = worker + "\n\napp.include_router(admin.router)\n"
    app = {"fastchat/serve/openai_api_server.py": server, "fastchat/serve/worker.py": gathering}
    assert app_findings(app, "PR105") == [
        ("fastchat/serve/worker.py", 7),
        ("fastchat/serve/worker.py", 13),
    ]


def test_blueprint_guard_in_another_module_with_a_warm_cache(tmp_path: Path) -> None:
    """The guard is a fact of the hook module's cached result: editing only that module
    changes the route module's finding, which is served from the cache."""
    root = tmp_path / "app"
    files = {
        "pi/api/resolver.py": _BLUEPRINT,
        "pi/app.py": _LOGIN,
        "pi/api/before_after.py": _hooks("@resolver_blueprint.before_request\n@admin_required\n"),
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    cache = ScanCache(tmp_path / "cache")

    def open_routes() -> list[tuple[str, int]]:
        result = scan_paths([root], jobs=1, cache=cache)
        return [(f.path, f.line) for f in result.findings if f.rule == "PR105"]

    assert open_routes() == []
    (root / "pi/api/before_after.py").write_text(_hooks("@policy_blueprint.before_request\n"))
    assert open_routes() == [("pi/api/resolver.py", 8)]
    assert cache.hits >= 2  # resolver.py and app.py came from the cache


def test_a_suppression_reason_is_not_taken_for_an_explanatory_comment() -> None:
    source = (
        "import contextlib\n\n\n"
        "def warm(run):\n"
        "    with contextlib.suppress(Exception):  # prodready: ignore[PR103] an optimisation\n"
        "        run()\n"
    )
    results = {"app/warm.py": scan_source("app/warm.py", source.encode())}
    findings, _, _ = assemble(results)
    assert [(f.rule, f.line, f.suppressed) for f in findings] == [("PR103", 5, True)]


_PROVIDER = (
    "import requests\nfrom requests import Session\n\n\n"
    "class HDBitsProvider:\n"
    "    def initialize(self):\n"
    "        self.session = Session()\n"
    "        self.plain = requests.Session()\n\n"
    "    def query(self, url):\n"
    "        self.session.get(url)\n"
    "        return self.plain.get(url)\n"
)
_REGISTRY = (
    "import importlib\n\nfrom subliminal_patch.http import RetryingSession\n\n"
    "for name in ('hdbits',):\n"
    "    mod = importlib.import_module('subliminal_patch.providers.' + name)\n"
    "    mod.Session = RetryingSession\n"
)


def test_a_session_class_swapped_into_modules_by_name_is_not_plain_requests() -> None:
    """Bazarr's provider registry sets `mod.Session = RetryingSession` in every provider
    module: their `Session()` is its session with a default timeout; `requests.Session()`
    is still plain."""
    provider = "subliminal_patch/providers/hdbits.py"
    alone = {provider: _PROVIDER}
    assert app_findings(alone, "PR101") == [(provider, 11), (provider, 12)]
    registry = {**alone, "subliminal_patch/providers/__init__.py": _REGISTRY}
    assert app_findings(registry, "PR101") == [(provider, 12)]
    swap_back = _REGISTRY.replace("mod.Session = RetryingSession", "mod.Session = requests.Session")
    restored = {**alone, "subliminal_patch/providers/__init__.py": "import requests\n" + swap_back}
    assert app_findings(restored, "PR101") == [(provider, 11), (provider, 12)]


_NOTIFIER = """\
import smtplib
import urllib.request

import requests


def notify(host, url):
    server = smtplib.SMTP(host, 25)
    urllib.request.urlopen(url)
    requests.get(url)
"""


_PATCH = """\
def monkeypatch_requests():
    from requests import Session

    Session._original_request = Session.request

    def new_request(self, *args, **kwargs):
        kwargs.setdefault("timeout", settings.REQUESTS_DEFAULT_TIMEOUT)
        return self._original_request(*args, **kwargs)

    Session.request = new_request
"""


def test_a_session_request_patched_with_a_default_timeout_bounds_every_requests_call() -> None:
    """Maykin's Objects API replaces `Session.request` at start-up with one that sets a
    default timeout: `requests.get()` runs on a Session too. A wrapper that only traces,
    or a socket call, is not covered."""
    client = "objects/core/forms.py"
    alone = {client: _PROVIDER.replace("class HDBitsProvider", "class Client")}
    assert app_findings(alone, "PR101") == [(client, 11), (client, 12)]
    patched = {**alone, "objects/setup.py": _PATCH}
    assert app_findings(patched, "PR101") == []
    tracing = _PATCH.replace(
        'kwargs.setdefault("timeout", settings.REQUESTS_DEFAULT_TIMEOUT)', "span.start()"
    )
    assert app_findings({**alone, "objects/setup.py": tracing}, "PR101") == [
        (client, 11),
        (client, 12),
    ]
    partial = (
        "import functools\nimport requests\n\n"
        "requests.Session.request = functools.partialmethod(requests.Session.request, timeout=10)\n"
    )
    assert app_findings({**alone, "objects/setup.py": partial}, "PR101") == []
    with_smtp = {**patched, "objects/notify.py": _NOTIFIER}
    assert app_findings(with_smtp, "PR101") == [
        ("objects/notify.py", 8),
        ("objects/notify.py", 9),
    ]


def test_a_socket_default_set_at_start_up_bounds_standard_library_calls_everywhere() -> None:
    """SickChill's start-up sets `socket.setdefaulttimeout(30)`: `smtplib` and `urlopen` in
    any module get it, but requests passes its own `None` down and still waits forever.
    A default that is put back afterwards (Mylar, OctoPrint) bounds nothing elsewhere."""
    notifier = "app/notifiers/email.py"
    alone = {notifier: _NOTIFIER}
    assert app_findings(alone, "PR101") == [(notifier, 8), (notifier, 9), (notifier, 10)]
    start = "import socket\n\ndef initialize(settings):\n    socket.setdefaulttimeout(30)\n"
    assert app_findings({**alone, "app/start.py": start}, "PR101") == [(notifier, 10)]
    staged = start.replace("def initialize(settings)", "def init_stage_1(console_logging)")
    assert app_findings({**alone, "app/__init__.py": staged}, "PR101") == [(notifier, 10)]
    plugin = start.replace("def initialize(settings)", "def __init__(self)")
    assert app_findings({**alone, "app/core/_core.py": plugin}, "PR101") == [(notifier, 10)]
    assert len(app_findings({**alone, "app/core/torrent.py": plugin}, "PR101")) == 3
    download = start.replace("def initialize(settings)", "def import_list(self)")
    assert len(app_findings({**alone, "app/plugins/blocklist/core.py": download}, "PR101")) == 3
    fetching = start.replace("def initialize(settings)", "def init_download_1(url)")
    assert len(app_findings({**alone, "app/__init__.py": fetching}, "PR101")) == 3
    reset = start + "    check()\n    socket.setdefaulttimeout(None)\n"
    assert len(app_findings({**alone, "app/start.py": reset}, "PR101")) == 3
    saved = start.replace("    socket", "    old = socket.getdefaulttimeout()\n    socket")
    assert len(app_findings({**alone, "app/start.py": saved}, "PR101")) == 3
    client = start.replace("def initialize(settings)", "def _get_bigquery_service(self)")
    assert len(app_findings({**alone, "app/query_runner/big_query.py": client}, "PR101")) == 3
    assert len(app_findings({**alone, "scripts/solr_updater.py": start}, "PR101")) == 3
    registry = start.replace("def initialize(settings)", "def setValue(self, value)")
    assert app_findings({**alone, "app/conf.py": registry}, "PR101") == [(notifier, 10)]
    assert len(app_findings({**alone, "app/registry.py": registry}, "PR101")) == 3


@pytest.mark.parametrize(
    ("first_line", "reason"),
    [
        ("#!/bin/bash", "not Python: its #! line runs bash"),
        ("#!/usr/bin/env -S sh -e", "not Python: its #! line runs sh"),
        ("#!/usr/bin/env python3", "syntax error at line 3: invalid syntax (parsed as"),
        ("# a comment", "syntax error at line 3: invalid syntax (parsed as"),
    ],
)
def test_a_script_for_another_interpreter_is_named_not_taken_for_broken_python(
    first_line: str, reason: str
) -> None:
    source = f'{first_line}\n# This script has moved.\nmanagement/cli.py "$@"\n'
    error = scan_source("tools/mail.py", source.encode()).error
    assert error is not None and error.startswith(reason)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (
            "import sys\n\nprint sys.argv\n",
            "syntax error at line 3: Missing parentheses in call to 'print'. "
            "Did you mean print(...)? (Python 2 code; prodready reads Python 3)",
        ),
        (
            "import os\nos.chmod('x', 0755)\n",
            "syntax error at line 2: leading zeros in decimal integer literals are not "
            "permitted; use an 0o prefix for octal integers (Python 2 code; prodready reads "
            "Python 3)",
        ),
        (  # Pootle's templatetags: a raw unicode string
            "import re\n\nLINK = re.compile(ur'/xx/', re.I)\n",
            "syntax error at line 3: invalid syntax (Python 2 code; prodready reads Python 3)",
        ),
        ("x = = 1\n", "syntax error at line 1: invalid syntax (parsed as Python 3."),
        ('x = = "your"\n', "syntax error at line 1: invalid syntax (parsed as Python 3."),
    ],
)
def test_a_syntax_error_names_the_parsers_message_and_python_2_code(
    source: str, reason: str
) -> None:
    error = scan_source("bin/gen_crons.py", source.encode()).error
    assert error is not None and error.startswith(reason)


def test_telemetry_and_observability_code_may_swallow_its_own_failures() -> None:
    """SurfSense's `observability/otel.py` and `observability/metrics.py` wrap every
    OpenTelemetry call in `suppress(Exception)`: a trace or a metric that could not be
    recorded changes no outcome. The same handler in a service module is flagged."""
    code = (
        "import contextlib\n\n\n"
        "def add_event(name, attributes):\n"
        "    with contextlib.suppress(Exception):\n"
        "        current_span().add_event(name, attributes)\n"
        "        upload(name)\n"
    )
    for rel in ("app/observability/otel.py", "app/observability/metrics.py", "app/telemetry.py"):
        assert flagged_lines(code, "PR103", rel=rel) == []
    assert flagged_lines(code, "PR103", rel="app/services/indexing.py") == [5]
    assert flagged_lines(code, "PR103", rel="app/tracing/otel_setup.py") == []
    # a hotel is no OpenTelemetry wrapper
    assert flagged_lines(code, "PR103", rel="app/hotels/booking.py") == [5]
    hotel = code.replace("def add_event", "def book_hotel")
    assert flagged_lines(hotel, "PR103", rel="app/services/rooms.py") == [5]


def test_a_retried_chat_completion_sends_nothing() -> None:
    """STORM's `ClaudeModel.basic_request` passes `**kwargs` to Anthropic's
    `self.client.messages.create`: in a file importing `anthropic` and no SMS SDK, that is
    a chat completion, and retrying it repeats no message. Twilio's `messages.create`
    sends an SMS."""
    code = (
        "import backoff\n{sdk}\n\n"
        "class Model:\n"
        "    @backoff.on_exception(backoff.expo, Exception, max_tries=3)\n"
        "    def request(self, **kwargs):\n"
        "        return self.client.messages.create(**kwargs)\n"
    )
    assert flagged_lines(code.format(sdk="from anthropic import Anthropic"), "PR102") == []
    assert flagged_lines(code.format(sdk="from twilio.rest import Client"), "PR102") == [7]
    both = "from anthropic import Anthropic\nfrom twilio.rest import Client"
    assert flagged_lines(code.format(sdk=both), "PR102") == [8]


def test_a_warm_scan_takes_rule_facts_from_the_cache_and_mends_a_damaged_entry(
    tmp_path: Path,
) -> None:
    """A warm scan runs no rule, so it reads what findings take from their rules (category,
    severity, fix, the levels a hit may have) from the cache; an entry that cannot be read
    is ignored and written again from the rules themselves."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "client.py").write_text(
        "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n\n\n"
        "STRIPE_KEY = 'sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc'\n"
    )
    cache_dir = tmp_path / "cache"
    cold = scan_paths([root], jobs=1, cache=ScanCache(cache_dir))
    assert [(f.rule, f.line, f.confidence) for f in cold.findings] == [
        ("PR101", 5, "high"),
        ("PR109", 8, "high"),
    ]
    stored = ScanCache(cache_dir).rule_facts()
    assert stored is not None and stored["PR109"].declared == ("high",)
    warm = scan_paths([root], jobs=1, cache=ScanCache(cache_dir))
    assert warm.stats["cached"] == 1
    assert warm.findings == cold.findings
    with sqlite3.connect(cache_dir / "scan.sqlite") as db:
        db.execute("UPDATE rules SET data = ?", ('{"PR101": 5}',))
    assert ScanCache(cache_dir).rule_facts() is None
    again = scan_paths([root], jobs=1, cache=ScanCache(cache_dir))
    assert again.findings == cold.findings
    assert ScanCache(cache_dir).rule_facts() == stored
