"""PR107 unvalidated-input: request data reaching a dangerous sink in the same handler."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.scan.context import FileContext, FunctionNode, keyword
from prodready.scan.registry import Hit, rule
from prodready.scan.rules._web import Flow, WebFile, const_str, dotted, last, web_file

# sink -> (kind, positions of the dangerous arguments, keyword names)
_SINKS: dict[str, tuple[str, tuple[int, ...], tuple[str, ...]]] = {
    "open": ("path", (0,), ("file",)),
    "io.open": ("path", (0,), ("file",)),
    "codecs.open": ("path", (0,), ("filename",)),
    "os.open": ("path", (0,), ("path",)),
    "os.remove": ("path", (0,), ("path",)),
    "os.unlink": ("path", (0,), ("path",)),
    "os.rmdir": ("path", (0,), ("path",)),
    "os.removedirs": ("path", (0,), ("name",)),
    "os.listdir": ("path", (0,), ("path",)),
    "os.scandir": ("path", (0,), ("path",)),
    "os.walk": ("path", (0,), ("top",)),
    "os.rename": ("path", (0, 1), ("src", "dst")),
    "os.replace": ("path", (0, 1), ("src", "dst")),
    "os.makedirs": ("path", (0,), ("name",)),
    "os.mkdir": ("path", (0,), ("path",)),
    "shutil.rmtree": ("path", (0,), ("path",)),
    "shutil.copy": ("path", (0, 1), ("src", "dst")),
    "shutil.copy2": ("path", (0, 1), ("src", "dst")),
    "shutil.copyfile": ("path", (0, 1), ("src", "dst")),
    "shutil.copytree": ("path", (0, 1), ("src", "dst")),
    "shutil.move": ("path", (0, 1), ("src", "dst")),
    "flask.send_file": ("path", (0,), ("path_or_file", "filename_or_fp")),
    "flask.helpers.send_file": ("path", (0,), ("path_or_file",)),
    "flask.send_from_directory": ("path", (0,), ("directory",)),
    "starlette.responses.FileResponse": ("path", (0,), ("path",)),
    "fastapi.responses.FileResponse": ("path", (0,), ("path",)),
    "tarfile.open": ("path", (0,), ("name",)),
    "zipfile.ZipFile": ("path", (0,), ("file",)),
    "os.system": ("shell", (0,), ("command",)),
    "os.popen": ("shell", (0,), ("cmd",)),
    "subprocess.getoutput": ("shell", (0,), ("cmd",)),
    "subprocess.getstatusoutput": ("shell", (0,), ("cmd",)),
    "commands.getoutput": ("shell", (0,), ("cmd",)),
    "asyncio.create_subprocess_shell": ("shell", (0,), ("cmd",)),
    "subprocess.run": ("process", (0,), ("args",)),
    "subprocess.call": ("process", (0,), ("args",)),
    "subprocess.check_call": ("process", (0,), ("args",)),
    "subprocess.check_output": ("process", (0,), ("args",)),
    "subprocess.Popen": ("process", (0,), ("args",)),
    "asyncio.create_subprocess_exec": ("exec", (0,), ("program",)),
    "os.execv": ("exec", (0,), ("path",)),
    "os.execvp": ("exec", (0,), ("file",)),
    "eval": ("code", (0,), ("source",)),
    "exec": ("code", (0,), ("source",)),
    "flask.render_template_string": ("template", (0,), ("source",)),
    "jinja2.Template": ("template", (0,), ("source",)),
    "jinja2.environment.Template": ("template", (0,), ("source",)),
    "mako.template.Template": ("template", (0,), ("text",)),
    "pickle.loads": ("deserialize", (0,), ("data",)),
    "pickle.load": ("deserialize", (0,), ("file",)),
    "cPickle.loads": ("deserialize", (0,), ()),
    "_pickle.loads": ("deserialize", (0,), ()),
    "dill.loads": ("deserialize", (0,), ("str",)),
    "dill.load": ("deserialize", (0,), ("file",)),
    "marshal.loads": ("deserialize", (0,), ()),
    "jsonpickle.decode": ("deserialize", (0,), ("string",)),
    "pandas.read_pickle": ("deserialize", (0,), ("filepath_or_buffer",)),
    "yaml.load": ("yaml", (0,), ("stream",)),
    "yaml.load_all": ("yaml", (0,), ("stream",)),
    "yaml.unsafe_load": ("deserialize", (0,), ("stream",)),
    "yaml.unsafe_load_all": ("deserialize", (0,), ("stream",)),
    "flask.redirect": ("redirect", (0,), ("location",)),
    "werkzeug.utils.redirect": ("redirect", (0,), ("location",)),
    "django.shortcuts.redirect": ("redirect", (0,), ("to",)),
    "django.http.HttpResponseRedirect": ("redirect", (0,), ("redirect_to",)),
    "django.http.HttpResponsePermanentRedirect": ("redirect", (0,), ("redirect_to",)),
    "django.http.response.HttpResponseRedirect": ("redirect", (0,), ("redirect_to",)),
    "starlette.responses.RedirectResponse": ("redirect", (0,), ("url",)),
    "fastapi.responses.RedirectResponse": ("redirect", (0,), ("url",)),
    "aiohttp.web.HTTPFound": ("redirect", (0,), ("location",)),
}
_SAFE_YAML = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
_PATH_METHODS = frozenset(
    {
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "open",
        "unlink",
        "rmdir",
        "mkdir",
        "touch",
        "rename",
        "iterdir",
    }
)
_SINK_NAMES = frozenset(
    {name.rsplit(".", 1)[-1] for name in _SINKS} | _PATH_METHODS | {"save", "from_string"}
)
_SHELLS = frozenset({"sh", "bash", "zsh", "/bin/sh", "/bin/bash", "cmd", "cmd.exe", "powershell"})
_RISK = {
    "path": "is used as a file path without validation (path traversal: `../` reaches any "
    "file the process can read or write)",
    "shell": "runs in a shell without validation (command injection)",
    "process": "chooses the program to run without validation (command injection)",
    "exec": "chooses the program to run without validation (command injection)",
    "code": "is evaluated as Python code (code injection)",
    "template": "is compiled as a template (server-side template injection)",
    "deserialize": "is deserialised with a format that runs code (insecure deserialisation)",
    "yaml": "is parsed with an unsafe YAML loader (insecure deserialisation)",
    "redirect": "decides where the user is redirected, host included (open redirect)",
}


@rule("PR107", "unvalidated-input", "unvalidated-input", severity="error", confidence="low")
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Follows request data
        (`request.args/form/json/get_json()/files/values/data/ cookies/headers`, Django
        `request.GET/POST/FILES/body`, DRF `request.data`/ `query_params`, Flask route
        variables, FastAPI path and query parameters, Django URL kwargs, `self.kwargs`,
        `self.path`/`self.headers` of a standard-library `BaseHTTPRequestHandler`) through a
        function in source order, across assignments, f-strings, concatenation,
        `%`/`.format`, `os.path.join`, `Path`, `parse_qs`/`urlparse`, loose `re.findall`
        captures and base64 decoding, to a dangerous sink in the same function: file paths
        (`open`, `send_file`, `FileResponse`, `os.remove`, `shutil`, `pathlib` reads and
        writes, saving an upload under its client-supplied name), shell commands
        (`os.system`, `os.popen`, `subprocess` with `shell=True`, `sh -c`, or a
        request-chosen program), `eval`/`exec`, template compilation
        (`render_template_string`, `jinja2.Template`, a template engine's `from_string`),
        deserialisation (`pickle`, `yaml.load` without a safe loader, `jsonpickle`,
        `marshal`, `dill`) and redirects whose target, host included, comes from the
        request. Validation stops it: an allow-list or equality check, a regular expression,
        a `startswith` or `is_relative_to` containment check, a resolved path whose parent
        must equal the base directory (`dest.resolve().parent != base`), a project check
        named for it (`is_safe_url(url)`, `_allow_redirect(url)`), also on a read rather
        than a name (`if is_safe_url(request.args.get("next")):` and the same read
        redirected to), `secure_filename`, `safe_join` (also inside a generator),
        `os.path.basename`, `shlex.quote`, `int()`, a typed FastAPI parameter (int, UUID,
        Enum, a Pydantic model, `Query(pattern=...)`), a Flask `<int:...>` converter, a form
        or schema (`form.cleaned_data`, `serializer.validated_data`, `schema.load`), and
        `url_has_allowed_host_and_scheme` (positional or `url=`) or a fixed path/origin
        prefix for redirects, also through a variable, or a server-built first part
        (`"%s?%s" % (reverse("login-guard"), query)`) or the request's own path
        (`request.path`, `request.path_info`, `request.get_full_path()`,
        `request.META["PATH_INFO"]`, which the URLconf matched), with only a query string
        joined after it (`"?".join([canonical, query])`). A redirect to a URL of a row
        loaded by an ORM look-up (`ticket.staff_url` after `qs.get(**filter_)`), to any
        object's `get_absolute_url()` (Django's URL of a model, from the app's own routes)
        or to a model instance given to Django's `redirect()` (which
        calls its `get_absolute_url()`) is not flagged: the request picks the row, not the
        host. Nor is a redirect back to the page the browser says it came from (`request.referrer`,
        the `Referer` header, `request.META["HTTP_REFERER"]`): an attacker can only make that their
        own page, which the victim has just left. An uploaded file object
        (`zipfile.ZipFile(request.FILES["archive"])`) is read like a buffer, not opened as a path;
        its client-supplied `.name` is still followed. The extension of a name
        (`name.split(".")[-1]`) after a fixed stem cannot
        leave the directory. Parameters of a Django view that the URL pattern does not fill
        are not request data: one defaulting to a named constant (`on_success=routes.DONE`,
        `next_page=settings.LOGIN_URL`: configuration the URLconf or a calling view sets) or
        annotated with a class that is not text (`result: ReviewResult`, an object server
        code built). Nor is the path where Django spooled an upload
        (`upload.temporary_file_path()`). An existence check (`os.path.isfile`) or an
        extension check is not validation, nor is asking whether a key is present
        (`"id" in params`). Data passed through your own helper functions is not followed,
        and `self` of a class-based view is the view object, not request data
        (`self.service.render(slug)` is a helper's result).
    Why it matters:
        These sinks turn a string into an action: reading `/etc/passwd` or the app's
        secrets, running a command, executing code, or sending users to a phishing page
        from your trusted domain. One unchecked parameter is enough.
    Example:
        `return send_file(os.path.join(UPLOAD_DIR, request.args["name"]))`
    Fix:
        Validate before use: map the input to an allow-list, use `secure_filename` or
        `send_from_directory`, resolve the path and check it stays under the base
        directory, pass commands as an argument list without a shell, use
        `yaml.safe_load`/JSON instead of pickle, and check redirect targets with
        `url_has_allowed_host_and_scheme` (or only accept relative paths).
    """
    candidates: list[tuple[ast.Call, str, str, list[ast.expr]]] = []
    for call in ctx.calls:
        func = call.func
        short = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if short not in _SINK_NAMES and ctx.aliases.get(short) not in _SINKS:
            continue  # cheap filter before resolving the name
        found = _sink(ctx, call)
        if found is not None:
            candidates.append((call, *found))
    if not candidates:
        return
    web = web_file(ctx)
    if not web.web:
        return
    functions = sorted(ctx.functions, key=lambda f: f.lineno)
    for call, kind, label, exprs in candidates:
        fn = _enclosing(functions, call)
        if fn is None:
            continue
        handler = web.handler_for(fn)
        if handler is None and not _mentions_request(ctx, fn) and fn not in web.http_server_methods:
            continue  # no route parameters and no request object: nothing to follow
        flow = web.flow(fn, handler, validated=True)
        if kind == "upload":  # the upload object and its target path both from the request
            if not flow.tainted(exprs[0], call.lineno):
                continue
            kind, exprs = "path", exprs[1:]
        for expr in exprs:
            if kind == "redirect" and not _host_controlled(flow, expr, call.lineno, web, fn):
                continue
            if kind == "path" and _in_memory(web, fn, expr, call.lineno):
                continue  # zipfile.ZipFile(io.BytesIO(data)): a buffer, not a file name
            if flow.tainted(expr, call.lineno):
                source = flow.first_tainted_name(expr, call.lineno)
                yield Hit(
                    call.lineno,
                    call.end_lineno or call.lineno,
                    f"`{source}` from the request reaches `{label}()` in `{fn.name}` and "
                    f"{_RISK[kind]}",
                )
                break


