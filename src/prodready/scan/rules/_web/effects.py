"""Whether a POST handler only reads: a search form, a status query, a lookup.

HTTP method alone says a POST changes state, but search and lookup endpoints take POST for
their form or JSON body. A POST counts as read-only only when both its name says it reads
(`get_status`, `search_users`, `MemberList`) and nothing in its body looks like a write: no
call whose name has a writing verb (`save`, `create`, `send`, `follow`...), no SQL other than
a `SELECT`, no assignment into an object that outlives the request. Unknown verbs do not
count as writes, which is why the name must say "read" first.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from prodready.scan.rules._web.syntax import const_str, dotted, last

if TYPE_CHECKING:
    from prodready.scan.rules._web.handler import Handler
    from prodready.scan.rules._web.web_file import WebFile

# Words of handler names that say the endpoint reads.
_READ_WORDS = frozenset(
    {
        "get",
        "search",
        "query",
        "lookup",
        "find",
        "filter",
        "list",
        "fetch",
        "status",
        "check",
        "results",
        "show",
        "count",
        "exists",
        "compute",
        "estimate",
        "autocomplete",
        "suggest",
        "suggestions",
        "decode",
        "conversion",
        "convert",
    }
)
# Words of calls (and handler names) that say something is written, sent or started.
_WRITE_WORDS = frozenset(
    {
        "save",
        "create",
        "delete",
        "update",
        "add",
        "remove",
        "insert",
        "commit",
        "flush",
        "put",
        "post",
        "patch",
        "set",
        "write",
        "send",
        "publish",
        "upload",
        "store",
        "persist",
        "append",
        "extend",
        "pop",
        "push",
        "register",
        "follow",
        "unfollow",
        "subscribe",
        "unsubscribe",
        "import",
        "process",
        "submit",
        "apply",
        "approve",
        "reject",
        "move",
        "copy",
        "rename",
        "archive",
        "restore",
        "enqueue",
        "queue",
        "delay",
        "emit",
        "notify",
        "mark",
        "toggle",
        "increment",
        "decrement",
        "incr",
        "decr",
        "transfer",
        "charge",
        "pay",
        "refund",
        "cancel",
        "run",
        "invoke",
        "trigger",
        "start",
        "stop",
        "kill",
        "reset",
        "clear",
        "purge",
        "destroy",
        "drop",
        "truncate",
        "merge",
        "bulk",
        "modify",
        "edit",
        "change",
        "assign",
        "grant",
        "revoke",
        "invite",
        "block",
        "ban",
        "lock",
        "unlock",
        "like",
        "vote",
        "rate",
        "mail",
        "email",
        "sms",
        "login",
        "logout",
        "activate",
        "deactivate",
        "replace",
        "sync",
        "schedule",
        "dispatch",
        "handle",
        "perform",
        "do",
        "exec",
        "execute",
        "executemany",
        "executescript",
        "system",
        "popen",
        "spawn",
        "generate",
        "keygen",
        "new",
        "populate",
        "setattr",
        "setdefault",
        "hset",
        "lpush",
        "rpush",
        "sadd",
        "zadd",
        "expire",
        "incrby",
    }
)
_SQL_CALLS = frozenset({"execute", "executemany", "raw"})
# Containers built inside the handler: appending to them changes nothing that outlives it.
_LOCAL_CONTAINERS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
_CONTAINER_CALLS = frozenset({"list", "dict", "set", "defaultdict", "OrderedDict", "Counter"})
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def read_only_post(web: WebFile, h: Handler) -> bool:
    """A POST handler whose name says it reads and whose body writes nothing."""
    fn = h.function
    if fn is None:
        return False
    body = web.body(fn)
    if _forwards_upstream(body) or _only_keeps_callers_state(body):
        return True
    if h.methods == {"POST"} and _only_logs(body):
        return True
    if not h.methods <= {"POST", "GET", "HEAD", "OPTIONS"}:
        return False
    names = [h.name, h.path]
    if h.cls is not None:
        names.append(h.cls.name)
    words = {w for n in names for w in _words(n)}
    if words & (_WRITE_WORDS - {"post"}):  # `.post` is the verb
        return False
    # a view that serves GET and POST alike (a form page) reads when its body writes nothing
    if not words & _READ_WORDS and "GET" not in h.methods:
        return False
    local = _local_containers(body)
    for node in body:
        if isinstance(node, ast.Call) and _writes(node, local):
            return False
        if _stores_beyond_request(node, local):
            return False
    return True


_PROXY_WORDS = frozenset({"proxy", "forward", "passthrough"})
_PERSIST_WORDS = frozenset(
    {"save", "commit", "create", "delete", "insert", "update", "add", "remove", "write"}
)


def _forwards_upstream(body: list[ast.AST]) -> bool:
    """A stub that hands the request on to an upstream service
    (`return redirect_or_proxy_request()`) and stores nothing itself."""
    forwards = False
    for node in body:
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
            forwards = forwards or bool(_words(last(dotted(node.value.func))) & _PROXY_WORDS)
        if isinstance(node, ast.Call) and _words(last(dotted(node.func))) & _PERSIST_WORDS:
            return False
    return forwards


# Calls that change nothing: reading the payload, converting and testing values, building
# the answer or the error. Besides logging, they are all a log-only handler may call.
_INERT_CALLS = frozenset(
    {
        "get",
        "items",
        "keys",
        "values",
        "json",
        "get_json",
        "body",
        "loads",
        "dumps",
        "len",
        "str",
        "int",
        "float",
        "bool",
        "dict",
        "list",
        "tuple",
        "isinstance",
        "getattr",
        "hasattr",
        "format",
        "lower",
        "upper",
        "strip",
        "jsonify",
        "abort",
    }
)
_LOGGERS = re.compile(r"^_*(log|logger|logging|\w+_logger)$", re.I)
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "msg"}
)
_ANSWERS = re.compile(r"(Response|Exception|Error)$")


def _only_logs(body: list[ast.AST]) -> bool:
    """A POST whose one effect is a log line (a webhook stub that acknowledges events it
    does not process yet): it logs, and every other call reads a value or builds the
    answer or an error; it assigns into nothing that outlives the request (no global).
    An unknown call makes it not inert, so that nothing which may write passes."""
    assigned = {
        t.id
        for n in body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    logs = False
    for node in body:
        if isinstance(node, ast.Global | ast.Nonlocal):
            return False
        if isinstance(node, ast.Call):
            if _log_call(node.func):
                logs = True
            elif not _inert_call(node.func):
                return False
        if _stores_beyond_request(node, assigned):
            return False
    return logs


def _log_call(func: ast.expr) -> bool:
    """`logger.info(...)`, `log.warning(...)`, `self.logger.error(...)`."""
    if not isinstance(func, ast.Attribute) or func.attr not in _LOG_METHODS:
        return False
    return bool(_LOGGERS.match(last(dotted(func.value)) or ""))


def _inert_call(func: ast.expr) -> bool:
    """`payload.get("action")`, `len(items)`, `HTTPException(...)`: changes nothing."""
    short = last(dotted(func)) or (func.attr if isinstance(func, ast.Attribute) else "")
    return short in _INERT_CALLS or bool(_ANSWERS.search(short))


def _only_keeps_callers_state(body: list[ast.AST]) -> bool:
    """A preference toggle (`response.set_cookie("preferences", ...)`) or a signup wizard's
    step (`session["duns_number"] = form.duns_number.data`) whose only lasting effect is in
    the caller's own browser or session: no other writing call, nothing assigned into an
    object that is not a local of the handler or the session."""
    keeps = False
    assigned = {
        t.id
        for n in body
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    for node in body:
        if isinstance(node, ast.Call):
            short = last(dotted(node.func)) or (
                node.func.attr if isinstance(node.func, ast.Attribute) else ""
            )
            if short in {"set_cookie", "delete_cookie"}:
                keeps = True
            elif _writes(node, assigned):
                return False
        if isinstance(node, ast.Assign) and all(_session_key(t) for t in node.targets):
            keeps = True
        elif _stores_beyond_request(node, assigned):
            return False
    return keeps


_SESSIONS = frozenset({"session", "flask.session", "request.session", "self.request.session"})


# Session keys that say who the caller is or what they may do: setting one is a login.
_IDENTITY_KEY = re.compile(r"user|role|admin|auth|login|perm|staff|account|token|owner", re.I)


def _session_key(target: ast.expr) -> bool:
    """`session["company_name"] = ...`, `session[form.duns_number.name] = ...`: a value
    kept in the caller's own session, under a key that names no identity or role and that
    the request does not choose."""
    if not isinstance(target, ast.Subscript) or dotted(target.value) not in _SESSIONS:
        return False
    key = target.slice
    if isinstance(key, ast.Constant):
        return isinstance(key.value, str) and not _IDENTITY_KEY.search(key.value)
    return isinstance(key, ast.Attribute) and not _IDENTITY_KEY.search(dotted(key))


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD_SPLIT.split(text) if w}


def _writes(call: ast.Call, local: set[str]) -> bool:
    func = call.func
    short = last(dotted(func)) or (func.attr if isinstance(func, ast.Attribute) else "")
    if not short:
        return False
    if short in _SQL_CALLS:  # cursor.execute("SELECT ..." % month): a read
        return not _select(call)
    if not _words(short) & _WRITE_WORDS:
        return False
    if isinstance(func, ast.Attribute):  # results.append(row) on a list built here
        root = func.value
        return not (isinstance(root, ast.Name) and root.id in local)
    return True


def _select(call: ast.Call) -> bool:
    """Is the statement a literal `SELECT` (possibly formatted)?"""
    sql = call.args[0] if call.args else None
    while isinstance(sql, ast.BinOp):
        sql = sql.left
    if isinstance(sql, ast.JoinedStr) and sql.values:
        sql = sql.values[0]
    if isinstance(sql, ast.Call) and isinstance(sql.func, ast.Attribute):
        sql = sql.func.value  # "SELECT ... {}".format(x)
    text = const_str(sql) if isinstance(sql, ast.expr) else None
    return text is not None and text.lstrip().lower().startswith("select")


def _local_containers(body: list[ast.AST]) -> set[str]:
    found: set[str] = set()
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if not isinstance(target, ast.Name):
                continue
            if isinstance(value, _LOCAL_CONTAINERS) or (
                isinstance(value, ast.Call) and last(dotted(value.func)) in _CONTAINER_CALLS
            ):
                found.add(target.id)
    return found


def _stores_beyond_request(node: ast.AST, local: set[str]) -> bool:
    """An assignment or `del` statement whose target outlives the request."""
    if not isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
        return False
    targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
    return any(_outlives(t, local) for t in targets)


def _outlives(target: ast.expr, local: set[str]) -> bool:
    """An assignment into something that outlives the request: `note.body = ...`,
    `CACHE[key] = ...`; not a local name, a container built here or the view's `self`."""
    if isinstance(target, ast.Name):
        return False
    if isinstance(target, ast.Tuple | ast.List):
        return any(_outlives(e, local) for e in target.elts)
    if isinstance(target, ast.Starred):
        return _outlives(target.value, local)
    root = target
    while isinstance(root, ast.Attribute | ast.Subscript):
        root = root.value
    return not (isinstance(root, ast.Name) and (root.id in local or root.id == "self"))
