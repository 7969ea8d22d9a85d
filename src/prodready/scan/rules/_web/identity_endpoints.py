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

from prodready.scan.context import keyed_read
from prodready.scan.rules._web.auth_signals import DENIALS
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
        "assertionconsumer",  # SAML's assertion consumer service (ACS): the IdP posts here
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
        "autodiscover",
        "autoconfig",
        "initdb",
    }
)
# A blueprint, app or router named for an authentication protocol (`validate_blueprint`
# mounted at `/validate`, `recover_blueprint`, the `login_api` a CLI serves locally to
# receive a browser login's result): its routes are the protocol's steps (check an OTP,
# issue a challenge, send a recovery code, hand over the login), anonymous by design.
# Words too broad for a route's own name ("recover" a deleted item, a CTF "challenge")
# count only here.
_PROTOCOL_BLUEPRINT_WORDS = frozenset(
    {
        "validate",
        "validation",
        "verify",
        "otp",
        "mfa",
        "2fa",
        "login",
        "signin",
        "challenge",
        "recover",
        "recovery",
        "passwordreset",
    }
)
_CREDENTIAL_CALL = re.compile(
    r"^(set_password|make_password|hash_password|generate_password_hash|get_password_hash|"
    r"create_user|create_superuser|add_user|register_user|check_password|verify_password|"
    r"check_password_hash|auth_login|(?:sign_?in|log_?in)_user(?:_\w+)?)$"
)
# Request fields that carry a password: the endpoint takes credentials (login, API key).
_PASSWORD_FIELDS = frozenset({"password", "passwd", "pass", "pwd"})
# `pass1`/`pass2`, `new_password`, `password_confirm`: the same, asked twice or renewed.
_PASSWORD_FIELD = re.compile(
    r"^(?:new_?|old_?|current_?)?(?:password|passwd|pass|pwd)(?:_?\d|_?confirm\w*|_?again)?$"
)
_WEBHOOK_WORDS = frozenset({"webhook", "webhooks", "hook", "hooks", "ipn"})
_SIGNATURE = re.compile(r"verify|signature|construct_event|compare_digest|hmac", re.I)
# A check of the sender's signature, whatever the endpoint is called (GitHub's secret
# scanning alerts, posted to `/secret-scanning`, carry a signature header to verify).
_SIGNED_SENDER = re.compile(
    r"^(verify|check|validate)_\w*signature|^(verify|validate)_webhook|^construct_event$|"
    r"^is_valid_signature$",
    re.I,
)
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
    read = keyed_read(node)
    if read is None:
        return False
    key, container = const_str(read[0]), read[1]
    if key is None or not (key.lower() in _PASSWORD_FIELDS or _PASSWORD_FIELD.match(key.lower())):
        return False
    return flow.is_source(container) or flow.tainted(container, container.lineno)


def _creates_account(web: WebFile, cls: ast.ClassDef) -> bool:
    """A view class that signs a user up: its `form_class` is a `UserCreationForm` of this
    file (a first-run installation wizard creating the superuser), or one of its methods
    logs the new user in (`login(self.request, self.object)` in `form_valid`)."""
    for stmt in cls.body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "form_class" for t in stmt.targets)
            and isinstance(stmt.value, ast.Name)
        ):
            form = web.local_classes.get(stmt.value.id)
            if form is not None and any(last(dotted(b)) in _USER_FORMS for b in form.bases):
                return True
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in web.body(stmt):
                if not isinstance(node, ast.Call):
                    continue
                name = dotted(node.func)
                if _CREDENTIAL_CALL.search(last(name)):
                    return True
                if (name == "login" or name.endswith("auth.login")) and len(node.args) >= 2:
                    return True
    return False


_IDENTITY_VIEWS = frozenset({"LoginView", "LogoutView", "PasswordResetView"})
_USER_FORMS = frozenset({"UserCreationForm", "BaseUserCreationForm", "SignupForm"})


# A project's own lint directive declaring the view public (Kiwi's pylint plugin).
_PUBLIC_DIRECTIVE = re.compile(r"#\s*pylint:\s*disable=[\w,\s-]*missing-permission-required")
# `pw_reset_token=self.kwargs["token"]`: the object is found by a reset token from the link.
_RESET_TOKEN = re.compile(r"(?:^|_)(?:reset|recovery|recover)_token$")
# `if SessionManager.is_user_logged_in(...)`, `if request.user.is_authenticated`.
_LOGGED_IN = re.compile(r"^(?:is_)?(?:user_)?(?:logged_in|authenticated)$|^is_user_logged_in$")


def _declared_public(web: WebFile, node: ast.AST) -> bool:
    line = getattr(node, "lineno", 0)
    return bool(line) and bool(_PUBLIC_DIRECTIVE.search(web.ctx.line_text(line)))