def _mentions_request(ctx: FileContext, fn: FunctionNode) -> bool:
    lines = ctx.lines[fn.lineno - 1 : fn.end_lineno or fn.lineno]
    return any("request" in line or "self.kwargs" in line or "req." in line for line in lines)


def _sink(ctx: FileContext, call: ast.Call) -> tuple[str, str, list[ast.expr]] | None:
    name = ctx.call_name(call)
    func = call.func
    if name in _SINKS:
        kind, positions, names = _SINKS[name]
        if name == "open" and "open" in ctx.aliases:
            return None
        exprs = [call.args[i] for i in positions if i < len(call.args)]
        exprs += [kw.value for kw in call.keywords if kw.arg in names]
        if kind == "process":
            return _process(call, name, exprs)
        if kind == "yaml":
            loader = keyword(call, "Loader")
            value = loader.value if loader else (call.args[1] if len(call.args) > 1 else None)
            if value is not None and last(dotted(value)) in _SAFE_YAML:
                return None
        return kind, name, exprs
    if isinstance(func, ast.Attribute):
        if func.attr in _PATH_METHODS:  # (BASE / name).read_text()
            return "path", f"Path.{func.attr}", [func.value]
        if func.attr == "save" and call.args:  # upload.save(os.path.join(DIR, upload.filename))
            return "upload", f"{dotted(func) or 'file.save'}", [func.value, call.args[0]]
        if func.attr == "from_string" and call.args and _template_engine(ctx, func.value):
            return "template", f"{dotted(func) or 'from_string'}", [call.args[0]]
    return None


