"""PR101 timeout: outbound network calls that can wait forever."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.scan.context import FileContext, has_star_kwargs, is_none, keyword
from prodready.scan.registry import NEGATED_FACT_NEEDLES, Hit, rule
from prodready.scan.rules._names import (
    calls_method_of,
    innermost_function,
    leaf_name,
    walk_own,
    words,
)
from prodready.scan.rules._paths import developer_script, in_development_branch, main_only_lines
from prodready.scan.rules._web.syntax import dotted

_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
# callable -> index of the positional parameter that is the timeout (None: keyword only)
_BLOCKING: dict[str, int | None] = {
    "urllib.request.urlopen": 2,
    "urllib2.urlopen": 2,
    "socket.create_connection": 1,
    "smtplib.SMTP": 3,
    "smtplib.SMTP_SSL": None,
    "smtplib.LMTP": None,
    "http.client.HTTPConnection": 2,
    "http.client.HTTPSConnection": None,
    "ftplib.FTP": None,
    "telnetlib.Telnet": 2,
}
_HTTPX_CALLS = frozenset(
    {f"httpx.{v}" for v in _HTTP_VERBS | {"stream"}} | {"httpx.Client", "httpx.AsyncClient"}
)
_SESSION_FACTORIES = frozenset(
    {"requests.Session", "requests.session", "requests.sessions.Session"}
)
# Some module replaces the `Session` name of other modules with its own class.
SESSION_SWAPPED_FACT = "requests-session-swapped"
NEGATED_FACT_NEEDLES[SESSION_SWAPPED_FACT] = (b".Session",)
# Some module replaces `requests.Session.request` with a function that sets a timeout.
REQUESTS_PATCHED_FACT = "requests-default-timeout-patched"
NEGATED_FACT_NEEDLES[REQUESTS_PATCHED_FACT] = (b"Session.request",)
# Some module gives every socket of the process a default timeout and never takes it back.
SOCKET_DEFAULT_FACT = "socket-default-timeout-set"
NEGATED_FACT_NEEDLES[SOCKET_DEFAULT_FACT] = (b"setdefaulttimeout",)


@rule(
    "PR101",
    "timeout",
    "timeout",
    severity="warning",
    confidence="high",
    less_sure=("low", "calls in a branch that runs only in debug mode"),
)
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds outbound network calls that can wait forever: `requests` calls (module
        functions, `requests.request`, and methods of `requests.Session` objects kept in
        local variables or `self.` attributes) without `timeout=` or with `timeout=None`
        (only where the file imports the module and the function does not bind the name
        to something else: `requests = Request.objects.filter(...)` then
        `requests.delete()` is a queryset);
        `urllib.request.urlopen`, `socket.create_connection`, `smtplib.SMTP`/`SMTP_SSL`,
        `http.client` connections and `ftplib.FTP` without a timeout. httpx has a 5 s
        default and aiohttp a 5-minute one, so they are flagged only for an explicit
        `timeout=None`. Calls that pass `**kwargs` (which may carry the timeout) and
        sessions whose class or mounted adapter sets a default are not flagged (an adapter
        named for it, given a timeout as in `CustomHTTPAdapter(self.default_timeout)`, or
        whose class in the same file sets one in `send()`; a call whose URL visibly starts
        with another attribute than the mounted prefix is still flagged), nor sessions whose
        `request` method is replaced by one passing a timeout (`s.request =
        functools.partial(s.request, timeout=30)`), nor are
        developer scripts run by hand: files under a top-level `scripts/`, `tools/`, `dev/`,
        `extras/`, `etc/`, `hack/`, `devstack/` or `ci/` folder, programs under a top-level
        `utils/`, `bin/`, `docker/`, `docker_assets/`, `data/` or `datasets/` folder (a shebang, a
        `__main__` block, argparse or `sys.argv`; a `utils/` module the app imports is still
        checked), container health probes run as programs (`readyz.py`, `healthcheck.py`: the
        orchestrator kills them at its probe timeout), modules and management commands whose own
        docstring or `help` says they are for tests ("used by the API test harness", "created for
        testing purposes"), for "Heroku review apps" or "for local development only", management
        commands whose `handle()` returns at once unless `settings.DEBUG` or `settings.DEVELOPMENT`
        is set, stand-alone programs (a `__main__` block and a shebang or argparse/click..., no web
        or task framework imported) at the top of the checkout (`populate.py`), in a file no import
        can name (`upload-screenshots.py`), whose header says to run it by its file name
        (`# Usage: python app/schemas/check.py`) or in a `scripts/` folder deeper in the tree
        (`app/scripts/`, also a folder named for a kind of scripts or for evaluation:
        `dataset_release_scripts/`, `eval/`, `benchmarks/`; there a program doing its work at the
        top level, or a `__main__` block running the file's `main()` is enough: a container health
        probe, a build-time model download; so is a django-extensions `run()` script), test support
        (an `e2e/` folder anywhere, a top-level `qa/` file importing no web framework), programs in
        a `play/`, `playground/`, `sandbox/` or `scratch/` folder, a top-level module whose
        docstring calls it a script ("This script can be used to retrieve Zendesk tickets"), load
        tests (`locustfile.py`, a Locust import), programs kept among static assets
        (`static/js/data/merge_shape_files.py`), modules built on the project's development tooling
        (`from meta.dev.src... import`), plugins for developer tools (a gitlint rule, a pylint
        checker), invoke and Fabric task files at the top of the checkout (`tasks.py`, `fabfile.py`:
        run by hand), modules that build records with test factories
        (`from app.users.factories import UserFactory`: sample data for a
        developer's instance), modules importing no web framework that write files beside
        their own source (`open(f"{os.path.dirname(__file__)}/../tmp/terms.html", "w")`: a
        generator whose output a developer commits), checker or exploit
        harnesses (`checker.py`, `exploit.py`) that
        import no web framework, files in a `deprecated/` folder while no module imports
        from one (retired code nothing loads), and the code only a module's `__main__` block
        reaches (the block and the private functions only it calls). A session made by
        `Session()` after `from requests import Session` is not flagged when some module
        replaces other modules' `Session` name with its own class (`mod.Session =
        RetryingSession`, Bazarr's provider registry). No `requests` call is flagged in an
        application one of whose modules replaces `requests.Session.request` with a function
        that sets a default timeout (`kwargs.setdefault("timeout", ...)`, Maykin's Objects
        API at start-up): module functions run on a Session too. A standard-library call without a
        timeout is not flagged after `socket.setdefaulttimeout(30)` in the same function, anywhere
        in a file that calls it at module level, nor anywhere in an application one of whose modules
        sets it at start-up or in its configuration and never puts it back (SickChill's start-up,
        Limnoria's `conf.py`): those sockets take that default (`requests` does not, so its calls
        are still flagged). A call fetching a URL just tested to be a file
        (`url.startswith("file://")`, `parts.scheme == "file"`) reads a local file (h2oGPT mounts
        `requests_file`'s adapter for it; Heat's template fetcher opens `file:` URLs), and
        one opening a URL just tested to be a `data:` URL decodes the bytes written in it.
        `ftplib.FTP()` without a host opens nothing; it is not flagged when its `connect()` is given
        a timeout. A
        call inside a block that a deadline cuts short is not flagged: `with
        Timeout(seconds=5):` (an alarm), `async with asyncio.timeout(5):`, `with
        fail_after(5):`; `Timeout(seconds=None)` bounds nothing. A call in a branch that
        runs only in debug mode (`if settings.DEBUG:`, also through `getattr(settings,
        "DEBUG", False)`, or Flask's `if app.debug:`) is reported at low confidence: it
        fetches from a developer's machine unless an install is switched to debug.
    Why it matters:
        `requests` waits forever by default. One slow dependency then holds a worker per
        request until the whole service stops answering: the classic cascading failure.
    Example:
        `resp = requests.post(PAYMENTS_URL, json=payload)`
    Fix:
        Pass an explicit timeout sized to the caller's budget, e.g.
        `requests.post(url, json=payload, timeout=(3.05, 10))`, or use a session class
        that sets one by default.
    """
    if ".Session" in ctx.source and _swaps_session_class(ctx):
        ctx.facts.add(SESSION_SWAPPED_FACT)
    if "Session.request" in ctx.source and _patches_session_timeout(ctx):
        ctx.facts.add(REQUESTS_PATCHED_FACT)
    if developer_script(ctx):
        return
    if "setdefaulttimeout" in ctx.source and _sets_lasting_socket_default(ctx):
        ctx.facts.add(SOCKET_DEFAULT_FACT)
    swappable: set[tuple[str, ast.AST]] = set()
    sessions = _session_names(ctx, swappable)
    mounts = _timeout_mounts(ctx)
    program_only = main_only_lines(ctx)
    socket_defaults = _socket_default_scopes(ctx)
    deadlines = _deadline_blocks(ctx)
    for call in ctx.calls:
        name = ctx.call_name(call)
        if not name or any(start <= call.lineno <= end for start, end in program_only):
            continue
        if deadlines and _under(call, deadlines):
            continue
        head, _, verb = name.rpartition(".")
        problem: str | None = None
        condition: str | None = None
        if head == "requests" and verb in _HTTP_VERBS:
            problem = _requests_problem(call, name)
            condition = f"!{REQUESTS_PATCHED_FACT}"
        elif verb in _HTTP_VERBS and head in sessions and _scope(ctx, call, head) in sessions[head]:
            # named as written: `session` may also be an import it shadows (Flask's)
            problem = _requests_problem(call, f"session {dotted(call.func) or name}")
            mounted = mounts.get((head, _scope(ctx, call, head)))
            if problem and mounted and _under_mount(call, verb, mounted):
                problem = None
            condition = f"!{REQUESTS_PATCHED_FACT}"
            if problem and (head, _scope(ctx, call, head)) in swappable:
                condition += f"&!{SESSION_SWAPPED_FACT}"
        elif name in _BLOCKING:
            problem = _blocking_problem(call, name, _BLOCKING[name])
            if problem and name == "ftplib.FTP" and _connects_later_with_timeout(ctx, call):
                problem = None
            if problem and problem.endswith(_NO_DEFAULT):
                if _under(call, socket_defaults):
                    problem = None
                condition = f"!{SOCKET_DEFAULT_FACT}"
        elif name in _HTTPX_CALLS:
            kw = keyword(call, "timeout")
            if kw is not None and is_none(kw.value):
                problem = f"{name}(timeout=None) disables httpx's default timeout"
        if problem and _reads_a_file_url(ctx, call):
            problem = None
        if problem and _module_call_resolves(ctx, call, head in sessions):
            # `if settings.DEBUG:` fetching from a developer's asset server: low confidence
            debug_only = in_development_branch(ctx, call)
            yield Hit(
                call.lineno,
                call.end_lineno or call.lineno,
                problem + (" when debug mode is on" if debug_only else ""),
                condition,
                confidence="low" if debug_only else None,
            )


