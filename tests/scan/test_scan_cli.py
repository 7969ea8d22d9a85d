"""`prodready scan` as a user runs it: real files, a real cache, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_tree

APP = {
    "app/client.py": """
        import requests


        def charge(payload):
            return requests.post("https://pay.example.com", json=payload)


        def probe():
            return requests.get("https://internal/health")  # prodready: ignore[PR101] probe runs under a 2 s OS alarm


        def other():
            return 1  # prodready: ignore[timeout]
        """,
    "app/broken.py": "def f(:\n",
    "app/binary.py": b"\x00\x01",
    "tests/test_client.py": "import requests\nrequests.get('x')\n",
}


def scan(root: Path, *args: str, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRODREADY_CACHE_DIR": str(cache or root / ".cache")}
    return subprocess.run(
        [sys.executable, "-m", "prodready", "scan", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def flagged_paths(root: Path) -> list[str]:
    """The paths of the findings a fresh (uncached) scan of `root` reports, sorted."""
    result = scan(root, "--format", "json", "--no-cache")
    return sorted(f["path"] for f in json.loads(result.stdout)["findings"])


def test_json_contract_suppressions_and_errors(tmp_path: Path) -> None:
    write_tree(tmp_path, APP)
    proc = scan(tmp_path, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["schema"] == "prodready.scan/1"
    got = [(f["rule"], f["path"], f["line"], f["suppressed"]) for f in report["findings"]]
    assert got == [
        ("PR101", "app/client.py", 5, False),
        ("PR101", "app/client.py", 9, True),
        ("PR000", "app/client.py", 13, False),  # a suppression without a reason is reported
    ]
    assert report["findings"][1]["suppression_reason"] == "probe runs under a 2 s OS alarm"
    assert {e["path"]: e["reason"][:16] for e in report["errors"]} == {
        "app/binary.py": "binary file with",
        "app/broken.py": "syntax error at ",
    }
    assert report["stats"]["files"] == 3  # the test file is not scanned


def test_sarif_marks_suppressed_findings(tmp_path: Path) -> None:
    write_tree(tmp_path, APP)
    sarif = json.loads(scan(tmp_path, "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in suppressed] == [9]
    assert suppressed[0]["suppressions"][0]["kind"] == "inSource"
    assert {d["id"] for d in sarif["runs"][0]["tool"]["driver"]["rules"]} == {"PR000", "PR101"}


def test_cache_serves_unchanged_files_and_sees_changes(tmp_path: Path) -> None:
    write_tree(tmp_path, APP)
    first = json.loads(scan(tmp_path, "--format", "json").stdout)
    second = json.loads(scan(tmp_path, "--format", "json").stdout)
    assert second["findings"] == first["findings"]
    assert second["stats"]["cached"] == 3
    client = tmp_path / "app" / "client.py"
    client.write_text(client.read_text().replace("json=payload)", "json=payload, timeout=5)"))
    third = json.loads(scan(tmp_path, "--format", "json").stdout)
    assert third["stats"]["cached"] == 2
    assert [f["line"] for f in third["findings"] if f["rule"] == "PR101"] == [9]


def test_baseline_reports_only_new_findings_across_line_shifts(tmp_path: Path) -> None:
    write_tree(tmp_path, APP)
    baseline = tmp_path / "baseline.json"
    proc = scan(tmp_path, "--write-baseline", str(baseline))
    assert proc.returncode == 0 and "baseline of 2 finding(s)" in proc.stderr
    client = tmp_path / "app" / "client.py"
    client.write_text(
        "# moved everything down\n\n"
        + client.read_text()
        + "\n\ndef new():\n    return requests.get('https://x')\n"
    )
    report = json.loads(scan(tmp_path, "--baseline", str(baseline), "--format", "json").stdout)
    assert [(f["rule"], f["line"]) for f in report["findings"] if not f["suppressed"]] == [
        ("PR101", 19)
    ]


def test_bad_baseline_is_a_usage_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "x = 1\n", "base.json": "{}"})
    proc = scan(tmp_path, "--baseline", str(tmp_path / "base.json"))
    assert proc.returncode == 2
    assert "not a prodready baseline" in proc.stderr


def test_clean_code_exits_0(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "import requests\nrequests.get('https://x', timeout=3)\n"})
    proc = scan(tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.strip() == "0 finding(s) in 1 file(s)"


MIXED = {
    "app/svc.py": """
        import logging

        import requests

        logger = logging.getLogger(__name__)


        def fetch(url):
            return requests.get(url)


        def load(path):
            try:
                return open(path).read()
            except Exception:
                return None


        def login(user, password):
            logger.info("login %s with %s", user, password)
        """,
}


def _shown(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, int, str]]:
    report = json.loads(proc.stdout)
    return [(f["rule"], f["line"], f["confidence"]) for f in report["findings"]]


def test_min_confidence_hides_weaker_findings_and_counts_them(tmp_path: Path) -> None:
    from prodready.scan.confidence import at_least

    write_tree(tmp_path, MIXED)
    every = _shown(scan(tmp_path, "--format", "json", "--min-confidence", "low"))
    assert [(rule, line) for rule, line, _ in every] == [
        ("PR101", 9),
        ("PR103", 15),
        ("PR104", 20),
    ]
    assert len({confidence for _, _, confidence in every}) >= 2  # the floor has work to do
    for floor in ("medium", "high"):
        proc = scan(tmp_path, "--format", "json", "--min-confidence", floor)
        kept = [f for f in every if at_least(f[2], floor)]
        assert _shown(proc) == kept
        stats = json.loads(proc.stdout)["stats"]
        assert stats["below_min_confidence"] == len(every) - len(kept)
        assert stats["findings"] == len(kept)
        for level in ("low", "medium")[: ("medium", "high").index(floor) + 1]:
            held = sum(1 for f in every if f[2] == level)
            assert stats[f"below_min_confidence_{level}"] == held
    default = scan(tmp_path, "--format", "json")
    # by default scan shows, and fails on, what the audit and the gate block on
    assert _shown(default) == [f for f in every if f[2] == "high"]


def test_text_report_says_what_the_floor_held_back(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "import requests\nrequests.get('https://x')\n"})
    proc = scan(tmp_path, "--min-confidence", "high")
    assert "not shown" not in proc.stdout
    write_tree(tmp_path, MIXED)
    every = _shown(scan(tmp_path, "--format", "json", "--min-confidence", "low"))
    levels = [confidence for _, _, confidence in every]
    assert levels.count("medium") and levels.count("low")  # both are held back below
    lines = scan(tmp_path).stdout.splitlines()
    assert lines == [
        "app/a.py:2: PR101 [timeout] requests.get() has no timeout; "
        "requests waits forever by default",
        "app/svc.py:9: PR101 [timeout] requests.get() has no timeout; "
        "requests waits forever by default",
        "2 finding(s) in 2 file(s)",
        f"{len(levels) - levels.count('high')} finding(s) of lower confidence not shown "
        f"({levels.count('medium')} medium, {levels.count('low')} low); "
        "--min-confidence low shows them",
    ]
    medium = scan(tmp_path, "--min-confidence", "medium").stdout.splitlines()
    assert medium[-1] == (
        f"{levels.count('low')} finding(s) of lower confidence not shown "
        f"({levels.count('low')} low); --min-confidence low shows them"
    )


def test_only_hidden_findings_exit_0_and_the_baseline_records_all(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"app/a.py": "def f():\n    try:\n        g()\n    except Exception:\n        pass\n"},
    )
    every = _shown(scan(tmp_path, "--format", "json", "--min-confidence", "low"))
    assert [(rule, line) for rule, line, _ in every] == [("PR103", 4)]
    assert scan(tmp_path, "--min-confidence", "high").returncode == 0
    assert scan(tmp_path, "--min-confidence", "low").returncode == 1
    baseline = tmp_path / "baseline.json"
    proc = scan(tmp_path, "--min-confidence", "high", "--write-baseline", str(baseline))
    assert "baseline of 1 finding(s)" in proc.stderr


def test_only_production_code_is_scanned(tmp_path: Path) -> None:
    """A nested `test/` folder holding a suite at any depth (an SDK's `test/` with its
    `conftest.py`), a package's `test_utils/`, a settings
    package's `test.py`, an `examples/` or `example_apps/` folder at any depth, a script named for test data
    and a mock are not production; a nested `test/` without test modules is a framework's testing
    package and is scanned, and so is a module named just `test.py` outside settings."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "auth/test/test_oauth.py": "def test_x():\n    pass\n",
            "auth/test/mock_oidc_server.py": call,
            "sdk/python/test/conftest.py": "import pytest\n",
            "sdk/python/test/api/common.py": call,
            "sdk/python/test/api/test_chunk.py": "def test_x():\n    pass\n",
            "sdk/python/client/test/helpers.py": call,
            "framework/test/client.py": call,
            "app/test_utils/factories.py": call,
            "testing-scripts/process_clip.py": call,
            "app/settings/test.py": call,
            "app/settings/production.py": call,
            "examples/demo_app/views.py": call,
            "contrib/examples/actions/get_page.py": call,
            "conf/example_apps/weather.py": call,
            "app/counterexample/views.py": call,
            "app/views.py": call,
            "lab/samples/views.py": call,
            "profiles/dab/make_test_data.py": call,
            "profiles/community/github_mock/flaskapp.py": call,
            "storage/fake-storage.py": call,
            "storage/s3.py": call,
            "framework/management/commands/test.py": call,
            "app/contest.py": call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "app/contest.py",
        "app/counterexample/views.py",
        "app/settings/production.py",
        "app/views.py",
        "framework/management/commands/test.py",
        "framework/test/client.py",
        "lab/samples/views.py",
        "sdk/python/client/test/helpers.py",
        "storage/s3.py",
    ]


