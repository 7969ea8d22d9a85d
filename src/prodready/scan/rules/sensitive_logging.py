"""PR104 sensitive-logging: secrets and personal data written to logs."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import lru_cache

from prodready.scan.context import FileContext, FunctionNode, is_none, keyed_read
from prodready.scan.registry import Hit, rule
from prodready.scan.rules._names import (
    calls_method_of,
    describes_a_secret,
    innermost_function,
    leaf_name,
    looks_like_secret,
    names_a_cursor_token,
    names_a_session_key,
    names_a_slot,
    names_another_kind,
    sensitive_word,
    string_value,
    walk_own,
    words,
)
from prodready.scan.rules._paths import (
    SCRIPT_WHEN_RUN_DIRS,
    developer_script,
    in_development_branch,
    main_guard,
    script_dir,
)

_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg"}
)
_BIND_METHODS = frozenset({"bind", "new", "bind_contextvars"})
_STDLIB_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel", "extra"})
# Parts of a request that are whole headers, cookies or bodies.
_REQUEST_PARTS = {
    "headers": "request headers",
    "META": "request headers (META)",
    "environ": "request environment",
    "cookies": "request cookies",
    "COOKIES": "request cookies",
    "body": "request body",
    "data": "request body",
    "json": "JSON request body",
    "form": "request form",
    "POST": "request form",
    "values": "request form and query values",
    "get_json": "JSON request body",
    "get_data": "request body",
    "text": "request body",  # aiohttp: await request.text()
    "read": "request body",  # aiohttp: await request.read()
    "post": "request form",  # aiohttp: await request.post()
}
_CONTAINER_PARTS = frozenset({"cookies", "COOKIES"})  # every value inside is sensitive
_REQUEST_NAMES = frozenset({"request", "req", "self.request", "flask.request"})
# Functions and methods that return (a form of) their argument or receiver.
_PASSTHROUGH = frozenset(
    {
        "str",
        "repr",
        "dict",
        "list",
        "tuple",
        "format",
        "vars",
        "json.dumps",
        "json.loads",
        "pprint.pformat",
    }
)
_PASSTHROUGH_METHODS = frozenset(
    {
        "to_dict",
        "dict",
        "copy",
        "items",
        "decode",
        "encode",
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "model_dump",
        "model_dump_json",
        "removeprefix",
        "getvalue",
        "read",
        "json",
    }
)
_GETTER_VERBS = frozenset(
    {
        "get",
        "create",
        "generate",
        "make",
        "issue",
        "fetch",
        "build",
        "new",
        "load",
        "read",
        "encode",
        "sign",
        "mint",
        "obtain",
        "request",
        "refresh",
        "decrypt",
    }
)
# `api_key[:12]`, `card_number[-4:]`: a prefix or suffix this short names a key without
# revealing it (the masking idiom: RAGFlow's `auth_token[:10]`, AstrBot's Gemini key
# `[:12]`). A password may be no longer than that, so less of one is allowed.
_MASKED_SLICE = 12
_MASKED_PASSWORD_SLICE = 8
_PASSWORD_TEXT = re.compile(r"(?i)pass|pwd")


@rule(
    "PR104",
    "sensitive-logging",
    "sensitive-logging",
    severity="warning",
    confidence="medium",
    less_sure=(
        "low",
        "calls in a branch that runs only in debug mode or in a developer script, and calls"
        " logging a `session_key` parameter",
    ),
)
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds logging calls (`logging`, `logger.<level>()`, `app.logger`, structlog loggers
        and their `bind()`) and, in service code, `print()` that write a secret or personal
        data; also `conn.set_trace_callback(print)` (or a logger) on a connection that runs
        statements carrying one. `print()` is the output of a command-line program and is
        not judged there: a file with a `__main__` guard or a shebang, using argparse,
        click, typer or `sys.argv`, asking on the terminal (`input()`, `getpass()`), a Django
        management command, a file in a top-level developer-tools folder (the
        scripts/tools/dev/extras/hack/ci folders PR101 exempts, and bin/ and utils/), or a module of
        bare statements run in a loop. Logging calls are judged everywhere; one in a branch
        that runs only in debug mode (`elif settings.DEBUG: print(otp)`, Flask's `if
        app.debug:`) has low confidence: a developer's machine, unless a self-hosted
        install is switched to debug to find a fault; so does one in a developer script
        (the folders and programs PR101 leaves out: a maintainer's report under
        `scripts/` logging the session cookie it logged in with), and so does a
        `session_key` the function is handed as a parameter, which is Django's session id
        as often as a project's own label for a session of something else.
        It judges the values, not the message text: f-string parts, `%` and `.format()`
        arguments, positional arguments, keyword arguments and `extra=`. Values are
        sensitive when their name says so (password, token, secret, api_key, authorization,
        cookie, card_number, cvv, ssn, ...), when they are whole request headers, cookies,
        bodies, forms or JSON payloads, the whole `os.environ`, or a local variable assigned
        from one of these (unless it is given a new value on every path to the log call: a
        `msg` reused for the next check's message; or the assignment is in a branch that
        cannot have run, the other side of the same `if`, or under `if section == "A":` when
        the call is under `if section == "B":`, outside loops). Not flagged: the word
        "password" in the message text, `len(token)`, `bool(secret)`, short slices such as
        `card_number[-4:]` or `api_key[:12]`, up to 12 characters, 8 of a password (not
        `token[4:]` or `token[:-4]`, which keep all but a few characters), a pydantic
        `SecretStr` (a parameter annotated with it, a value the function unwraps with
        `.get_secret_value()`, or a name it only ever sets to `SecretStr(...)` or None: it
        prints as `**********`), hashes, names about a secret rather than the secret
        (`max_tokens`, `available_token`, `token_type`, `image_token`: a model's `<image>`
        placeholder, `password_length`, `secret_paths`, `missing_secrets`, `credential_key`: the
        name a credential is stored under, `otp_value_found`, `totp_secret_preview`,
        `token_refreshable`, `secret_uuid`: its reference in a key manager,
        `CREDENTIAL_VAULT`: the store), a field of a token in a nested key (`token__sub=`:
        its subject claim),
        an UPPER_CASE route constant joined onto a base URL (`f"{API_URL}{urls.TOKEN}"`), a token
        logged inside `except SignatureExpired:` or `except BadSignature:` (it failed the
        check), in the handler of a `try` that decrypts it (`f.decrypt(token)`: the key
        could not read it), or in a function named for expired tokens
        (`resend_email_expired_token(token)`: it no longer grants access), a `session_key`
        not read from a session object (Jupyter's `kernel_id:session_uuid`, a sandbox's
        routing label, Plex's playback session number; Django's
        `request.session.session_key`, and a variable holding it, is the session's id and is
        flagged, and a `session_key` parameter at low confidence), a token logged in the
        branch of `if token is None or isinstance(token, AuthError):` (it is None or an error
        there), of `if not isinstance(token, str):` (it is no text there) or of `if api_key
        == "public":` (it is the literal written there), an id under a key named for a token
        (`extra={"id_token": token_id}`), the value of a secret's status enum
        (`credential=outcome.credential.status.value`), a setting named like a key that
        the same function opens as a file (`open(settings.ENCRYPTION_KEY)`: it holds a
        path), names for a
        group of secrets, the command that produces one or the user who holds one
        (`secrets_group`, `PASSWORD_HOOK`, `TOKEN_OWNER`), a `token` handed to a capacity
        limiter as its borrower (`acquire_on_behalf_of(token)`: a slot id), a cookie whose
        name says it holds a display preference (`last-login-method`, `theme`), switches and
        rights named for a secret (`permit_create_token`,
        `default_permissions_create_token`), a module constant that holds a setting's name
        (`OPT_API_KEY = "LEUVEN_DUTCH_API_KEY"`), an attribute that a class of the same file
        binds once to a literal that is no key (`CONDITION.TOKEN_IS_IN_CONTAINER =
        "token_is_in_container"`: the name of a check), a feed's poll cursor (`last_poll_token`), an
        object's public URL id (`friendly_token`), factors in an (LLM) ranking score
        (`token_weight`, `token_penalty`), a model's price (`cost_per_token`), an estimate of a
        context's size in tokens (`context_token_estimate`), a meter of a model's use
        (`token_meter`, `token_counter`), credits a user bought (`token_amount`,
        `token_balance`) or models' context sizes (`provider_token_limits`), a plain `token` in a
        function that runs a tokenizer, a method of a tokenizer class (LMDeploy's
        `HuggingFaceTokenizer`) or a streaming callback (`on_llm_new_token(self, token)`): a piece
        of the text a model reads or writes, a `pass` ending a name about a check
        (`POLL_STATUS_PASS`: the check passed), a model's special token written as a marker
        (`IMAGE_TOKEN = "<IMAGE_TOKEN>"`, `"<|im_end|>"`, `"[MASK]"`), a value
        formatted as a number (`{score:.3f}`, `"between %i and %i"`, `"%(d_quota)d keys"`, an
        OpenFlow `"0x%(cookie)x"`),
        a value passed through a function named for masking it
        (`strutils.mask_dict_password(...)`) or named as masked (`masked_token`), a
        variable that holds only a mask or nothing (`safe_cookies = "***" if cookies else
        cookies`), a request body named as a document the service stores (Mistral's
        `definition = pecan.request.text`, a workflow; also `spec`, `template`,
        `manifest`), a variable read only from keys or names of another kind of token
        (`token = response.get("startPageToken")`: a page cursor) or from a field of such a
        token (`token_obj.get("StringValue")` of SharePoint's `CurrentChangeToken`,
        `getattr(resp.consistency_token, "token")`), a sync's cursor (`change_token`,
        `delta_token`), a lock's holder or a read's snapshot (`lock_token`,
        `fencing_token`, `consistency_token`), a reference to a key
        (`encryption_key_href`),
        computed as one
        (`token_to_clip = total - allowed`, `count + 1`) or a parameter annotated as one
        (`new_token: int | None`), positions in a stream of events
        (`since_token`, `prev_token`, `stream_token`), the plain `token` of a push service's
        module (`apns.py`, `fcm.py`: a device's address) or of a module that drives cameras
        through `onvif` (a media profile's name) or of a module named for locks
        (`lock_storage.py`: a WebDAV lock's token), a variable that only ever holds
        literal key names (`cookie_key = "cookie_temp"`), counts
        (`access_token_delete_cnt`, `otp_match_counter`, what a call named for a count
        returns: `token_in_realm = token_count_function()`), a token's serial number or
        date (`token_serial`, `tokenDt`), an `ssn` in a file with a line that puts it beside
        a serial number (`pf.append("scSerialNumber", ssn)`: a storage array's, in a file
        that never speaks of social security), a `pwd` that holds the working directory
        (`pwd = os.getcwd()`, `pwd = self.working_dir`),
        a secret's file name (`secret = entry.name`), a path built from a secret's name
        (`vault_path = f"secrets/{credential}"`), a loop variable that takes only literals
        (`for token in ["%y", "%M"]:`, also through a local list the function writes out and
        never adds to: `for password in unlock_passwords:`), the `credentials` a Django
        `user_login_failed` receiver gets (Django masks every password, token, key and secret
        in them first, leaving the user name; also as `.format(credentials=credentials)`),
        what a call found by a token (`get_user_of_user_token()`: a user),
        and the response of an outgoing HTTP call even when named `request`
        (`async with session.get(url) as request:`, `req = getattr(requests, cmd)(url)`, or a
        `request = Request(url)` the code builds and sends itself).
    Why it matters:
        Logs are copied to aggregators, backups and support tickets and are read by far
        more people than the database. A token or password in a log line is a credential
        leak; card data and social security numbers in logs break PCI DSS and privacy law.
    Example:
        `logger.debug("login for %s with password %s", username, password)`
    Fix:
        Log an identifier instead of the secret (the user id, the last four digits, a hash
        or `len()`), and never log whole headers, cookies or request bodies; if you need
        them for debugging, redact the sensitive keys first.
    """
    resolver = _Resolver(ctx)
    script: bool | None = None
    dev_tool: bool | None = None
    module = ctx.path.rpartition("/")[2].removesuffix(".py")
    public_token_module = bool(
        (_PUSH_SERVICES | _LOCK_MODULES).intersection(words(module))
    ) or ctx.imports("onvif")
    # Asked once per function, and only of a file that mentions a tokenizer at all: a
    # walk of the function for every log call in it is quadratic in Skyvern's 600 KB
    # action handler.
    tokenizing: bool | None = None
    tokenizer_functions: dict[ast.AST, bool] = {}
    for call in ctx.calls:
        kind = _log_kind(ctx, call)
        if kind is None:
            if _is_trace_callback(call):
                yield from _traced_statements(ctx, call, resolver)
            continue
        if kind == "print":
            if script is None:
                script = _is_script(ctx)
            if script:
                continue  # a command-line tool's output is what its user asked for
        fn = innermost_function(ctx, call.lineno)
        resolver.public_token = (
            fn is not None and bool(_DNS_FUNCTION.search(fn.name.lower()))
        ) or public_token_module
        resolver.expired_token = _in_expiry_handler(ctx, call)
        if fn is not None and tokenizing is None:
            tokenizing = _TOKENIZER_WORD.search(ctx.source) is not None
        if fn is not None and tokenizing and fn not in tokenizer_functions:
            tokenizer_functions[fn] = _uses_a_tokenizer(fn) or _tokenizer_method(ctx, fn)
        resolver.text_tokens = fn is not None and (
            (bool(tokenizing) and tokenizer_functions[fn])
            or _NEW_TEXT_TOKEN.fullmatch(fn.name) is not None
        )
        resolver.maybe = None
        found = None
        for label, expr in _logged_values(call, kind):
            found = resolver.judge(expr, call.lineno)
            if found is None and label:
                word = resolver.word(_field_key(label))
                if word and not _harmless(expr) and not resolver.speaks_for_itself(expr):
                    found = _named(f"{label}=", word)
            if found:
                break
        if found or resolver.maybe:
            # `elif settings.DEBUG: print(otp)` runs where a developer works, unless a
            # self-hosted install is switched to debug to find a fault, and so does a
            # maintainer's report script logging its session cookie: low confidence
            if dev_tool is None:
                dev_tool = developer_script(ctx)
            where = (
                " when debug mode is on"
                if in_development_branch(ctx, call)
                else " in a developer script"
                if dev_tool
                else ""
            )
            yield Hit(
                call.lineno,
                call.end_lineno or call.lineno,
                f"{_callee(ctx, call)}() writes {found or resolver.maybe} to the logs{where}",
                confidence="low" if where or not found else None,
            )


