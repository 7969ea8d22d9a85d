"""What `prodready context` finds in real repositories: the chosen form of each convention,
its example (exact lines and location), the policy, owners and sensitive paths with their
evidence, and "not found" where the code has nothing."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from prodready.context_file import ProductionContext, build_context, render_context
from prodready.context_file.forms import Aspect, Form, Source
from prodready.context_file.render import code
from prodready.model import Layer
from tests.conftest import RepoFactory, git, write_tree
from tests.context_file import FLASK_SERVICE

TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> ProductionContext:
    root = tmp_path_factory.mktemp("service")
    git(root, "init", "-q", "-b", "main")
    write_tree(root, FLASK_SERVICE)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    return build_context(root, today=TODAY)


def aspect(context: ProductionContext, topic: str, name: str) -> Aspect:
    for convention in context.conventions:
        if convention.topic == topic:
            for found in convention.aspects:
                if found.name == name:
                    return found
    raise AssertionError(f"no aspect {topic}/{name}")


def chosen(context: ProductionContext, topic: str, name: str) -> Form:
    form = aspect(context, topic, name).chosen
    assert form is not None, f"{topic}/{name} found nothing"
    return form


# -- the realistic service ------------------------------------------------------------------


def test_the_module_logger_is_the_logging_convention(service: ProductionContext) -> None:
    form = chosen(service, "logging", "loggers")
    assert form.label == "logging.getLogger(__name__)"
    assert form.files == (
        "app/api/errors.py",
        "app/api/routes.py",
        "app/service/billing.py",
        "app/service/orders.py",
    )
    assert form.example.location == "app/api/errors.py:7"
    assert form.example.text == "logger = logging.getLogger(__name__)"
    assert aspect(service, "logging", "loggers").forms == (form,)


def test_log_calls_pass_their_values_with_extra(service: ProductionContext) -> None:
    form = chosen(service, "logging", "log calls")
    assert form.label == "extra={...}"
    assert form.count == 3
    assert form.example.location == "app/api/errors.py:13"
    assert form.example.text == (
        'logger.warning("request failed", extra={"error": type(exc).__name__})'
    )


def test_the_logging_configuration_is_the_whole_dictconfig_call(
    service: ProductionContext,
) -> None:
    form = chosen(service, "logging", "configuration")
    assert form.label == "logging.config.dictConfig"
    assert form.example.location == "app/__init__.py:7-10"
    assert form.example.text == textwrap.dedent(
        """\
        logging.config.dictConfig(
            {"version": 1, "root": {"level": "INFO", "handlers": ["console"]},
             "handlers": {"console": {"class": "logging.StreamHandler"}}}
        )"""
    )


def test_the_session_class_wins_over_a_per_call_timeout(service: ProductionContext) -> None:
    forms = aspect(service, "timeouts", "outbound calls").forms
    assert [f.label for f in forms] == ["TimeoutSession", "timeout="]
    session, per_call = forms
    assert session.count == 2  # instantiated in billing.py and orders.py
    assert session.files == ("app/service/billing.py", "app/service/orders.py")
    assert "defined at `app/clients/http.py:6`" in session.description
    assert session.example.location == "app/clients/http.py:13-15"
    assert session.example.text == textwrap.dedent(
        """\
        def request(self, method, url, **kwargs):
            kwargs.setdefault("timeout", self.timeout)
            return super().request(method, url, **kwargs)"""
    )
    assert per_call.example.location == "app/service/orders.py:21"
    assert per_call.example.text == (
        'return requests.get(f"https://ship.example/{order_id}", timeout=2).text'
    )
    assert aspect(service, "timeouts", "outbound calls").notes == ()  # no PR101 finding


def test_errors_derive_from_one_base_and_one_handler_answers_them(
    service: ProductionContext,
) -> None:
    base = chosen(service, "errors", "exception classes")
    assert base.label == "AppError(Exception)"
    assert base.count == 3  # AppError, NotFound, PaymentFailed
    assert base.example.location == "app/errors.py:4-7"
    assert base.example.text.splitlines()[0] == "class AppError(Exception):"
    handler = chosen(service, "errors", "error handlers")
    assert handler.label == "@errors.app_errorhandler(...)"
    assert handler.example.location == "app/api/errors.py:11-14"
    assert handler.example.text == textwrap.dedent(
        """\
        @errors.app_errorhandler(AppError)
        def handle_app_error(exc: AppError):
            logger.warning("request failed", extra={"error": type(exc).__name__})
            return jsonify(error=str(exc)), exc.status"""
    )
    assert aspect(service, "errors", "error reporting").forms == ()


def test_routes_authenticate_with_login_required(service: ProductionContext) -> None:
    routes = aspect(service, "authentication", "routes")
    form = chosen(service, "authentication", "routes")
    assert form.label == "@login_required"
    assert form.count == 2
    assert form.example.location == "app/api/routes.py:17-19"
    assert form.example.text == '@api.post("/refunds")\n@login_required\ndef create_refund():'
    assert routes.notes == (
        "1 of 3 routes show no authentication: `GET /health` (`app/api/routes.py:13`)",
    )


def test_project_facts_point_at_the_policy_and_codeowners(service: ProductionContext) -> None:
    assert [(f.text, f.where) for f in service.project] == [
        ("tier `production`", "prodready.toml:1"),
        ("kind `service`: app/__init__.py:17 creates a web application (Flask(...))", None),
    ]
    assert [(f.text, f.where) for f in service.owners] == [
        ("`*`: @acme/platform", ".github/CODEOWNERS:1"),
        ("`/app/service/billing.py`: @acme/payments", ".github/CODEOWNERS:2"),
    ]
    assert [(f.text, f.where) for f in service.architecture] == [
        (
            "layers from top to bottom: `api` → `service` → `storage`; a module belongs to "
            "the layer named by a component of its package path, and a lower layer must not "
            "import a higher one",
            "prodready.toml:4",
        ),
        ("layer `api`: `app/api/`", None),
        ("layer `service`: `app/service/`", None),
        ("layer `storage`: `app/storage/`", None),
        ("modules stay under 1000 lines and functions under 100 lines (the defaults)", None),
    ]


def test_sensitive_paths_say_why_and_who_owns_them(service: ProductionContext) -> None:
    groups = {g.name: g for g in service.sensitive}
    assert sorted(groups) == [
        "data-deletion",
        "external-integrations",
        "payments",
        "permissions",
        "policy",
    ]
    payments = groups["payments"]
    assert payments.declared.where == "prodready.toml:7"
    assert [(p.path, p.why, p.owners, p.owner_rule) for p in payments.paths] == [
        (
            "app/service/billing.py",
            "matches `app/service/billing.py`",
            ("@acme/payments",),
            ".github/CODEOWNERS:2",
        )
    ]
    # a refund call outside the payments paths is still what the gate calls payments
    assert [(p.location, p.why) for p in payments.code] == [
        (
            "app/api/routes.py:21",
            'charge, capture or refund: `refund = billing.refund(payload["order_id"], '
            'payload["amount"])`',
        )
    ]
    # the import of login_required names the capability; the decorator line uses it
    assert [p.location for p in groups["permissions"].code] == ["app/api/routes.py:18"]
    assert [p.path for p in groups["external-integrations"].paths] == [
        "app/clients/__init__.py",
        "app/clients/http.py",
    ]
    assert groups["data-deletion"].paths == ()


def test_the_blocking_rules_follow_the_policy_confidence(service: ProductionContext) -> None:
    texts = [f.text for f in service.security]
    assert service.security[0].where == "prodready.toml:10"
    assert texts[0] == "scan findings block the audit and the gate from confidence `medium` up"
    blocking = [t.split(" ", 2)[1] for t in texts if t.startswith("blocks: ")]
    # PR109 is low confidence, but its known-key-format findings are high and do block
    assert blocking == ["PR101", "PR104", "PR109", "PR110"]
    pr109 = next(t for t in texts if t.startswith("blocks: PR109"))
    assert pr109.startswith(
        "blocks: PR109 `hardcoded-secret` (high confidence for known key formats such as AWS, "
        "Stripe, GitHub and Slack keys; its other findings are low confidence and do not block)"
    )
    pr110 = next(t for t in texts if t.startswith("blocks: PR110"))
    assert pr110.startswith(
        "blocks: PR110 `unbounded-queue` (medium confidence; low confidence for queues kept "
        "in a function's local variable, which do not block)"
    )
    assert texts[1] == (
        "blocks: PR101 `timeout` (high confidence; low confidence for calls in a branch that "
        "runs only in debug mode, which do not block): Finds outbound network calls that can "
        "wait forever. Fix: Pass an explicit timeout sized to the caller's budget, e.g. "
        "`requests.post(url, json=payload, timeout=(3.05, 10))`, or use a session class "
        "that sets one by default"
    )
    assert (
        "reported, not blocking: PR102 `retry-idempotency`, PR103 `swallowed-exception`, "
        "PR105 `missing-authn`, PR106 `idor`, PR107 `unvalidated-input`, "
        "PR108 `sql-injection`"
    ) in texts
    assert service.open_findings == ()


def test_the_stack_names_implicit_layers_and_what_the_file_states(
    service: ProductionContext,
) -> None:
    layers = {s.layer: s for s in service.stack}
    assert layers[Layer.INTENT].implicit
    assert layers[Layer.INTENT].explicit_here == ()
    assert [g.text for g in layers[Layer.INTENT].gaps][:1] == [
        "`docs.architecture` Architecture notes or decision records: no ARCHITECTURE.md, "
        "design notes or decision records"
    ]
    assert not layers[Layer.CONSTRAINTS].implicit
    assert layers[Layer.ACCOUNTABILITY].explicit_here == ("the owners from .github/CODEOWNERS",)
    text = render_context(service)
    assert (
        "- **intent**: implicit (0 of 3 criteria met). Stated in this file: nothing yet: "
        "write a change spec (`prodready spec new NAME`) and pass it with `--spec`."
    ) in text.splitlines()


def test_the_rendered_conventions_show_the_example_under_its_location(
    service: ProductionContext,
) -> None:
    lines = render_context(service).splitlines()
    start = lines.index("#### Routes")
    assert lines[start : start + 12] == [
        "#### Routes",
        "",
        "`@login_required`: a decorator on each handler; 2 uses in 1 file "
        "(`app/api/routes.py`). From `app/api/routes.py:17-19`:",
        "",
        "```python",
        '@api.post("/refunds")',
        "@login_required",
        "def create_refund():",
        "```",
        "",
        "- 1 of 3 routes show no authentication: `GET /health` (`app/api/routes.py:13`)",
        "",
    ]
    start = lines.index("#### Outbound calls")
    assert lines[start + 10] == (
        "Other forms: `timeout=` (1 use in 1 file, e.g. `app/service/orders.py:21`)."
    )


# -- nothing to find ------------------------------------------------------------------------


def test_a_repository_without_any_convention_says_not_found(make_repo: RepoFactory) -> None:
    root = make_repo({"lib/calc.py": "def add(a, b):\n    return a + b\n"})
    lines = render_context(build_context(root, today=TODAY)).splitlines()
    not_found = [line for line in lines if line.startswith(("Not found", "- owners"))]
    assert not_found == [
        "- owners: not found (no CODEOWNERS in `.github/`, the root, `docs/` or `.gitlab/`)",
        "Not found: no logging.getLogger, structlog or loguru logger in production code.",
        "Not found: no calls on a logger in production code.",
        "Not found: no logging configuration (logging.basicConfig, dictConfig, fileConfig, "
        "structlog.configure, Django LOGGING).",
        "Not found: no outbound call with a timeout, no session class that sets one and no "
        "client configured with one (requests, httpx, aiohttp, urllib, urllib3).",
        "Not found: no exception classes defined in production code.",
        "Not found: no error handlers (@errorhandler, @exception_handler, "
        "register_error_handler, add_exception_handler, Django handler404/500, DRF "
        "EXCEPTION_HANDLER).",
        "Not found: no error reporting initialised (Sentry, Rollbar, Bugsnag, Honeybadger, "
        "Airbrake, New Relic, Elastic APM).",
        "Not found: no routes in production code.",
        "Not found: no project-wide authentication setting (DRF DEFAULT_PERMISSION_CLASSES "
        "or DEFAULT_AUTHENTICATION_CLASSES, Django LoginRequiredMiddleware).",
    ]
    assert "- tier `internal` (the default: no policy file)" in lines
    assert (
        "- layers: not declared in the policy (`[architecture] layers = [...]`, top to "
        "bottom, makes the import direction a rule the audit checks)"
    ) in lines


def test_routes_that_never_authenticate_are_named(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "app.py": """
                from flask import Flask

                app = Flask(__name__)


                @app.post("/notes")
                def create_note():
                    return {}
            """
        }
    )
    routes = aspect(build_context(root, today=TODAY), "authentication", "routes")
    assert routes.forms == ()
    assert routes.not_found == "none of the 1 routes shows authentication"
    assert routes.notes[0] == "1 of 1 routes show no authentication: `POST /notes` (`app.py:7`)"


# -- other frameworks and forms ---------------------------------------------------------------


def test_fastapi_dependencies_httpx_clients_and_structlog(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "app/auth.py": "def get_current_user():\n    return 'u'\n",
            "app/main.py": """
                import httpx
                import structlog
                from fastapi import APIRouter, Depends, FastAPI

                from app.auth import get_current_user

                log = structlog.get_logger()
                app = FastAPI()
                admin = APIRouter(dependencies=[Depends(get_current_user)])
                client = httpx.AsyncClient(timeout=httpx.Timeout(5.0))


                @app.get("/items/{item_id}")
                async def read_item(
                    item_id: int,
                    user=Depends(get_current_user),
                ):
                    log.info("read", item_id=item_id)
                    return (await client.get(f"https://x/{item_id}")).json()


                @app.post("/items")
                async def create_item(payload: dict, user=Depends(get_current_user)):
                    return payload


                @admin.delete("/items/{item_id}")
                async def delete_item(item_id: int):
                    return None
            """,
        }
    )
    context = build_context(root, today=TODAY)
    routes = aspect(context, "authentication", "routes")
    assert [(f.label, f.count, f.example.location) for f in routes.forms] == [
        ("Depends(get_current_user)", 2, "app/main.py:13-17"),
        ("dependencies=[Depends(get_current_user)]", 1, "app/main.py:9"),
    ]
    assert routes.forms[1].example.text == (
        "admin = APIRouter(dependencies=[Depends(get_current_user)])"
    )
    client = chosen(context, "timeouts", "outbound calls")
    assert (client.label, client.example.location) == (
        "httpx.AsyncClient(timeout=...)",
        "app/main.py:10",
    )
    assert chosen(context, "logging", "loggers").label == "structlog.get_logger()"
    assert chosen(context, "logging", "log calls").label == "key=value"


def test_django_views_count_once_with_their_mixin_and_settings(make_repo: RepoFactory) -> None:
    root = make_repo(
        {
            "manage.py": "",
            "shop/views.py": """
                from django.contrib.auth.mixins import LoginRequiredMixin
                from django.views.generic import DetailView, UpdateView
                from rest_framework.permissions import IsAuthenticated
                from rest_framework.viewsets import ModelViewSet

                from shop.models import Order


                class OrderDetail(LoginRequiredMixin, DetailView):
                    model = Order


                class OrderUpdate(LoginRequiredMixin, UpdateView):
                    model = Order
                    fields = ["note"]


                class OrderViewSet(ModelViewSet):
                    queryset = Order.objects.all()
                    permission_classes = [IsAuthenticated]
            """,
            "shop/settings.py": """
                REST_FRAMEWORK = {
                    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
                    "EXCEPTION_HANDLER": "shop.errors.handler",
                }
                MIDDLEWARE = ["django.contrib.auth.middleware.LoginRequiredMiddleware"]
            """,
        }
    )
    context = build_context(root, today=TODAY)
    routes = aspect(context, "authentication", "routes")
    assert [(f.label, f.count, f.example.location) for f in routes.forms] == [
        ("LoginRequiredMixin", 2, "shop/views.py:9-10"),
        ("permission_classes IsAuthenticated", 1, "shop/views.py:18-20"),
    ]
    assert routes.forms[0].example.text == (
        "class OrderDetail(LoginRequiredMixin, DetailView):\n    model = Order"
    )
    wide = aspect(context, "authentication", "project-wide").forms
    assert [(f.label, f.example.location) for f in wide] == [
        ("DEFAULT_PERMISSION_CLASSES", "shop/settings.py:1-4"),
        ("django.contrib.auth.middleware.LoginRequiredMiddleware", "shop/settings.py:5"),
    ]
    handler = chosen(context, "errors", "error handlers")
    assert handler.label == "REST_FRAMEWORK['EXCEPTION_HANDLER']"


def test_look_alikes_are_not_conventions(make_repo: RepoFactory) -> None:
    """A queue's `get(timeout=)` is not an outbound call; a rule table that merely names
    DRF settings is not a settings module; a class named *Error that is a model is not an
    exception."""
    root = make_repo(
        {
            "worker.py": """
                import queue

                import requests

                jobs = queue.Queue(maxsize=10)
                NAMES = {"DEFAULT_PERMISSION_CLASSES": "drf", "EXCEPTION_HANDLER": "drf"}


                class ErrorReport(dict):
                    pass


                def next_job():
                    return jobs.get(timeout=1)


                def fetch(url):
                    return requests.get(url)
            """
        }
    )
    context = build_context(root, today=TODAY)
    timeouts = aspect(context, "timeouts", "outbound calls")
    assert timeouts.forms == ()
    assert timeouts.notes == ("1 outbound call(s) without a timeout (PR101): `worker.py:18`",)
    assert aspect(context, "authentication", "project-wide").forms == ()
    assert aspect(context, "errors", "error handlers").forms == ()
    assert aspect(context, "errors", "exception classes").forms == ()


# -- the pieces -------------------------------------------------------------------------------


def test_long_statements_are_cut_to_six_lines_around_the_focus(tmp_path: Path) -> None:
    import ast

    text = "".join(f"x{i} = {i}\n" for i in range(1, 5)) + "CONFIG = [\n"
    text += "".join(f"    {i},\n" for i in range(1, 15)) + "]\n"
    source = Source("settings.py", text, ast.parse(text))
    whole = source.statement_snippet(5)
    assert (whole.start, whole.end) == (5, 10)  # the first six lines of the statement
    around = source.statement_snippet(17)
    assert (around.start, around.end) == (15, 20)
    assert around.text == "    10,\n    11,\n    12,\n    13,\n    14,\n]"
    short = source.statement_snippet(2)
    assert (short.location, short.text) == ("settings.py:2", "x2 = 2")


def test_code_spans_cannot_be_closed_by_the_text_they_hold() -> None:
    assert code("app/x.py") == "`app/x.py`"
    assert code("we`ird") == "``we`ird``"
    assert code("`edge`") == "`` `edge` ``"


def test_routers_authenticated_where_they_are_included(make_repo: RepoFactory) -> None:
    """A route's file shows nothing; its router is included in a router that the app
    includes with an authenticating dependency. A router included without one stays open."""
    root = make_repo(
        {
            "app/__init__.py": "",
            "app/auth.py": "def get_current_user():\n    return 'u'\n",
            "app/notes.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.post("/notes")
                def create_note(payload: dict):
                    return payload
            """,
            "app/status.py": """
                from fastapi import APIRouter

                router = APIRouter()


                @router.get("/status")
                def status():
                    return {}
            """,
            "app/api.py": """
                from fastapi import APIRouter, Depends, FastAPI

                from app import notes, status
                from app.auth import get_current_user

                app = FastAPI()
                private = APIRouter()
                private.include_router(notes.router, prefix="/v1")
                app.include_router(private, dependencies=[Depends(get_current_user)])
                app.include_router(status.router)
            """,
        }
    )
    routes = aspect(build_context(root, today=TODAY), "authentication", "routes")
    assert [(f.label, f.files, f.example.location) for f in routes.forms] == [
        (
            "include_router(..., dependencies=[Depends(get_current_user)])",
            ("app/notes.py",),
            "app/api.py:9",
        )
    ]
    assert routes.notes == (
        "1 of 2 routes show no authentication: `GET /status` (`app/status.py:7`)",
    )


