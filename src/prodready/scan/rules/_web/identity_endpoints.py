"""Endpoints that are public by design: logging in, signing up, resetting a password,
health checks, webhooks that verify their sender's signature.

Such an endpoint must accept anonymous callers, so the authentication rules leave it
alone; recognising it by the words of its name and path, and by what its body does with
credentials (hashing or checking a password, reading one from the request, logging a user
in), is what keeps them quiet on every login view.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from prodready.scan.rules._web.syntax import const_str, dotted, last, tokens

if TYPE_CHECKING:
    from prodready.scan.rules._web.flow import Flow
    from prodready.scan.rules._web.handler import Handler
    from prodready.scan.rules._web.web_file import WebFile

# Endpoints that establish identity, or are public by design.
_IDENTITY_WORDS = frozenset(
    {
        "login",
        "logout",
        "signin",
        "signout",
        "signup",
        "loginview",
        "register",
        "registration",
        "token",
        "tokens",
        "refresh",
        "password",
        "passwd",
        "forgot",
        "reset",
        "verify",
        "verification",
        "confirm",
        "confirmation",
        "activate",
        "activation",
        "callback",
        "oauth",
        "oauth2",
        "sso",
        "saml",
        "otp",
        "mfa",
        "2fa",
        "twofactor",
        "magic",
        "auth",
        "authenticate",
        "authorize",
        "authorization",
        "session",
        "sessions",
        "csrf",
        "contact",
        "feedback",
        "subscribe",
        "unsubscribe",
        "newsletter",
        "health",
        "healthz",
        "healthcheck",
        "ping",
        "search",
        "graphql",
        "csp",
        "telemetry",
        "analytics",
        "beacon",
        "public",
        "language",
        "locale",
        "i18n",
        "timezone",
        "anonymous",
        "guest",
        "preview",
        "validate",
        "calculate",
        "estimate",
        "quote",
        "lookup",
        "apikey",
        "apikeys",
        "keygen",
        "inviterequest",
        "invitationrequest",
        "requestinvite",
        "requestinvitation",
        "accessrequest",
        "requestaccess",
        "waitlist",
        "waitinglist",
    }
)
_CREDENTIAL_CALL = re.compile(
    r"^(set_password|make_password|hash_password|generate_password_hash|get_password_hash|"
    r"create_user|create_superuser|register_user|check_password|verify_password|"
    r"check_password_hash|login_user|auth_login)$"
)
# Request fields that carry a password: the endpoint takes credentials (login, API key).
_PASSWORD_FIELDS = frozenset({"password", "passwd", "pass", "pwd"})
_WEBHOOK_WORDS = frozenset({"webhook", "webhooks", "hook", "hooks", "ipn"})
_SIGNATURE = re.compile(r"verify|signature|construct_event|compare_digest|hmac", re.I)
_LOGOUT_CALLS = frozenset(
    {"session.clear", "flask.session.clear", "request.session.flush", "logout_user"}
)
_USER_CONSTRUCTORS = frozenset({"User", "CustomUser", "AppUser", "Account", "Member"})


def _credentials(node: ast.AST, flow: Flow) -> bool:
    """Registration or login in a handler body: it hashes or checks a password, makes a
    user, logs one in, or reads a password from the request (`data["password"]`)."""
    if isinstance(node, ast.Call):
        name = dotted(node.func)
        if _CREDENTIAL_CALL.search(last(name)) or name in _USER_CONSTRUCTORS:
            return True
        if name in _LOGOUT_CALLS:  # logging out ends the caller's identity
            return True
        if name == "login" or name.endswith("auth.login"):  # django.contrib.auth.login
            return len(node.args) >= 2
        if last(name) != "get" or not node.args or not isinstance(node.func, ast.Attribute):
            return False
        key, container = const_str(node.args[0]), node.func.value
    elif isinstance(node, ast.Subscript):
        key, container = const_str(node.slice), node.value
    else:
        return False
    if key is None or key.lower() not in _PASSWORD_FIELDS:
        return False
    return flow.is_source(container) or flow.tainted(container, node.lineno)


def identity_endpoint(web: WebFile, h: Handler) -> bool:
    """Login, signup, token, reset... or public by design; webhooks that verify a signature."""
    names = [h.name, h.path]
    if h.cls is not None:
        names.append(h.cls.name)
    words = tokens(*names)
    if words & _IDENTITY_WORDS:
        return True
    fn = h.function
    if fn is not None:
        flow = web.flow(fn, h, validated=False)
        if any(_credentials(n, flow) for n in web.body(fn)):
            return True
    if h.cls is not None and any(
        last(dotted(b)) in {"LoginView", "LogoutView", "PasswordResetView"} for b in h.cls.bases
    ):
        return True
    if words & _WEBHOOK_WORDS:
        fn = h.function
        body = web.body(fn) if fn is not None else []
        for node in body:
            if isinstance(node, ast.Call) and _SIGNATURE.search(last(dotted(node.func))):
                return True
            text = const_str(node) if isinstance(node, ast.Constant) else None
            if text and "signature" in text.lower():
                return True
    return False