# The plain names a tokenizer's output goes by; `hf_token` or `access_token` beside a
# tokenizer (`AutoTokenizer.from_pretrained(name, token=hf_token)`) is still a credential.
_TEXT_TOKEN_NAMES = frozenset({"token", "tokens"})
# A streaming callback handed each piece of text a model writes: LangChain's and
# LlamaIndex's `on_llm_new_token(self, token)` (xiaogpt prints each as it arrives).
_NEW_TEXT_TOKEN = re.compile(r"on_(?:llm_)?(?:new_)?token")


_TOKENIZER_WORD = re.compile("tokeniz", re.IGNORECASE)


def _uses_a_tokenizer(fn: ast.AST) -> bool:
    """Does the function run text through a tokenizer (`tokenizer.tokenize(prompt)`,
    `tokenizer.model_max_length`, a `tokenized` result)? Its tokens are pieces of text."""
    for node in walk_own(fn):
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
        if isinstance(name, str) and "tokeniz" in name.lower():
            return True
    return False


def _tokenizer_method(ctx: FileContext, fn: ast.AST) -> bool:
    """A method of a tokenizer class (LMDeploy's `HuggingFaceTokenizer.
    indexes_containing_token(self, token)`, which logs the stop word it cannot encode):
    the class is the tokenizer, so its tokens are pieces of text."""
    return any(fn in cls.body and "tokeniz" in cls.name.lower() for cls in ctx.classes)


# Functions about DNS challenge records, and the names of the value they publish.
_DNS_FUNCTION = re.compile(r"txt|dns|challenge|acme")
# Modules that talk to a push service (Zentral's `mdm/apns.py`): their plain `token` is
# the device token, the address a notification goes to, which Apple and Google deliver
# only with the sender's own certificate or key. So is a module that drives cameras
# through `onvif` (Frigate): there a `token` names a media profile (`ProfileToken`), and a
# module named for locks (Tracim's WebDAV `lock_storage.py`): there it names a lock, which
# any client may discover and which opens nothing.
_PUSH_SERVICES = frozenset({"apns", "fcm", "gcm"})
_LOCK_MODULES = frozenset({"lock", "locks", "locking"})
# An upper-case setting or environment variable name (`LEUVEN_DUTCH_API_KEY`).
_SETTING_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
# The class in an `isinstance(value, AuthlibBaseError)` test that makes the value an error.
_ERROR_CLASS = re.compile(r"(?:Error|Exception|Failure)$")
_CHALLENGE_TOKEN = re.compile(r"_*(?:(?:challenge|txt|dns|acme)_)?tokens?(?:_(?:value|data))?")

# Modules that make a file a command-line program rather than service code.
_CLI_MODULES = ("argparse", "optparse", "click", "typer", "fire", "docopt", "getopt")
_INTERACTIVE = frozenset({"input", "raw_input", "getpass", "getpass.getpass", "click.prompt"})


def _is_script(ctx: FileContext) -> bool:
    """Is this file a program run from a terminal, whose `print()` is its output?

    A `__main__` guard, a shebang, a command-line parser (argparse, click, typer, ...),
    `sys.argv`, questions asked on the terminal (`input()`, `getpass()`), a Django
    management command, a file in a scripts/bin/tools/utils folder at the top of the
    tree, or a module that is nothing but statements (no function or class) run in a loop.
    """
    if ctx.source.startswith("#!"):
        return True
    parts = ctx.path.split("/")[:-1]
    # the developer-script folders of `_paths`, and `bin/`/`utils/`: `print()` is output
    top = parts[0] if parts else ""
    if (
        script_dir(top)
        or top in SCRIPT_WHEN_RUN_DIRS
        or any(p in ("scripts", "bin") for p in parts)
    ):
        return True
    if "/".join(parts).endswith("management/commands"):
        return True
    if any(ctx.imports(m) for m in _CLI_MODULES):
        return True
    if any(ctx.call_name(c) in _INTERACTIVE for c in ctx.calls):
        return True
    body = ctx.tree.body
    if any(main_guard(stmt) for stmt in body):
        return True
    if (
        not ctx.functions
        and not ctx.classes
        and any(isinstance(stmt, ast.For | ast.While | ast.With) for stmt in body)
    ):
        return True
    return "sys.argv" in ctx.source and ctx.imports("sys")