def test_a_module_shadowed_by_its_package_is_not_scanned(tmp_path: Path) -> None:
    """Letta kept `schemas/providers.py` beside the `schemas/providers/` package that
    replaced it: imports find the package, so the old module never runs. A script that
    tests for `__main__` still runs by its path, and a folder without `__init__.py` (a
    namespace portion) loses to the module."""
    call = "import requests\nrequests.get('https://example.com')\n"
    script = call + "if __name__ == '__main__':\n    main()\n"
    write_tree(
        tmp_path,
        {
            "letta/schemas/providers.py": call,
            "letta/schemas/providers/__init__.py": "",
            "letta/schemas/providers/openai.py": call,
            "bazarr.py": script,
            "bazarr/__init__.py": call,
            "app/plugins.py": call,
            "app/plugins/extra.py": "",
        },
    )
    assert flagged_paths(tmp_path) == [
        "app/plugins.py",
        "bazarr.py",
        "bazarr/__init__.py",
        "letta/schemas/providers/openai.py",
    ]
    assert flagged_paths(tmp_path / "letta") == ["schemas/providers/openai.py"]


def test_a_symlink_to_a_scanned_file_is_judged_once_under_the_real_name(tmp_path: Path) -> None:
    """h2ogpt links `openai_server/function_server.py` to `src/function_server.py`, CKAN its
    theme examples one to the next: the same code, reported once. A link to a file outside
    the scanned folder is the only copy the scan sees, so it is judged."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {"app/src/worker.py": call, "app/server/__init__.py": "", "shared/client.py": call},
    )
    os.symlink("../src/worker.py", tmp_path / "app" / "server" / "worker.py")
    os.symlink("../server/worker.py", tmp_path / "app" / "src" / "again.py")
    os.symlink("../../shared/client.py", tmp_path / "app" / "src" / "client.py")
    assert flagged_paths(tmp_path) == ["app/src/worker.py", "shared/client.py"]
    assert flagged_paths(tmp_path / "app") == ["src/client.py", "src/worker.py"]


def test_a_broken_link_is_an_error_only_when_it_is_named_as_python(tmp_path: Path) -> None:
    """Pagure links its hook files to `/does/not/exist` until a repository enables them: a
    scan of Python code lists the `.py` ones it could not read, not the others."""
    write_tree(tmp_path, {"hooks/__init__.py": ""})
    os.symlink("/does/not/exist", tmp_path / "hooks" / "default_hook.py")
    os.symlink("/does/not/exist", tmp_path / "hooks" / "pagure_no_new_branches")
    report = json.loads(scan(tmp_path, "--format", "json", "--no-cache").stdout)
    assert [(e["path"], e["reason"][:14]) for e in report["errors"]] == [
        ("hooks/default_hook.py", "broken symlink")
    ]


def test_a_project_template_is_not_scanned(tmp_path: Path) -> None:
    """Vitrage's datasource scaffold under `{{cookiecutter.name}}/` is Jinja that becomes
    Python only when the template is filled: neither a finding nor a syntax error."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "tools/scaffold/{{cookiecutter.name}}/driver.py": "class {{cookiecutter.name}}:\n",
            "tools/scaffold/{{cookiecutter.name}}/client.py": call,
            "app/client.py": call,
            "app/{%if db%}orm{%endif%}/models.py": call,
        },
    )
    report = json.loads(scan(tmp_path, "--format", "json", "--no-cache").stdout)
    assert [f["path"] for f in report["findings"]] == ["app/client.py"]
    assert report["errors"] == []