# Libraries whose `from_string` compiles a template; and the names Flask and Django give
# their engines (`app.jinja_env`, `engines["django"]`), reached without importing them.
_TEMPLATE_LIBRARIES = ("jinja2", "django.template", "mako", "tornado.template", "chameleon")
_ENGINE_NAMES = ("jinja_env", "engines", "jinja_environment", "template_engine")


def _template_engine(ctx: FileContext, receiver: ast.expr) -> bool:
    """Is `receiver.from_string(...)` a template engine compiling source? Many classes
    have a `from_string` parser (`Cursor.from_string("10:0:0")` splits a pagination
    cursor), so only a file that imports a template library, or a receiver named like
    Flask's or Django's engine, counts."""
    if any(part in _ENGINE_NAMES for part in (dotted(receiver) or "").split(".")):
        return True
    if isinstance(receiver, ast.Subscript):
        return _template_engine(ctx, receiver.value)
    return any(ctx.imports(lib) for lib in _TEMPLATE_LIBRARIES)


def _process(
    call: ast.Call, name: str, exprs: list[ast.expr]
) -> tuple[str, str, list[ast.expr]] | None:
    shell = keyword(call, "shell")
    if shell is not None and not (isinstance(shell.value, ast.Constant) and not shell.value.value):
        return "shell", name, exprs
    if not exprs:
        return None
    first = exprs[0]
    if isinstance(first, ast.List | ast.Tuple):
        if not first.elts:
            return None
        program = const_str(first.elts[0])
        if program in _SHELLS and any(const_str(e) in {"-c", "/c", "-Command"} for e in first.elts):
            return "shell", name, list(first.elts[1:])
        return "process", name, [first.elts[0]]
    return "process", name, [first]


