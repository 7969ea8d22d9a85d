"""Client scripts run by hand against the project's own service (see scan/client_scripts)."""

from __future__ import annotations

import pytest

from tests.scan.harness import app_findings

# Linly-Talker's `api/tts_client.py`: "run `python api/tts_client.py` to test the API"
_CLIENT = (
    "import requests\n\n"
    'URL = "http://localhost:8001/tts_response/"\n'
    'API_KEY = "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"\n\n\n'
    "def request_tts(payload):\n"
    "    return requests.post(URL, data=payload)\n\n\n"
    'if __name__ == "__main__":\n'
    '    request_tts({"text": "hello"})\n'
)
_SERVER = "from fastapi import FastAPI\n\napp = FastAPI()\n"


def test_a_client_script_no_module_imports_is_not_judged() -> None:
    files = {"api/tts_client.py": _CLIENT, "api/tts_server.py": _SERVER}
    assert app_findings(files, "PR101") == []
    # a credential is published with the file whether or not it runs
    assert app_findings(files, "PR109") == [("api/tts_client.py", 4)]


@pytest.mark.parametrize(
    "importer",
    [
        "from api import tts_client\n",
        "from api.tts_client import request_tts\n",
        "from .tts_client import request_tts\n",
        "import api.tts_client as tts\n",
        'import importlib\n\ntts = importlib.import_module("api.tts_client")\n',
    ],
)
def test_a_client_script_the_service_imports_is_production_code(importer: str) -> None:
    """LocalGPT's `ollama_client.py` has a `__main__` self-test, and its backend calls it
    for every answer."""
    files = {"api/tts_client.py": _CLIENT, "api/tts_server.py": _SERVER + importer}
    assert app_findings(files, "PR101") == [("api/tts_client.py", 8)]


# FunASR's `runtime/python/http/client.py`: parses its arguments and posts at the top level
_TOP_LEVEL_CLIENT = (
    "import argparse\n\nimport requests\n\n"
    "parser = argparse.ArgumentParser()\n"
    'parser.add_argument("--host", default="127.0.0.1")\n'
    "args = parser.parse_args()\n"
    "for arg, value in vars(args).items():\n"
    "    print(arg, value)\n"
    'response = requests.post(f"http://{args.host}:8000/recognition", files={})\n'
    "print(response.text)\n"
)


def test_a_client_doing_its_work_as_it_is_loaded_is_a_client_script() -> None:
    files = {"runtime/http/client.py": _TOP_LEVEL_CLIENT, "runtime/http/server.py": _SERVER}
    assert app_findings(files, "PR101") == []
    imported = {**files, "runtime/http/server.py": _SERVER + "from runtime.http import client\n"}
    assert app_findings(imported, "PR101") == [("runtime/http/client.py", 10)]
    # a module that only defines things when loaded is not a program
    quiet = _TOP_LEVEL_CLIENT.replace("print(", "str(")
    quiet = quiet.replace("for arg, value in vars(args).items():\n    str(arg, value)\n", "")
    assert app_findings({**files, "runtime/http/client.py": quiet}, "PR101") == [
        ("runtime/http/client.py", 8)
    ]


def test_only_a_client_named_file_with_a_main_block_is_a_client_script() -> None:
    no_main = _CLIENT.split("\n\nif __name__")[0] + "\n"
    files = {
        "api/tts_client.py": no_main,  # a client module: whoever imports it is not scanned
        "api/worker.py": _CLIENT,  # a program, but not named for a client
        "api/client_tools.py": _CLIENT.replace('"__main__"', '"client_tools"'),
        "api/tts_server.py": _SERVER + "from api import other_client\n",
    }
    assert app_findings(files, "PR101") == [
        ("api/client_tools.py", 8),
        ("api/tts_client.py", 8),
        ("api/worker.py", 8),
    ]