def _reads_a_file_url(ctx: FileContext, call: ast.Call) -> bool:
    """`if url.startswith("file://"): s.mount("file://", FileAdapter()); s.get(url)`: the
    URL the call fetches was just tested to be a local file (h2oGPT's downloader), which
    `requests_file` reads from disk; nothing on the network can keep it waiting. Only the
    branch where the test holds counts, not its `else`."""
    url = call.args[0] if call.args else None
    if url is None:
        kw = keyword(call, "url")
        url = kw.value if kw is not None else None
    if not isinstance(url, ast.Name):
        return False
    child: ast.AST = call
    node = ctx.parents.get(call)
    while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if (
            isinstance(node, ast.If)
            and child in node.body
            and _tests_local_scheme(node.test, url.id)
        ):
            return True
        child, node = node, ctx.parents.get(node)
    return False


# URL schemes whose "fetch" reads what is already here: a file on disk, or the bytes written
# in a `data:` URL itself (`urlopen("data:image/png;base64,...")` decodes them).
_LOCAL_SCHEMES = ("file", "data")


def _tests_local_scheme(test: ast.expr, name: str) -> bool:
    """`name.startswith("file://")`, also with `file:` alone, or a parsed URL's
    `components.scheme == "file"` (Heat's template fetcher); the same for `data:` (agno
    decodes an image sent as a `data:` URL with `urlopen`)."""
    if (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Attribute)
        and test.left.attr == "scheme"
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value in _LOCAL_SCHEMES
    ):
        return True
    return (
        calls_method_of(test, "startswith", name)
        and len(test.args) == 1
        and isinstance(test.args[0], ast.Constant)
        and isinstance(test.args[0].value, str)
        and test.args[0].value.lower().startswith(tuple(s + ":" for s in _LOCAL_SCHEMES))
    )