def _is_trace_callback(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "set_trace_callback"


_EXECUTE = frozenset({"execute", "executemany", "executescript"})


def _traced_statements(ctx: FileContext, call: ast.Call, resolver: _Resolver) -> Iterator[Hit]:
    """`conn.set_trace_callback(print)`: every statement the connection runs, with its
    values filled in, goes to stdout or the log; flagged when one of them carries a secret
    (executed in the same function, or anywhere in the file if the connection is made in a
    helper that runs nothing itself)."""
    if not call.args:
        return
    target = call.args[0]
    if isinstance(target, ast.Name) and target.id == "print":
        if _is_script(ctx):
            return
    elif not (
        isinstance(target, ast.Attribute)
        and target.attr in _LOG_METHODS
        and _is_logger(ctx, target.value)
    ):
        return
    fn = innermost_function(ctx, call.lineno)
    executes = [
        c for c in ctx.calls if isinstance(c.func, ast.Attribute) and c.func.attr in _EXECUTE
    ]
    if fn is not None:
        first, last = fn.lineno, fn.end_lineno or fn.lineno
        inside = [c for c in executes if first <= c.lineno <= last and c.lineno > call.lineno]
        if inside or any(first <= c.lineno <= last for c in executes):
            executes = inside
    for statement in executes:
        for arg in [*statement.args, *(kw.value for kw in statement.keywords)]:
            found = resolver.judge(arg, statement.lineno)
            if found:
                yield Hit(
                    call.lineno,
                    call.end_lineno or call.lineno,
                    f"{_callee(ctx, call)}({ast.unparse(target)}) writes every SQL statement "
                    f"with its values to the logs, and the one at line {statement.lineno} "
                    f"carries {found}",
                )
                return


def _log_kind(ctx: FileContext, call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "bind_contextvars":
        return "bind"  # structlog.contextvars.bind_contextvars(...)
    if isinstance(func, ast.Name):
        return "print" if func.id == "print" else None
    if not isinstance(func, ast.Attribute):
        return None
    if func.attr not in _LOG_METHODS and func.attr not in _BIND_METHODS:
        return None
    if not _is_logger(ctx, func.value):
        return None
    if func.attr in _BIND_METHODS:
        return "bind"
    return "level" if func.attr == "log" else "log"


def _is_logger(ctx: FileContext, node: ast.expr) -> bool:
    if isinstance(node, ast.Call):  # logging.getLogger(__name__).info(...)
        leaf = ctx.call_name(node).rsplit(".", 1)[-1]
        return leaf in ("getLogger", "get_logger", "get_task_logger", "bind")
    name = ctx.qualname(node)
    if name in ("logging", "structlog"):
        return True
    last = name.rsplit(".", 1)[-1].lower().strip("_")
    return last in ("log", "logger", "logging") or last.endswith(("_log", "_logger"))


def _callee(ctx: FileContext, call: ast.Call) -> str:
    name = ctx.call_name(call)
    return name or (call.func.attr if isinstance(call.func, ast.Attribute) else "log")


def _logged_values(call: ast.Call, kind: str) -> Iterator[tuple[str, ast.expr]]:
    """(keyword name or "", value) for every value the call writes, message text excluded,
    and the arguments the message formats as numbers (`"between %i and %i"`) left out."""
    args = list(call.args)
    if kind == "level" and args:
        args = args[1:]
    if kind != "print" and args:
        args = [args[0], *_not_numbers(args[0], args[1:])]
        if len(args) == 2 and isinstance(args[1], ast.Dict):
            args[1] = _mapping_without_numbers(args[0], args[1])
    for arg in args:
        if isinstance(arg, ast.Starred):
            arg = arg.value
        yield "", arg
    for kw in call.keywords:
        if kw.arg is None or kw.arg == "extra":  # **kwargs, or stdlib's extra={...}
            yield "", kw.value
        elif kw.arg in _STDLIB_KEYWORDS or kind == "print":
            continue
        else:
            yield kw.arg, kw.value


# A %-style conversion: `%s`, `%(name)r`, `%5.2f`, `%%`; groups: the name, the kind.
_CONVERSION = re.compile(
    r"%(?:\(([^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])"
)
# conversions that take only a number (`%x`: neutron's OpenFlow cookies, `0x%(cookie)x`)
_NUMBER_KINDS = frozenset("diufFeEgGoxX")


def _not_numbers(message: ast.expr, args: list[ast.expr]) -> list[ast.expr]:
    """Synapse's `logger.debug("Handling %i -> %i", last_token, current)`: a value the
    message formats with `%d`, `%i`, `%x` or `%f` is a number (a stream position), and a
    password or a token is text that would raise there. Only when every argument
    has its own conversion."""
    if not isinstance(message, ast.Constant) or not isinstance(message.value, str):
        return args
    if "%(" in message.value:  # named conversions take one mapping
        return args
    kinds = [c for _, c in _CONVERSION.findall(message.value) if c != "%"]
    if len(kinds) != len(args) or any(isinstance(a, ast.Starred) for a in args):
        return args
    return [arg for arg, kind in zip(args, kinds, strict=True) if kind not in _NUMBER_KINDS]


def _mapping_without_numbers(message: ast.expr, mapping: ast.Dict) -> ast.Dict:
    """Manila's `"(%(d_consumed)d of %(d_quota)d keys)", {"d_quota":
    quotas["encryption_keys"]}`: an entry the message formats only as a number is a count,
    not a key; the entries it formats as text are judged as before."""
    if not isinstance(message, ast.Constant) or not isinstance(message.value, str):
        return mapping
    kinds: dict[str, set[str]] = {}
    for name, kind in _CONVERSION.findall(message.value):
        if name:
            kinds.setdefault(name, set()).add(kind)
    numbers = {name for name, used in kinds.items() if used <= _NUMBER_KINDS}
    if not numbers:
        return mapping
    kept = [
        (key, value)
        for key, value in zip(mapping.keys, mapping.values, strict=True)
        if key is None or string_value(key) not in numbers
    ]
    return ast.copy_location(ast.Dict([k for k, _ in kept], [v for _, v in kept]), mapping)


def _says_absent(test: ast.expr, text: str) -> bool:
    """A test true only when the value `text` names is missing, an error or text the code
    already shows: `not token`, `token is None`, `isinstance(token, AuthError)`,
    `api_key == "public"` (SearXNG's Marginalia engine names the placeholder key it
    refuses), `key in ("demo", "public")`, an `or` of such tests or an `and` with one."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return all(_says_absent(value, text) for value in test.values)
    if isinstance(test, ast.BoolOp):
        return any(_says_absent(value, text) for value in test.values)
    if _equals_literal_text(test, text):
        return True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return ast.unparse(test.operand) == text or _is_text_test(test.operand, text)
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is):
        right = test.comparators[0]
        return (
            ast.unparse(test.left) == text
            and isinstance(right, ast.Constant)
            and right.value is None
        )
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and len(test.args) == 2:
        kinds = test.args[1]
        names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
        return (
            test.func.id == "isinstance"
            and ast.unparse(test.args[0]) == text
            and all(_ERROR_CLASS.search(ast.unparse(n)) for n in names)
        )
    return False


def _equals_literal_text(test: ast.expr, text: str) -> bool:
    """`text == "public"` or `text in ("demo", "public")`: in that branch the value is one
    of the literals written there, so logging it shows nothing the source does not."""
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq | ast.In)
        and ast.unparse(test.left) == text
    ):
        return False
    right = test.comparators[0]
    if isinstance(test.ops[0], ast.Eq):
        options = [right]
    elif isinstance(right, ast.Tuple | ast.List | ast.Set):
        options = right.elts
    else:
        return False
    return all(isinstance(o, ast.Constant) and isinstance(o.value, str) for o in options)


def _is_text_test(test: ast.expr, text: str) -> bool:
    """`isinstance(token, str)`: under `not`, the branch where the value is no text
    (Moonraker logs the malformed `token` a server sent), so no usable secret."""
    if not (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "isinstance"
        and len(test.args) == 2
        and ast.unparse(test.args[0]) == text
    ):
        return False
    kinds = test.args[1]
    names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return {ast.unparse(n) for n in names} <= {"str", "bytes"}


def _policy_values(expr: ast.expr) -> bool:
    """`context.to_policy_values()`: the ids, roles and flags an OpenStack policy check
    reads of its caller (oslo.context puts no token in it)."""
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "to_policy_values"
    )


_HARMLESS_BUILTINS = frozenset({"len", "bool", "type", "isinstance", "hash", "id"})
# What an enum member is read through: the member's `value` or `name`.
_ENUM_READS = frozenset({"value", "name"})


def _harmless(expr: ast.expr) -> bool:
    """A literal, a flag, a count: nothing secret whatever the keyword is called."""
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, ast.Compare | ast.UnaryOp):
        return True
    if isinstance(expr, ast.Call):
        if isinstance(expr.func, ast.Name) and expr.func.id in _HARMLESS_BUILTINS:
            return True
        # Heat's {"credentials": context.to_policy_values()}, oslo's mask_dict_password(...)
        return _policy_values(expr) or _masks(expr)
    if isinstance(expr, ast.Attribute):  # token=token.id, api_key=key.prefix
        if expr.attr in _ENUM_READS and isinstance(expr.value, ast.Attribute):
            # credential=outcome.credential.status.value: what the enum read is of decides
            return _harmless(expr.value)
        return describes_a_secret(expr.attr)
    if isinstance(expr, ast.Name):  # extra={"notification_id_token": token_id}
        return describes_a_secret(expr.id)
    if isinstance(expr, ast.Subscript):  # token=data["token_type"]
        key = string_value(expr.slice)
        return key is not None and describes_a_secret(key)
    return False


# Stems of the verbs a function hiding secrets is named with: oslo's
# `strutils.mask_dict_password(context.to_dict())` (Cloudkitty logs it as `credentials`),
# `redact_headers(...)`, `sanitize(...)`.
_MASKING_STEMS = ("mask", "redact", "sanitiz", "sanitis", "scrub", "censor", "obfuscat")


def _masks(call: ast.Call) -> bool:
    leaf = leaf_name(call.func)
    return bool(leaf) and any(w.startswith(_MASKING_STEMS) for w in words(leaf))


# A line that puts an `ssn` beside a serial number, in a module that never speaks of social
# security: its `ssn` is a system's serial number (cinder's Dell Storage Center driver,
# `pf.append("scSerialNumber", ssn)`).
_SERIAL_NUMBERS = re.compile(r"(?im)^.*(?:\bssn\b.*serial|serial.*\bssn\b)")
_SOCIAL_SECURITY = re.compile(r"(?i)social")
# Words of a module that handles payment cards (`charge`, `cvv`, `card_number`, Stripe).
_PAYMENT_WORDS = re.compile(
    r"(?i)payment|stripe|braintree|adyen|checkout|billing|charge|\bcvv|\bcvc|card_?number"
    r"|credit|debit|last_?4|\bpan\b|exp(?:iry|_?month|_?year)"
)


# Keywords that name a secret a call looks up or uses, rather than pass its value: Google
# Secret Manager's `access_secret_version(name=secret)`, AWS's `SecretId=`, KMS's `KeyId=`.
# A variable handed to one of them holds the secret's name (Cloud Custodian's mailer).
_NAMING_KEYWORDS = frozenset(
    {"name", "Name", "secret_id", "SecretId", "secret_name", "key_id", "KeyId", "key_name"}
)
# Last words of a secret's name that make it say which secret a value is, whatever call it
# came from: an id, an ARN, a name (Cloud Custodian's `key_id = self.get_encryption_key()`,
# a KMS key id). A `session_id` read from a cookie is still followed: it is the session.
_BEARER_IDS = frozenset({"session", "sess", "login", "auth"})
_NAMING_WORDS = frozenset({"id", "ids", "arn", "arns", "name", "names", "identifier", "uuid"})
# Last words of names for where a secret is kept (`vault_path`, `secret_dir`): whatever
# they were built from, they hold a location, not the secret.
_PLACE_WORDS = frozenset({"path", "paths", "dir", "dirs", "folder", "directory"})
# Last words of names for a document the service stores and serves back, what a request
# body that is one holds (Mistral's `definition = pecan.request.text`, a workflow in its
# language): the application's own content, not a form of user data or credentials.
_DOCUMENT_WORDS = frozenset(
    {"definition", "definitions", "spec", "template", "manifest", "workflow", "workbook", "dsl"}
)
# String methods that trim a name without changing what it is.
_TRIMMERS = frozenset({"removesuffix", "removeprefix", "strip", "rstrip", "lstrip", "lower"})


def _names_a_folder(value: ast.Name | ast.Attribute) -> bool:
    """`self.working_dir`, `cwd`, `base_path`: a name whose last word is a place."""
    last = words(value.id if isinstance(value, ast.Name) else value.attr)[-1:]
    return bool(last) and (last[0] in _PLACE_WORDS or last[0] == "cwd")


def _file_name_of(value: ast.expr) -> bool:
    """`entry.name`, `path.stem`, `entry.name.removesuffix(".json")`."""
    while (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in _TRIMMERS
    ):
        value = value.func.value
    return isinstance(value, ast.Attribute) and value.attr in ("name", "stem")


# Calls that return a folder: the working directory, the home directory, a new temporary one.
_FOLDER_CALLS = frozenset(
    {
        "os.getcwd",
        "os.getcwdb",
        "pathlib.Path.cwd",
        "Path.cwd",
        "pathlib.Path.home",
        "Path.home",
        "tempfile.mkdtemp",
        "tempfile.gettempdir",
    }
)


class _Resolver:
    """Judges one logged expression; follows local variables one or two assignments back."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._locals: dict[FunctionNode, dict[str, list[tuple[int, ast.expr]]]] = {}
        self._assignments_by_line: dict[FunctionNode, dict[int, ast.stmt]] = {}
        # the file names each function opens, the borrowers it hands to a limiter
        self._first_args: dict[FunctionNode, set[str]] = {}
        # inside a function about DNS/ACME challenge records, or a push service's module
        self.public_token = False
        self.expired_token = False  # inside `except SignatureExpired:`
        self.text_tokens = False  # inside a function that runs a language model's tokenizer
        # what a call logs that may be sensitive, by a name that as often means something
        # else (a `session_key` parameter): reported, at low confidence, when the call logs
        # nothing surer
        self.maybe: str | None = None
        self._payments: bool | None = None
        self._serials: bool | None = None

    def word(self, text: str) -> str | None:
        """The kind of sensitive data `text` names; a plain `token` inside a function
        about DNS challenge records (`create_txt_record(domain, token)`) is the ACME
        DNS-01 value published in a public TXT record, not a credential."""
        held = _looked_up_with(text)
        if held:
            return self.word(held)  # `get_user_from_token()`: a user, found by a token
        if names_a_session_key(text):
            return None  # a session's id only where read from a session (`_judge_attribute`)
        word = sensitive_word(text, logging=True)
        if word == "token" and self.public_token and _CHALLENGE_TOKEN.fullmatch(text.lower()):
            return None
        if word == "token" and set(words(text)) & _TOKEN_COUNTS:
            return None  # `token_budget`, `tokens_used`: a number of (LLM) tokens
        if word == "token" and self.expired_token:
            return None  # the signature check said it expired: it opens nothing any more
        if word == "token" and self.text_tokens and text.lower().strip("_") in _TEXT_TOKEN_NAMES:
            return None  # InvokeAI's `token = tokens[i]`: a piece of the prompt, by the tokenizer
        if word and words(text)[-1] in _NOT_THE_SECRET:
            return None  # `secrets_group`, `PASSWORD_HOOK`, `TOKEN_OWNER`: about the secret
        if word == "card data" and not self._about_payments():
            return None  # Lutris's `card`: `card0`, a graphics card under /sys/class/drm
        if word == "social security number" and self._about_serial_numbers():
            return None  # a storage array's serial number
        return word

    def _about_payments(self) -> bool:
        """Does the file speak of payments anywhere? A plain `card` is a payment card only
        there: elsewhere it is a graphics or sound card, a Kanban or flash card."""
        if self._payments is None:
            self._payments = _PAYMENT_WORDS.search(self.ctx.source) is not None
        return self._payments

    def _about_serial_numbers(self) -> bool:
        """Does a line of the file put an `ssn` beside a serial number, and none speak of
        social security? An `ssn` is then a Storage Center's serial number, as in cinder's
        Dell driver."""
        if self._serials is None:
            source = self.ctx.source
            self._serials = bool(_SERIAL_NUMBERS.search(source)) and not _SOCIAL_SECURITY.search(
                source
            )
        return self._serials

    def judge(self, expr: ast.expr, line: int, depth: int = 0) -> str | None:
        """A description of the sensitive data in `expr`, or None."""
        if isinstance(expr, ast.Constant):
            return None
        if isinstance(expr, ast.JoinedStr):
            for index, part in enumerate(expr.values):
                if (
                    isinstance(part, ast.FormattedValue)
                    and not _route_constant(expr, index)
                    and not _formatted_as_number(part)
                ):
                    found = self.judge(part.value, line, depth)
                    if found:
                        return found
            return None
        if isinstance(expr, ast.Await | ast.Starred):
            return self.judge(expr.value, line, depth)
        if isinstance(expr, ast.BinOp):
            return self.judge(expr.left, line, depth) or self.judge(expr.right, line, depth)
        if isinstance(expr, ast.BoolOp):
            return next((f for v in expr.values if (f := self.judge(v, line, depth))), None)
        if isinstance(expr, ast.IfExp):
            return self.judge(expr.body, line, depth) or self.judge(expr.orelse, line, depth)
        if isinstance(expr, ast.Tuple | ast.List | ast.Set):
            return next((f for e in expr.elts if (f := self.judge(e, line, depth))), None)
        if isinstance(expr, ast.Dict):
            return self._judge_dict(expr, line, depth)
        if isinstance(expr, ast.Name):
            return self._judge_name(expr, line, depth)
        if isinstance(expr, ast.Attribute):
            return self._judge_attribute(expr, line)
        if isinstance(expr, ast.Subscript):
            return self._judge_subscript(expr, line, depth)
        if isinstance(expr, ast.Call):
            return self._judge_call(expr, line, depth)
        return None

    def _judge_dict(self, node: ast.Dict, line: int, depth: int) -> str | None:
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # {**other}
                found = self.judge(value, line, depth)
            else:
                label = string_value(key)
                found = self._by_label(label, value) or self.judge(value, line, depth)
            if found:
                return found
        return None

    def _by_label(self, label: str | None, value: ast.expr) -> str | None:
        """The secret a key or keyword names for its value (`{"token": t}`, `password=pw`).
        A value that is itself a name for a secret speaks for itself: judging it is what
        counts, so `.format(credentials=credentials)` in a Django `user_login_failed`
        receiver is as clean as the `credentials` Django masked."""
        word = self.word(label) if label else None
        if not label or not word or _harmless(value) or _masked(value):
            return None
        return None if self.speaks_for_itself(value) else _named(label, word)

    def speaks_for_itself(self, value: ast.expr) -> bool:
        """Is `value` a bare name that says it holds a secret, so its own judgement
        (masked, cleansed, a number...) decides rather than the keyword it is passed as?"""
        return isinstance(value, ast.Name) and self.word(value.id) is not None

    def _judge_name(self, node: ast.Name, line: int, depth: int) -> str | None:
        if node.id in self.ctx.aliases:
            return None  # an imported module or function (`jwt`), not a value
        word = self.word(node.id)
        if word:
            if (
                self._caught_exception(node)
                or self._word_of_text(node.id, line)
                or self._not_a_secret_here(node, line)
                or self._absent_here(node, line)
                or self._holds_key_names(node.id, line)
                or self._holds_a_marker(node.id, line)
                or self._holds_a_mask(node.id, line)
                or self._holds_a_number(node.id, line)
                or self._holds_a_folder(node.id, line)
                or self._holds_policy_values(node.id, line)
                or self._holds_a_file_name(node.id, line)
                or self._holds_another_kind(node.id, line)
                or self._loops_over_literals(node.id, line)
                or self._names_a_setting(node.id)
                or self._redacted(node.id, line)
                or self._cleansed_by_django(node.id, line)
            ):
                return None
            return _named(node.id, word)
        if names_a_session_key(node.id) and self._session_key_parameter(node.id, line):
            self.maybe = self.maybe or f"`{node.id}` (a web session's id, if it is one)"
            return None
        if depth >= 2:
            return None
        if words(node.id)[-1:] and words(node.id)[-1] in _PLACE_WORDS:
            return None  # `vault_path = f"secrets/{credential}"`: where a secret is kept
        parts = words(node.id)
        if len(parts) > 1 and parts[-1] in _NAMING_WORDS and parts[-2] not in _BEARER_IDS:
            return None  # `key_id = self.get_encryption_key()`: which key, not the key
        assigned = self._assignments(line).get(node.id, ())
        since = self._overwritten_at(node.id, line) if len(assigned) > 1 else 0
        for at, value in assigned:
            if at > line:
                continue  # assigned after the call: not what it logs
            if at < since:
                continue  # replaced on every path to the call: `msg` reused for a new message
            # given under `if section == "CouchPotato":`, logged under "Radarr"; a name
            # given one value that cannot reach the call would be unbound there, so only
            # names given several values are looked at
            if len(assigned) > 1 and self._other_branch(node, at, line):
                continue
            found = self.judge(value, line, depth + 1)
            if found and not (parts[-1] in _DOCUMENT_WORDS and "request body" in found):
                return f"`{node.id}`, which holds {found}"
        return None

    def _session_key_parameter(self, name: str, line: int) -> bool:
        """A `session_key` the function is handed and never sets: a Celery task's
        `audit_login(user_id, session_key)` may be given Django's session id, a sandbox
        backend's `acquire(session_key)` its own routing label; which, only the callers know,
        so it is reported at low confidence."""
        if any(at <= line for at, _ in self._assignments(line).get(name, ())):
            return False
        fn = innermost_function(self.ctx, line)
        if fn is None:
            return False
        params = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
        return any(p.arg == name for p in params)

    def _other_branch(self, use: ast.Name, at: int, line: int) -> bool:
        """Can the assignment on line `at` never run before `use`: it is in one branch of
        an `if` and the use in the other, or it is under `if section == "CouchPotato":` and
        the use under a separate `if section == "Radarr":` testing the same variable for
        another value (nzbToMedia builds each service's URL, with or without its API key,
        that way)? Not inside a loop, where an earlier pass may have taken the other
        branch, nor when the tested variable is given a new value after the first test."""
        fn = innermost_function(self.ctx, line)
        if fn is None:
            return False
        assignment = self._assignment_statements(fn).get(at)
        if assignment is None:
            return False
        given, used = self._branches(assignment, fn), self._branches(use, fn)
        if given is None or used is None:
            return False  # inside a loop
        for test_a, body_a in given:
            for test_b, body_b in used:
                if test_a is test_b:
                    if body_a != body_b:
                        return True
                elif body_a and body_b:
                    subject = _other_values(test_a.test, test_b.test)
                    if subject and not any(
                        min(test_a.lineno, test_b.lineno) <= again <= line
                        for again, _ in self._assignments(line).get(subject, ())
                    ):
                        return True
        return False

    def _assignment_statements(self, fn: FunctionNode) -> dict[int, ast.stmt]:
        """The first assignment statement on each line of `fn`."""
        self._index_assignments(fn)
        return self._assignments_by_line[fn]

    def _branches(self, node: ast.AST, fn: FunctionNode) -> list[tuple[ast.If, bool]] | None:
        """The `if` statements around `node` in `fn`, each with whether `node` is in its body
        (not its `else`); None inside a loop."""
        found: list[tuple[ast.If, bool]] = []
        child, current = node, self.ctx.parents.get(node)
        while current is not None and current is not fn:
            if isinstance(current, ast.For | ast.AsyncFor | ast.While):
                return None
            if isinstance(current, ast.If) and child is not current.test:
                found.append((current, any(child is stmt for stmt in current.body)))
            child, current = current, self.ctx.parents.get(current)
        return found

    def _caught_exception(self, node: ast.Name) -> bool:
        """`except Exception as e_api_token:` then `log(f"... {e_api_token}")`: the name is
        bound to the exception raised while handling a token, not to the token."""
        current = self.ctx.parents.get(node)
        while current is not None and not isinstance(current, FunctionNode | ast.Module):
            if isinstance(current, ast.ExceptHandler) and current.name == node.id:
                return True
            current = self.ctx.parents.get(current)
        return False

    def _word_of_text(self, name: str, line: int) -> bool:
        """`for token in re.split(r"\\W", term):` (Headphones matching search terms): the
        innermost loop around the call walks the words of a text split apart, directly or
        through one local name (`tokens = term.split()`), so `token` is a word, not a
        credential."""
        source = self._loop_source(name, line)
        if source is None:
            return False
        if isinstance(source, ast.Name):
            values = [v for at, v in self._assignments(line).get(source.id, ()) if at <= line]
            return bool(values) and all(_splits_text(self.ctx, v) for v in values)
        return _splits_text(self.ctx, source)

    def _judge_attribute(self, node: ast.Attribute, line: int) -> str | None:
        whole = self._request_part(node)
        if whole:
            return whole
        owner = self.ctx.qualname(node.value)
        if owner == "os" and node.attr == "environ":
            return "the whole environment (`os.environ`)"
        if names_a_session_key(node.attr) and _a_session(node.value):
            return f"`{_short(node)}` (the session's id, which opens the session)"
        word = self.word(node.attr)
        if (
            word
            and not self._not_a_secret_here(node, line)
            and not _reads_another_kind(node)
            and not self._class_constant_text(node)
        ):
            return _named(_short(node), word)
        return None

    def _class_constant_text(self, node: ast.Attribute) -> bool:
        """`CONDITION.TOKEN_IS_IN_CONTAINER`, where this file's `class CONDITION` binds it
        once, to `"token_is_in_container"`: a name written in the code (privacyidea logs
        which event condition failed), like a module constant holding one. A class
        attribute bound to a literal that looks like a key is a secret kept in the code,
        and logging it still writes the secret out."""
        if not isinstance(node.value, ast.Name):
            return False
        classes = [c for c in self.ctx.classes if c.name == node.value.id]
        if len(classes) != 1:
            return False
        values = [
            stmt.value
            for stmt in classes[0].body
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == node.attr for t in stmt.targets)
            )
            or (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id == node.attr
            )
        ]
        return (
            len(values) == 1
            and isinstance(values[0], ast.Constant)
            and isinstance(values[0].value, str)
            and not looks_like_secret(values[0].value)
        )

    def _holds_key_names(self, name: str, line: int) -> bool:
        """`cookie_key = "cookie_temp"`: a name that ends in `key` (not an `api_key` or a
        `secret_key`, whose words make one credential word), and every value the function
        gives it is a literal identifier: the name of a storage slot, so logging it says
        which one was used, never what it holds. (`password = "admin"` is a password.)"""
        if words(name)[-1:] not in (("key",), ("keys",)):
            return False
        values = [value for at, value in self._assignments(line).get(name, ()) if at <= line]
        return bool(values) and all(
            isinstance(v, ast.Constant) and isinstance(v.value, str) and names_a_slot(v.value)
            for v in values
        )

    def _holds_a_marker(self, name: str, line: int) -> bool:
        """`IMAGE_TOKEN = "<IMAGE_TOKEN>"`: a name every value of which is a marker written
        in the code, `<image>`, `<|im_end|>` or `[MASK]`: the special token a model's prompt
        carries (Xinference's LMDeploy backend logs how many it found), never a credential.
        Also a module constant holding one."""
        values = [value for at, value in self._assignments(line).get(name, ()) if at <= line]
        if not values and name in self.ctx.module_constants:
            values = [self.ctx.module_constants[name]]
        return bool(values) and all(
            isinstance(v, ast.Constant) and isinstance(v.value, str) and _MARKER.fullmatch(v.value)
            for v in values
        )

    def _holds_a_mask(self, name: str, line: int) -> bool:
        """`safe_cookies = "***" if self.cookies else self.cookies`: a local every value of
        which is a mask literal, or the original only where it is empty (Mistral's HTTP
        action logs its cookies and auth that way). A branch that keeps a non-empty
        original (`"***" if hide else cookies`) still leaks it."""
        values = [value for at, value in self._assignments(line).get(name, ()) if at <= line]
        return bool(values) and all(_mask_or_empty(v) for v in values)

    def _holds_a_number(self, name: str, line: int) -> bool:
        """`token = int(redis.incr(token_key))`, `created_credentials = 0` then `+= 1`, or a
        parameter annotated `int` (`expected_token: int`): a sequence number or a count
        that only borrows a secret's name (Faraday's debouncer); also a module constant
        that is a number (`COOKIE_SECRET_BYTES = 32`). A number that is a secret,
        a one-time code, is drawn at random (`randint()`), which is not one of these."""
        values = [value for at, value in self._assignments(line).get(name, ()) if at <= line]
        if values:
            return all(_numeric(v) for v in values)
        if name in self.ctx.module_constants:  # `COOKIE_SECRET_BYTES = 32`: a length
            return _numeric(self.ctx.module_constants[name])
        fn = innermost_function(self.ctx, line)
        if fn is None:
            return False
        params = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
        return any(
            p.arg == name and p.annotation is not None and _number_type(p.annotation)
            for p in params
        )

    def _holds_a_folder(self, name: str, line: int) -> bool:
        """`pwd = os.getcwd()`: the shell's name for the working directory, not a
        password (paasta's `cwd()` context manager logs where it switches from); also
        `pwd = self.working_dir` (Conpot's FTP `PWD` command). Only a local every
        assignment of which asks for or names a folder counts."""
        values = [value for at, value in self._assignments(line).get(name, ()) if at <= line]
        return bool(values) and all(
            (isinstance(v, ast.Call) and self.ctx.call_name(v) in _FOLDER_CALLS)
            or (isinstance(v, ast.Name | ast.Attribute) and _names_a_folder(v))
            for v in values
        )

    def _holds_policy_values(self, name: str, line: int) -> bool:
        """`credentials = context.to_policy_values()`: what an OpenStack policy check reads
        of the caller (oslo.context gives user, project and domain ids, roles and admin
        flags, no token); Masakari and Zun log it when a check fails. Every assignment
        must ask for it."""
        values = [value for at, value in self._assignments(line).get(name, ()) if at <= line]
        return bool(values) and all(_policy_values(v) for v in values)

    def _holds_another_kind(self, name: str, line: int) -> bool:
        """`token = response.get("startPageToken")`, `token_to_return = new_start_token if
        new_start_token else next_token` (SurfSense's Google Drive sync): every value the
        function gives the name is read from a key, attribute or local whose own name says
        it is another kind of token (a page token, a token's type), so the name only
        borrows the word. `token = response.get("access_token")` still holds a secret."""
        values = [value for at, value in self._assignments(line).get(name, ()) if at <= line]
        read = [v for v in values if not _blank(v)]
        return bool(read) and all(
            _reads_another_kind(v) or self._field_of_another_kind(v, line) for v in read
        )

    def _field_of_another_kind(self, value: ast.expr, line: int) -> bool:
        """`token = token_obj.get("StringValue")` after `token_obj =
        d.get("CurrentChangeToken", {})` (SharePoint's change cursor, as Airweave reads it):
        a field that names no secret, of an object that itself holds another kind of token.
        `auth.get("StringValue")` of an `auth = d.get("Auth")` still counts as a secret."""
        read = keyed_read(value)
        if read is None:
            return False
        key, holder = string_value(read[0]), read[1]
        if key is None or sensitive_word(key, logging=True) or not isinstance(holder, ast.Name):
            return False
        held = [v for at, v in self._assignments(line).get(holder.id, ()) if at <= line]
        return bool(held) and all(_reads_another_kind(v) for v in held)

    def _holds_a_file_name(self, name: str, line: int) -> bool:
        """`secret = secret_file_path.name.removesuffix(".json")`: the name of the file a
        secret is kept in (paasta's secrets sync logs which ones it skips), not its
        content. Every assignment must read a `.name` or `.stem`, perhaps trimmed."""
        values = [value for at, value in self._assignments(line).get(name, ()) if at <= line]
        return bool(values) and all(_file_name_of(v) for v in values)

    def _loops_over_literals(self, name: str, line: int) -> bool:
        """`for token in ["%y", "%M", "%D"]:`: the loop around the call gives the variable
        only values written in the code (ElastAlert's strftime directives), which a log line
        cannot leak; unless the body gives it another value."""
        if self._assignments(line).get(name):
            return False
        source = self._loop_source(name, line)
        if isinstance(source, ast.Name):
            return self._holds_only_literals(source.id, line)
        return _literal_collection(source)

    def _holds_only_literals(self, name: str, line: int) -> bool:
        """`unlock_passwords = ['NULL', '']` then `for password in unlock_passwords:`
        (ironic-python-agent's hdparm defaults): a local list the function writes out and
        never adds to gives the loop only literals too."""
        fn = innermost_function(self.ctx, line)
        values = [value for at, value in self._assignments(line).get(name, ()) if at <= line]
        if fn is None or not values or not all(_literal_collection(v) for v in values):
            return False
        return not any(_grows(node, name) for node in walk_own(fn))

    def _loop_source(self, name: str, line: int) -> ast.expr | None:
        """What the innermost `for name in ...:` around `line` iterates over, if any."""
        fn = innermost_function(self.ctx, line)
        if fn is None:
            return None
        loops = [
            node
            for node in walk_own(fn)
            if isinstance(node, ast.For | ast.AsyncFor)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
            and node.lineno <= line <= (node.end_lineno or node.lineno)
        ]
        return max(loops, key=lambda loop: loop.lineno).iter if loops else None

    def _names_a_setting(self, name: str) -> bool:
        """`OPT_API_KEY = "LEUVEN_DUTCH_API_KEY"`: a module constant whose value is an
        upper-case setting or environment variable name, logged to say which setting is
        missing. A key's value is not written in upper-case words joined by `_`."""
        value = self.ctx.module_constants.get(name)
        return (
            isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and _SETTING_NAME.fullmatch(value.value) is not None
        )

    def _redacted(self, name: str, line: int) -> bool:
        """`log_token[key] = "REDACTED"` before the call: a copy whose secret fields the
        function overwrote with a mask so that it can be logged (JupyterHub's OAuth
        provider). Setting another field (`token["scope"] = "openid"`) hides nothing.
        So does taking the secret out: Octavia's policy check logs the `credentials` it
        was given (user and project ids, roles) after `credentials.pop("auth_token")`;
        removing a field that is not secret (`pop("roles")`) leaves the rest in."""
        fn = innermost_function(self.ctx, line)
        return fn is not None and any(
            isinstance(node, ast.stmt | ast.expr)
            and node.lineno < line
            and (self._masks_field(node, name) or self._drops_secret(node, name))
            for node in walk_own(fn)
        )

    @staticmethod
    def _masks_field(node: ast.AST, name: str) -> bool:
        return (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            and _MASK_TEXT.search(node.value.value) is not None
            and any(
                isinstance(t, ast.Subscript)
                and isinstance(t.value, ast.Name)
                and t.value.id == name
                for t in node.targets
            )
        )

    def _drops_secret(self, node: ast.AST, name: str) -> bool:
        """`name.pop("auth_token", None)` or `del name["password"]`."""
        if isinstance(node, ast.Delete):
            keys = [
                t.slice
                for t in node.targets
                if isinstance(t, ast.Subscript)
                and isinstance(t.value, ast.Name)
                and t.value.id == name
            ]
        elif calls_method_of(node, "pop", name) and node.args:
            keys = [node.args[0]]
        else:
            return False
        return any(
            isinstance(key, ast.Constant) and isinstance(key.value, str) and self.word(key.value)
            for key in keys
        )

    def _cleansed_by_django(self, name: str, line: int) -> bool:
        """The `credentials` a `user_login_failed` receiver gets: Django's `authenticate()`
        sends them through `_clean_credentials`, which masks every value whose key says
        password, token, key, secret or signature, so what is left is the user name that
        failed to sign in (18F's Tock logs it as an audit event)."""
        signal = "django.contrib.auth.signals.user_login_failed"
        if name != "credentials" or signal not in self.ctx.aliases.values():
            return False
        fn = innermost_function(self.ctx, line)
        params = [] if fn is None else [a.arg for a in fn.args.posonlyargs + fn.args.args]
        return params[:1] == ["sender"] and name in params

    def _not_a_secret_here(self, node: ast.expr, line: int) -> bool:
        """Does the function around `line` use `node` as something other than a secret?

        A setting called `ENCRYPTION_KEY` that the function opens as a file
        (`open(settings.KEY_FILE)`) holds the path of the key; the key is read from the
        file and never reaches the log. A `token` handed to a capacity limiter as the
        borrower (anyio/trio `limiter.acquire_on_behalf_of(token)`) is the identity of
        a slot holder, a random id that opens nothing. A value the function unwraps with
        `.get_secret_value()` elsewhere, or a parameter annotated `SecretStr`, is a
        pydantic secret, which prints as `**********` (OpenHands logs its `access_token`
        that way); a name the function rebinds to the unwrapped text is not.
        """
        fn = innermost_function(self.ctx, line)
        if fn is None:
            return False
        uses = self._first_args.get(fn)
        if uses is None:
            uses = _masked_secrets(fn)
            for call in walk_own(fn):
                if isinstance(call, ast.Call) and call.args and self._non_secret_use(call):
                    uses.add(ast.unparse(call.args[0]))
                if isinstance(call, ast.Call):  # `access_secret_version(name=secret)`
                    uses.update(
                        ast.unparse(kw.value) for kw in call.keywords if kw.arg in _NAMING_KEYWORDS
                    )
            self._first_args[fn] = uses
        return ast.unparse(node) in uses

    def _absent_here(self, node: ast.expr, line: int) -> bool:
        """Is `line` in the body of an `if` that holds only when `node` is no secret:
        Aleph's `if oauth_token is None or isinstance(oauth_token, AuthlibBaseError):
        log.warning("Failed OAuth: %r", oauth_token)` logs None or an error, never a token."""
        fn = innermost_function(self.ctx, line)
        if fn is None:
            return False
        text = ast.unparse(node)
        for stmt in walk_own(fn):
            if (
                isinstance(stmt, ast.If)
                and stmt.body[0].lineno <= line <= (stmt.body[-1].end_lineno or 0)
                and _says_absent(stmt.test, text)
            ):
                return True
        return False

    def _non_secret_use(self, call: ast.Call) -> bool:
        """Calls whose first argument is a file name or a limiter's borrower."""
        if self.ctx.call_name(call) in _FILE_OPENERS:
            return True
        return isinstance(call.func, ast.Attribute) and call.func.attr in _BORROWER_METHODS

    def _request_part(self, node: ast.expr) -> str | None:
        """`request.headers`, `request.get_json()`, `await request.body()`: whole parts."""
        if isinstance(node, ast.Call):
            node = node.func
        if not isinstance(node, ast.Attribute) or node.attr not in _REQUEST_PARTS:
            return None
        if self._incoming_request(node.value):
            return f"the whole {_REQUEST_PARTS[node.attr]} (`{_short(node)}`)"
        return None

    def _incoming_request(self, owner: ast.expr) -> bool:
        """Is `owner` the request this code is serving (`request`, `self.request`)?

        Not when the name is bound in the same function to the response of an outgoing
        HTTP call (`async with session.get(url) as request:`, `request = requests.post(...)`):
        what that returns is the answer of another service, not a caller's headers or body.
        """
        name = self.ctx.qualname(owner)
        if name not in _REQUEST_NAMES and not name.endswith(".request"):
            return False
        return not (isinstance(owner, ast.Name) and _bound_to_client_call(self.ctx, owner))

    def _judge_subscript(self, node: ast.Subscript, line: int, depth: int) -> str | None:
        index = node.slice
        if isinstance(index, ast.Slice):
            if _short_slice(index, node.value):
                return None
            return self.judge(node.value, line, depth)
        key = string_value(index)
        if key is not None:
            word = self.word(key)
            if word in {"cookie", "cookies"} and _own_cookies(self.ctx, node, line):
                return None  # outbound cookies this code filled in itself (`ui_lang`)
            if word:
                return _named(_short(node), word)
            return self._container_value(node.value, key)
        if isinstance(index, ast.Constant) and isinstance(index.value, int):
            base = node.value
            if (
                isinstance(base, ast.Call)
                and isinstance(base.func, ast.Attribute)
                and base.func.attr in ("split", "partition", "rsplit")
            ):
                # `auth.split()[0]` is the scheme; `[1]` is the credential
                return None if index.value == 0 else self.judge(base.func.value, line, depth)
        return None

    def _container_value(self, node: ast.expr, key: str) -> str | None:
        """A value read out of the request's cookies is a cookie, whatever its key; unless
        the key says it holds a display preference (`last-login-method`, `ui_lang`,
        `theme`), which a user picks and which opens nothing."""
        if isinstance(node, ast.Attribute) and node.attr in _CONTAINER_PARTS:
            parts = words(key)
            if parts and parts[-1] in _PREFERENCE_WORDS:
                return None
            if self._incoming_request(node.value):
                return f"a request cookie (`{_short(node)}`)"
        return None

    def _judge_call(self, node: ast.Call, line: int, depth: int) -> str | None:
        ctx = self.ctx
        whole = self._request_part(node)
        if whole:
            return whole
        name = ctx.call_name(node)
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr == "format" and isinstance(func.value, ast.Constant):
                return self._judge_format(node, line, depth)
            if func.attr in ("get", "getenv", "pop", "getlist") and node.args:
                key = string_value(node.args[0])
                if key is not None:
                    word = self.word(key)
                    if word:
                        return _named(_short(node), word)
                    return self._container_value(func.value, key)
                return None
            if func.attr in _PASSTHROUGH_METHODS:
                return self.judge(func.value, line, depth)
        if name in ("os.getenv", "getenv") and node.args:
            key = string_value(node.args[0])
            word = self.word(key) if key else None
            return _named(_short(node), word) if word else None
        if name in _PASSTHROUGH and node.args:
            return self.judge(node.args[0], line, depth)
        leaf = leaf_name(func)
        if leaf and leaf.split("_", 1)[0].lower() in _GETTER_VERBS:
            word = self.word(leaf)
            if word:
                return "the result of " + _named(f"{leaf}()", word)
        return None

    def _judge_format(self, node: ast.Call, line: int, depth: int) -> str | None:
        """`"token {}".format(token)`, `"{secret}".format(secret=value)`."""
        for arg in node.args:
            found = self.judge(arg, line, depth)
            if found:
                return found
        for kw in node.keywords:
            found = self._by_label(kw.arg, kw.value) or self.judge(kw.value, line, depth)
            if found:
                return found
        return None

    def _overwritten_at(self, name: str, line: int) -> int:
        """The line of the last assignment to `name` that runs on every path to `line`
        (a statement of a block that holds the call, before it), or 0: the values given
        before it never reach the call."""
        fn = innermost_function(self.ctx, line)
        last = 0
        block: list[ast.stmt] = fn.body if fn is not None else []
        while block:
            inner: list[ast.stmt] = []
            for stmt in block:
                if stmt.lineno > line:
                    break
                if (stmt.end_lineno or stmt.lineno) < line:
                    if _replaces(stmt, name):
                        last = stmt.lineno
                    continue
                inner = _block_holding(stmt, line)
                break
            block = inner
        return last

    def _assignments(self, line: int) -> dict[str, list[tuple[int, ast.expr]]]:
        """Values assigned to each local name in the function around `line`."""
        fn = innermost_function(self.ctx, line)
        if fn is None:
            return {}
        self._index_assignments(fn)
        return self._locals[fn]

    def _index_assignments(self, fn: FunctionNode) -> None:
        """One walk of `fn`, once: the values given to each local name, and the first
        assignment statement on each line."""
        if fn in self._locals:
            return
        found: dict[str, list[tuple[int, ast.expr]]] = {}
        by_line: dict[int, ast.stmt] = {}
        for node in walk_own(fn):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                by_line.setdefault(node.lineno, node)
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append((node.lineno, node.value))
            elif (
                isinstance(node, ast.AnnAssign | ast.NamedExpr)
                and node.value is not None
                and isinstance(node.target, ast.Name)
            ):
                found.setdefault(node.target.id, []).append((node.lineno, node.value))
        self._locals[fn] = found
        self._assignments_by_line[fn] = by_line