def test_vendored_packages_are_not_scanned(tmp_path: Path) -> None:
    """Tautulli keeps copies of requests, CherryPy and others under `lib/`: a folder so named
    that holds a well-known third-party package is someone else's code. A project's own
    `lib/` package, and a top-level package named like a library, are scanned."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "plexpy/notifiers.py": call,
            "lib/requests/sessions.py": call,
            "lib/cherrypy/_cpserver.py": call,
            "lib/six.py": call,
            "lib/plexapi/server.py": call,
            "pip/_vendor/urllib3/connection.py": call,
            "billing/lib/client.py": call,
            "requests/api.py": call,
            "consoleme/lib/requests.py": call,  # the app's own wrapper modules
            "consoleme/lib/jwt.py": call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "billing/lib/client.py",
        "consoleme/lib/jwt.py",
        "consoleme/lib/requests.py",
        "plexpy/notifiers.py",
        "requests/api.py",
    ]


def test_a_sub_folder_of_lib_holding_known_packages_is_vendored(tmp_path: Path) -> None:
    """nzbToMedia keeps requests, bs4 and six in `libs/common/`; its patched torrent
    clients in `libs/custom/` are its own. One known name one level down
    (`ext/github/jwt/`) is not enough: it may be the app's own module."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "core/auto_process/movies.py": call,
            "libs/common/requests/sessions.py": call,
            "libs/common/bs4/element.py": call,
            "libs/common/six.py": call,
            "libs/custom/utorrent/client.py": call,
            "ext/github/jwt/verify.py": call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "core/auto_process/movies.py",
        "ext/github/jwt/verify.py",
        "libs/custom/utorrent/client.py",
    ]


