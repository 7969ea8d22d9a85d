"""Where a handler shows that it authenticates its caller: its decorators, the
`dependencies=[...]` of its route, and checks in its body.

Evidence comes in two strengths. Explicit evidence (`@login_required`, `abort(401)`, a
token verification) says the handler itself rejects anonymous callers. Implicit evidence
(reading `current_user` or `g.user`) only says it expects a user, which a guard elsewhere
(a `before_request`, a middleware) may or may not provide; the rules weigh the two
differently.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from prodready.scan.context import FileContext, keyed_read, keyword
from prodready.scan.rules._web.auth_signals import (
    AUTH_NAME,
    DENIALS,
    IDENTITY_CALL,
    NON_OBJECT_PERMISSIONS,
    NOT_AUTH_DECORATORS,
    OPEN_PERMISSIONS,
    PERMISSION_DECORATOR,
    auth_dependency,
    is_identity,
    is_role_check,
    is_session_identity,
    names_permission,
    verifies_signature,
)
from prodready.scan.rules._web.routes import route_decorator
from prodready.scan.rules._web.syntax import class_names, const_int, const_str, dotted, last

if TYPE_CHECKING:
    from prodready.scan.rules._web.handler import Handler

# Calls in a handler body that authenticate the caller.
# REANA's `_check_quota_management_secret()`: a check named for the shared secret or
# token it compares the caller's header with.
_AUTH_CALL = re.compile(
    r"^_*(?:(?:check|verify|validate)_(?:\w+_)?(?:secret|token|api_?key)|"
    r"authenticate\w*|verify_(token|jwt|auth\w*|api_?key|access\w*|session|user|"
    r"credentials|id_token)|check_(auth\w*|token|api_?key|login|session|credentials|access)|"
    r"require_(login|auth\w*|user|api_?key)|login_required|jwt_required|"
    r"verify_jwt_in_request|get_current_(user|identity|account)\w*|current_user|"
    r"get_jwt_identity|get_jwt|decode_(token|jwt|access_token)|validate_(token|api_?key|"
    r"jwt|session)|is_authenticated|get_user_from_(token|request|session|header)|"
    r"get_authenticated_user|authenticated_userid|ensure_(logged_in|authenticated))$"
)
# Headers whose reading means the handler checks credentials itself.
_AUTH_HEADERS = frozenset(
    {
        "authorization",
        "http_authorization",
        "x-api-key",
        "x-api-token",
        "x-auth-token",
        "http_x_api_key",
        "api_key",
        "x-access-token",
    }
)
# Dispatchers of an action layer that authorises every action it runs (CKAN).
_ACTIONS = frozenset({"get_action"})
# Responses that send an anonymous caller to the login page.
_REDIRECTS = frozenset(
    {"redirect", "HttpResponseRedirect", "redirect_to_login", "RedirectResponse"}
)


def auth_decorator(ctx: FileContext, dec: ast.expr) -> str:
    """The authenticating decorator `dec` is, as evidence (`@login_required`,
    `@method_decorator(login_required)`, `@auth.required`); "" if it is not one."""
    target = dec.func if isinstance(dec, ast.Call) else dec
    name = ctx.qualname(target)
    short = last(name)
    if short == "method_decorator" and isinstance(dec, ast.Call) and dec.args:
        for node in ast.walk(dec.args[0]):  # @method_decorator(login_required)
            if isinstance(node, ast.Name | ast.Attribute):
                inner = last(dotted(node))
                if AUTH_NAME.search(inner) and inner not in NOT_AUTH_DECORATORS:
                    return f"@method_decorator({inner})"
        return ""
    if not short or short in NOT_AUTH_DECORATORS or route_decorator(ctx, dec):
        return ""
    if AUTH_NAME.search(short) or PERMISSION_DECORATOR.match(short):
        return f"@{short}"
    if short == "require" and isinstance(dec, ast.Call):
        # a project's own `@require(FILE_ACCESS_VIA_LOGIN_OR_SHARED_FORM, ...)`: a guard
        # object whose name says it checks the login or a permission
        for arg in dec.args:
            text = dotted(arg) or const_str(arg) or ""
            if AUTH_NAME.search(text):
                return f"@require({text})"
    if (  # @auth.required, @permission_checker.require_any("add")
        isinstance(target, ast.Attribute)
        and AUTH_NAME.search(dotted(target.value))
        and re.match(r"(required?|protect|check)(_|s?$)", short)
    ):
        return f"@{dotted(target)}"
    return ""


def apply_decorator_auth(ctx: FileContext, decorators: list[ast.expr], h: Handler) -> None:
    """Record on `h` what its decorators say: authentication, a role check, DRF
    `@permission_classes` (open or not) and `dependencies=[...]` of the route."""
    for dec in decorators:
        short = last(ctx.qualname(dec.func if isinstance(dec, ast.Call) else dec))
        if short == "permission_classes" and isinstance(dec, ast.Call) and dec.args:
            names = class_names(dec.args[0])
            if names is not None and set(names) <= OPEN_PERMISSIONS:
                h.open_explicit = not h.auth
                h.drf_default = False
                continue
            h.auth = h.auth or "@permission_classes"
            h.authz = h.authz or names is None or not set(names) <= NON_OBJECT_PERMISSIONS
            h.drf_default = False
            continue
        found = auth_decorator(ctx, dec)
        if found:
            h.auth = h.auth or found
            h.open_explicit = False
            h.drf_default = False
            if is_role_check(found) or _requires_permission(dec):
                h.authz = True
        if isinstance(dec, ast.Call) and short != "permission_classes":
            dep = auth_dependencies(ctx, dec)
            if dep:
                h.auth = h.auth or dep


def _requires_permission(dec: ast.expr) -> bool:
    """`@allows.requires(CanEditPost, IsAtleastModerator)`: permission objects as arguments."""
    if not isinstance(dec, ast.Call):
        return False
    for arg in dec.args:
        for node in ast.walk(arg):
            if isinstance(node, ast.Name | ast.Attribute) and names_permission(last(dotted(node))):
                return True
    return False


def auth_dependencies(ctx: FileContext, call: ast.Call | None) -> str:
    """An authenticating entry of `dependencies=[Depends(...)]` in a call, if any."""
    if call is None:
        return ""
    kw = keyword(call, "dependencies")
    if kw is None or not isinstance(kw.value, ast.List | ast.Tuple):
        return ""
    for elt in kw.value.elts:
        if isinstance(elt, ast.Call):
            name = last(ctx.call_name(elt))
            target = dotted(elt.args[0]) if elt.args else ""
            if name == "Security" or auth_dependency(target) or AUTH_NAME.search(name):
                return f"dependencies=[{name}({target})]"
    return ""


def body_evidence(ctx: FileContext, body: list[ast.AST]) -> tuple[str, bool]:
    """(evidence, explicit) in the nodes of a function's body: an explicit check
    (`is_authenticated`, `abort(401)`, a token verification, an `Authorization` header read)
    or mere use of the current user (`current_user`, `g.user`, `request.user`), which a
    global guard may provide. ("", False) if there is neither; `WebFile` caches the result."""
    weak = ""
    strong = ""
    method_checks: set[int] = set()  # `if request.method != "POST": return 403`
    relayed: set[int] = set()  # `if response.status_code == 401: return ..., 401`
    built_keys: set[int] = set()  # `{"Authorization": f"Bearer {key}"}` sent elsewhere
    body_keys: set[int] = set()  # `request_json["api_key"]`: a field of the data
    for node in body:
        if isinstance(node, ast.If) and any(
            isinstance(n, ast.Attribute) and n.attr == "method" for n in ast.walk(node.test)
        ):
            method_checks.update(id(n) for stmt in node.body for n in ast.walk(stmt))
        if isinstance(node, ast.If) and _tests_another_status(node.test):
            relayed.update(id(n) for stmt in node.body + node.orelse for n in ast.walk(stmt))
        elif isinstance(node, ast.Dict):
            built_keys.update(id(k) for k in node.keys if k is not None)
        key = _submitted_field(node)
        if key is not None:
            body_keys.add(id(key))
    for node in body:
        if id(node) in method_checks and _is_denial(node):
            continue  # a 403/405 for the wrong method is not about the caller
        if (id(node) in relayed and _is_denial(node)) or id(node) in built_keys | body_keys:
            continue  # another service's refusal passed on; a header this code sends
        found = ""
        explicit = True
        if isinstance(node, ast.Attribute):
            if node.attr in {"is_authenticated", "is_anonymous", "authorization"}:
                found = node.attr
            elif is_identity(node):
                found, explicit = dotted(node), False
        elif isinstance(node, ast.Name) and node.id in {"current_user", "current_identity"}:
            found, explicit = node.id, False
        elif isinstance(node, ast.Call):
            short = last(dotted(node.func))
            code = const_int(node.args[0]) if node.args else None
            if short in _RESPONSES and len(node.args) > 1 and const_int(node.args[1]) == 401:
                found = RETURNED_401  # `make_response(jsonify(...), 401)`
            elif _AUTH_CALL.match(short):
                found = f"{short}()"
            elif _permission_check(node, short):
                found = f"{short}() with the caller and a permission"
            elif IDENTITY_CALL.match(short) or verifies_signature(ctx, node):
                found, explicit = f"{short}()", False
            elif isinstance(node.func, ast.Call) and last(dotted(node.func.func)) in _ACTIONS:
                # CKAN's `get_action("follow_user")(context, data)`: every action runs
                # `check_access` first, so the action layer authorises the caller
                found, explicit = f"the action layer ({short or 'get_action'}())", False
            elif short == "abort" and code in {401, 403}:
                # 401 means "log in"; a 403 may guard a token or a rule, not an identity
                found, explicit = f"abort({code})", code == 401
            elif short in _REDIRECTS and _mentions_login(node):
                found = "a redirect to the login page"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.lower() in _AUTH_HEADERS:
                found = f"the {node.value} header"
        elif isinstance(node, ast.Subscript) and is_session_identity(node):
            found, explicit = "session user", False
        elif isinstance(node, ast.keyword):
            code = _status_code(node)
            if code in {401, 403}:
                found, explicit = f"status {code}", code == 401
        elif isinstance(node, ast.Return) and _status_code(node) == 401:
            found = RETURNED_401
        elif isinstance(node, ast.Name) and node.id in DENIALS:
            found, explicit = node.id, node.id in {"NotAuthenticated", "Unauthorized"}
        if found and explicit:
            strong = found
            break
        weak = weak or found
    return (strong, True) if strong else (weak, False)


# Where a request carries credentials: its headers, query string, cookies or WSGI environ.
_CREDENTIAL_CARRIERS = re.compile(r"(?i)header|meta|environ|args|\bget\b|query|cookie|params")


def _submitted_field(node: ast.AST) -> ast.expr | None:
    """The `"api_key"` in `request_json["api_key"]`, `data.get("api_key")` or
    `plugin_info["api_key"] = ...`: a field of the data a route takes or returns
    (OpenAgents' list of the API keys a user saved for its plugins), not the caller's
    credentials, which come in a header, the query string or a cookie
    (`request.headers.get("api_key")`, `request.args["api_key"]`)."""
    read = keyed_read(node)
    if read is None:
        return None
    key, owner = read
    if not (isinstance(key, ast.Constant) and key.value == "api_key"):
        return None
    return None if _CREDENTIAL_CARRIERS.search(dotted(owner)) else key


# A helper whose name says it checks the caller's permission or access.
_PERMISSION_HELPER = re.compile(
    r"(check|require|ensure|assert|verify|enforce)\w*_(perm|permission|access|allowed|"
    r"authori[sz])|(perm|permission|access)s?_(check|required?)|"
    r"^(has|can)_\w*(perm|permission|access|ownership)s?$",
    re.I,
)
# A helper whose name says it checks something (`get_and_check_project`).
_CHECKING = re.compile(r"check|require|ensure|assert|verify|enforce|authori[sz]e", re.I)
# Django permission codenames (`change_project`, `app.delete_note`) and named permissions.
_PERMISSION_CODENAME = re.compile(
    r"^(\w+\.)?(add|change|delete|view|edit|manage|moderate|can)_\w+$|permission", re.I
)
_CALLERS = frozenset({"request", "req", "self.request", "request.user", "self.request.user"})


def _permission_check(call: ast.Call, short: str) -> bool:
    """`get_and_check_project(request, pk, ("change_project",))`: a checking helper (often
    from another module) handed the caller together with a permission, or one whose name
    says it checks permission or access (`ensure_access(request, note)`). A call that
    only mentions a permission-like name (`audit(request, "delete_note")`) is not one."""
    passed = [*call.args, *(k.value for k in call.keywords)]
    if not any(dotted(a) in _CALLERS for a in passed):
        return False
    if _PERMISSION_HELPER.search(short):
        return True
    if not _CHECKING.search(short):
        return False
    for arg in passed:
        items = arg.elts if isinstance(arg, ast.Tuple | ast.List | ast.Set) else [arg]
        texts = [const_str(e) for e in items]
        if texts and all(t and _PERMISSION_CODENAME.search(t) for t in texts):
            return True
    return False


def passes_request_to_save(body: list[ast.AST]) -> bool:
    """`SeriesForm(request.POST, instance=series).save(request)`: a project's own save
    (Django's takes no request) that edits an existing object with the request checks the
    editor itself, in another file. A form that creates (no `instance=`) is not evidence:
    its save may only record who created it."""
    editing: set[str] = set()
    for node in body:
        if (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and isinstance(node.value, ast.Call)
            and any(k.arg == "instance" for k in node.value.keywords)
        ):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            editing.update(t.id for t in targets if isinstance(t, ast.Name))
    for node in body:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr != "save" or dotted(node.func.value) not in editing:
            continue
        passed = [*node.args, *(k.value for k in node.keywords)]
        if any(dotted(a) in {"request", "req", "self.request"} for a in passed):
            return True
    return False


# What an answer from another service is called (`resp.status`, `result.status`).
_RESPONSE = re.compile(r"(^|[._])(r|res|resp|response|result|reply)$", re.I)
# An error text that carries another service's refusal (`if "401" in str(e)`).
_STATUS_TEXT = re.compile(r"\b40[13]\b|unauthori[sz]ed|forbidden", re.I)


def _tests_another_status(test: ast.expr) -> bool:
    """Does an `if` test the status of something other than the caller: a response's
    `status_code` or a code in an error's text? The 401 such a branch answers passes on
    another service's refusal (Kiln's git clone answers 401 when the remote rejects the
    token the user typed); it does not turn away a caller who has not logged in."""
    for n in ast.walk(test):
        if isinstance(n, ast.Attribute) and (
            n.attr == "status_code" or (n.attr == "status" and _RESPONSE.search(dotted(n.value)))
        ):
            return True  # not `if user.status != "active"`: the caller's own account
        text = const_str(n) if isinstance(n, ast.expr) else None
        if text and _STATUS_TEXT.search(text):
            return True
    return False


def _is_denial(node: ast.AST) -> bool:
    """`abort(...)`, a status code or a denial exception: a refusal of some kind."""
    if isinstance(node, ast.Call):
        return last(dotted(node.func)) == "abort"
    if isinstance(node, ast.keyword):
        return node.arg in {"status_code", "status"}
    if isinstance(node, ast.Return):
        return (_status_code(node) or 0) >= 400
    return isinstance(node, ast.Name) and node.id in DENIALS


# A handler's own 401 answer (`return {...}, 401`, `make_response(body, 401)`). In a
# `before_request` hook it is no guard by itself: DocsGPT's returns 401 for a token that
# fails to decode and lets a request with no token through to the route.
RETURNED_401 = "a 401 response"
# Response classes and helpers whose second positional argument is the status code.
_RESPONSES = frozenset({"make_response", "Response", "JSONResponse"})


def _status_code(node: ast.keyword | ast.Return) -> int | None:
    """The status a `status=`/`status_code=` keyword gives, or the one a Flask view returns
    beside its body (`return {"success": False}, 401`: DocsGPT's views turn away callers
    without the token its `before_request` hook decoded)."""
    if isinstance(node, ast.keyword):
        return const_int(node.value) if node.arg in {"status_code", "status"} else None
    value = node.value
    if isinstance(value, ast.Tuple) and len(value.elts) in (2, 3):
        return const_int(value.elts[1])
    return None


def _mentions_login(call: ast.Call) -> bool:
    """Does a redirect go to a login page (`redirect("/login?next=...")`)?"""
    for node in ast.walk(call):
        text = const_str(node) if isinstance(node, ast.Constant) else None
        if text and re.search(r"log_?in|sign_?in", text, re.I):
            return True
        if isinstance(node, ast.Call) and last(dotted(node.func)) == "redirect_to_login":
            return True
    return False