# Calls whose first argument is the name of a file on disk.
_FILE_OPENERS = frozenset(
    {
        "open",
        "io.open",
        "codecs.open",
        "os.open",
        "builtins.open",
        "pathlib.Path",
        "Path",
        "os.path.isfile",
        "os.path.exists",
    }
)

# Calls whose first argument is a borrower: the identity a capacity limiter counts
# (anyio and trio `CapacityLimiter`), often a fresh `uuid4()` called a "token".
_BORROWER_METHODS = frozenset(
    {"acquire_on_behalf_of", "acquire_on_behalf_of_nowait", "release_on_behalf_of"}
)
# A last word that makes a secret's name about something else: a collection object of
# secrets (`secrets_group`), the command or callback that produces one
# (`MASTER_PASSWORD_HOOK`, `password_command`), or the user or project who holds one
# (`BOOTSTRAP_TOKEN_OWNER`, `token_user`, `token_project`).
_NOT_THE_SECRET = frozenset(
    {
        "group",
        "groups",
        "hook",
        "hooks",
        "command",
        "cmd",
        "callback",
        "script",
        "owner",
        "owners",
        "holder",
        "user",
        "username",
        "project",  # Ironic's `get_token_project_from_request()`: a project id
        "tenant",
    }
)
# The last word of a cookie that holds a display preference, not a session or identity.
_PREFERENCE_WORDS = frozenset(
    {
        "lang",
        "language",
        "locale",
        "theme",
        "timezone",
        "tz",
        "method",
        "tab",
        "mode",
        "view",
        "layout",
        "sidebar",
        "preference",
        "preferences",
        "prefs",
        "dismissed",
        "collapsed",
        "currency",
    }
)
# Methods of HTTP clients (requests, httpx, aiohttp sessions) that send a request and
# return (a context manager for) the response.
_CLIENT_CALLS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "urlopen"}
)