def test_a_released_package_beside_a_django_project_is_vendored(tmp_path: Path) -> None:
    """BlueKing's log platform keeps the IAM SDK, with its `__version__.py`, as a top-level
    package beside `manage.py`. A package so versioned where no `manage.py` is beside it,
    and the project's own settings package, are scanned."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "manage.py": "",
            "apps/api/base.py": call,
            "iam/__init__.py": "",
            "iam/__version__.py": "__version__ = '1.1.9'\n",
            "iam/api/client.py": call,
            "config/__init__.py": "",
            "config/__version__.py": "__version__ = '4.7'\n",
            "config/settings.py": call,
            "clients/sdk/__init__.py": "",
            "clients/sdk/__version__.py": "__version__ = '2.0'\n",
            "clients/sdk/http.py": call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "apps/api/base.py",
        "clients/sdk/http.py",
        "config/settings.py",
    ]


def test_a_folder_of_installed_packages_is_not_scanned(tmp_path: Path) -> None:
    """SickChill pip-installs its dependencies into `lib3/`: the `.dist-info` folders
    beside the packages say so, whatever the packages are called."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "sickchill/notifiers/slack.py": call,
            "lib3/cloudscraper/__init__.py": call,
            "lib3/cloudscraper-1.2.46.dist-info/METADATA": "Name: cloudscraper\n",
            "lib3/tus.py": call,
            "billing/lib/client.py": call,
        },
    )
    assert flagged_paths(tmp_path) == ["billing/lib/client.py", "sickchill/notifiers/slack.py"]


