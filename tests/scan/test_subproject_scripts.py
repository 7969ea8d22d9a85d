"""Programs in a sub-project's scripts folder (see scan/subproject_scripts)."""

from __future__ import annotations

from tests.scan.harness import app_findings

# Mozilla code-review's `bot/tools/fix_missing.py`: a maintainer's program
_PROGRAM = (
    "#!/usr/bin/env python\n"
    "import requests\n\n\n"
    "def list_pushes(url):\n"
    "    return requests.get(url).json()\n\n\n"
    'if __name__ == "__main__":\n'
    '    list_pushes("https://treeherder.mozilla.org/api/")\n'
)
_MODULE = "import requests\n\n\ndef list_pushes(url):\n    return requests.get(url).json()\n"
_SETUP = "from setuptools import setup\n\nsetup(name='code-review-bot')\n"


def test_a_program_in_a_subproject_tools_folder_is_a_developer_script() -> None:
    files = {
        "bot/setup.py": _SETUP,
        "bot/tools/fix_missing.py": _PROGRAM,
        "bot/tools/helpers.py": _MODULE,  # a module the programs import: still judged
        "bot/code_review_bot/tools/fetch.py": _PROGRAM,  # the package's own tools
    }
    assert app_findings(files, "PR101") == [
        ("bot/code_review_bot/tools/fetch.py", 6),
        ("bot/tools/helpers.py", 5),
    ]


def test_a_package_tools_folder_is_production_code() -> None:
    """Luigi's `luigi/tools/luigi_grep.py` is installed as the `luigi-grep` command; the
    `setup.py` is at the top of the checkout, not in `luigi/`."""
    files = {"setup.py": _SETUP, "luigi/__init__.py": "", "luigi/tools/luigi_grep.py": _PROGRAM}
    assert app_findings(files, "PR101") == [("luigi/tools/luigi_grep.py", 6)]


def test_only_the_rules_that_spare_developer_scripts_are_dropped() -> None:
    program = _PROGRAM + 'API_KEY = "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"\n'
    files = {"bot/setup.py": _SETUP, "bot/tools/fix_missing.py": program}
    assert app_findings(files, "PR101") == []
    assert app_findings(files, "PR109") == [("bot/tools/fix_missing.py", 11)]