def _module_call_resolves(ctx: FileContext, call: ast.Call, via_session: bool) -> bool:
    """Is the `requests`/`urllib`/`httpx` in front of this call really the imported module?

    A Django command's `requests = PasswordChangeRequest.objects.filter(...)` followed by
    `requests.delete()` is a queryset delete (Money to Prisoners), and a file that never
    imports `requests` cannot call it.
    """
    if via_session:
        return True
    root = call.func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id not in ctx.aliases:
        return False
    fn = innermost_function(ctx, call.lineno)
    if fn is None:
        return True
    bound = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}
    if root.id in bound:
        return False
    return not any(
        isinstance(node, ast.Name) and node.id == root.id and isinstance(node.ctx, ast.Store)
        for node in walk_own(fn)
    )


def _requests_problem(call: ast.Call, what: str) -> str | None:
    if has_star_kwargs(call):
        return None
    kw = keyword(call, "timeout")
    if kw is None:
        return f"{what}() has no timeout; requests waits forever by default"
    if is_none(kw.value):
        return f"{what}(timeout=None) waits forever"
    return None


def _blocking_problem(call: ast.Call, name: str, position: int | None) -> str | None:
    if has_star_kwargs(call):
        return None
    if position is not None and len(call.args) > position:
        return (
            None
            if not is_none(call.args[position])
            else f"{name}() with timeout None waits forever"
        )
    kw = keyword(call, "timeout")
    if kw is None:
        return f"{name}() has no timeout; {_NO_DEFAULT}"
    if is_none(kw.value):
        return f"{name}(timeout=None) waits forever"
    return None