def test_a_package_of_the_app_inside_a_vendored_folder_is_scanned(tmp_path: Path) -> None:
    """Medusa's `lib/` holds copies of boto and imdbpie, and also `lib/traktor/`, whose
    header says "This file is part of Medusa." beside the checkout's `medusa/` package:
    that one is Medusa's own code. A header naming another project keeps nothing."""
    call = "import requests\nrequests.get('https://example.com')\n"
    own = "# This file is part of Medusa.\n" + call
    write_tree(
        tmp_path,
        {
            "medusa/__init__.py": call,
            "lib/boto/connection.py": call,
            "lib/imdbpie/auth.py": call,
            "lib/traktor/__init__.py": own,
            "lib/traktor/trakt.py": call,
            "lib/knowit/__init__.py": "# This file is part of knowit.\n" + call,
            "lib/appdirs.py": call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "lib/traktor/__init__.py",
        "lib/traktor/trakt.py",
        "medusa/__init__.py",
    ]


def test_a_module_whose_header_says_it_was_copied_from_another_project_is_not_scanned(
    tmp_path: Path,
) -> None:
    """PeeringDB's `rest_client.py` opens with "Vendored from twentyc.rpc (https://...)",
    Aim's profiler with "This code is taken from https://github.com/...": the fix belongs
    upstream. A copy "and modified", code "based on" or "adapted from" another project,
    "some" of it copied, a Stack Overflow snippet, or a note on one function further down
    leave the file the team's own."""
    call = "import requests\n\n\ndef fetch():\n    return requests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "app/rest_client.py": '"""\nREST client.\n\nVendored from twentyc.rpc '
            '(https://github.com/20c/twentyc.rpc), which is\nno longer maintained.\n"""\n' + call,
            "app/profiler.py": "# This code is taken from https://github.com/x/fastapi_profiler\n"
            + call,
            "app/detect.py": "# -*- coding: utf-8 -*-\n# copy from https://gist.github.com/a/22\n"
            + call,
            "app/adapter.py": "# copied from https://github.com/t/IP-Adapter (Apache 2.0)\n"
            "#   and modified as needed\n" + call,
            "app/telemetry.py": '"""Telemetry based on https://github.com/chroma-core/chroma"""\n'
            + call,
            "app/auth.py": "# some copied from http://github.com/openid/python-openid\n" + call,
            "app/faces.py": "# Taken from http://stackoverflow.com/a/13243712\n" + call,
            "app/system.py": call
            + '\n\ndef run():\n    """Mostly copied from https://github.com/python/cpython"""\n',
            "app/words.py": '"""Words taken from the docs."""\n' + call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "app/adapter.py",
        "app/auth.py",
        "app/faces.py",
        "app/system.py",
        "app/telemetry.py",
        "app/words.py",
    ]


def test_a_lib_folder_put_on_the_import_path_is_vendored_unless_it_holds_the_app(
    tmp_path: Path,
) -> None:
    """Mylar's entry point adds `lib/` to `sys.path` and imports its own `mylar` package
    from beside it: the copies of rtorrent and mega in `lib/`, with their licence notices,
    are not Mylar's code. Galaxy adds `lib/` and imports `galaxy` from inside it: that is
    the application itself. CLA's settings add its own `libs/` of helpers, which carry no
    notice. With no such addition, a `lib/` package is the project's own and is scanned."""
    call = "import requests\nrequests.get('https://example.com')\n"
    copied = "# Copyright (c) 2013 Chris Lucas\n# Licensed under the MIT License\n" + call
    entry = (
        "import os, sys\n"
        "sys.path.insert(1, os.path.join(os.path.dirname(__file__), 'lib'))\n"
        "import mylar\n"
    )
    tree = {"mylar/__init__.py": call, "lib/rtorrent/connection.py": copied, "lib/mega.py": call}
    write_tree(tmp_path / "plain", tree)
    assert flagged_paths(tmp_path / "plain") == [
        "lib/mega.py",
        "lib/rtorrent/connection.py",
        "mylar/__init__.py",
    ]
    write_tree(tmp_path / "mylar", {**tree, "Mylar.py": entry})
    assert flagged_paths(tmp_path / "mylar") == ["mylar/__init__.py"]
    galaxy = {
        "scripts/run.py": "import sys\nsys.path.insert(1, 'lib')\nfrom galaxy import util\n",
        "lib/galaxy/util.py": call,
    }
    write_tree(tmp_path / "galaxy", {**galaxy, "lib/galaxy/__init__.py": copied})
    assert flagged_paths(tmp_path / "galaxy") == ["lib/galaxy/__init__.py", "lib/galaxy/util.py"]
    cla = {
        "cla_backend/settings/base.py": "import sys\nsys.path.insert(0, root('libs'))\n",
        "cla_backend/libs/eligibility/calculator.py": call,
    }
    write_tree(tmp_path / "cla", cla)
    assert flagged_paths(tmp_path / "cla") == ["cla_backend/libs/eligibility/calculator.py"]


