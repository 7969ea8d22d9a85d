"""What authentication and identity look like in code: the names and expressions the web
analysis takes as a sign that a caller is logged in, holds a role, or is the current user.

Recognition is by name because authentication is written in many project-specific ways
(`@login_required`, `Depends(get_current_user)`, `IsAdminMixin`); the patterns lean towards
seeing authentication, since a rule that reports authenticated endpoints as open would be
switched off.
"""

from __future__ import annotations

import ast
import re

from prodready.scan.context import FileContext
from prodready.scan.rules._web.syntax import const_str, dotted, last

# Decorators, dependency callables and mixins whose name says they authenticate.
AUTH_NAME = re.compile(
    r"login|logged_?in|auth|jwt|token|permission|perm_|roles?_|_roles?\b|role_required|"
    r"admin|staff|superuser|protected|secured?\b|signed_?in|api_?key|oauth|credential|"
    r"principal|identity|current_?(user|active|customer|account|member|tenant|staff|client|"
    r"patient|employee|admin|superuser|principal|identity)|requires\b|require_?(user|login|"
    r"scope|role|account|member|session)|scope|acl\b|access_required|guard|member_required|"
    r"user_required|verified|session_required|basic_auth|digest|passes_test|_required$|"
    # a guest link's secret token checked before the view (`@require_valid_share_link`)
    r"share_?link",
    re.IGNORECASE,
)
# FastAPI dependency callables (`Depends(check_super_user)`, `Depends(check_account_exists)`):
# a dependency of a route is there to vouch for the caller when its name says it checks,
# requires or verifies something, or names the user, account, admin or token it resolves.
DEPENDENCY_AUTH_NAME = re.compile(
    r"check|require|verify|auth|user|account|admin|token|current", re.IGNORECASE
)


# Packages and modules named for authentication (`from .security import get_current_user`,
# `from ..dependencies.auth import get_subscriber`): what they export vouches for the caller.
AUTH_PACKAGES = frozenset({"auth", "login", "security", "jwt", "oauth", "token", "tokens"})


def auth_dependency(name: str) -> bool:
    """Does the callable of a `Depends(...)` authenticate the caller?"""
    return bool(AUTH_NAME.search(name) or DEPENDENCY_AUTH_NAME.search(name))


# ...and of those, the ones that restrict to a role or permission (authorisation).
AUTHZ_NAME = re.compile(
    r"admin|staff|superuser|permission|perm_|roles?_|_roles?\b|role_required|scope|acl\b|"
    r"owner|owns|group_required|moderator|passes_test",
    re.IGNORECASE,
)
# Decorators about methods, CSRF or routing: never evidence about the caller.
NOT_AUTH_DECORATORS = frozenset(
    {
        "require_http_methods",
        "require_POST",
        "require_GET",
        "require_safe",
        "csrf_exempt",
        "csrf_protect",
        "ensure_csrf_cookie",
        "api_view",
        "action",
    }
)
# Calls that return the current user (or verify who the caller is).
IDENTITY_CALL = re.compile(
    r"^(get_)?(current|logged_in|authenticated|auth|request)_?(user|identity|principal|"
    r"account|member)(_id|_object)?$|^get_jwt_identity$|^get_jwt$|^get_user_from_(token|"
    r"request|session|header)$|^authenticated_userid$|^whoami$|^get_identity$|"
    r"^authenticate(_user|_request)?$|^verify_(token|jwt|id_token)$|^decode_(token|jwt)$"
)
# Dotted expressions that are the current user.
_IDENTITY_EXPRS = (
    "current_user",
    "current_identity",
    "g.user",
    "g.current_user",
    "g.account",
    "request.user",
    "self.request.user",
    "request.auth",
    "self.request.auth",
    "request.state.user",
    "info.context.user",
    "request.tenant",
    "g.tenant",
    "current_tenant",
    # the caller's tenant, set on the request by middleware: a lookup filtered by it is
    # scoped to what the caller may see (`space=request.space`,
    # `membership__organization=self.request.current_organization`)
    *(
        f"{owner}.{prefix}{attr}"
        for owner in ("request", "self.request")
        for prefix in ("", "current_")
        for attr in ("tenant", "space", "organization", "organisation", "workspace", "team")
        if f"{owner}.{prefix}{attr}" != "request.tenant"
    ),
)
IDENTITY_PARAMS = frozenset(
    {"current_user", "user", "me", "principal", "auth_user", "requester", "current_account"}
)
_SESSION_USER_KEY = re.compile(r"user|uid|account|member|customer|login|auth|logged", re.I)