# Literals written over a secret to hide it: "REDACTED", "***", "<hidden>", "xxxx".
_MASK_TEXT = re.compile(r"(?i)redact|hidden|masked|removed|censored|filtered|\*{3}|^x{3,}$")
# Calls that make a number of whatever they are given.
_NUMBER_MAKERS = frozenset({"int", "float", "len", "sum"})


def _literal_collection(node: ast.expr | None) -> bool:
    return isinstance(node, ast.List | ast.Tuple | ast.Set) and all(
        isinstance(e, ast.Constant) for e in node.elts
    )


def _grows(node: ast.AST, name: str) -> bool:
    """`name.append(x)`, `name += [x]` or `name[i] = x`: the collection gets a value the
    code did not write out where it was made."""
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name) and node.target.id == name
    if isinstance(node, ast.Assign):
        return any(
            isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name
            for t in node.targets
        )
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
        and node.func.attr in ("append", "extend", "insert", "add", "update")
    )


def _replaces(stmt: ast.stmt, name: str) -> bool:
    """`name = <value>` where the value does not read the old one (`msg = msg + x` keeps
    what `msg` held)."""
    if isinstance(stmt, ast.Assign):
        targets: list[ast.expr] = []
        for target in stmt.targets:
            targets.extend(target.elts if isinstance(target, ast.Tuple | ast.List) else [target])
        value: ast.expr | None = stmt.value
    elif isinstance(stmt, ast.AnnAssign):
        targets, value = [stmt.target], stmt.value
    else:
        return False
    if value is None or not any(isinstance(t, ast.Name) and t.id == name for t in targets):
        return False
    return not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(value))