def test_a_package_its_init_declares_a_testing_framework_is_not_scanned(tmp_path: Path) -> None:
    """Airweave's `monke/__init__.py`: "Monke testing framework for Airweave." Its modules
    create test data in real services and log the markers they put in it; the declaration
    covers the whole package, whichever worker reads the `__init__.py`. A package that only
    mentions testing, or the scanned folder's own `__init__.py`, is scanned."""
    call = "import requests\nrequests.get('https://example.com')\n"
    tree = {
        "monke/__init__.py": '"""Monke testing framework for Airweave."""\n',
        "monke/bongos/box.py": '"""Box bongo implementation."""\n' + call,
        "monke/runner.py": call,
        "backend/app/sync.py": call,
        "backend/app/checks/__init__.py": '"""Helpers for testing webhooks users set up."""\n',
        "backend/app/checks/hooks.py": call,
    }
    write_tree(tmp_path / "airweave", tree)
    assert flagged_paths(tmp_path / "airweave") == [
        "backend/app/checks/hooks.py",
        "backend/app/sync.py",
    ]
    write_tree(tmp_path / "monke", {"__init__.py": tree["monke/__init__.py"], "runner.py": call})
    assert flagged_paths(tmp_path / "monke") == ["runner.py"]
    # a testing tool whose every package says so is what its users asked to be judged
    tool = {"swarm/__init__.py": tree["monke/__init__.py"], "swarm/runner.py": call}
    write_tree(tmp_path / "tool", tool)
    assert flagged_paths(tmp_path / "tool") == ["swarm/runner.py"]


def test_a_warm_cache_keeps_the_answer_of_each_place(tmp_path: Path) -> None:
    """The same bytes in `scripts/` (a developer's tool) and in `app/` (production): the
    cache must not hand one copy's answer to the other."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(tmp_path, {"scripts/sync.py": call})
    cache = tmp_path / "cache"
    assert json.loads(scan(tmp_path, "--format", "json", cache=cache).stdout)["findings"] == []
    write_tree(tmp_path, {"app/sync.py": call})
    for _ in range(2):  # cold for app/sync.py, then warm for both
        report = json.loads(scan(tmp_path, "--format", "json", cache=cache).stdout)
        assert [f["path"] for f in report["findings"]] == ["app/sync.py"]
    assert report["stats"]["cached"] == 2


def test_retired_code_counts_only_when_something_imports_it(tmp_path: Path) -> None:
    """Yeti's plugin loader skips `plugins/analytics/deprecated/`: code the project retired
    and loads from nowhere. Once a module imports from such a folder, it is checked; the
    PyPI `deprecated` decorator package is not such an import."""
    call = "import requests\nrequests.get('https://example.com')\n"
    tree = {
        "plugins/analytics/public/circl.py": call,
        "plugins/analytics/deprecated/dnsdb.py": call,
        "core/warnings.py": "from deprecated import deprecated\n",
    }
    write_tree(tmp_path, tree)
    assert flagged_paths(tmp_path) == ["plugins/analytics/public/circl.py"]
    write_tree(tmp_path, {"core/loader.py": "from plugins.analytics.deprecated import dnsdb\n"})
    assert flagged_paths(tmp_path) == [
        "plugins/analytics/deprecated/dnsdb.py",
        "plugins/analytics/public/circl.py",
    ]
    write_tree(tmp_path, {"core/loader.py": "from .deprecated import dnsdb\n"})
    assert len(flagged_paths(tmp_path)) == 2


def test_suites_named_for_their_kind_are_not_scanned(tmp_path: Path) -> None:
    """Tecken's `smoketests/bin/` scripts and `systemtests/lib/` client drive a deployed
    instance; `playwright_tests/` and `*_tests/` folders likewise, and TrueNAS's
    `test/integration/` helpers. A `contests/` app, Django's `test/` package and an
    `integration/` package outside a `test/` folder are production code."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "smoketests/bin/list_symbols.py": call,
            "systemtests/lib/tecken_client.py": call,
            "api/load-tests/run.py": call,
            "playwright_tests/core/login.py": call,
            "contests/views.py": call,
            "tecken/upload/views.py": call,
            "middlewared/test/integration/utils/call.py": call,
            "django/test/client.py": call,
            "middlewared/integration/cloud.py": call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "contests/views.py",
        "django/test/client.py",
        "middlewared/integration/cloud.py",
        "tecken/upload/views.py",
    ]


