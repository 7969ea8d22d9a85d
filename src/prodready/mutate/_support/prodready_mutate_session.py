"""A pytest session that collects the suite once and then judges mutants by forking.

Loaded with `-p prodready_mutate_session` in the project's own Python (it imports nothing
from prodready). The session collects the tests as a normal run would, which imports the
project with its original code; then, instead of running the tests, it serves requests.
For each mutant it forks; the child gives every live function object of the mutated
function (and of the functions around it) the mutated code object — `f.__code__ = ...`
changes the object itself, so every reference to it (`from x import f`, bound methods,
decorators that keep the function) runs the mutant — and runs only the selected test
items, stopping at the first failure. No interpreter start, no re-import, no
re-collection per mutant.

A mutant this cannot apply (its function was never imported, its closure changed shape,
its code is not found) is answered with ``"fallback": true``; the runner then judges it
in a fresh pytest process with the mutated file on disk.

Protocol: one JSON request per line on the original stdin, ``{"path", "source", "chain":
[[qualname, first_line], ...], "tests": [...], "timeout", "log"}``; one JSON reply per line
on the original stdout, ``{"exit", "timeout", "seconds", "tests", "fallback"}``, after a
first line ``{"ready": true, "items": N}``.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import signal
import sys
import types
from collections.abc import Iterator
from typing import IO, Any

import pytest
from prodready_mutate_worker import _stop, run_forked

# Taken before pytest's output capturing replaces the standard descriptors; then pytest's
# own output (collection, summary) goes to stderr, never into the reply channel.
_REQUESTS: IO[str] = os.fdopen(os.dup(0), "r", encoding="utf-8")
_REPLIES: IO[str] = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
os.dup2(2, 1)
_TARGETS = frozenset(
    os.path.realpath(p)
    for p in os.environ.get("PRODREADY_MUTATE_TARGETS", "").split(os.pathsep)
    if p
)
_FALLBACK = 4  # the child's exit code for "cannot apply this mutant here"

FunctionKey = tuple[str, str, int]  # (file, qualname, first line)


def _function_index() -> dict[FunctionKey, list[types.FunctionType]]:
    index: dict[FunctionKey, list[types.FunctionType]] = {}
    for obj in gc.get_objects():
        if isinstance(obj, types.FunctionType):
            code = obj.__code__
            path = os.path.realpath(code.co_filename)
            if path in _TARGETS:
                key = (path, code.co_qualname, code.co_firstlineno)
                index.setdefault(key, []).append(obj)
    return index


def _code_objects(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


def _apply(index: dict[FunctionKey, list[types.FunctionType]], request: dict[str, Any]) -> bool:
    """Give the live functions of the request's chain their mutated code; False when the
    mutant cannot be applied in this process."""
    path = os.path.realpath(str(request["path"]))
    try:
        module_code = compile(str(request["source"]), path, "exec")
    except (SyntaxError, ValueError):
        return False
    new = {(c.co_qualname, c.co_firstlineno): c for c in _code_objects(module_code)}
    chain = [(str(q), int(n)) for q, n in request["chain"]]
    if not chain or not index.get((path, *chain[0])):
        return False  # the outermost function was never created: not imported yet
    for qualname, first in chain:
        code = new.get((qualname, first))
        if code is None:
            return False
        for function in index.get((path, qualname, first), []):
            if function.__code__.co_freevars != code.co_freevars:
                return False
            function.__code__ = code
    return True


def _unformatted(*args: object, **kwargs: object) -> str:
    return "noticed by this test (traceback not formatted)"


def _child(
    session: pytest.Session,
    items: dict[str, pytest.Item],
    index: dict[FunctionKey, list[types.FunctionType]],
    request: dict[str, Any],
) -> None:
    from _pytest.runner import runtestprotocol

    os.setpgid(0, 0)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ["PRODREADY_MUTANT"] = "1"  # tests may tell a mutant's run from a normal one
    code = 3
    ran = 0
    try:
        selected = [items.get(str(n)) for n in request["tests"]]
        if any(item is None for item in selected) or not _apply(index, request):
            code = _FALLBACK
        else:
            code = 0
            chosen = [item for item in selected if item is not None]
            for item in chosen:
                # nobody reads this child's reports: skip formatting tracebacks of failures
                item.repr_failure = _unformatted  # type: ignore[method-assign]
                item._repr_failure_py = _unformatted  # type: ignore[method-assign,assignment]
            for i, item in enumerate(chosen):
                following = chosen[i + 1] if i + 1 < len(chosen) else None
                reports = runtestprotocol(item, nextitem=following, log=False)
                ran += 1
                if any(r.failed for r in reports):
                    code = 1
                    # the child exits next: a teardown error cannot change the verdict
                    with contextlib.suppress(Exception):  # prodready: ignore[PR103] exits next
                        session._setupstate.teardown_exact(None)
                    break
    except BaseException:  # anything escaping the tests is an error result, never a hang
        code = 3
    finally:
        # the count is informational: without it the runner counts the selection instead
        with (  # prodready: ignore[PR103] informational count
            contextlib.suppress(Exception),
            open(str(request["log"]) + ".count", "w", encoding="utf-8") as fh,
        ):
            fh.write(str(ran))
        os._exit(code)


def _prefix(config: pytest.Config) -> str:
    """Node ids are relative to the rootdir; requests name them from where pytest ran."""
    root = os.path.realpath(str(config.rootpath))
    here = os.path.realpath(os.getcwd())
    if root == here or not root.startswith(here + os.sep):
        return ""
    return os.path.relpath(root, here).replace(os.sep, "/") + "/"


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the runner decides when to stop
    prefix = _prefix(session.config)
    items = {prefix + item.nodeid: item for item in session.items}
    index = _function_index()
    gc.collect()
    gc.freeze()  # children share these pages instead of copying them as gc touches them
    _REPLIES.write(json.dumps({"ready": True, "items": len(items)}) + "\n")
    for raw in _REQUESTS:
        request = json.loads(raw)
        log = str(request["log"])
        child = functools.partial(_child, session, items, index, request)
        reply = run_forked(child, log, float(request["timeout"]))
        reply["fallback"] = reply["exit"] == _FALLBACK
        _REPLIES.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
    return True