def _block_holding(stmt: ast.stmt, line: int) -> list[ast.stmt]:
    """The statements of the branch, loop body or handler of `stmt` whose lines hold
    `line`; empty when `line` is in the statement itself (its test, its call)."""
    blocks: list[list[ast.stmt]] = []
    for field in ("body", "orelse", "finalbody"):
        value = getattr(stmt, field, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            blocks.append(value)
    blocks.extend(h.body for h in getattr(stmt, "handlers", ()))
    blocks.extend(c.body for c in getattr(stmt, "cases", ()))
    for block in blocks:
        if block[0].lineno <= line <= (block[-1].end_lineno or block[-1].lineno):
            return block
    return []


def _number_type(annotation: ast.expr) -> bool:
    """`int`, `int | None`, `Optional[int]`, Synapse's `int | RoomStreamToken`: a value
    that may be a number is a position or a count; no text type may be among them."""
    members: list[ast.expr] = []

    def flatten(node: ast.expr) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            flatten(node.left)
            flatten(node.right)
        elif isinstance(node, ast.Subscript) and leaf_name(node.value) in ("Optional", "Union"):
            inner = node.slice
            for element in inner.elts if isinstance(inner, ast.Tuple) else [inner]:
                flatten(element)
        else:
            members.append(node)

    flatten(annotation)
    names = {ast.unparse(m) for m in members}
    text = any(n in ("str", "bytes", "Any", "object") or "Secret" in n for n in names)
    return not text and bool(names & {"int", "float"})


def _numeric(value: ast.expr) -> bool:
    """A number literal, the result of `int()`, `float()`, `len()` or `sum()` or of a
    call named for a count (LinOTP's `token_count_function(realm=...)`,
    `self.getOtpCount()`), a difference (`token_to_clip = context_token_num[i] -
    allowed`: text cannot be subtracted), or a sum with a number in it (`count + 1`)."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, int | float) and not isinstance(value.value, bool)
    if isinstance(value, ast.BinOp):
        if isinstance(value.op, ast.Sub | ast.FloorDiv | ast.Pow):
            return True
        return isinstance(value.op, ast.Add) and (_numeric(value.left) or _numeric(value.right))
    if not isinstance(value, ast.Call):
        return False
    if isinstance(value.func, ast.Name) and value.func.id in _NUMBER_MAKERS:
        return True
    func = value.func
    called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return isinstance(called, str) and "count" in words(called)


def _bound_to_client_call(ctx: FileContext, name: ast.Name) -> bool:
    """Is `name` bound in its function by `with <client call> as name` or
    `name = <client call>`: the response of an outgoing HTTP request?"""
    fn = innermost_function(ctx, name.lineno)
    if fn is None:
        return False
    for node in walk_own(fn):
        if isinstance(node, ast.withitem):
            target, value = node.optional_vars, node.context_expr
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if (
            isinstance(target, ast.Name)
            and target.id == name.id
            and (_client_call(value) or _builds_request(value))
        ):
            return True
    return False


def _builds_request(value: ast.expr) -> bool:
    """`Request(fuel_url, headers=headers)`, `urllib.request.Request(url, data=body)`: a
    request this code builds to send somewhere (Lutris then calls `request.get()` and reads
    `request.text`). The request a handler serves is handed to it, or built from the
    server's `environ` or ASGI `scope` (`Request(environ)` in WSGI middleware), never from
    a URL."""
    if not isinstance(value, ast.Call) or not leaf_name(value.func).endswith("Request"):
        return False
    if any(k.arg == "url" for k in value.keywords):
        return True
    if not value.args:
        return False
    first = value.args[0]
    if isinstance(first, ast.JoinedStr) and first.values:
        first = first.values[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value.startswith(("http://", "https://"))
    return bool({"url", "uri"} & set(words(ast.unparse(first))))


def _client_call(value: ast.expr) -> bool:
    """`session.get(url)`, `await client.post(...)`, `urllib.request.urlopen(url)`, or
    `getattr(requests, cmd)(url, data=data)` (cinder's Inspur driver picks the verb)."""
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute):
        return func.attr in _CLIENT_CALLS
    return (
        isinstance(func, ast.Call)
        and isinstance(func.func, ast.Name)
        and func.func.id == "getattr"
        and bool(func.args)
        and isinstance(func.args[0], ast.Name)
        and func.args[0].id in _HTTP_CLIENT_MODULES
    )


_HTTP_CLIENT_MODULES = frozenset({"requests", "httpx", "session", "client"})


# Calls that cut a text into words: `term.split()`, `re.split(r"\W", term)`,
# `shlex.split(line)`, `re.findall(r"\w+", text)`.
_SPLITTERS = frozenset({"split", "rsplit", "splitlines", "findall", "word_tokenize"})


def _splits_text(ctx: FileContext, value: ast.expr) -> bool:
    """A call cutting a text into words, where the text is not itself named for secrets
    (`settings.API_TOKENS.split(",")` yields tokens that are credentials)."""
    if not (isinstance(value, ast.Call) and ctx.call_name(value).rpartition(".")[2] in _SPLITTERS):
        return False
    texts = [value.func.value] if isinstance(value.func, ast.Attribute) else []
    for node in (n for t in [*texts, *value.args] for n in ast.walk(t)):
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
        singular = name.removesuffix("s").removesuffix("S") if isinstance(name, str) else ""
        if singular and sensitive_word(singular, logging=True):
            return False  # `API_TOKENS`, `passwords`: a list of secrets
    return True


_TOKEN_COUNTS = frozenset(
    {
        "budget",
        "count",
        "counts",
        "used",
        "usage",
        "limit",
        "max",
        "remaining",
        "available",
        "month",
        "total",
    }
    # ragflow's `token_num`, `chunk_token_num`, `chunk_token_cap`,
    # `embedding_token_consumption`: sizes of text in (LLM) tokens
    # (QAnything's `limited_token_nums`: what is left of the model's window)
    | {"num", "nums", "number", "cnt", "consumption", "consumed", "cap", "size", "length", "len"}
    # PrivateGPT's ranking: `token_weight`, `token_penalty`, factors in a score
    | {"weight", "weights", "penalty", "penalties", "ratio", "factor"}
    # OpenHands' `cost_per_token`, `token_price`: what a model charges per token
    | {"cost", "costs", "price", "prices", "pricing"}
    # FastChat's `"speed (token/s)"`, `tokens_per_second`: how fast a model writes
    | {"speed", "throughput", "rate", "per"}
    # Letta's `context_token_estimate`, compared with a compaction `threshold`
    | {"estimate", "estimated", "threshold", "thresholds"}
    # KAG's `token_meter` (`LLMClient.get_token_meter()`), a `token_counter`: what the
    # models were sent and wrote, counted
    | {"meter", "meters", "counter", "counters"}
    # AGiXT's `transaction.token_amount`, `tokens_credited`, `token_balance`: credits a
    # user bought; `provider_token_limits`: the models' context sizes
    | {"amount", "amounts", "credited", "balance", "balances", "limits"}
)
# A model's special token written in a prompt: `<image>`, `<|im_end|>`, `[MASK]`.
_MARKER = re.compile(r"<\|?[A-Za-z_][\w.:\-]*\|?>|\[[A-Z_]+\]")
# Words that join what a name holds to what it was looked up with: `user_from_token`,
# `account_by_api_key`, Specter's `get_user_of_user_token`, `user_for_token`. Verbs before
# the holder (`get_`, `load_`) are skipped.
_LOOKED_UP_WITH = frozenset({"from", "by", "of", "for"})
_LOOKUP_VERBS = frozenset({"get", "load", "fetch", "find", "lookup", "read", "resolve", "query"})


@lru_cache(maxsize=2048)
def _looked_up_with(name: str) -> str | None:
    """The part of `name` that says what it holds when the rest says what it was found
    by: `get_user_from_token` -> `user` (cobbler logs the user its XML-RPC token belongs
    to), `account_by_api_key` -> `account`. None when nothing comes before the joining
    word but a verb (`read_from_password_file` holds a password) or there is none."""
    parts = words(name)
    for i, part in enumerate(parts):
        if part in _LOOKED_UP_WITH:
            held = [p for p in parts[:i] if p not in _LOOKUP_VERBS]
            return "_".join(held) if held else None
    return None


def _own_cookies(ctx: FileContext, node: ast.Subscript, line: int) -> bool:
    """`params["cookies"]` whose entries this code set before logging it
    (`params["cookies"]["ui_lang"] = ui_lang`): cookies the code sends to another site,
    built from its own settings, not a caller's session cookies. Every entry must be set
    from a value that is not itself sensitive."""
    target = ast.unparse(node)
    own = False
    for stmt in ast.walk(ctx.tree):
        if not isinstance(stmt, ast.Assign) or stmt.lineno >= line:
            continue
        for t in stmt.targets:
            if isinstance(t, ast.Subscript) and ast.unparse(t.value) == target:
                if any(
                    sensitive_word(n.id, logging=True)
                    for n in ast.walk(stmt.value)
                    if isinstance(n, ast.Name)
                ):
                    return False
                own = True
    return own


def _field_key(label: str) -> str:
    """`token__sub` -> `sub`: a structlog/Django-style nested key names a field of the
    object before the `__` (the subject claim of a token), and that field is what is
    logged."""
    head, sep, tail = label.strip("_").rpartition("__")
    return tail if sep and head and tail else label


# Exceptions that say a token's lifetime has run out (itsdangerous, PyJWT...), or that its
# signature does not match (itsdangerous's `BadSignature` and `BadData`, PyJWT's
# `InvalidSignatureError`): a token that fails the check opens nothing. PyJWT's
# `DecodeError` also covers a good token this code could not read, so it does not count.
_EXPIRED = re.compile(
    r"Expired|(?:^|\.)(?:Bad(?:Time)?Signature|BadData|BadPayload|BadHeader)$|InvalidSignature"
)


def _in_expiry_handler(ctx: FileContext, call: ast.Call) -> bool:
    """Is the call inside `except SignatureExpired:` (`ExpiredSignatureError`,
    `TokenExpired`) or `except (BadSignature, BadData):`, or in a function named for
    handling expired tokens (`resend_verification_email_expired_token(token)`, the ONS
    frontstage's resend flow)? The token logged there has been checked and does not grant
    access."""
    fn = innermost_function(ctx, call.lineno)
    if fn is not None and {"expired", "token"} <= set(words(fn.name)):
        return True
    node = ctx.parents.get(call)
    while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if isinstance(node, ast.ExceptHandler):
            caught = node.type
            names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
            if _decrypts_a_token(ctx.parents.get(node)) and all(
                n is None or _DECRYPTION_FAILURE.search(ast.unparse(n)) for n in names
            ):
                return True
            return bool(names) and all(
                n is not None and bool(_EXPIRED.search(ast.unparse(n))) for n in names
            )
        node = ctx.parents.get(node)
    return False


# What a failed decryption raises: Fernet's `InvalidToken`, a `ValueError` of bad padding,
# or whatever a handler of any exception catches. A `DatabaseError` after the token
# decrypted says nothing about the token.
_DECRYPTION_FAILURE = re.compile(r"(?:^|\.)(?:Exception|BaseException|ValueError)$|Invalid|Crypt")


def _decrypts_a_token(block: ast.AST | None) -> bool:
    """Does the `try` that a handler belongs to decrypt a token (`f.decrypt(bytes(token,
    "utf8"))`, `self.crypter.decrypt(bk_token)`)? BlueKing's callback views log the
    token in that handler: a value the service's key could not decrypt grants nothing."""
    if not isinstance(block, ast.Try):
        return False
    for stmt in block.body:
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "decrypt"
                and any(
                    isinstance(arg, ast.Name) and "token" in words(arg.id)
                    for argument in node.args
                    for arg in ast.walk(argument)
                )
            ):
                return True
    return False