def _connects_later_with_timeout(ctx: FileContext, call: ast.Call) -> bool:
    """Luigi's `conn = ftplib.FTP()` then `conn.connect(host, port, timeout=60)`: without a
    host the constructor opens nothing, and the `connect()` that does is given a timeout
    (one without it falls back to the object's, which is none)."""
    if call.args or keyword(call, "host") is not None:
        return False
    fn = innermost_function(ctx, call.lineno)
    bound = ctx.parents.get(call)
    if fn is None or not isinstance(bound, ast.Assign) or len(bound.targets) != 1:
        return False
    ftp = ast.unparse(bound.targets[0])
    for node in walk_own(fn):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "connect"
            and ast.unparse(node.func.value) == ftp
        ):
            continue
        given = keyword(node, "timeout")
        limit = given.value if given is not None else node.args[2] if len(node.args) > 2 else None
        if limit is not None and not is_none(limit):
            return True
    return False


_NO_DEFAULT = "it uses the global socket default (none)"
# Modules and functions that run once when a program starts; a configuration module
# (Limnoria's `conf.py` applies its `defaultSocketTimeout` setting as it registers it).
_START_UP = re.compile(
    r"_?(?:start|startup|start_up|wireup|wire_up|init|initiali[sz]e|setup|set_up|boot|"
    r"bootstrap|configure|create_app|main|__main__|run|conf|config|configuration|settings)"
    # a start-up in stages: SickGear's `init_stage_1()` reads the configuration
    r"(?:_(?:stage|phase|step)_?\d+)?"
)
# The application's core module, whose constructor runs as the app loads (CouchPotato's
# `core/_base/_core.py`); a method there runs when something calls it (Deluge's Blocklist
# plugin sets the default in its own `core.py` only while it downloads a list).
_CORE_MODULE = re.compile(r"_?(?:core|app|application)")


def _socket_default_scopes(ctx: FileContext) -> list[tuple[int, int]]:
    """Where `socket.setdefaulttimeout(30)` (not `None`) gives the standard library's
    sockets a default: the whole file when it is called at module level, else the rest of
    the function that calls it (Anitya sets it just before `urlopen` of an FTP URL)."""
    scopes: list[tuple[int, int]] = []
    if "setdefaulttimeout" not in ctx.source:
        return scopes
    for call in ctx.calls:
        if ctx.call_name(call) != "socket.setdefaulttimeout":
            continue
        if not call.args or is_none(call.args[0]):
            continue
        fn = innermost_function(ctx, call.lineno)
        end = len(ctx.source.splitlines()) if fn is None else fn.end_lineno or fn.lineno
        scopes.append((1 if fn is None else call.lineno, end))
    return scopes