def test_a_nested_folder_that_pytest_runs_on_its_own_is_a_suite(tmp_path: Path) -> None:
    """Infection Monkey's `envs/monkey_zoo/blackbox/` holds a `pytest.ini`, a `conftest.py`
    and `test_blackbox.py` beside the client that drives a deployed server: all of it is the
    suite. A service folder with the same files and its own `requirements.txt` is a project
    whose code ships, and a folder with a `pytest.ini` but no test modules is not a suite."""
    call = "import requests\nrequests.get('https://example.com')\n"
    suite = {"pytest.ini": "[pytest]\n", "conftest.py": "import pytest\n"}
    suite["test_blackbox.py"] = "def test_x():\n    pass\n"
    write_tree(
        tmp_path,
        {
            **{f"envs/zoo/blackbox/{name}": text for name, text in suite.items()},
            "envs/zoo/blackbox/island_client/requests.py": call,
            "envs/zoo/blackbox/expected.py": call,
            **{f"lambdas/sync/{name}": text for name, text in suite.items()},
            "lambdas/sync/requirements.txt": "requests\n",
            "lambdas/sync/handler.py": call,
            "backend/pytest.ini": "[pytest]\n",
            "backend/conftest.py": "import pytest\n",
            "backend/views.py": call,
        },
    )
    assert flagged_paths(tmp_path) == ["backend/views.py", "lambdas/sync/handler.py"]


def test_folders_whose_name_starts_with_a_dot_are_not_scanned(tmp_path: Path) -> None:
    """Saleor's `.semgrep/` holds Semgrep's rule tests (`no-use-requests-lib.py` calls
    `requests` on purpose), Pulp's `.ci/` and `.github/` hold CI scripts: no import can name
    a dot-folder, so nothing in one ships. A module whose own name has a dot inside is still
    scanned, and so is a folder passed by name."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            ".semgrep/security/requests/no-use-requests-lib.py": call,
            ".ci/release/publish.py": call,
            ".github/workflows/scripts/release.py": call,
            "saleor/plugins/webhook.py": call,
            "saleor/core/http.client.py": call,
        },
    )
    assert flagged_paths(tmp_path) == ["saleor/core/http.client.py", "saleor/plugins/webhook.py"]
    assert flagged_paths(tmp_path / ".ci") == ["release/publish.py"]


def test_the_samples_of_a_sub_project_are_not_scanned(tmp_path: Path) -> None:
    """promptflow's `src/promptflow-evals/` is a project of its own, and its `samples/`
    are example apps, as the checkout's top-level `samples/` would be; deeper in, a
    `samples` package of the product (a laboratory's) is scanned, and so is a `samples/`
    folder whose parent is no project."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "src/promptflow-evals/pyproject.toml": "[project]\nname = 'promptflow-evals'\n",
            "src/promptflow-evals/samples/askwiki/askwiki.py": call,
            "src/promptflow-evals/benchmarks/run.py": call,
            "src/promptflow-evals/promptflow/evals/rai.py": call,
            "src/promptflow-evals/promptflow/samples/views.py": call,
            "lims/samples/sync.py": call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "lims/samples/sync.py",
        "src/promptflow-evals/promptflow/evals/rai.py",
        "src/promptflow-evals/promptflow/samples/views.py",
    ]