# A format spec that only a number takes: `:.3f`, `:,`, `:5d`, `:.1%`, `:e`.
_NUMBER_SPEC = re.compile(r"[<>^=]?[+\- ]?#?0?\d*[,_]?(?:\.\d+)?[bdeEfFgGnoxX%]|[<>^=]?\d*[,_]")


def _formatted_as_number(part: ast.FormattedValue) -> bool:
    """`f"Score: {final_score:.3f}"`: a value formatted as a number is a score, a size or
    a weight; a password or a token is text and would raise there."""
    spec = part.format_spec
    if not isinstance(spec, ast.JoinedStr) or len(spec.values) != 1:
        return False
    text = spec.values[0]
    return (
        isinstance(text, ast.Constant)
        and isinstance(text.value, str)
        and bool(_NUMBER_SPEC.fullmatch(text.value))
    )


def _route_constant(text: ast.JoinedStr, index: int) -> bool:
    """`f"{API_URL}{urls.TOKEN}"`: an UPPER_CASE constant joined straight onto a base URL
    is a route path such as "/oauth/token", not a token. After literal text (`?token=`,
    `/services/`) it is a value and is still judged."""
    part = text.values[index]
    if not isinstance(part, ast.FormattedValue) or index == 0:
        return False
    value = part.value
    leaf = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
    if not leaf or not leaf.isupper():
        return False
    before = text.values[index - 1]
    if not isinstance(before, ast.FormattedValue):
        return False
    return ast.unparse(before.value).upper().endswith(("URL", "URI", "HOST", "ENDPOINT"))