def _reset_token_lookup(web: WebFile, cls: ast.ClassDef) -> bool:
    """A password-recovery view: one of its methods looks the user up by a reset token."""
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in web.body(stmt):
                if isinstance(node, ast.Call) and any(
                    kw.arg and _RESET_TOKEN.search(kw.arg.lower()) for kw in node.keywords
                ):
                    return True
    return False


def _anonymous_only(web: WebFile, fn: ast.AST) -> bool:
    """`if is_user_logged_in(): flash(...); return redirect(...)` at the top level of the
    handler: a step for callers who are not logged in yet (an anonymous signup)."""
    for stmt in getattr(fn, "body", []):
        if not isinstance(stmt, ast.If) or isinstance(stmt.test, ast.UnaryOp):
            continue
        asks = any(
            isinstance(n, ast.Attribute | ast.Name | ast.Call)
            and _LOGGED_IN.match(last(dotted(n.func if isinstance(n, ast.Call) else n)) or "")
            for n in ast.walk(stmt.test)
        )
        if not asks:
            continue
        for sub in stmt.body:
            if isinstance(sub, ast.Return) and sub.value is not None:
                call = sub.value
                if isinstance(call, ast.Call) and "redirect" in last(dotted(call.func)).lower():
                    return True
    return False


_SHARED_SECRET = re.compile(r"secret|token", re.I)


def _compares_shared_secret(node: ast.Compare) -> bool:
    """`if copr.webhook_secret != uuid:`: a webhook whose address carries a secret it shares
    with the sender checks the sender by comparing the two (Copr's GitHub hook)."""
    parts = [node.left, *node.comparators]
    if not all(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops) or any(
        isinstance(p, ast.Constant) for p in parts
    ):
        return False  # `if hook.secret is None`, `if token == ""`: nothing is verified
    return any(
        isinstance(part, ast.Name | ast.Attribute) and _SHARED_SECRET.search(last(dotted(part)))
        for part in parts
    )


def identity_endpoint(web: WebFile, h: Handler) -> bool:
    """Login, signup, token, reset... or public by design; webhooks that verify a signature
    or a secret shared with the sender, and any endpoint that checks its sender's signature
    (`verify_signature(payload, sig)`)."""
    names = [h.name, h.path]
    if h.cls is not None:
        names.append(h.cls.name)
    words = tokens(*names)
    if words & _IDENTITY_WORDS or tokens(h.receiver) & _PROTOCOL_BLUEPRINT_WORDS:
        return True
    fn = h.function
    if fn is not None:
        flow = web.flow(fn, h, validated=False)
        if any(_credentials(n, flow) for n in web.body(fn)):
            return True
        if _anonymous_only(web, fn) or _declared_public(web, fn):
            return True
    if h.cls is not None and (
        any(last(dotted(b)) in _IDENTITY_VIEWS for b in h.cls.bases)
        or _creates_account(web, h.cls)
        or _declared_public(web, h.cls)
        or _reset_token_lookup(web, h.cls)
    ):
        return True
    body = web.body(fn) if fn is not None else []
    if words & _WEBHOOK_WORDS:
        for node in body:
            if isinstance(node, ast.Call) and _SIGNATURE.search(last(dotted(node.func))):
                return True
            text = const_str(node) if isinstance(node, ast.Constant) else None
            if text and "signature" in text.lower():
                return True
            if isinstance(node, ast.Compare) and _compares_shared_secret(node):
                return True
    return any(
        isinstance(node, ast.Call) and _SIGNED_SENDER.search(last(dotted(node.func)))
        for node in body
    )


# The status a guard answers a caller it turns away with.
_DENIAL_CODES = frozenset({401, 403})


def turned_away_by_own_decorator(web: WebFile, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Is `fn` wrapped in a decorator of this file that answers some callers with a 401 or
    403 (MuckRock's `@mailgun_verify`: `if _verify(data): return function(request)`, else
    `HttpResponseForbidden()`)? The decorator checks who is calling, whatever its name."""
    local = web.module_functions
    for dec in fn.decorator_list:
        own = local.get(dotted(dec.func if isinstance(dec, ast.Call) else dec))
        if own is not None and _denies(own):
            return True
    return False


def _denies(decorator: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for node in ast.walk(decorator):
        if isinstance(node, ast.Name | ast.Attribute) and last(dotted(node)) in DENIALS:
            return True
        if (  # abort(403), Response(status=401), JsonResponse(data, status=403)
            isinstance(node, ast.Call)
            and any(
                isinstance(a, ast.Constant) and a.value in _DENIAL_CODES
                for a in [*node.args, *(k.value for k in node.keywords)]
            )
        ):
            return True
    return False