def _sets_lasting_socket_default(ctx: FileContext) -> bool:
    """SickChill's start-up calls `socket.setdefaulttimeout(settings.SOCKET_TIMEOUT)`: every
    standard-library socket the process opens later gets that timeout, in any module. Only
    start-up counts: a module-level call, or one in a start-up or configuration module
    (`start.py`, Liberapay's `wireup.py`, Limnoria's `conf.py`) or function
    (`initialize()`, `main()`, SickGear's `init_stage_1()`), or a constructor in the app's
    core module (CouchPotato's `_core.py`). Flexget's Windows
    service sets it for itself alone, a BigQuery client for its own connections. A file
    that also puts the default back (`setdefaulttimeout(None)`, or to what
    `getdefaulttimeout()` said before: Mylar, OctoPrint) sets it only for a moment."""
    calls = [c for c in ctx.calls if ctx.call_name(c) == "socket.setdefaulttimeout" and c.args]
    if any(is_none(c.args[0]) for c in calls):
        return False
    if any(ctx.call_name(c) == "socket.getdefaulttimeout" for c in ctx.calls):
        return False
    module = ctx.path.rpartition("/")[2].removesuffix(".py")
    for call in calls:
        fn = innermost_function(ctx, call.lineno)
        if fn is None or _START_UP.fullmatch(module) or _START_UP.fullmatch(fn.name):
            return True
        if fn.name == "__init__" and _CORE_MODULE.fullmatch(module):
            return True
    return False


# Context managers that cut the block short at a deadline: `asyncio.timeout(5)`,
# `async_timeout.timeout(5)`, paasta's and stopit's `Timeout(seconds=5)`, anyio's and
# trio's `fail_after(5)` and `move_on_after(5)`.
_DEADLINE_LEAVES = frozenset({"fail_after", "move_on_after"})


def _deadline_blocks(ctx: FileContext) -> list[tuple[int, int]]:
    """The lines of `with Timeout(seconds=timeout):` blocks (paasta's health check wraps
    `requests.get(url)` in one, which raises when the alarm fires): a call inside cannot
    wait longer than the block's deadline. A deadline of `None` bounds nothing."""
    if "imeout" not in ctx.source and "_after" not in ctx.source:
        return []
    blocks: list[tuple[int, int]] = []
    for node in ctx.withs:
        for item in node.items:
            call = item.context_expr
            if not isinstance(call, ast.Call):
                continue
            leaf = ctx.call_name(call).rpartition(".")[2] or leaf_name(call.func)
            named = leaf in _DEADLINE_LEAVES or "timeout" in words(leaf)
            bounds = [*call.args, *(k.value for k in call.keywords)]
            if named and bounds and not all(is_none(b) for b in bounds):
                blocks.append((node.lineno, node.end_lineno or node.lineno))
    return blocks


def _under(call: ast.Call, scopes: list[tuple[int, int]]) -> bool:
    return any(start <= call.lineno <= end for start, end in scopes)


def _swaps_session_class(ctx: FileContext) -> bool:
    """`mod.Session = RetryingSession`: Bazarr's provider registry replaces the `Session`
    name in every provider module with its own session class (one with a 10 s default
    timeout), so `Session()` there, written after `from requests import Session`, no
    longer makes a plain requests session."""
    for node in ctx.assigns:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Name | ast.Attribute):
            continue
        if ctx.qualname(node.value) in _SESSION_FACTORIES:
            continue
        if any(isinstance(t, ast.Attribute) and t.attr == "Session" for t in node.targets):
            return True
    return False


