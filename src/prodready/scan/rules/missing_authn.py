"""PR105 missing-authn: state-changing routes anyone can call, in apps that log users in."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from prodready.scan.context import FileContext
from prodready.scan.registry import NEGATED_FACT_NEEDLES, Hit, rule
from prodready.scan.rules._web import (
    AUTH_NAME,
    OPEN_PERMISSIONS,
    VIEW_CONFIGURATION,
    Handler,
    WebFile,
    auth_aliases,
    const_str,
    dotted,
    guards_whole_app,
    identity_endpoint,
    last,
    passes_request_to_save,
    read_only_post,
    test_scaffolding,
    tokens,
    turned_away_by_own_decorator,
    web_file,
)
from prodready.scan.rules._web.asgi_middleware import guarded_dir_conditions, middleware_facts
from prodready.scan.rules._web.auth_evidence import auth_decorator
from prodready.scan.rules._web.auth_signals import AUTH_PACKAGES
from prodready.scan.rules._web.drf_authentication import (
    DRF_STRICT_AUTH_FACT,
    DRF_STRICT_CLASS_FACT,
    default_authentication_facts,
    strict_authentication_facts,
)
from prodready.scan.rules._web.routes import route_decorator
from prodready.scan.rules._web.urlconf import (
    imported_module_path,
    module_paths,
    url_guard_conditions,
    urlconf_facts,
)

AUTH_FACT = "authenticates-routes"
DRF_OPEN_FACT = "drf-default-allow-any"
OPEN_ROUTER_FACT = "fastapi-open-router:"
FLASK_AUTH_FACT = "authenticates-routes:flask:"
FLASK_GUARD_FACT = "flask-guarded:"  # + `<module>.<blueprint>`: a before_request guards it
FLASK_APP_GUARD_FACT = "flask-app-guarded:"  # + app tree: a before_app_request guards it all
FLASK_APP_DIR_GUARD_FACT = "flask-app-dir-guarded:"  # + dir: `app.before_request` there
DJANGO_LOGIN_FACT = "django-login-required"  # a MIDDLEWARE entry requires login everywhere
DJANGO_MIDDLEWARE_FACT = "django-middleware:"  # + dotted class listed in settings.MIDDLEWARE
DJANGO_APP_PERMS_FACT = "django-app-permissions:"  # + dir: its app config guards its URLs
FASTAPI_GUARDED_ROUTER_FACT = "fastapi-guarded-router:"  # + `<module path>.<router>`
FASTAPI_AUTH_ALIAS_FACT = "fastapi-auth-alias:"  # + `<module>.<name>`: Annotated auth alias
VIEW_CONFIGURED_FACT = "django-view-configured:"  # + class: `X.as_view(form_class=...)`
VIEW_HELPER_FACT = "django-view-helper:"  # + `<module>.<fn>`: an authenticated view calls it
LOGIN_DECORATOR_FACT = "login-decorator:"  # + `<module path>.<fn>`: it applies login_required

# The facts this rule's conditions negate are established only by files containing these
# (see `_guard_facts`, `_middleware_facts`, `_app_config_facts`).
_GUARD_HOOKS = (b"before_request", b"before_app_request", b"url_value_preprocessor")
NEGATED_FACT_NEEDLES.update(
    {
        FLASK_GUARD_FACT: _GUARD_HOOKS,
        FLASK_APP_GUARD_FACT: _GUARD_HOOKS,
        FLASK_APP_DIR_GUARD_FACT: _GUARD_HOOKS,
        DJANGO_LOGIN_FACT: (b"MIDDLEWARE", b"process_view", b"process_request", b"__call__"),
        DJANGO_APP_PERMS_FACT: (b"default_permissions",),
        FASTAPI_AUTH_ALIAS_FACT: (b"Annotated", b"Depends", b"Security"),
        FASTAPI_GUARDED_ROUTER_FACT: (b"include_router",),
        VIEW_HELPER_FACT: (b"request",),
        LOGIN_DECORATOR_FACT: (b"require",),  # the applied guard is a `*require*` decorator
    }
)
# Middleware that requires login for every view it does not exempt: Django 5.1's, and the
# django-stronghold and django-login-required-middleware packages' (ArcherySec lists
# stronghold's).
_LOGIN_MIDDLEWARES = frozenset(
    {
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
        "stronghold.middleware.LoginRequiredMiddleware",
        "login_required.middleware.LoginRequiredMiddleware",
    }
)
_MIDDLEWARE_HOOKS = frozenset({"process_view", "process_request", "__call__"})
_LOGIN_TEST = re.compile(r"authori[sz]|authenticat|logged_in|login_required|is_anonymous", re.I)
_TURN_AWAY = re.compile(r"login|forbidden|permissiondenied|unauthori[sz]ed|\b40[13]\b", re.I)

_ADMIN_AREAS = frozenset({"admin", "backoffice", "staff", "moderation"})
_AUTH_MODULES = re.compile(r"auth|login|token|oauth|security|session|account|jwt|sso", re.I)
_TOKEN_APPS = frozenset(
    {
        "rest_framework.authtoken",
        "rest_framework_simplejwt",
        "knox",
        "oauth2_provider",
        "dj_rest_auth",
        "djoser",
        "allauth",
        "rest_framework_jwt",
    }
)


@rule("PR105", "missing-authn", "missing-authn", severity="error", confidence="low")
def check(ctx: FileContext) -> Iterator[Hit]:
    """
    What it does:
        Finds state-changing route handlers (POST, PUT, PATCH, DELETE, or a GET that
        deletes) that nobody has to log in to call, in an application that does authenticate
        other routes. Handlers are recognised in Flask (`.route`, `.post`..., blueprints,
        `add_url_rule`, `MethodView`/flask-restful resources), FastAPI (`@app.post`,
        `@router.delete`) and Django (function views, generic class-based views, DRF
        `APIView`/generics/`ViewSet`, `@api_view`). Authentication counts wherever it is: a
        decorator (`login_required`, `jwt_required`, `permission_required`,
        `@method_decorator(...)`, a project permission decorator such as `@can_edit_map`
        or `@team_members_only`, or one the project defines, in any module, that wraps the
        view in a login guard: mailu's `@access.owner(models.User, "user_email")`, made by
        a decorator factory that returns `flask_login.login_required(wrapper)`), also one
        a statement after a Django view applies (`ticket_list =
        staff_member_required(ticket_list)`, Tendenci's helpdesk) or one
        a Django URLconf wraps around the view
        (`path("me/", login_required(views.profile))`, or a helper decorating a group of
        patterns, `decorated_patterns([login_required], path(...), *team_urls)`, unless
        another pattern there routes the view bare), a class attribute
        `user = Depends(get_current_user)` of a FastAPI class-based controller (or of its
        base, also one imported from another module), a FastAPI `Depends`/`Security` on
        the route (a dependency counts when its name says it checks or resolves the
        caller, or when it comes from an `auth`, `security`, `login`, `jwt`, `oauth` or
        `token` module: `Depends(get_subscriber)` from `..dependencies.auth`; never a
        resource such as `get_db`), its router,
        its app or its `include_router` (also an app or router created with
        `dependencies=[Depends(get_admin)]` in another file that includes the route's
        router, as polar's backoffice app does, or a router included into a router that
        is itself included with such a dependency, at any depth, as Dispatch's feature
        routers are), a parameter annotated with an
        `Annotated[..., Depends(<authenticator>)]` alias (defined in the file or imported from
        another module: `auth_subject: auth.DiscountWrite`) or with one whose metadata is a
        dependency factory named for a role, ACL or permission check
        (`Annotated[Role, RoleACL(allow_user=True)]`), Django mixins (also a mixin of
        the file whose `dispatch()` is decorated with `login_required`, as Cabot's own
        `LoginRequiredMixin` is, or such a `dispatch()` in the view itself), DRF
        `permission_classes` or the project's `DEFAULT_PERMISSION_CLASSES` (also, for a
        view that keeps the default `authentication_classes`, a class listed in
        `DEFAULT_AUTHENTICATION_CLASSES` whose `authenticate` never returns None but
        raises, itself or in a helper, when it cannot authenticate: no request without
        credentials gets past it, whatever the permissions say; and the one such class a
        view lists as its own `authentication_classes`, as Lite's views do), a project's
        `@require(<login guard>)`, a
        Flask `before_request` guard of the route's blueprint (also one registered in
        another module on the imported blueprint, as a `before_after.py` does for many
        blueprints at once, and a `before_app_request` guard, which covers its whole
        application, as does an `app.before_request` login guard for the routes of the
        app's package; a hook that only reads an optional `X-API-Key` to identify a client
        and lets the request through guards nothing), Django login middleware (Django
        5.1's `LoginRequiredMiddleware` or django-stronghold's, or a project middleware
        listed in `MIDDLEWARE`, or in the list `MIDDLEWARE` is set to, that turns away
        callers failing its authentication check, as DefectDojo's redirect to a login
        address built first into a name does, or Argus's, which lets an authenticated
        caller through and sends everyone else to log in after that), an ASGI middleware
        of a FastAPI or Starlette app in the route's package that answers 401, or returns
        what an authentication check gave it, before passing a request on
        (`app.add_middleware(AuthMiddleware)`, an `@app.middleware("http")` function; a CSRF or host
        check's 403 is no login), a django-oscar app config's `default_permissions` (for the views
        of its package), or a check in the body (`is_authenticated`, `abort(401)`, a 401 response
        (`return {...}, 401`, `make_response(body, 401)`), an `Authorization` header read (an
        `api_key` field of the data a route takes or returns is none), a verified token, a call
        named for checking a secret or token (REANA's `_check_quota_management_secret()`), CKAN's
        `check_access`, a helper handed the request with a permission to check,
        `get_and_check_project(request, pk, ("change_project",))`, or named for a permission, access
        or ownership check, `has_experiment_ownership(request, pk)`), also in a function of the same
        file the handler hands its request to (`return search_action(request)`); a handler that uses
        the current user (`current_user`, `g.user`, `request.user`) or runs its change through an
        action layer that authorises every action (CKAN's `get_action("follow_user")(...)`) is not
        flagged either. A 401 passed on from another service (`if response.status_code == 401:`,
        `if "401" in str(e):`) and an `Authorization` header built to send elsewhere
        (`{"Authorization": f"Bearer {key}"}`) turn away no caller, so they count for nothing
        (Kiln's desktop server). "Other routes" means explicit authentication somewhere in the
        scanned code; apps with none are not flagged. A Flask route counts only
        authentication seen in Flask code of its own top-level directory (or anywhere, for a
        top-level file): an internal Flask service beside a Django app that logs users in is
        its own app. So is a FastAPI app a file creates and routes without including any router or
        sub-application (FastChat's model workers beside its API-key server): its routes count only
        the authentication of that file. Also not flagged: endpoints that establish identity (login,
        signup, token or API-key issuing, password reset, OAuth callbacks, also at a path built per
        provider (`add_url_rule("/%s/callback/captcha" % service_id, ...)`), a SAML
        assertion consumer service, handlers that hash or check a password, sign a user in
        (`sign_in_user_from_saml_response(...)`), read a password from the request
        (`password`, `pass1`/`pass2`, `new_password`), or create a user, such as a first-run
        wizard's `add_user` or a view whose `form_class` is a `UserCreationForm`; routes of
        a blueprint, app or router named for an authentication protocol,
        `validate_blueprint` or `recover_blueprint`: OTP checks, challenges, recovery codes,
        or the `login_api` a CLI runs locally to receive a browser login's result) or are
        public by design (contact forms, invite requests, newsletter, health checks,
        language switch, names saying public/guest, mail-client Autodiscover/autoconfig, a
        first-run `init-db` view, a view class that finds the user by a reset token
        (`pw_reset_token=...`), a handler that first sends logged-in callers away
        (`if is_user_logged_in(): return redirect(...)`: an anonymous signup step), a view
        marked `# pylint: disable=missing-permission-required`), webhooks
        that verify a signature or compare a secret they share with the sender
        (`if copr.webhook_secret != uuid: raise ...`) (and any endpoint that verifies
        its sender's signature, `verify_signature(payload, signature_header)`, or sits
        behind a decorator of its own file that answers some callers with a 401 or 403, MuckRock's
        `@mailgun_verify`), routers included only in
        development, views whose base class lives in another file or package (it may
        authenticate; a `CreateView` counts as Django's only when it is imported from
        Django), POSTs that only read (a search, query or lookup whose body writes
        nothing) or only log what they are sent (a webhook stub), POSTs whose only lasting
        effect is a cookie or a value in the caller's own session (a signup wizard's step;
        not a session key naming a user, role or permission), a form editing an
        existing object whose own `save(request)` gets the caller, and Django views of an
        admin package none of whose views authenticates (the admin URLconf guards them
        where it is mounted).
        Django error views (`handler403(request, exception)`), helpers in `utils`/`helpers`
        modules, functions handed a model instance (`def sms_form(request, channel:
        Channel)` with `Channel` from a `models` module: a URL gives a view only strings
        and numbers), undecorated `def f(request, ...)` functions that return nothing (a view
        returns a response: a middleware's `stop_tracking(request, tracker)`) or are called
        only from this file's views that authenticate or sit behind such a decorator
        (directly or through another such helper), functions that an authenticating view
        of another module hands its request to (`return moderate_avatar_endpoint(request,
        profile)` in a viewset action), generic
        editing views that name no form, model or queryset (bases for subclasses elsewhere,
        unless a URLconf routes them with `as_view(form_class=...)`), and test projects
        kept inside a package (`testapp/`, `test/settings.py`) are not routes.
    Why it matters:
        When most of an application sits behind a login, an endpoint that forgot its
        decorator is the one an attacker looks for: anyone on the internet can create,
        change or delete data through it, and nothing in the logs ties the change to a
        person.
    Example:
        `@app.route("/notes/<int:id>/delete", methods=["POST"])` on a view without
        `@login_required`, in an app whose other note routes carry it.
    Fix:
        Require authentication on the handler the way the rest of the app does it
        (`@login_required`, `Depends(get_current_user)`, `LoginRequiredMixin`,
        `permission_classes = [IsAuthenticated]`), or better, authenticate at the
        router, blueprint or project default and opt public endpoints out explicitly.
        If the endpoint is public on purpose, say so with
        `# prodready: ignore[PR105] <reason>`.
    """
    _settings_facts(ctx)
    strict_authentication_facts(ctx)
    _login_decorator_facts(ctx)
    _middleware_facts(ctx)
    middleware_facts(ctx)
    _app_config_facts(ctx)
    ctx.facts.update(FASTAPI_AUTH_ALIAS_FACT + k for k in auth_aliases(ctx))
    _as_view_facts(ctx)
    urlconf_facts(ctx)
    web = web_file(ctx)
    if not web.web:
        return
    _include_facts(ctx, web)
    _guard_facts(ctx, web)
    _view_helper_facts(ctx, web)
    if web.global_guard:  # the app checks every request itself
        return
    mounted = _admin_module(ctx, web)
    open_handlers: list[Handler] = []
    authenticates_here = False
    for h in web.handlers:
        found, explicit = web.evidence(h)
        if found:
            if explicit and not identity_endpoint(web, h):
                authenticates_here = True
                ctx.facts.add(AUTH_FACT)
                if h.framework == "flask":
                    ctx.facts.update(FLASK_AUTH_FACT + a for a in {_app_tree(ctx.path), ""})
        elif mounted and h.framework == "django":
            continue  # guarded where the admin URLs are mounted
        elif h.function is None or not passes_request_to_save(web.body(h.function)):
            open_handlers.append(h)
    self_contained = _self_contained_fastapi_app(ctx, web)
    for h in open_handlers:
        if _helper_of_guarded_views(web, h) or _takes_model_object(web, h):
            continue
        if h.receiver in self_contained and not authenticates_here:
            continue  # its own app, authenticating nothing: another app's logins are not its
        destructive = "" if h.state_changing else _destructive_call(web, h)
        if not h.state_changing and not destructive:
            continue
        if identity_endpoint(web, h) or (not destructive and read_only_post(web, h)):
            continue
        if h.function is not None and turned_away_by_own_decorator(web, h.function):
            continue  # not an identity endpoint: a guard that authenticates stays evidence
        condition = AUTH_FACT
        why = "other routes in this application require authentication"
        if h.framework == "flask":
            tree = _app_tree(ctx.path)
            condition = f"{FLASK_AUTH_FACT}{tree}&!{FLASK_APP_GUARD_FACT}{tree}"
            if h.receiver:  # unless another module guards its blueprint
                condition += f"&!{FLASK_GUARD_FACT}{web.blueprint_key_of(h.receiver)}"
            why = "other Flask routes of this application require authentication"
        if h.drf_default:
            condition = DRF_OPEN_FACT
            why = "the project's DRF DEFAULT_PERMISSION_CLASSES allow anyone"
        elif h.router_key:
            condition = OPEN_ROUTER_FACT + h.router_key
            why = f"its router `{h.router_key}` is included without authentication"
            # unless an app or router with an auth dependency includes it (polar's backoffice)
            if isinstance(h.node, ast.FunctionDef | ast.AsyncFunctionDef):
                condition += "".join(
                    f"&!{FASTAPI_GUARDED_ROUTER_FACT}{m}.{_receiver(h)}"
                    for m in module_paths(ctx.path)
                )
        if h.framework in ("django", "drf") and h.cls is None:
            # unless it is a helper that an authenticating view elsewhere hands its request
            condition += "".join(
                f"&!{VIEW_HELPER_FACT}{m}.{h.name}" for m in module_paths(ctx.path)
            )
        if h.framework == "drf" and not h.own_authentication:
            # unless a default authentication class turns away anonymous requests
            condition += f"&!{DRF_STRICT_AUTH_FACT}"
        elif h.framework == "drf":  # unless the one class it lists does
            condition += _own_strict_class_condition(ctx, h)
        if h.framework in ("django", "drf"):  # unless a URLconf wraps it in a guard
            view = h.cls.name if h.cls is not None else h.name
            condition += url_guard_conditions(ctx.path, view, permission=False)
        # unless one of its decorators is a project decorator that applies login_required
        condition += _project_decorator_conditions(ctx, h)
        if h.unconfigured:  # a base, unless a URLconf configures it in `as_view(...)`
            condition += f"&{VIEW_CONFIGURED_FACT}{h.name}"
        # unless a parameter's imported annotation is an `Annotated[..., Depends(auth)]`
        condition += "".join(f"&!{FASTAPI_AUTH_ALIAS_FACT}{k}" for k in sorted(h.alias_keys))
        if h.framework == "flask":
            condition += "".join(f"&!{FLASK_APP_DIR_GUARD_FACT}{d}" for d in _dirs(ctx.path))
        else:  # unless login middleware or the app config guards every Django view
            condition += f"&!{DJANGO_LOGIN_FACT}"
            if h.framework == "fastapi":  # or an ASGI middleware of its app every request
                condition += guarded_dir_conditions(ctx.path)
            if h.framework in ("django", "drf"):
                condition += "".join(f"&!{DJANGO_APP_PERMS_FACT}{d}" for d in _dirs(ctx.path))
        yield Hit(h.node.lineno, h.node.lineno, _message(h, destructive, why), condition)


def _login_decorator_facts(ctx: FileContext) -> None:
    """A project's own decorators that wrap the view in a login guard, whatever they are
    called (mailu's `@access.owner(models.User, "user_email")`): a module-level decorator
    that applies `login_required` to its wrapper (`return flask_login.login_required(
    wrapper)`, or `@login_required` on the wrapper), and the functions a decorator factory
    of that kind turns into decorators (`@permissions_wrapper def owner(...)`). Reported
    for the routes of other modules that import them (see `_project_decorator_conditions`)."""
    if "require" not in ctx.source:
        return
    functions = [s for s in ctx.tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
    # only a function whose text names a `...require...` guard and that defines a wrapper
    # can apply one: walking the others (most of a large module) doubled the rule's time
    marked = [i for i, line in enumerate(ctx.lines, start=1) if "require" in line]
    guarding = {fn.name for fn in functions if _applies_login(ctx, fn, marked)}
    guarding |= {
        fn.name
        for fn in functions
        if any(last(dotted(_decorator_target(d))) in guarding for d in fn.decorator_list)
    }
    for name in guarding:
        ctx.facts.update(f"{LOGIN_DECORATOR_FACT}{m}.{name}" for m in module_paths(ctx.path))


def _applies_login(
    ctx: FileContext, fn: ast.FunctionDef | ast.AsyncFunctionDef, marked: list[int]
) -> bool:
    """Does a decorator wrap the function it is given in a login guard: a login decorator
    applied to one of its inner functions, by a call or as a decorator? `marked` are the
    lines that name a `...require...` guard."""
    end = fn.end_lineno or fn.lineno
    if not any(fn.lineno <= i <= end for i in marked):
        return False
    inner = [n for n in ctx.functions if n is not fn and fn.lineno <= n.lineno <= end]
    if not inner:
        return False
    names = {n.name for n in inner}
    if any(_login_guard(ctx, d) for n in inner for d in n.decorator_list):
        return True
    return any(
        fn.lineno <= node.lineno <= end
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id in names
        and _login_guard(ctx, node.func)
        for node in ctx.calls
    )


def _login_guard(ctx: FileContext, dec: ast.expr) -> bool:
    """`login_required`, `flask_login.login_required`, `jwt_required()`: an authenticating
    decorator that requires something (not a project name we cannot see into)."""
    return "require" in last(dotted(_decorator_target(dec))) and bool(auth_decorator(ctx, dec))


def _decorator_target(dec: ast.expr) -> ast.expr:
    """The decorator itself: `access.owner` in `@access.owner(models.User, "email")`."""
    return dec.func if isinstance(dec, ast.Call) else dec


def _own_strict_class_condition(ctx: FileContext, h: Handler) -> str:
    """`&!drf-strict-class:<module>.<class>` for a DRF view listing one authentication
    class of the project, imported or of this file. With several listed, any one
    returning None lets an anonymous request through, so the finding stands."""
    if len(h.authentication_classes) != 1:
        return ""
    keys = _project_keys(ctx, h.authentication_classes[0])
    return "".join(f"&!{DRF_STRICT_CLASS_FACT}{k}" for k in keys)


def _project_keys(ctx: FileContext, name: str) -> list[str]:
    """`<module path>.<name>` of a name the project defines: where it was imported from
    (`from api.core.authentication import ExporterAuthentication`), or this file's module
    for a plain name it does not import; none for an attribute of something unknown."""
    imported = imported_module_path(ctx, name) if name else ""
    if imported:
        return [imported]
    if name and "." not in name:
        return [f"{m}.{name}" for m in module_paths(ctx.path)]
    return []


def _project_decorator_conditions(ctx: FileContext, h: Handler) -> str:
    """`&!<fact><module>.<name>` for each decorator of the handler that the project
    defines, imported (`from mailu.ui import access`, then `@access.owner(...)`) or in
    this file: the finding is dropped when that decorator applies `login_required`."""
    keys: list[str] = []
    for dec in getattr(h.node, "decorator_list", []):
        if route_decorator(ctx, dec) is not None:
            continue
        keys.extend(_project_keys(ctx, dotted(_decorator_target(dec))))
    return "".join(f"&!{LOGIN_DECORATOR_FACT}{k}" for k in keys)


def _view_helper_facts(ctx: FileContext, web: WebFile) -> None:
    """`return moderate_avatar_endpoint(request, profile)` in a view (or viewset action)
    that authenticates, calling a function imported from another module: that function
    takes `request` like a Django view but is a helper of this one, not a route."""
    for h in web.handlers:
        fn = h.function
        if fn is None or not web.evidence(h)[1]:
            continue
        for node in web.body(fn):
            if not isinstance(node, ast.Call) or not isinstance(
                node.func, ast.Name | ast.Attribute
            ):
                continue
            if not any(dotted(a) in {"request", "req", "self.request"} for a in node.args):
                continue
            module = imported_module_path(ctx, dotted(node.func))
            if module:
                ctx.facts.add(VIEW_HELPER_FACT + module)


def _as_view_facts(ctx: FileContext) -> None:
    """`AjaxPostView.as_view(form_class=NoteForm)` in a URLconf: the generic view, which
    names no form, model or queryset itself, is routed with one here."""
    if "as_view" not in ctx.source:
        return
    for call in ctx.calls:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr != "as_view":
            continue
        if any(k.arg in VIEW_CONFIGURATION for k in call.keywords):
            ctx.facts.add(VIEW_CONFIGURED_FACT + last(dotted(func.value)))


def _guard_facts(ctx: FileContext, web: WebFile) -> None:
    """Facts from this file's `before_request` guards, for routes in other files: the
    blueprints they guard (`@resolver_blueprint.before_request` with `@admin_required`, on a
    blueprint imported from `.resolver`, as a `before_after.py` module registers them for
    many blueprints at once), and the app tree a `before_app_request` guard covers."""
    for receiver in web.guarded_receivers:
        ctx.facts.add(FLASK_GUARD_FACT + web.blueprint_key_of(receiver))
    if web.app_guards:
        ctx.facts.add(FLASK_APP_GUARD_FACT + _app_tree(ctx.path))
    if any(guards_whole_app(r) for r in web.guarded_receivers):
        # `@app.before_request` in `journalist_app/__init__.py`'s create_app: every route
        # of the app, in the views modules of that package, is behind it
        ctx.facts.add(FLASK_APP_DIR_GUARD_FACT + ctx.path.rpartition("/")[0])


def _self_contained_fastapi_app(ctx: FileContext, web: WebFile) -> set[str]:
    """The FastAPI apps this file creates and routes itself, when it includes no router or
    sub-application into them: FastChat's model workers and controller each run
    `app = FastAPI()` with their own routes as a separate process, so the API keys its
    OpenAI-compatible server checks say nothing about them. Their routes are measured
    against this file's own authentication only."""
    if not web.fastapi_apps:
        return set()
    for node in ast.walk(ctx.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("include_router", "mount")
        ):
            return set()
    return set(web.fastapi_apps)


def _receiver(h: Handler) -> str:
    """The router a FastAPI route's decorator hangs on (`router` in `@router.post`)."""
    for dec in getattr(h.node, "decorator_list", []):
        target = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(target, ast.Attribute):
            return dotted(target.value)
    return ""


def _dirs(path: str) -> list[str]:
    """The directories a file is in, innermost first, down to the root ("")."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(len(parts), -1, -1)]


def _middleware_facts(ctx: FileContext) -> None:
    """Django login middleware. A settings module reports each `MIDDLEWARE` entry (and
    Django 5.1's `LoginRequiredMiddleware`, or django-stronghold's, as login required
    everywhere); a middleware class whose `process_view`/`process_request`/`__call__`
    turns away a caller who fails
    an authentication check (`if not authorize_request(request): return
    redirect_to_login(request)`, NAV's `AuthorizationMiddleware`) reports that listing it
    requires login everywhere (an implication fact, `listed=>required`: see engine). The
    list may be named first (DefectDojo's `MIDDLEWARE = DJANGO_MIDDLEWARE_CLASSES`)."""
    if "MIDDLEWARE" in ctx.source and not test_scaffolding(ctx.path):
        named: dict[str, ast.expr] = {}
        for stmt in ctx.tree.body:
            target: ast.expr | None = None
            if isinstance(stmt, ast.AugAssign | ast.AnnAssign):
                target = stmt.target
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
            value = getattr(stmt, "value", None)
            if not isinstance(target, ast.Name) or value is None:
                continue
            if isinstance(stmt, ast.Assign):
                named[target.id] = value
            if target.id != "MIDDLEWARE":
                continue
            if isinstance(value, ast.Name):
                value = named.get(value.id)
            for entry in getattr(value, "elts", []):
                name = const_str(entry)
                if name in _LOGIN_MIDDLEWARES:
                    ctx.facts.add(DJANGO_LOGIN_FACT)
                elif name:
                    ctx.facts.add(DJANGO_MIDDLEWARE_FACT + name)
    if not ctx.imports("django") or not any(
        isinstance(m, ast.FunctionDef) and m.name in _MIDDLEWARE_HOOKS
        for c in ctx.classes
        for m in c.body
    ):
        return
    parts = ctx.path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    modules = [".".join(parts[i:]) for i in range(len(parts))]
    for cls in ctx.classes:
        if any(
            isinstance(m, ast.FunctionDef) and m.name in _MIDDLEWARE_HOOKS and _turns_away(m)
            for m in cls.body
        ):
            for module in modules:
                listed = f"{DJANGO_MIDDLEWARE_FACT}{module}.{cls.name}"
                ctx.facts.add(f"{listed}=>{DJANGO_LOGIN_FACT}")


def _turns_away(fn: ast.FunctionDef) -> bool:
    """An `if` on an authentication check whose branch returns a login redirect or a
    403, or raises `PermissionDenied`, directly or past a nested check of the exempt URLs
    (Archivematica's `if not request.user.is_authenticated:` then `if not any(m.match(path)
    for m in EXEMPT_URLS): return redirect(settings.LOGIN_URL)`), also through a name the
    branch gives the login address (DefectDojo's `fullURL = f"{settings.LOGIN_URL}?next=..."`
    then `return HttpResponseRedirect(fullURL)`). The check may also be the other way
    round: a branch that lets an authenticated caller through, and after it, at the same
    level, the turn-away for everyone else (Argus's `if request.user.is_authenticated:
    return None` then `response = redirect_to_login(...)`)."""
    blocks = (
        stmts
        for node in ast.walk(fn)
        for field in ("body", "orelse", "finalbody")
        if isinstance(stmts := getattr(node, field, None), list)
    )
    for stmts in blocks:
        for i, node in enumerate(stmts):
            if not isinstance(node, ast.If) or not _LOGIN_TEST.search(ast.unparse(node.test)):
                continue
            if _returns_turn_away([s for branch in node.body for s in ast.walk(branch)]):
                return True
            if _lets_through(node) and _returns_turn_away(
                [s for later in stmts[i + 1 :] for s in ast.walk(later)]
            ):
                return True
    return False


def _lets_through(check: ast.If) -> bool:
    """The branch of a positive authentication check ends by letting the request on
    (`return None`, `return self.get_response(request)`), not by turning it away."""
    last = check.body[-1]
    return (
        not isinstance(check.test, ast.UnaryOp)
        and isinstance(last, ast.Return)
        and not _TURN_AWAY.search(ast.unparse(last))
    )


def _returns_turn_away(inside: list[ast.AST]) -> bool:
    """A return or raise among these statements sends the caller to log in or refuses
    them, itself or through a name given the login address first."""
    login_names = {
        t.id
        for s in inside
        if isinstance(s, ast.Assign) and _TURN_AWAY.search(ast.unparse(s.value))
        for t in s.targets
        if isinstance(t, ast.Name)
    }
    for stmt in inside:
        if not isinstance(stmt, ast.Return | ast.Raise):
            continue
        used = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
        if _TURN_AWAY.search(ast.unparse(stmt)) or used & login_names:
            return True
    return False


def _app_config_facts(ctx: FileContext) -> None:
    """An app config that guards all its URLs: django-oscar's `default_permissions =
    ["is_staff"]` on an `OscarDashboardConfig`, which `post_process_urls` applies to every
    view of the app with `permissions_required`. Covers the views of its package."""
    if "default_permissions" not in ctx.source:
        return
    for cls in ctx.classes:
        if not cls.name.endswith("Config") or not cls.bases:
            continue
        for stmt in cls.body:
            if (
                isinstance(stmt, ast.Assign)
                and any(
                    isinstance(t, ast.Name) and t.id == "default_permissions" for t in stmt.targets
                )
                and isinstance(stmt.value, ast.List | ast.Tuple)
                and stmt.value.elts
            ):
                ctx.facts.add(DJANGO_APP_PERMS_FACT + ctx.path.rpartition("/")[0])


def _helper_of_guarded_views(web: WebFile, h: Handler, depth: int = 0) -> bool:
    """`def remove(request, bookmark_id)` with no decorator, called only from this file's
    views that authenticate (`if "remove" in request.POST: return remove(request, ...)`)
    or sit behind a guard decorator of the file (MuckRock's `_catch_all`, called by the
    Mailgun route that `@mailgun_verify` guards), directly or through another such
    helper: a helper of those views, taken for a Django view only by its `request`
    parameter."""
    fn = h.function
    if fn is None or h.framework != "django" or h.cls is not None or fn.decorator_list:
        return False
    callers: list[Handler] = []
    for other in web.handlers:
        caller = other.function
        if caller is None or caller is fn:
            continue
        if any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == fn.name
            for n in web.body(caller)
        ):
            callers.append(other)
    return bool(callers) and all(
        web.evidence(c)[1]
        or (c.function is not None and turned_away_by_own_decorator(web, c.function))
        or (depth < 2 and _helper_of_guarded_views(web, c, depth + 1))
        for c in callers
    )


def _takes_model_object(web: WebFile, h: Handler) -> bool:
    """`def sms_form(request: HttpRequest, channel: Channel)` with `Channel` imported from
    a `models` module: Django passes a view only strings and numbers from the URL, so a
    function handed a model instance is a helper of the views that load it, not a route."""
    fn = h.function
    if fn is None or h.framework != "django" or h.cls is not None:
        return False
    relative = web.relative_imports()
    for arg in [*fn.args.args[1:], *fn.args.kwonlyargs]:
        if isinstance(arg.annotation, ast.Name | ast.Attribute):
            name = dotted(arg.annotation)
            head, _, rest = name.partition(".")
            origin = relative.get(head) or web.ctx.aliases.get(head, head)
            module = f"{origin}.{rest}".rpartition(".")[0] if rest else origin.rpartition(".")[0]
            if "models" in module.split("."):
                return True
    return False


def _app_tree(path: str) -> str:
    """The top-level directory a file belongs to ("" for a file at the top): a Flask route
    is judged only against authentication seen in Flask code of the same tree, so that an
    internal Flask service (`service/exif/main.py`) is not judged by the login of a Django
    app beside it (`api/`). A Flask route in a top-level file is judged against Flask
    authentication anywhere."""
    head, sep, _ = path.partition("/")
    return head if sep else ""


def _admin_module(ctx: FileContext, web: WebFile) -> bool:
    """A Django views module in an admin area (`wagtail/admin/views/chooser.py`) none of
    whose views authenticates on its own: Django guards such a module where its URLs are
    mounted (`decorate_urlpatterns(urlpatterns, require_admin_access)`, a staff check
    around the `include`), not view by view. One view with its own check means the module
    is not guarded as a whole, and its unguarded views are reported."""
    if not tokens(ctx.path) & _ADMIN_AREAS:
        return False
    return not any(web.evidence(h)[1] for h in web.handlers)


def _message(h: Handler, destructive: str, why: str) -> str:
    methods = "/".join(sorted(h.methods & {"POST", "PUT", "PATCH", "DELETE"})) or "GET"
    where = f" {h.path}" if h.path else ""
    kind = {
        "flask": "Flask route",
        "fastapi": "FastAPI route",
        "django": "Django view",
        "drf": "DRF view",
    }[h.framework]
    what = f"{kind} `{h.name}` ({methods}{where})"
    if h.generic:
        what = f"{kind} `{h.name}` ({h.generic}: {methods})"
    if destructive:
        what += f" calls {destructive}"
    else:
        what += " changes state"
    if h.open_explicit:
        return f"{what} with permission_classes that allow anyone, while {why}"
    return f"{what} with no authentication, while {why}"


def _destructive_call(web: WebFile, h: Handler) -> str:
    """A GET (or method-less Django view) that deletes: `db.session.delete(x)`,
    `Note.objects.filter(...).delete()`, `note.delete()`."""
    fn = h.function
    if fn is None:
        return ""
    for node in web.body(fn):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr != "delete":
            continue
        owner = node.func.value
        name = dotted(node.func)
        if name.endswith("session.delete") and node.args:
            return f"{name}()"
        chain = ast.unparse(owner)
        if ".objects" in chain or ".query" in chain or ".filter" in chain:
            return f"{chain}.delete()"
        if isinstance(owner, ast.Name) and not node.args and not node.keywords:
            return f"{owner.id}.delete()"
    return ""


def _settings_facts(ctx: FileContext) -> None:
    """A Django settings module whose DRF default lets anyone in, in a project that has
    token or session authentication configured."""
    if "REST_FRAMEWORK" not in ctx.source or test_scaffolding(ctx.path):
        return  # the settings of a test project say nothing about the app
    framework: ast.Dict | None = None
    installed: list[str] = []
    for stmt in ctx.tree.body:
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target = stmt.targets[0]
        if not isinstance(target, ast.Name):
            continue
        if target.id == "REST_FRAMEWORK" and isinstance(stmt.value, ast.Dict):
            framework = stmt.value
        elif target.id == "INSTALLED_APPS" and isinstance(stmt.value, ast.List | ast.Tuple):
            installed = [s for e in stmt.value.elts if (s := const_str(e))]
    if framework is None:
        return
    options: dict[str, ast.expr] = {}
    for key, value in zip(framework.keys, framework.values, strict=True):
        text = const_str(key)
        if text:
            options[text] = value
    if "DEFAULT_AUTHENTICATION_CLASSES" in options:
        default_authentication_facts(ctx, options["DEFAULT_AUTHENTICATION_CLASSES"])
    perms = options.get("DEFAULT_PERMISSION_CLASSES")
    if perms is not None:
        listed = [last(s) for e in getattr(perms, "elts", []) if (s := const_str(e) or dotted(e))]
        if not isinstance(perms, ast.List | ast.Tuple) or not set(listed) <= OPEN_PERMISSIONS:
            return
    has_auth = "DEFAULT_AUTHENTICATION_CLASSES" in options or any(
        app == t or app.startswith(t + ".") for app in installed for t in _TOKEN_APPS
    )
    if has_auth:
        ctx.facts.add(DRF_OPEN_FACT)


def _include_facts(ctx: FileContext, web: WebFile) -> None:
    """Facts from `app.include_router(...)`: routers included with an authenticating
    dependency make the app one that authenticates; routers included without one are
    recorded as open (when the including file shows the app has authentication at all)."""
    plain: list[str] = []
    concept = False
    dev_only = _dev_only(ctx) if web.watched.get("include_router") else set()
    includes = [
        (dotted(call.func.value), dotted(call.args[0]), call)
        for call in web.watched.get("include_router", [])
        if call.args and isinstance(call.func, ast.Attribute) and id(call) not in dev_only
    ]
    guarded = _guarded_routers(web, includes)
    for receiver, router, call in includes:
        key = web.router_key_of(router) if router else ""
        if web.auth_dependencies(call) or receiver in guarded:
            ctx.facts.add(AUTH_FACT)
            module = imported_module_path(ctx, router)
            if module:
                ctx.facts.add(f"{FASTAPI_GUARDED_ROUTER_FACT}{module}")
            concept = True
            continue
        if key:
            plain.append(key)
            if _AUTH_MODULES.search(key.split(".")[0]):
                concept = True
    if not plain:
        return
    concept = (
        concept
        or ctx.imports("fastapi.security")
        or ctx.imports("fastapi_users")
        or any(_auth_import(q) for q in ctx.aliases.values())
        or any(_auth_import(q) for q in web.relative_imports().values())
        or any(web.authenticated(h) for h in web.handlers)
    )
    if concept:
        for key in plain:
            ctx.facts.add(OPEN_ROUTER_FACT + key)


def _guarded_routers(web: WebFile, includes: list[tuple[str, str, ast.Call]]) -> set[str]:
    """Routers whose every route needs authentication: made with an authenticating
    dependency, or included with one, or included into such a router, at any depth
    (Dispatch includes each feature router into `authenticated_organization_api_router`,
    which `api_router` includes with `Depends(get_current_user)`)."""
    guarded = set(web.router_deps)
    grew = True
    while grew:
        grew = False
        for receiver, router, call in includes:
            if (
                router
                and router not in guarded
                and (web.auth_dependencies(call) or receiver in guarded)
            ):
                guarded.add(router)
                grew = True
    return guarded


_DEV_CONDITION = re.compile(r"debug|develop|\bdev\b|local|testing|environment|_env\b", re.I)


def _dev_only(ctx: FileContext) -> set[int]:
    """Calls inside `if settings.ENV == "development":` (or DEBUG...): development tooling."""
    found: set[int] = set()
    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.If) and _DEV_CONDITION.search(ast.unparse(node.test)):
            for stmt in node.body:
                found.update(id(n) for n in ast.walk(stmt) if isinstance(n, ast.Call))
    return found


def _auth_import(qualified: str) -> bool:
    """`from app.routers import auth`, `from .security import get_current_user`."""
    parts = qualified.split(".")
    return bool(AUTH_NAME.search(parts[-1]) or set(p.lower() for p in parts[:-1]) & AUTH_PACKAGES)