def _enclosing(functions: list[FunctionNode], call: ast.Call) -> FunctionNode | None:
    best: FunctionNode | None = None
    for fn in functions:
        if fn.lineno > call.lineno:
            break
        if (fn.end_lineno or fn.lineno) >= call.lineno:
            best = fn  # later starts are nested deeper
    return best


_BUFFERS = frozenset({"BytesIO", "StringIO", "SpooledTemporaryFile"})
_REFERER_KEYS = frozenset({"referer", "referrer", "http_referer"})


def _in_memory(web: WebFile, fn: FunctionNode, expr: ast.expr, line: int) -> bool:
    """An in-memory buffer (`io.BytesIO(raw)`, or a name bound to one) given where a path
    may go."""
    if isinstance(expr, ast.Name):
        values = _assigned(web, fn, expr.id, line)
        return bool(values) and all(_in_memory(web, fn, v, ln) for v, ln in values if v is not expr)
    return (isinstance(expr, ast.Call) and last(dotted(expr.func)) in _BUFFERS) or _upload(expr)


def _upload(expr: ast.expr) -> bool:
    """`request.FILES["archive"]`, `request.files.get("f")`: the uploaded file object itself,
    which `zipfile.ZipFile` reads like a buffer (Zeste de Savoir's archive import). Its
    `.name` or `.filename` is the client's text and is still followed."""
    owner: ast.expr | None = None
    if isinstance(expr, ast.Subscript):
        owner = expr.value
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        owner = expr.func.value if expr.func.attr == "get" else None
    return isinstance(owner, ast.Attribute) and owner.attr in _UPLOADS