def _patches_session_timeout(ctx: FileContext) -> bool:
    """`Session.request = new_request`, where `new_request` does
    `kwargs.setdefault("timeout", settings.REQUESTS_DEFAULT_TIMEOUT)`: Maykin's Objects API
    patches requests at start-up so that every call of the process, `requests.get()`
    included (it runs on a `Session`), gets a default timeout. A replacement that says
    nothing of a timeout (a tracing wrapper) bounds nothing."""
    functions = {
        node.name: node
        for node in ast.walk(ctx.tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    for node in ast.walk(ctx.tree):
        if not isinstance(node, ast.Assign):
            continue
        if not any(
            isinstance(t, ast.Attribute)
            and t.attr == "request"
            and ctx.qualname(t.value) in _SESSION_FACTORIES
            for t in node.targets
        ):
            continue
        value = node.value
        if isinstance(value, ast.Name) and value.id in functions:
            return _mentions_timeout(functions[value.id])
        if isinstance(value, ast.Call | ast.Lambda):
            return _mentions_timeout(value)  # `functools.partialmethod(..., timeout=10)`
    return False


def _session_names(
    ctx: FileContext, swappable: set[tuple[str, ast.AST]]
) -> dict[str, set[ast.AST]]:
    """Names bound to a plain `requests.Session`, with the scopes where they are bound.

    Scope matters: `session` is a Session in one function and Flask's session dict in
    another, and `session.get("user")` on the dict is no network call. Locals are scoped
    to their function, `self.` attributes to their class. Sessions made from a subclass
    (where teams set a default timeout) are not tracked.
    """
    names: dict[str, set[ast.AST]] = {}

    def bind(name: str, node: ast.AST, factory: ast.Call) -> None:
        scope = _scope(ctx, node, name)
        names.setdefault(name, set()).add(scope)
        if isinstance(factory.func, ast.Name) and factory.func.id == "Session":  # swappable
            swappable.add((name, scope))

    for node in ctx.assigns:
        value = node.value
        if not isinstance(value, ast.Call) or ctx.call_name(value) not in _SESSION_FACTORIES:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            dotted = ctx.qualname(target) if isinstance(target, ast.Name | ast.Attribute) else ""
            if dotted:
                bind(dotted, node, value)
    for with_node in ctx.withs:  # `with requests.Session() as s:`
        for item in with_node.items:
            expr = item.context_expr
            if (
                isinstance(expr, ast.Call)
                and ctx.call_name(expr) in _SESSION_FACTORIES
                and isinstance(item.optional_vars, ast.Name)
            ):
                bind(item.optional_vars.id, with_node, expr)
    for name, scope in _request_wrapped_with_timeout(ctx):
        names.get(name, set()).discard(scope)
    return names


def _request_wrapped_with_timeout(ctx: FileContext) -> set[tuple[str, ast.AST]]:
    """Sessions whose `request` method is replaced by one that passes a timeout: Kuryr's
    `self.session.request = functools.partial(self.session.request, timeout=(30, 60))`.
    Every verb of a Session goes through `request`, so each call gets that timeout."""
    wrapped: set[tuple[str, ast.AST]] = set()
    if ".request =" not in ctx.source:
        return wrapped
    for node in ctx.assigns:
        value = node.value
        if not isinstance(value, ast.Call):
            continue
        given = keyword(value, "timeout")
        if given is None or is_none(given.value):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "request":
                session = ctx.qualname(target.value)
                if session:
                    wrapped.add((session, _scope(ctx, node, session)))
    return wrapped


# (session name, its scope) -> the URL prefixes a timeout adapter is mounted on
_Mounts = dict[tuple[str, ast.AST], list[ast.expr]]


def _timeout_mounts(ctx: FileContext) -> _Mounts:
    """Sessions that get an adapter setting a default timeout mounted on them:
    `s.mount("https://", TimeoutHTTPAdapter(timeout=5))`, or Zentral's
    `self.session.mount(self.api_base_url, CustomHTTPAdapter(self.default_timeout, retries))`
    whose `send()` fills in the timeout a call leaves out."""
    mounts: _Mounts = {}
    if ".mount(" not in ctx.source:
        return mounts
    for call in ctx.calls:
        name = ctx.call_name(call)
        if not name.endswith(".mount") or len(call.args) < 2:
            continue
        session = name.rsplit(".", 1)[0]
        scope = _scope(ctx, call, session)
        if _adapter_sets_timeout(ctx, _resolve(ctx, call.args[1], call)):
            mounts.setdefault((session, scope), []).append(call.args[0])
    return mounts


def _resolve(ctx: FileContext, expr: ast.expr, at: ast.AST) -> ast.expr:
    """`adapter = CustomHTTPAdapter(...)` then `mount(prefix, adapter)`: the value bound
    to a local name in the same function (the last binding before the use)."""
    if not isinstance(expr, ast.Name):
        return expr
    scope = _scope(ctx, at, expr.id)
    found: ast.expr = expr
    for node in ctx.assigns:
        if (
            isinstance(node, ast.Assign)
            and node.lineno <= getattr(at, "lineno", 0)
            and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)
            and _scope(ctx, node, expr.id) is scope
        ):
            found = node.value
    return found


def _adapter_sets_timeout(ctx: FileContext, adapter: ast.expr) -> bool:
    """An adapter named for it (`TimeoutHTTPAdapter`), one given a timeout
    (`CustomHTTPAdapter(self.default_timeout)`: requests' own `HTTPAdapter` takes none, so
    the class exists to apply it), or one whose class, written in this file, sets it in
    `send()`."""
    if not isinstance(adapter, ast.Call):
        return False
    name = ctx.call_name(adapter)
    if "timeout" in name.lower():
        return True
    given = [*adapter.args, *(k.value for k in adapter.keywords)]
    if any(k.arg and "timeout" in k.arg.lower() for k in adapter.keywords) or any(
        _mentions_timeout(arg) for arg in given
    ):
        return True
    class_name = name.rpartition(".")[2]
    return any(
        isinstance(node, ast.ClassDef)
        and node.name == class_name
        and any(
            isinstance(item, ast.FunctionDef) and item.name == "send" and _mentions_timeout(item)
            for item in node.body
        )
        for node in ctx.tree.body
    )


def _mentions_timeout(node: ast.AST) -> bool:
    """A name, attribute or key about a timeout anywhere in `node` (`self.default_timeout`,
    `kwargs["timeout"]`): what an adapter's arguments or its `send()` are read for."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            word = sub.id
        elif isinstance(sub, ast.Attribute):
            word = sub.attr
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            word = sub.value
        elif isinstance(sub, ast.keyword) and sub.arg:  # `partialmethod(..., timeout=10)`
            word = sub.arg
        else:
            continue
        if "timeout" in word.lower():
            return True
    return False


def _under_mount(call: ast.Call, verb: str, prefixes: list[ast.expr]) -> bool:
    """Does a mounted prefix cover this call's URL? Jamf's client mounts its adapter on
    `self.api_base_url` and posts its token request to `f"{self.base_url}/api/v1/auth/token"`:
    that call gets no timeout. Only a URL that visibly starts with another attribute than
    every attribute prefix is taken as outside; a URL held in a variable is given the
    benefit of the doubt."""
    if not all(isinstance(p, ast.Attribute) for p in prefixes):
        return True
    base = _url_base(call, verb)
    return base is None or any(ast.unparse(p) == base for p in prefixes)


def _url_base(call: ast.Call, verb: str) -> str | None:
    """The attribute a call's URL is built on: `self.base_url` in `self.base_url + path`,
    `f"{self.base_url}/x"` or `"{}/x".format(self.base_url)`. A URL held whole in a name
    or attribute may be built on anything."""
    position = 1 if verb == "request" else 0
    url: ast.expr | None = call.args[position] if len(call.args) > position else None
    if url is None:
        kw = keyword(call, "url")
        url = kw.value if kw is not None else None
    start: ast.expr | None = None
    if isinstance(url, ast.BinOp) and isinstance(url.op, ast.Add):
        start = url.left
        while isinstance(start, ast.BinOp) and isinstance(start.op, ast.Add):
            start = start.left
    elif isinstance(url, ast.JoinedStr) and url.values:
        first = url.values[0]
        start = first.value if isinstance(first, ast.FormattedValue) else None
    elif (
        isinstance(url, ast.Call)
        and isinstance(url.func, ast.Attribute)
        and url.func.attr == "format"
        and isinstance(url.func.value, ast.Constant)
        and isinstance(url.func.value.value, str)
        and url.func.value.value.startswith(("{}", "{0}"))
        and url.args
    ):
        start = url.args[0]
    return ast.unparse(start) if isinstance(start, ast.Attribute) else None


def _scope(ctx: FileContext, node: ast.AST, name: str) -> ast.AST:
    """The function (or, for `self.x`, the class) a name lives in; the module otherwise."""
    want_class = name.startswith("self.")
    current = ctx.parents.get(node)
    while current is not None:
        if want_class and isinstance(current, ast.ClassDef):
            return current
        if not want_class and isinstance(
            current, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
        ):
            return current
        current = ctx.parents.get(current)
    return ctx.tree
