"""Client scripts that a person runs by hand to try the project's own service.

CosyVoice keeps `runtime/python/fastapi/client.py` beside its server, and Linly-Talker keeps
`api/tts_client.py` beside its TTS API; their READMEs say "run `python api/tts_client.py` to
test the service". Such a file is named for a client and has an `if __name__ == "__main__":`
block or does its work as it is loaded (FunASR's `runtime/python/http/client.py`, which
parses its arguments and posts a file at the top level), and no module of the application
imports it. A call in it that waits forever stops the person at the terminal, who sees
it; no user is waiting on it. A client module with a `__main__` self-test that the service
does import (LocalGPT's `ollama_client.py`, which the backend uses for every answer) is
production code and is judged as such.

Whether another module imports the file is only known once every file is scanned, so
each file reports the client-like names it imports as facts, and the hits in a client
script hold only if some module imported its name. A credential stays a finding: it is
published with the file whether or not the file runs.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.scan.context import FileContext
from prodready.scan.rules._paths import flat_script, main_guard

CLIENT_IMPORTED_FACT = "imports-client-module:"
_CLIENT = "client"
_CLIENT_WORD = re.compile(_CLIENT, re.IGNORECASE)
_IMPORTERS = frozenset({"importlib.import_module", "__import__"})


def client_script_stem(ctx: FileContext) -> str | None:
    """The module name of a file named for a client (`tts_client.py`, `client_grpc.py`)
    that has an `if __name__ == "__main__":` block or loops, prints or runs commands at the
    top level; None for any other file."""
    stem = ctx.path.rsplit("/", 1)[-1].removesuffix(".py")
    if _CLIENT not in stem.lower() or not stem.isidentifier():
        return None
    if any(main_guard(stmt) for stmt in ctx.tree.body) or flat_script(ctx):
        return stem
    return None


def client_import_facts(ctx: FileContext) -> Iterator[str]:
    """The client-like names this file imports, as `import api.tts_client`, `from api
    import tts_client`, `from .tts_client import main` or `importlib.import_module(
    "api.tts_client")`. Every dotted part counts: which part names a module is not known
    from one file, and a name wrongly taken for the script only keeps its findings."""
    if _CLIENT_WORD.search(ctx.source) is None:  # most files: no copy of the source made
        return
    names: set[str] = set()
    for node in ctx.import_nodes:
        dotted = [a.name for a in node.names]
        if isinstance(node, ast.ImportFrom) and node.module:
            dotted.append(node.module)
        names.update(part for name in dotted for part in name.split("."))
    for call in ctx.calls:
        if ctx.call_name(call) in _IMPORTERS and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.update(first.value.split("."))
    yield from (CLIENT_IMPORTED_FACT + n for n in sorted(names) if _CLIENT in n.lower())