_UPLOADS = frozenset({"FILES", "files"})


def _referrer(expr: ast.expr) -> bool:
    """`request.referrer`, `request.headers.get("Referer")`, `request.META["HTTP_REFERER"]`:
    the page the browser itself came from. Sending the user back there is not an open
    redirect: an attacker cannot make a victim's browser send a Referer of their choosing
    to this site other than their own page, which the victim just left anyway."""
    if isinstance(expr, ast.Attribute):
        return expr.attr.lower() in _REFERER_KEYS  # also `request.META.HTTP_REFERER`
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.args:
        key = const_str(expr.args[0])
        return expr.func.attr == "get" and key is not None and key.lower() in _REFERER_KEYS
    if isinstance(expr, ast.Subscript):
        key = const_str(expr.slice)
        return key is not None and key.lower() in _REFERER_KEYS
    return False


_PATH_KEYS = {"path_info", "script_name"}


def _own_path(expr: ast.expr) -> bool:
    """The path of the request itself (`request.path`, `request.path_info`,
    `request.get_full_path()`, `request.META["PATH_INFO"]`): the URLconf or route matched
    it, so it names this site's page; sending the user there (with a cleaned query) does
    not hand the host to the request."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        if expr.func.attr in {"get_full_path", "get_full_path_info"} and not expr.args:
            return last(dotted(expr.func.value)) == "request"
        if expr.func.attr == "get" and expr.args:  # request.META.get("PATH_INFO")
            key = const_str(expr.args[0])
            owner = dotted(expr.func.value)
            return key is not None and key.lower() in _PATH_KEYS and owner.endswith("META")
        return False
    if isinstance(expr, ast.Subscript):
        key = const_str(expr.slice)
        owner = dotted(expr.value)
        return key is not None and key.lower() in _PATH_KEYS and owner.endswith("request.META")
    if isinstance(expr, ast.Attribute) and expr.attr in {"path", "path_info", "full_path"}:
        return last(dotted(expr.value)) == "request"
    return False


def _model_url(expr: ast.expr) -> bool:
    """`foia.get_absolute_url()`: Django's URL of a model, built from the app's own routes
    whichever object the request chose (MuckRock's helpers are handed the view's object)."""
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "get_absolute_url"
        and not expr.args
    )


def _leads(flow: Flow, expr: ast.expr, line: int) -> bool:
    """Does a request-chosen value lead the URL (and so may choose its host)?"""
    return flow.tainted(expr, line) and not _own_path(expr) and not _model_url(expr)


def _host_controlled(
    flow: Flow, expr: ast.expr, line: int, web: WebFile, fn: FunctionNode, depth: int = 0
) -> bool:
    """Can the request choose the host of this URL? Not when a constant path or origin
    comes first: `"/notes/" + note_id`, `f"https://app.example.com/{path}"`, also through a
    variable (`target = f"{obj.local_path}?{query}"`; `redirect(target)`). Nor when the
    target is the Referer the browser sent (`request.referrer or url_for("home")`)."""
    if _referrer(expr) or _own_path(expr) or _model_url(expr):
        return False
    if isinstance(expr, ast.BoolOp):  # request.referrer or url_for(".home")
        return any(
            flow.tainted(v, line) and _host_controlled(flow, v, line, web, fn, depth)
            for v in expr.values
        )
    if isinstance(expr, ast.Name) and depth < 3:
        values = _assigned(web, fn, expr.id, line)
        tainted = [(v, ln) for v, ln in values if flow.tainted(v, ln)]
        if values:  # the host is the request's if some tainted value chooses it
            return any(_host_controlled(flow, v, ln, web, fn, depth + 1) for v, ln in tainted)
    if isinstance(expr, ast.JoinedStr) and expr.values:
        head = expr.values[0]
        if isinstance(head, ast.Constant):
            return not _fixes_host(str(head.value))
        # f"{request.path}?{query}": the request chooses only what follows the head
        return isinstance(head, ast.FormattedValue) and _leads(flow, head.value, line)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left = expr.left
        if isinstance(left, ast.Constant | ast.JoinedStr | ast.BinOp):
            return _host_controlled(flow, left, line, web, fn, depth)
        return _leads(flow, left, line)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        text = const_str(expr.left)
        parts = expr.right.elts if isinstance(expr.right, ast.Tuple) else [expr.right]
        if text is not None and text.startswith("%s") and parts:
            # "%s?%s" % (reverse("login-guard"), query): the first value is the host's
            return _leads(flow, parts[0], line)
        return text is None or not _fixes_host(text)
    if (  # "https://{}/x".format(...)
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "format"
        and isinstance(expr.func.value, ast.Constant)
    ):
        text = str(expr.func.value.value)
        if text.startswith(("{}", "{0}")) and expr.args:  # "{}?{}".format(path, query)
            return _leads(flow, expr.args[0], line)
        return not _fixes_host(text)
    joined = _joined_head(expr)
    if joined is not None:  # "?".join([canonical, query]): the query cannot change the host
        return flow.tainted(joined, line) and _host_controlled(flow, joined, line, web, fn, depth)
    if _server_object(web, fn, expr, line, depth):
        return False
    return not isinstance(expr, ast.Constant)


def _joined_head(expr: ast.expr) -> ast.expr | None:
    """The first part of `"?".join([url, query])` (or `"#"`/`"&"`): what follows the
    separator is the query or fragment, so only the first part can choose the host."""
    if not (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "join"
        and len(expr.args) == 1
        and isinstance(expr.args[0], ast.List | ast.Tuple)
        and expr.args[0].elts
    ):
        return None
    separator = const_str(expr.func.value)
    if separator is None or not separator.startswith(("?", "#", "&")):
        return None
    return expr.args[0].elts[0]


def _server_object(web: WebFile, fn: FunctionNode, expr: ast.expr, line: int, depth: int) -> bool:
    """A URL the server builds from a database row: `ticket.staff_url` or
    `obj.get_absolute_url()` of an object loaded by an ORM look-up
    (`Ticket.objects.get(id=...)`, `qs.get(**filter_)`, `get_object_or_404(...)`), or a
    model instance itself given to Django's `redirect()` (which calls its
    `get_absolute_url()`), known by the attributes used on it (`ticket.save()`,
    `ticket.id`). The request may choose which row, not where the URL points."""
    owner = expr
    if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute):
        owner = owner.func  # obj.get_absolute_url()
    if isinstance(owner, ast.Attribute):
        while isinstance(owner, ast.Attribute):
            owner = owner.value
        if isinstance(owner, ast.Name) and depth < 3:
            values = _assigned(web, fn, owner.id, line)
            return bool(values) and all(_orm_lookup(v) for v, _ in values)
        return False
    if isinstance(expr, ast.Name):
        values = _assigned(web, fn, expr.id, line)
        if values and all(_orm_lookup(v) for v, _ in values):
            return _django_redirect(web, expr, line)
        return _model_instance(web, fn, expr.id) and _django_redirect(web, expr, line)
    return False


_STR_ATTRIBUTES = frozenset(dir(str))
_ORM_TAILS = frozenset({"get", "first", "last", "earliest", "latest", "get_object_or_404"})


def _orm_lookup(value: ast.expr) -> bool:
    """`Ticket.objects.get(pk=pk)`, `qs.filter(...).first()`, `tickets.get(id=x)` (keyword
    arguments only: a dict's `get` takes none), `get_object_or_404(Ticket, pk=pk)`."""
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    leaf = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if leaf == "get_object_or_404":
        return True
    if leaf not in _ORM_TAILS or not isinstance(func, ast.Attribute):
        return False
    chain = ast.unparse(func.value)
    return (
        ".objects" in chain
        or ".filter(" in chain
        or (leaf == "get" and bool(value.keywords) and not value.args)
    )


def _model_instance(web: WebFile, fn: FunctionNode, name: str) -> bool:
    """Is `name` used as an object with fields (`ticket.id`, `ticket.save()`), not text?"""
    used = False
    for node in web.body(fn):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == name
        ):
            if node.attr in _STR_ATTRIBUTES:
                return False
            used = True
    return used


def _django_redirect(web: WebFile, expr: ast.expr, line: int) -> bool:
    """Is `expr` the target of Django's `redirect()` on this line (which resolves a model
    instance through its `get_absolute_url()`)?"""
    ctx = web.ctx
    return any(
        call.lineno == line
        and bool(call.args)
        and call.args[0] is expr
        and ctx.call_name(call) == "django.shortcuts.redirect"
        for call in ctx.calls
    )


def _assigned(web: WebFile, fn: FunctionNode, name: str, line: int) -> list[tuple[ast.expr, int]]:
    """The values assigned to a plain name in `fn` before `line`, with their lines."""
    found: list[tuple[ast.expr, int]] = []
    for node in web.body(fn):
        if not isinstance(node, ast.Assign | ast.AnnAssign) or node.lineno >= line:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is not None and any(
            isinstance(t, ast.Name) and t.id == name for t in targets
        ):
            found.append((node.value, node.lineno))
    return found


def _fixes_host(prefix: str) -> bool:
    if "://" in prefix:
        rest = prefix.split("://", 1)[1]
        return "/" in rest or bool(rest and not rest.endswith((".", "@")))
    return prefix.startswith("/") and len(prefix) > 1 and not prefix.startswith("//")