def test_a_cookbook_folder_the_manifest_ships_is_scanned(tmp_path: Path) -> None:
    """Wikimedia's `cookbooks/` is the package its `setup.py` ships: operations programs
    its SREs run against production. A manifest beside a cookbook that names it only in
    prose, or another folder, leaves it a folder of examples."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "ops/setup.py": 'setup(packages=find_namespace_packages(include=["cookbooks"]))\n',
            "ops/cookbooks/sre/dns/wipe-cache.py": call,
            "cfg/setup.cfg": "[options.packages.find]\ninclude =\n    cookbook*\n",
            "cfg/cookbook/restart.py": call,
            "sdk/pyproject.toml": '[tool.setuptools]\npackages = ["mylib"]\n# see the cookbook\n',
            "sdk/cookbook/rag.py": call,
            "sdk/mylib/client.py": call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "cfg/cookbook/restart.py",
        "ops/cookbooks/sre/dns/wipe-cache.py",
        "sdk/mylib/client.py",
    ]


def test_a_cookbook_of_worked_examples_is_not_scanned(tmp_path: Path) -> None:
    """agno's `cookbook/` holds one program per task, each fetching a sample file as it
    starts, at any depth (llm-app's `cookbooks/`); Tandoor's `cookbook/` is its Django
    application, with its own `models.py` and `views.py`, and is scanned."""
    call = "import requests\nrequests.get('https://example.com')\n"
    write_tree(
        tmp_path,
        {
            "cookbook/02_agents/audio_to_text.py": call,
            "cookbook/__init__.py": "",
            "docs_site/cookbooks/rag/app.py": call,
            "recipes/cookbook/models.py": "",
            "recipes/cookbook/views.py": call,
            "recipes/cookbook/helper/image.py": call,
            "libs/agno/tools/email.py": call,
        },
    )
    assert flagged_paths(tmp_path) == [
        "libs/agno/tools/email.py",
        "recipes/cookbook/helper/image.py",
        "recipes/cookbook/views.py",
    ]


UNUSED_CODE = {
    "app/tools.py": """
        import requests


        def used_fn(url):
            return requests.get(url)


        def left_over(url):
            return requests.get(url)


        @register
        def registered(url):
            return requests.get(url)


        class Proxy(Base):
            def call(self, url):
                return requests.get(url)


        class OldProxy:
            def call(self, url):
                return requests.get(url)


        def named_in_config(url):
            return requests.get(url)


        def main(url):
            return requests.get(url)
        """,
    "app/views.py": """
        from app.tools import used_fn


        def view(url):
            return used_fn(url)
        """,
    "setup.cfg": "[options.entry_points]\nprobes = probe = app.tools:named_in_config\n",
    "app/run_by_path.py": """
        import requests


        def lonely(url):
            return requests.get(url)
        """,
}


def _confidences(root: Path) -> list[tuple[str, int, str, bool]]:
    result = scan(root, "--format", "json", "--no-cache", "--min-confidence", "low")
    return [
        (f["path"], f["line"], f["confidence"], "nothing else in the repository" in f["message"])
        for f in json.loads(result.stdout)["findings"]
    ]


def test_code_nothing_names_is_shown_at_low_confidence_with_the_reason(tmp_path: Path) -> None:
    write_tree(tmp_path, UNUSED_CODE)
    assert _confidences(tmp_path) == [
        ("app/run_by_path.py", 5, "high", False),  # no file names the module: may run by path
        ("app/tools.py", 5, "high", False),  # imported by views.py
        ("app/tools.py", 9, "low", True),  # nothing names left_over
        ("app/tools.py", 14, "high", False),  # a decorator registers it
        ("app/tools.py", 19, "high", False),  # a base class may register it
        ("app/tools.py", 24, "low", True),  # nothing names OldProxy
        ("app/tools.py", 28, "high", False),  # setup.cfg names it
        ("app/tools.py", 32, "high", False),  # `main` is called by convention
    ]


def test_a_caller_outside_the_scanned_folder_of_a_git_work_tree_counts(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"svc/{rel}": text for rel, text in UNUSED_CODE.items()})
    write_tree(tmp_path, {"jobs/nightly.py": "from svc.app.tools import left_over\n"})
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    found = _confidences(tmp_path / "svc")
    assert ("app/tools.py", 9, "high", False) in found  # jobs/nightly.py calls left_over
    assert ("app/tools.py", 24, "low", True) in found