# Exceptions and responses that turn a caller away.
DENIALS = frozenset(
    {"PermissionDenied", "HttpResponseForbidden", "NotAuthenticated", "Unauthorized", "Forbidden"}
)
# DRF permission classes that let anyone in, and those that check no object's owner.
OPEN_PERMISSIONS = frozenset({"AllowAny"})
NON_OBJECT_PERMISSIONS = frozenset({"AllowAny", "IsAuthenticated", "IsAuthenticatedOrReadOnly"})

# Permission objects named for what they allow: `CanEditPost`, `IsAtleastModerator`.
_PERMISSION_OBJECT = re.compile(
    r"^(Can|Has|May|Allow)[A-Z]|^Is(?!Authenticated|Anonymous|Active|Logged|Signed)[A-Z]"
)

# `*_required` decorators that only ask for a logged-in user, not a role.
_AUTHN_DECORATOR = re.compile(
    r"^@?(\w+\.)*(login|fresh_login|jwt|auth|token|api_?key|session|user|basic_auth|oauth|"
    r"signed_in|logged_in|authentication)_required$"
)


# A project's own permission decorators, named for what they let the caller do or be
# (`@can_access_domain`, `@can_edit_map`, `@is_map_owner`, `@team_members_only`): they
# need a known caller and check it against the object or a role.
PERMISSION_DECORATOR = re.compile(
    r"^@?(\w+\.)*((can|may)_[a-z]\w*|is_\w*(owner|member|editor|author)|"
    r"\w*(owner|member|editor)s?_only)$"
)


def is_role_check(name: str) -> bool:
    """`@admin_required`, `@teacher_required`, `@permission_required(...)`,
    `@can_edit_map`: more than "logged in"."""
    short = name.split("(")[0]
    if AUTHZ_NAME.search(name) or PERMISSION_DECORATOR.match(short):
        return True
    return short.endswith("_required") and not _AUTHN_DECORATOR.match(short)


def names_permission(name: str) -> bool:
    """`CanEditPost`, `IsAtleastModerator`, `HasRole`: a permission object's name (as in
    `allows.requires(CanEditPost)`), more than "logged in"."""
    return bool(_PERMISSION_OBJECT.match(name))


def verifies_signature(ctx: FileContext, call: ast.Call) -> bool:
    """`signer.unsign(token)`, `serializer.loads(token)`, `jwt.decode(...)`,
    `default_token_generator.check_token(...)`: data whose signature was verified."""
    short = last(dotted(call.func))
    if short in {"unsign", "unsign_object", "check_token"}:
        return True
    name = ctx.qualname(call.func)
    if name in {"jwt.decode", "django.core.signing.loads", "itsdangerous.loads"}:
        return True
    if short == "loads" and isinstance(call.func, ast.Attribute):
        owner = last(dotted(call.func.value)).lower()
        return "sign" in owner or "serializer" in owner or owner == "s"
    return False


def is_identity(node: ast.expr) -> bool:
    """Is this expression (or its owner) the current user? `current_user.id`, `g.user`,
    `request.user.pk`, `self.request.user`, `session["user_id"]`, `get_jwt_identity()`."""
    while True:
        if isinstance(node, ast.Name | ast.Attribute):
            name = dotted(node)
            if name and any(name == e or name.startswith(e + ".") for e in _IDENTITY_EXPRS):
                return True
        if isinstance(node, ast.Call):
            short = last(dotted(node.func))
            if IDENTITY_CALL.match(short):
                return True
            if short == "get" and is_session_identity(node):
                return True
            node = node.func
            continue
        if isinstance(node, ast.Subscript):
            if is_session_identity(node):
                return True
            node = node.value
            continue
        if isinstance(node, ast.Attribute):
            node = node.value
            continue
        return False


def is_session_identity(node: ast.Subscript | ast.Call) -> bool:
    """`session["user_id"]` / `session.get("user_id")` (Flask's signed session), also a
    session the app keeps on `g` (`g.session["username"]`)."""
    if isinstance(node, ast.Subscript):
        owner, key = node.value, node.slice
    else:
        if not isinstance(node.func, ast.Attribute) or not node.args:
            return False
        owner, key = node.func.value, node.args[0]
    if dotted(owner) not in {
        "session",
        "flask.session",
        "g.session",
        "flask.g.session",
        "request.session",
        "self.request.session",
    }:
        return False
    text = const_str(key)
    return bool(text and _SESSION_USER_KEY.search(text))