def _reads_another_kind(expr: ast.expr) -> bool:
    """Is `expr` a read, or a choice between reads, of things named as non-secret tokens:
    `next_token`, `data.get("nextPageToken")`, `resp["token_type"]`, `a or b`, or what a
    function named for one returns (`await client.get_current_change_token(site)`)?"""
    if isinstance(expr, ast.IfExp):
        return all(map(_reads_another_kind_or_none, (expr.body, expr.orelse)))
    if isinstance(expr, ast.BoolOp):
        return all(map(_reads_another_kind_or_none, expr.values)) and not all(
            map(is_none, expr.values)
        )
    if isinstance(expr, ast.Name):
        return names_another_kind(expr.id)
    if isinstance(expr, ast.Attribute):
        return names_another_kind(expr.attr) or _inner_value(expr.value, expr.attr)
    if isinstance(expr, ast.Subscript):
        key = string_value(expr.slice)
        return key is not None and names_another_kind(key)
    if isinstance(expr, ast.Await):
        return _reads_another_kind(expr.value)
    if isinstance(expr, ast.Call) and _is_getattr(expr):
        field = string_value(expr.args[1])
        return field is not None and (
            names_another_kind(field) or _inner_value(expr.args[0], field)
        )
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr != "get":
            return names_a_cursor_token(expr.func.attr)  # `get_current_change_token()`
        key = string_value(expr.args[0]) if expr.args else None
        return key is not None and names_another_kind(key)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        return names_a_cursor_token(expr.func.id)
    return False


# The field that carries the text of a token object (`consistency_token.token`).
_VALUE_FIELDS = frozenset({"token", "value"})


def _inner_value(holder: ast.expr, field: str) -> bool:
    """`response.consistency_token.token`: the text inside an object named as a non-secret
    token is that token (Red Hat RBAC's relations API returns its snapshot marker so). A
    `token_info.token` is the secret that the information is about."""
    if field not in _VALUE_FIELDS:
        return False
    if isinstance(holder, ast.Attribute):
        return names_a_cursor_token(holder.attr)
    return isinstance(holder, ast.Name) and names_a_cursor_token(holder.id)


def _is_getattr(call: ast.Call) -> bool:
    """`getattr(obj, "field")` or `getattr(obj, "field", default)` with a literal field."""
    return (
        isinstance(call.func, ast.Name)
        and call.func.id == "getattr"
        and len(call.args) in (2, 3)
        and not call.keywords
        and (len(call.args) == 2 or _blank(call.args[2]))
    )


def _blank(expr: ast.expr) -> bool:
    """`""` or None: the value a name starts with, or falls back to when the read failed."""
    return is_none(expr) or (isinstance(expr, ast.Constant) and expr.value == "")


def _reads_another_kind_or_none(expr: ast.expr) -> bool:
    return is_none(expr) or _reads_another_kind(expr)


def _mask_or_empty(expr: ast.expr) -> bool:
    """A mask literal ("***", "<redacted>"), or `mask if x else x`: the mask wherever `x`
    holds anything, `x` itself only when it is empty."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return _MASK_TEXT.search(expr.value) is not None
    return (
        isinstance(expr, ast.IfExp)
        and _mask_or_empty(expr.body)
        and ast.dump(expr.orelse) == ast.dump(expr.test)
    )


def _masked(expr: ast.expr) -> bool:
    return (
        isinstance(expr, ast.Subscript)
        and isinstance(expr.slice, ast.Slice)
        and _short_slice(expr.slice, expr.value)
    )


def _short_slice(index: ast.Slice, sliced: ast.expr) -> bool:
    """`[-4:]`, `[:6]`, `[0:5]`: a few characters of a secret identify it without
    revealing it. `[4:]` and `[:-4]` keep all but a few, and a step keeps a share of it."""
    if index.step is not None:
        return False
    limit = _MASKED_PASSWORD_SLICE if _PASSWORD_TEXT.search(ast.unparse(sliced)) else _MASKED_SLICE
    lower = None if _zero(index.lower) else index.lower
    if lower is None and index.upper is not None:
        return _small_count(index.upper, limit, negative=False)
    if index.upper is None and lower is not None:
        return _small_count(lower, limit, negative=True)
    return False


def _small_count(bound: ast.expr, limit: int, *, negative: bool) -> bool:
    """A literal bound of at most `limit` characters, written `-n` when counted from the
    end (`negative`) and `n` from the start."""
    if negative != (isinstance(bound, ast.UnaryOp) and isinstance(bound.op, ast.USub)):
        return False
    if isinstance(bound, ast.UnaryOp):
        bound = bound.operand
    return isinstance(bound, ast.Constant) and isinstance(bound.value, int) and bound.value <= limit


_SECRET_TYPES = frozenset({"SecretStr", "SecretBytes"})


def _masked_secrets(fn: FunctionNode) -> set[str]:
    """Names and attributes in `fn` that hold a pydantic `SecretStr`: unwrapped with
    `.get_secret_value()` somewhere in it, a parameter annotated with the type, or a name
    the function only ever sets to one (OpenHands' `github_token = SecretStr(await ...)`,
    or None). Not those it also rebinds to an unwrapped value
    (`token = token.get_secret_value()`)."""
    held: set[str] = set()
    unwrapped: set[str] = set()
    wrapped: set[str] = set()
    plain: set[str] = set()
    for node in walk_own(fn):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get_secret_value"
        ):
            held.add(ast.unparse(node.func.value))
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {ast.unparse(t) for t in targets}
            if isinstance(node.value, ast.Call) and _names_secret_type(node.value.func):
                wrapped.update(names)  # wrapped again, even around an unwrapped value
            elif any(
                isinstance(n, ast.Attribute) and n.attr == "get_secret_value"
                for n in ast.walk(node.value)
            ):
                unwrapped.update(names)
            elif not is_none(node.value):
                plain.update(names)
    held.update(wrapped - plain)
    args = fn.args
    for param in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        annotation = param.annotation
        if annotation is not None and any(_names_secret_type(n) for n in ast.walk(annotation)):
            held.add(param.arg)
    return held - unwrapped


def _names_secret_type(node: ast.AST) -> bool:
    """`SecretStr`, `pydantic.SecretStr`..."""
    if isinstance(node, ast.Name):
        return node.id in _SECRET_TYPES
    return isinstance(node, ast.Attribute) and node.attr in _SECRET_TYPES


def _other_values(first: ast.expr, second: ast.expr) -> str | None:
    """The variable both tests compare with a different constant (`section == "Radarr"`,
    `section == "Watcher3"`), or None."""
    a, b = _equals_constant(first), _equals_constant(second)
    if a is None or b is None or a[0] != b[0] or a[1] == b[1]:
        return None
    return a[0]


def _equals_constant(test: ast.expr) -> tuple[str, object] | None:
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.left, ast.Name)
        and isinstance(test.comparators[0], ast.Constant)
    ):
        return None
    return test.left.id, test.comparators[0].value


def _zero(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0 and node.value is not False


def _a_session(node: ast.expr) -> bool:
    """`request.session`, `session`, `self.request.session`: an object named as a session,
    whose `session_key` is the id its cookie carries (Django's sessions)."""
    last = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return words(last)[-1:] == ("session",)


def _named(text: str, word: str) -> str:
    """`password`, or `db["PWD"]` (a password): the kind only when the text hides it."""
    shown = f"`{text}`"
    return shown if word.replace(" ", "") in text.lower().replace("_", "") else f"{shown} ({word})"


def _short(node: ast.expr) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 48 else text[:45] + "..."