def test_decorators_that_make_a_route_public_are_not_authentication(
    make_repo: RepoFactory,
) -> None:
    root = make_repo(
        {
            "views.py": """
                from django.contrib.auth.decorators import login_not_required, login_required
                from django.http import HttpResponse


                @login_not_required
                def landing(request):
                    return HttpResponse("hi")


                @login_required
                def account(request):
                    return HttpResponse(request.user.email)
            """
        }
    )
    routes = aspect(build_context(root, today=TODAY), "authentication", "routes")
    assert [f.label for f in routes.forms] == ["@login_required"]
    assert routes.notes == ("1 of 2 routes show no authentication: `GET landing` (`views.py:6`)",)


def test_files_shared_between_processes_give_the_same_conventions(
    make_repo: RepoFactory,
) -> None:
    """Above the parallel threshold the files are split between processes; the shares are
    merged in path order, so the result is the one a single process finds."""
    files: dict[str, str | bytes] = {
        f"pkg/mod{i:03}.py": (
            "import logging\n\nimport requests\n\n"
            + ("log = logging.getLogger(__name__)\n" if i % 3 else "log = logging.getLogger()\n")
            + f"\n\ndef fetch():\n    return requests.get('https://x/{i}', timeout={i % 5 + 1})\n"
        )
        for i in range(160)
    }
    root = make_repo(files)
    from prodready.context_file.conventions import find_conventions
    from prodready.repo.files import walk_repository

    repo = walk_repository(root)
    paths = [f for f in repo.files if f.endswith(".py")]
    alone = find_conventions(repo, paths, jobs=1)
    shared = find_conventions(repo, paths, jobs=3)
    assert shared == alone
    loggers = alone[0].aspects[0]
    assert [(f.label, f.count, f.example.location) for f in loggers.forms] == [
        ("logging.getLogger(__name__)", 106, "pkg/mod001.py:5"),
        ("logging.getLogger()", 54, "pkg/mod000.py:5"),
    ]
