"""Endpoints that are public by design: logging in, signing up, resetting a password,
health checks, webhooks that verify their sender's signature.

Such an endpoint must accept anonymous callers, so the authentication rules leave it
alone; recognising it by the words of its name and path is what keeps them quiet on every
login view.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from prodready.scan.rules._web.syntax import const_str, dotted, last, tokens

if TYPE_CHECKING:
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
    }
)
_CREDENTIAL_CALL = re.compile(
    r"^(set_password|make_password|hash_password|generate_password_hash|get_password_hash|"
    r"create_user|create_superuser|register_user)$"
)
_WEBHOOK_WORDS = frozenset({"webhook", "webhooks", "hook", "hooks", "ipn"})
_SIGNATURE = re.compile(r"verify|signature|construct_event|compare_digest|hmac", re.I)
_USER_CONSTRUCTORS = frozenset({"User", "CustomUser", "AppUser", "Account", "Member"})


def identity_endpoint(web: WebFile, h: Handler) -> bool:
    """Login, signup, token, reset... or public by design; webhooks that verify a signature."""
    names = [h.name, h.path]
    if h.cls is not None:
        names.append(h.cls.name)
    words = tokens(*names)
    if words & _IDENTITY_WORDS:
        return True
    fn = h.function
    if fn is not None and any(  # registration: it hashes a password or makes a user
        isinstance(n, ast.Call)
        and (_CREDENTIAL_CALL.search(last(dotted(n.func))) or dotted(n.func) in _USER_CONSTRUCTORS)
        for n in web.body(fn)
    ):
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
