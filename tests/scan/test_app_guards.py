"""PR105 across files: guards that cover a whole application (Flask `app.before_request`
in create_app, Django login middleware, django-oscar app-config permissions)."""

from __future__ import annotations

from tests.scan.harness import app_findings


def _findings(files: dict[str, str]) -> list[tuple[str, int]]:
    return app_findings(files, "PR105")


# securedrop's journalist_app: create_app registers a login guard on the app itself
_CREATE_APP = (
    "from flask import Flask, redirect, request, session, url_for\n\n\n"
    "def create_app(config):\n"
    "    app = Flask(__name__)\n\n"
    "    @app.before_request\n"
    "    def setup_g():\n"
    "        if request.endpoint not in _insecure_views and not session.logged_in():\n"
    '            return redirect(url_for("main.login"))\n'
    "        return None\n\n"
    "    return app\n"
)
_FLASK_VIEWS = (
    "from flask import Blueprint\nfrom flask_login import login_required\n"
    "from .models import Source\n\n"
    'view = Blueprint("col", __name__)\n\n\n'
    '@view.route("/delete/<sid>", methods=["POST"])\n'
    "def delete_single(sid):\n    Source.query.filter_by(id=sid).delete()\n"
    '    return "", 204\n\n\n'
    '@view.route("/star/<sid>", methods=["POST"])\n@login_required\n'
    'def add_star(sid):\n    Source.star(sid)\n    return "", 204\n'
)


def test_flask_app_before_request_guards_the_views_of_its_package() -> None:
    app = {"sd/journalist_app/col.py": _FLASK_VIEWS}
    assert _findings(app) == [("sd/journalist_app/col.py", 9)]
    assert _findings({**app, "sd/journalist_app/__init__.py": _CREATE_APP}) == []
    # an app guard in a sibling package (another app: source_app) does not cover these
    assert _findings({**app, "sd/source_app/__init__.py": _CREATE_APP}) == [
        ("sd/journalist_app/col.py", 9)
    ]
    # nor does a hook on the app that only loads the user
    loads = _CREATE_APP.replace(
        "        if request.endpoint not in _insecure_views and not session.logged_in():\n"
        '            return redirect(url_for("main.login"))\n',
        "        g.user = session.get_user()\n",
    )
    assert _findings({**app, "sd/journalist_app/__init__.py": loads}) == [
        ("sd/journalist_app/col.py", 9)
    ]

    # nor one that answers a token that fails to decode with a 401 and lets a request
    # without a token through (DocsGPT's `authenticate_request`)
    decodes = _CREATE_APP.replace(
        "        if request.endpoint not in _insecure_views and not session.logged_in():\n"
        '            return redirect(url_for("main.login"))\n',
        "        token = decode(request)\n"
        "        if not token:\n"
        "            request.decoded_token = None\n"
        '        elif "error" in token:\n'
        "            return jsonify(token), 401\n",
    )
    assert _findings({**app, "sd/journalist_app/__init__.py": decodes}) == [
        ("sd/journalist_app/col.py", 9)
    ]


_DJANGO_VIEWS = (
    "from django.contrib.auth.decorators import login_required\n"
    "from django.views.decorators.http import require_POST\n"
    "from .models import Profile\n\n\n"
    "@require_POST\n"
    "def delete_profile(request, pk):\n"
    "    Profile.objects.filter(pk=pk).delete()\n\n\n"
    "@require_POST\n@login_required\n"
    "def save_profile(request, pk):\n    Profile.objects.create(pk=pk)\n"
)
_SETTINGS = "MIDDLEWARE = (\n    'django.contrib.sessions.middleware.SessionMiddleware',\n{}\n)\n"
# NAV's AuthorizationMiddleware
_MIDDLEWARE = (
    "from django.utils.deprecation import MiddlewareMixin\n"
    "from nav.web.auth.utils import authorize_request, redirect_to_login\n\n\n"
    "class AuthorizationMiddleware(MiddlewareMixin):\n"
    "    def process_view(self, request, view_func, view_args, view_kwargs):\n"
    '        if getattr(view_func, "login_required", True):\n'
    "            authorized = authorize_request(request)\n"
    "            if not authorized:\n"
    "                return redirect_to_login(request)\n"
    "        return None\n"
)


def test_django_login_middleware_guards_every_view() -> None:
    app = {"python/nav/web/profiles/views.py": _DJANGO_VIEWS}
    assert _findings(app) == [("python/nav/web/profiles/views.py", 7)]
    builtin = _SETTINGS.format("    'django.contrib.auth.middleware.LoginRequiredMiddleware',")
    assert _findings({**app, "python/nav/django/settings.py": builtin}) == []
    stronghold = _SETTINGS.format("    'stronghold.middleware.LoginRequiredMiddleware',")
    assert _findings({**app, "python/nav/django/settings.py": stronghold}) == []
    project = {
        **app,
        "python/nav/web/auth/middleware.py": _MIDDLEWARE,
        "python/nav/django/settings.py": _SETTINGS.format(
            "    'nav.web.auth.middleware.AuthorizationMiddleware',"
        ),
    }
    assert _findings(project) == []
    # the middleware exists but the settings do not list it
    unlisted = {**project, "python/nav/django/settings.py": _SETTINGS.format("")}
    assert _findings(unlisted) == [("python/nav/web/profiles/views.py", 7)]
    # a listed middleware that only loads the account turns nobody away
    loads = _MIDDLEWARE.replace("return redirect_to_login(request)", "request.account = None")
    listed = {**project, "python/nav/web/auth/middleware.py": loads}
    assert _findings(listed) == [("python/nav/web/profiles/views.py", 7)]
    # the settings of a test project say nothing about the app
    test_settings = {**project}
    del test_settings["python/nav/django/settings.py"]
    test_settings["python/nav/testapp/settings.py"] = project["python/nav/django/settings.py"]
    assert _findings(test_settings) == [("python/nav/web/profiles/views.py", 7)]


# Archivematica's ConfigurationCheckMiddleware: the login redirect sits past a check of the
# exempt URLs, inside the `if not request.user.is_authenticated:` branch
_NESTED_MIDDLEWARE = (
    "from django.conf import settings\n"
    "from django.shortcuts import redirect\n"
    "from django.utils.deprecation import MiddlewareMixin\n\n\n"
    "class ConfigurationCheckMiddleware(MiddlewareMixin):\n"
    "    def process_request(self, request):\n"
    "        if not request.user.is_authenticated:\n"
    '            path = request.path_info.lstrip("/")\n'
    "            if not any(m.match(path) for m in EXEMPT_URLS):\n"
    "                return redirect(settings.LOGIN_URL)\n"
    "        request.dashboard_uuid = get_setting()\n"
)


def test_login_redirect_past_an_exempt_url_check_guards_every_view() -> None:
    app = {
        "src/dashboard/src/components/ingest/views.py": _DJANGO_VIEWS,
        "src/dashboard/src/installer/middleware.py": _NESTED_MIDDLEWARE,
    }
    settings = "src/dashboard/src/settings/base.py"
    listed = _SETTINGS.format("    'installer.middleware.ConfigurationCheckMiddleware',")
    assert _findings({**app, settings: listed}) == []
    assert _findings({**app, settings: _SETTINGS.format("")}) == [
        ("src/dashboard/src/components/ingest/views.py", 7)
    ]
    # the nested branch that only records the path turns nobody away
    records = _NESTED_MIDDLEWARE.replace(
        "return redirect(settings.LOGIN_URL)", "request.exempt = True"
    )
    assert _findings(
        {**app, "src/dashboard/src/installer/middleware.py": records, settings: listed}
    ) == [("src/dashboard/src/components/ingest/views.py", 7)]


# DefectDojo's LoginRequiredMiddleware: the redirect goes to a login address built into a
# name first, and the settings name the middleware list before `MIDDLEWARE` takes it
_DOJO_MIDDLEWARE = (
    "from urllib.parse import quote\n\n"
    "from django.conf import settings\n"
    "from django.http import HttpResponseRedirect\n\n\n"
    "class LoginRequiredMiddleware:\n"
    "    def __call__(self, request):\n"
    "        if not request.user.is_authenticated:\n"
    '            path = request.path_info.lstrip("/")\n'
    "            if not any(m.match(path) for m in EXEMPT_URLS):\n"
    '                full_url = f"{settings.LOGIN_URL}?next={quote(request.path)}"\n'
    "                return HttpResponseRedirect(full_url)\n"
    "        return self.get_response(request)\n"
)
_DOJO_SETTINGS = (
    "DJANGO_MIDDLEWARE_CLASSES = [\n"
    "    'django.contrib.sessions.middleware.SessionMiddleware',\n"
    "    'dojo.middleware.LoginRequiredMiddleware',\n"
    "]\n"
    "MIDDLEWARE = DJANGO_MIDDLEWARE_CLASSES\n"
)


def test_login_middleware_listed_through_a_named_list_guards_every_view() -> None:
    app = {
        "dojo/finding/views.py": _DJANGO_VIEWS,
        "dojo/middleware.py": _DOJO_MIDDLEWARE,
    }
    settings = "dojo/settings/settings.dist.py"
    assert _findings({**app, settings: _DOJO_SETTINGS}) == []
    # the list is named but `MIDDLEWARE` is another one
    other = _DOJO_SETTINGS.replace("= DJANGO_MIDDLEWARE_CLASSES", "= []")
    assert _findings({**app, settings: other}) == [("dojo/finding/views.py", 7)]
    # the branch builds the login address but sends the caller on
    passes = _DOJO_MIDDLEWARE.replace(
        "return HttpResponseRedirect(full_url)", "return self.get_response(request)"
    )
    assert _findings({**app, "dojo/middleware.py": passes, settings: _DOJO_SETTINGS}) == [
        ("dojo/finding/views.py", 7)
    ]


# Argus's LoginRequiredMiddleware: the check lets an authenticated caller through, and the
# login redirect for everyone else comes after it, built into a name first
_ARGUS_MIDDLEWARE = (
    "from django.conf import settings\n"
    "from django.contrib.auth.views import redirect_to_login\n\n\n"
    "class LoginRequiredMiddleware:\n"
    "    def process_view(self, request, view_func, _view_args, _view_kwargs):\n"
    "        for url in self.public_urls:\n"
    "            if request.path.startswith(url):\n"
    "                return None\n"
    "        if request.user.is_authenticated:\n"
    "            return None\n"
    "        response = redirect_to_login(request.get_full_path(), settings.LOGIN_URL)\n"
    "        return response\n"
)


def test_login_middleware_that_lets_the_authenticated_through_first_guards_every_view() -> None:
    app = {
        "src/argus/htmx/timeslot/views.py": _DJANGO_VIEWS,
        "src/argus/site/settings/base.py": _SETTINGS.format(
            "    'argus.htmx.middleware.LoginRequiredMiddleware',"
        ),
    }
    middleware = "src/argus/htmx/middleware.py"
    assert _findings({**app, middleware: _ARGUS_MIDDLEWARE}) == []
    # the redirect comes before the check, so it is not the fate of the unauthenticated
    before = _ARGUS_MIDDLEWARE.replace(
        "        if request.user.is_authenticated:\n            return None\n", ""
    ).replace(
        "        return response\n",
        "        if request.user.is_authenticated:\n"
        "            return None\n        return self.get_response(request)\n",
    )
    assert _findings({**app, middleware: before}) == [("src/argus/htmx/timeslot/views.py", 7)]
    # the check lets everyone on either way
    logs = _ARGUS_MIDDLEWARE.replace(
        "        return response\n", "        return self.get_response(request)\n"
    ).replace("redirect_to_login(request.get_full_path(), settings.LOGIN_URL)", "None")
    assert _findings({**app, middleware: logs}) == [("src/argus/htmx/timeslot/views.py", 7)]
    # the checks may sit in the `else:` of an exemption test
    in_else = (
        "from django.contrib.auth.views import redirect_to_login\n\n\n"
        "class LoginRequiredMiddleware:\n"
        "    def process_view(self, request, view_func, _view_args, _view_kwargs):\n"
        "        if request.path in self.public_urls:\n"
        "            return None\n"
        "        else:\n"
        "            if request.user.is_authenticated:\n"
        "                return None\n"
        "            return redirect_to_login(request.get_full_path())\n"
    )
    assert _findings({**app, middleware: in_else}) == []
    # a negated check that lets the anonymous through is no guard
    negated = _ARGUS_MIDDLEWARE.replace(
        "if request.user.is_authenticated:", "if not request.user.is_authenticated:"
    )
    assert _findings({**app, middleware: negated}) == [("src/argus/htmx/timeslot/views.py", 7)]


# django-oscar: the dashboard app config's default permissions decorate every URL
_APP_CONFIG = (
    "from oscar.core.application import OscarDashboardConfig\n\n\n"
    "class ShippingDashboardConfig(OscarDashboardConfig):\n"
    '    label = "shipping_dashboard"\n'
    "    default_permissions = {}\n"
)
_MODEL_META = (
    "from django.db import models\n\n\n"
    "class WeightBased(models.Model):\n"
    "    class Meta:\n"
    "        default_permissions = ['add']\n"
)


def test_oscar_app_config_permissions_guard_the_views_of_its_package() -> None:
    app = {"oscar/apps/dashboard/shipping/views.py": _DJANGO_VIEWS}
    assert _findings(app) == [("oscar/apps/dashboard/shipping/views.py", 7)]
    config = _APP_CONFIG.format('["is_staff"]')
    assert _findings({**app, "oscar/apps/dashboard/shipping/apps.py": config}) == []
    # no default permission, another app's config, or a model's Meta guard nothing
    empty = _APP_CONFIG.format("None")
    other = "oscar/apps/dashboard/pages/apps.py"
    for extra in (
        {"oscar/apps/dashboard/shipping/apps.py": empty},
        {other: config},
        {"oscar/apps/dashboard/shipping/models.py": _MODEL_META},
    ):
        assert _findings({**app, **extra}) == [("oscar/apps/dashboard/shipping/views.py", 7)]


# polar: each module's auth.py defines `Annotated[AuthSubject[...], Depends(_Write)]` aliases
_POLAR_AUTH = (
    "from typing import Annotated\n\n"
    "from fastapi import Depends\n\n"
    "from polar.auth.dependencies import Authenticator\n"
    "from polar.auth.models import AuthSubject, User\n\n"
    "_DiscountWrite = Authenticator(required_scopes={'discounts_write'})\n"
    "DiscountWrite = Annotated[AuthSubject[User], Depends(_DiscountWrite)]\n"
    "DiscountPage = Annotated[int, Depends(get_page)]\n"
)
_POLAR_ENDPOINTS = (
    "from fastapi import APIRouter, Depends\n\n"
    "from polar.auth.dependencies import get_current_user\n\n"
    "from . import auth\n"
    "from .auth import DiscountWrite, DiscountPage\n\n"
    "router = APIRouter()\n\n\n"
    '@router.post("/discounts/")\n'
    "async def create(body: dict, auth_subject: auth.DiscountWrite) -> None:\n"
    "    await save(body)\n\n\n"
    '@router.delete("/discounts/{id}")\n'
    "async def delete(id: int, auth_subject: DiscountWrite) -> None:\n"
    "    await remove(id)\n\n\n"
    '@router.patch("/discounts/{id}")\n'
    "async def update(id: int, page: DiscountPage) -> None:\n"
    "    await remove(id)\n\n\n"
    '@router.put("/me")\n'
    "async def me(body: dict, user=Depends(get_current_user)) -> None:\n"
    "    await save(body)\n"
)


_POLAR_APP = (
    "from fastapi import FastAPI\n"
    "from fastapi.security import OAuth2PasswordBearer\n\n"
    "from polar.discount.endpoints import router as discount_router\n\n"
    "app = FastAPI()\n"
    "app.include_router(discount_router)\n"
)


def test_fastapi_auth_alias_imported_from_another_module() -> None:
    endpoints = {
        "polar/discount/endpoints.py": _POLAR_ENDPOINTS,
        "polar/app.py": _POLAR_APP,
    }
    every = [("polar/discount/endpoints.py", n) for n in (12, 17, 22)]
    assert _findings(endpoints) == every
    # the aliases authenticate; the alias that only paginates does not
    with_auth = {**endpoints, "polar/discount/auth.py": _POLAR_AUTH}
    assert _findings(with_auth) == [("polar/discount/endpoints.py", 22)]
    # an alias of that name in a module the endpoints do not import from does not count
    elsewhere = {**endpoints, "polar/discount/authz.py": _POLAR_AUTH}
    assert _findings(elsewhere) == every


# polar's backoffice: a FastAPI sub-app created with an admin dependency includes routers
_BACKOFFICE_APP = (
    "from fastapi import Depends, FastAPI\n\n"
    "from .customers.endpoints import router as customers_router\n"
    "from .dependencies import get_admin\n\n"
    "app = FastAPI(dependencies=[Depends(get_admin)])\n"
    "app.include_router(customers_router, prefix='/customers')\n"
)
_BACKOFFICE_VIEWS = (
    "from fastapi import APIRouter\n\n"
    "router = APIRouter()\n\n\n"
    '@router.api_route("/{id}/restore", methods=["GET", "POST"])\n'
    "async def restore_customer(id: int) -> None:\n"
    "    await restore(id)\n"
)
# the public API includes another module's `endpoints.router` without a dependency
_PUBLIC_API = (
    "from fastapi import APIRouter\n"
    "from fastapi.security import OAuth2PasswordBearer\n\n"
    "from polar.discount.endpoints import router as discount_router\n\n"
    "router = APIRouter()\n"
    "router.include_router(discount_router)\n"
)


def test_fastapi_sub_app_dependency_guards_included_routers() -> None:
    views = {
        "server/polar/backoffice/customers/endpoints.py": _BACKOFFICE_VIEWS,
        "server/polar/api.py": _PUBLIC_API,
        "server/polar/me.py": _POLAR_ENDPOINTS.replace("@router.post", "@app.post"),
    }
    assert ("server/polar/backoffice/customers/endpoints.py", 7) in _findings(views)
    guarded = {**views, "server/polar/backoffice/__init__.py": _BACKOFFICE_APP}
    assert ("server/polar/backoffice/customers/endpoints.py", 7) not in _findings(guarded)
    # the same app mounted elsewhere does not guard this router
    other = {**views, "server/polar/other/__init__.py": _BACKOFFICE_APP}
    assert ("server/polar/backoffice/customers/endpoints.py", 7) in _findings(other)


# Dispatch: feature routers are included into an organisation router, which the API router
# includes with the user dependency; the chain is written before the guarded include
_DISPATCH_API = (
    "from fastapi import APIRouter, Depends\n\n"
    "from dispatch.auth.service import get_current_user\n"
    "from dispatch.case.views import router as case_router\n"
    "from dispatch.tag.views import router as tag_router\n\n"
    "api_router = APIRouter()\n"
    "organization_router = APIRouter(prefix='/{organization}')\n"
    "organization_router.include_router(case_router, prefix='/cases')\n"
    "api_router.include_router(tag_router, prefix='/tags')\n"
    "api_router.include_router(organization_router, dependencies=[Depends(get_current_user)])\n"
)
_DISPATCH_VIEWS = (
    "from fastapi import APIRouter\n\n"
    "router = APIRouter()\n\n\n"
    '@router.post("")\n'
    "def create(body: dict) -> None:\n"
    "    save(body)\n"
)


def test_fastapi_router_included_into_a_guarded_router_is_guarded() -> None:
    views = {
        "src/dispatch/case/views.py": _DISPATCH_VIEWS,
        "src/dispatch/tag/views.py": _DISPATCH_VIEWS,
        "src/dispatch/api.py": _DISPATCH_API,
    }
    assert _findings(views) == [("src/dispatch/tag/views.py", 7)]
    # once the organisation router is included without the dependency, both are open
    open_api = _DISPATCH_API.replace(", dependencies=[Depends(get_current_user)]", "")
    assert _findings({**views, "src/dispatch/api.py": open_api}) == [
        ("src/dispatch/case/views.py", 7),
        ("src/dispatch/tag/views.py", 7),
    ]


# Misago: a viewset action checks the permission, then hands its request to an endpoint
# function of another module, which looks like a Django view but is not routed
_ENDPOINT = (
    "from rest_framework.response import Response\n\n\n"
    "def moderate_photo_endpoint(request, profile):\n"
    '    if request.method == "POST":\n'
    "        profile.photo_locked = request.data.get('locked')\n"
    "        profile.save()\n"
    "    return Response({'locked': profile.photo_locked})\n"
)
_VIEWSET = (
    "from rest_framework import viewsets\nfrom rest_framework.decorators import action\n"
    "from .endpoints.photo import moderate_photo_endpoint\n"
    "from .permissions import ProfilePermission\n\n\n"
    "class ProfileViewSet(viewsets.GenericViewSet):\n"
    "    permission_classes = (ProfilePermission,)\n\n"
    '    @action(methods=["get", "post"], detail=True)\n'
    "    def moderate_photo(self, request, pk=None):\n"
    "        profile = self.get_object()\n"
    "        return moderate_photo_endpoint(request, profile)\n"
)
_LOGIN_VIEW = (
    "from django.contrib.auth.decorators import login_required\n"
    "from django.views.decorators.http import require_POST\n\n\n"
    "@require_POST\n@login_required\n"
    "def save_profile(request, pk):\n    Profile.objects.create(pk=pk)\n"
)


def test_endpoint_function_called_by_an_authenticating_view_is_not_a_route() -> None:
    app = {
        "forum/users/api/endpoints/photo.py": _ENDPOINT,
        "forum/users/views.py": _LOGIN_VIEW,
    }
    assert _findings(app) == [("forum/users/api/endpoints/photo.py", 4)]
    assert _findings({**app, "forum/users/api/profiles.py": _VIEWSET}) == []
    # a caller that authenticates nobody does not make it a helper
    open_caller = _VIEWSET.replace("(ProfilePermission,)", "(AllowAny,)")
    assert ("forum/users/api/endpoints/photo.py", 4) in _findings(
        {**app, "forum/users/api/profiles.py": open_caller}
    )
    # nor does a caller that imports a function of the same name from elsewhere
    other = _VIEWSET.replace("from .endpoints.photo", "from .legacy.photo")
    assert ("forum/users/api/endpoints/photo.py", 4) in _findings(
        {**app, "forum/users/api/profiles.py": other}
    )


# a Django app that guards its views where it routes them (umap's `decorated_patterns`)
_MAP_VIEWS = (
    "from django.contrib.auth.decorators import login_required\n"
    "from django.views.generic import DeleteView, UpdateView\n"
    "from django.views.decorators.http import require_POST\n\n"
    "from .models import Board\n\n\n"
    "class BoardEdit(UpdateView):\n"
    "    model = Board\n    fields = ['title']\n\n\n"
    "class BoardDrop(DeleteView):\n"
    "    model = Board\n\n\n"
    "@require_POST\n"
    "def board_pin(request, pk):\n    Board.objects.filter(pk=pk).update(pinned=True)\n"
    "    return None\n\n\n"
    "@require_POST\n@login_required\n"
    "def board_star(request, pk):\n    Board.objects.create(pk=pk)\n    return None\n"
)
_MAP_MODELS = (
    "from django.db import models\n\n\n"
    "class Board(models.Model):\n"
    "    owner = models.ForeignKey('auth.User', on_delete=models.CASCADE)\n"
)
_MAP_URLS = (
    "from django.contrib.auth.decorators import login_required\n"
    "from django.urls import path\n"
    "from django.views.decorators.cache import never_cache\n\n"
    "from . import views\n"
    "from .decorators import can_edit_board, wrap_patterns\n\n"
    "board_urls = [\n"
    '    path("b/<int:pk>/edit/", views.BoardEdit.as_view()),\n'
    "]\n"
    "board_urls.append(path('b/<int:pk>/drop/', views.BoardDrop.as_view()))\n"
    "urlpatterns = wrap_patterns([login_required, can_edit_board, never_cache], *board_urls)\n"
    'urlpatterns += [path("b/<int:pk>/pin/", can_edit_board(views.board_pin))]\n'
)


def test_decorators_applied_in_the_urlconf_guard_the_view() -> None:
    app = {"maps/views.py": _MAP_VIEWS, "maps/models.py": _MAP_MODELS}
    edit, drop = ("maps/views.py", 8), ("maps/views.py", 13)
    assert app_findings(app, "PR105") == [edit, drop, ("maps/views.py", 18)]
    assert app_findings(app, "PR106") == [edit, drop, ("maps/views.py", 19)]
    routed = {**app, "maps/urls.py": _MAP_URLS}
    assert app_findings(routed, "PR105") == []
    assert app_findings(routed, "PR106") == []
    # a decorator that only caches guards nothing
    cached = _MAP_URLS.replace("[login_required, can_edit_board, never_cache]", "[never_cache]")
    assert app_findings({**app, "maps/urls.py": cached}, "PR105") == [edit, drop]
    # a login alone lets any user edit any board: still an IDOR
    login_only = _MAP_URLS.replace("login_required, can_edit_board, never_cache", "login_required")
    assert app_findings({**app, "maps/urls.py": login_only}, "PR106") == [edit, drop]
    # a second, undecorated route to the same view leaves it open
    twice = _MAP_URLS + 'urlpatterns += [path("open/<int:pk>/", views.BoardEdit.as_view())]\n'
    assert app_findings({**app, "maps/urls.py": twice}, "PR105") == [edit]


# a FastAPI class-based controller whose base, in another module, injects the caller
_CONTROLLER_BASE = (
    "from fastapi import Depends\n\n"
    "from app.core.deps import get_current_user\n\n\n"
    "class BaseUserController:\n"
    "    user = Depends(get_current_user)\n\n\n"
    "class BasePublicController:\n"
    "    session = Depends(get_session)\n"
)
_CONTROLLER_ROUTES = (
    "from fastapi import APIRouter\n\n"
    "from app.routes._base import BaseUserController, controller\n\n"
    "router = APIRouter(prefix='/notes')\n\n\n"
    "@controller(router)\n"
    "class NoteRoutes(BaseUserController):\n"
    "    @router.delete('/{item_id}')\n"
    "    def delete_one(self, item_id: int):\n"
    "        self.repo.delete(item_id)\n"
)
_CONTROLLER_APP = (
    "from fastapi import FastAPI\nfrom fastapi.security import OAuth2PasswordBearer\n\n"
    "from app.routes.notes import router as notes_router\n\n"
    "app = FastAPI()\napp.include_router(notes_router)\n"
)


def test_fastapi_controller_base_from_another_module_authenticates() -> None:
    app = {"app/routes/notes.py": _CONTROLLER_ROUTES, "app/main.py": _CONTROLLER_APP}
    assert _findings(app) == [("app/routes/notes.py", 11)]
    with_base = {**app, "app/routes/_base/base_controllers.py": _CONTROLLER_BASE}
    assert _findings(with_base) == []
    # a base whose class attribute resolves no user authenticates nothing
    public = _CONTROLLER_ROUTES.replace("BaseUserController", "BasePublicController")
    assert _findings({**with_base, "app/routes/notes.py": public}) == [("app/routes/notes.py", 11)]


# mailu's ui/access.py: a decorator factory that wraps every permission check it makes into a
# decorator in flask_login.login_required
_ACCESS = (
    "import functools\n\nimport flask\nimport flask_login\n\n\n"
    "def permissions_wrapper(handler):\n"
    "    def decorator(*dargs, **dkwargs):\n"
    "        def inner(function):\n"
    "            @functools.wraps(function)\n"
    "            def wrapper(*args, **kwargs):\n"
    "                if not handler(args, kwargs, *dargs, **dkwargs):\n"
    "                    flask.abort(403)\n"
    "                return function(*args, **kwargs)\n"
    "            return flask_login.login_required(wrapper)\n"
    "        return inner\n"
    "    return decorator\n\n\n"
    "@permissions_wrapper\n"
    "def owner(args, kwargs, model, key):\n"
    "    return model.query.get(kwargs[key]).user == flask_login.current_user\n\n\n"
    "def confirm_first(action):\n"
    "    def inner(function):\n"
    "        @functools.wraps(function)\n"
    "        def wrapper(*args, **kwargs):\n"
    "            return function(*args, **kwargs)\n"
    "        return wrapper\n"
    "    return inner\n"
)
_FETCH_VIEWS = (
    "import flask\nimport flask_login\n\n"
    "from mailu import models\nfrom mailu.ui import access, ui\n\n\n"
    "@ui.route('/fetch/edit/<fetch_id>', methods=['POST'])\n"
    "@access.owner(models.Fetch, 'fetch_id')\n"
    "def fetch_edit(fetch_id):\n"
    "    models.Fetch.query.get(fetch_id).keep = True\n"
    "    return flask.redirect('/')\n\n\n"
    "@ui.route('/fetch/delete/<fetch_id>', methods=['POST'])\n"
    "@flask_login.login_required\n"
    "def fetch_delete(fetch_id):\n"
    "    models.Fetch.query.filter_by(id=fetch_id).delete()\n"
    "    return flask.redirect('/')\n"
)


def test_project_decorator_that_applies_login_required_authenticates() -> None:
    app = {"core/admin/mailu/ui/views/fetches.py": _FETCH_VIEWS}
    assert _findings(app) == [("core/admin/mailu/ui/views/fetches.py", 10)]
    assert _findings({**app, "core/admin/mailu/ui/access.py": _ACCESS}) == []
    # a project decorator that wraps the view without a login guard authenticates nothing
    confirm = _FETCH_VIEWS.replace(
        "@access.owner(models.Fetch, 'fetch_id')", "@access.confirm_first('edit')"
    )
    views = "core/admin/mailu/ui/views/fetches.py"
    assert _findings({views: confirm, "core/admin/mailu/ui/access.py": _ACCESS}) == [(views, 10)]
    # nor does a factory's decorator when the factory applies no login guard
    unguarded = _ACCESS.replace("return flask_login.login_required(wrapper)", "return wrapper")
    app = {views: _FETCH_VIEWS, "core/admin/mailu/ui/access.py": unguarded}
    assert _findings(app) == [(views, 10)]


_DRF_SETTINGS = (
    "REST_FRAMEWORK = {\n"
    "    'DEFAULT_AUTHENTICATION_CLASSES': ['datahub.oauth.auth.SSOAuthentication'],\n"
    "    'DEFAULT_PERMISSION_CLASSES': ['datahub.core.permissions.CrudPermission'],\n"
    "}\n"
)
_DRF_AUTH = (
    "from rest_framework.authentication import BaseAuthentication\n"
    "from rest_framework.exceptions import AuthenticationFailed\n\n\n"
    "class SSOAuthentication(BaseAuthentication):\n"
    "    def authenticate(self, request):\n"
    "        try:\n"
    "            header = request.headers['authorization']\n"
    "        except KeyError as exc:\n"
    "            raise AuthenticationFailed('no credentials') from exc\n"
    "        user = look_up(header)\n"
    "        if user is None:\n"
    "            raise AuthenticationFailed('invalid credentials')\n"
    "        return user, None\n"
)
_DRF_VIEWS = (
    "from rest_framework import viewsets\n"
    "from rest_framework.mixins import UpdateModelMixin\n"
    "from .models import Subscription\n\n\n"
    "class SubscriptionViewset(viewsets.GenericViewSet, UpdateModelMixin):\n"
    "    permission_classes = ()\n"
    "    queryset = Subscription.objects.all()\n\n\n"
    "class OpenSubscriptionViewset(viewsets.GenericViewSet, UpdateModelMixin):\n"
    "    permission_classes = ()\n"
    "    authentication_classes = ()\n"
    "    queryset = Subscription.objects.all()\n"
)


def test_drf_default_authentication_that_rejects_anonymous_requests() -> None:
    """Data Hub: `permission_classes = ()` on views behind a default authentication class
    that raises AuthenticationFailed when the header is missing."""
    app = {
        "config/settings/common.py": _DRF_SETTINGS,
        "datahub/reminder/views.py": _DRF_VIEWS,
        "datahub/company/views.py": _DJANGO_VIEWS,
    }
    django_view = ("datahub/company/views.py", 7)  # a plain Django view: DRF's auth is not in it
    own = [("datahub/reminder/views.py", 11)]  # sets its own authentication_classes
    opened = [django_view, ("datahub/reminder/views.py", 6), *own]
    assert _findings(app) == opened
    strict = {**app, "datahub/oauth/auth.py": _DRF_AUTH}
    assert _findings(strict) == [django_view, *own]
    # a class that lets a request without credentials through (DRF's own convention)
    lenient = _DRF_AUTH.replace(
        "            raise AuthenticationFailed('no credentials') from exc\n",
        "            return None\n",
    )
    assert _findings({**app, "datahub/oauth/auth.py": lenient}) == opened
    # the same class, not the one the settings list
    assert _findings({**app, "datahub/other/auth.py": _DRF_AUTH}) == opened


# Lite: no default permission or authentication classes; every view lists its own class,
# whose `authenticate` raises from a helper when the user token is missing
_LITE_AUTH = (
    "from rest_framework import authentication\n"
    "from api.core.exceptions import PermissionDeniedError\n\n\n"
    "def _token(request):\n"
    "    token = request.META.get('HTTP_EXPORTER_USER_TOKEN')\n"
    "    if not token:\n"
    "        raise PermissionDeniedError('missing token')\n"
    "    return token\n\n\n"
    "class ExporterAuthentication(authentication.BaseAuthentication):\n"
    "    def authenticate(self, request):\n"
    "        user = user_of(_token(request))\n"
    "        return user, None\n\n\n"
    "class GovAuthentication(authentication.BaseAuthentication):\n"
    "    def authenticate(self, request):\n"
    "        return gov_user_of(_token(request)), None\n\n\n"
    "class SharedAuthentication(authentication.BaseAuthentication):\n"
    "    def authenticate(self, request):\n"
    "        if request.META.get('HTTP_EXPORTER_USER_TOKEN'):\n"
    "            return ExporterAuthentication().authenticate(request)\n"
    "        return GovAuthentication().authenticate(request)\n\n\n"
    "class OptionalAuthentication(authentication.BaseAuthentication):\n"
    "    def authenticate(self, request):\n"
    "        if not request.META.get('HTTP_EXPORTER_USER_TOKEN'):\n"
    "            return None\n"
    "        return user_of(_token(request)), None\n\n\n"
    "class FallbackAuthentication(authentication.BaseAuthentication):\n"
    "    def authenticate(self, request):\n"
    "        return OptionalAuthentication().authenticate(request)\n"
)
_LITE_VIEWS = (
    "from rest_framework.generics import CreateAPIView\n"
    "from api.core.authentication import {classes}\n\n\n"
    "class GoodCreate(CreateAPIView):\n"
    "    authentication_classes = ({classes},)\n"
    "    serializer_class = GoodSerializer\n"
    "    queryset = Good.objects.all()\n\n\n"
    "class NoteCreate(CreateAPIView):\n"
    "    permission_classes = (IsAuthenticated,)\n"
    "    serializer_class = NoteSerializer\n"
)


def test_a_drf_view_listing_a_class_that_rejects_anonymous_requests() -> None:
    """A view's own `authentication_classes` naming one class whose `authenticate` never
    returns None (it raises from a helper, or hands the request to another such class) is
    authenticated; one that may return None, or a second class beside it, is not."""
    settings = (
        "REST_FRAMEWORK = {'DEFAULT_AUTHENTICATION_CLASSES': (), "
        "'DEFAULT_PERMISSION_CLASSES': ()}\n"
    )
    views = "api/goods/views.py"

    def found(classes: str, auth: str = _LITE_AUTH) -> list[tuple[str, int]]:
        app = {
            "api/conf/settings.py": settings,
            "api/core/authentication.py": auth,
            views: _LITE_VIEWS.format(classes=classes),
        }
        return app_findings(app, "PR105")

    assert found("ExporterAuthentication") == []
    assert found("SharedAuthentication") == []
    assert found("OptionalAuthentication") == [(views, 5)]
    assert found("FallbackAuthentication") == [(views, 5)]
    assert found("ExporterAuthentication, OptionalAuthentication") == [(views, 5)]
    assert found("ExporterAuthentication", auth="") == [(views, 5)]


# a service-to-service API (Digital Marketplace's): one bearer token per calling service,
# no person behind a request, so there is no caller to compare an owner with
_SERVICE_MODELS = (
    "from app import db\n\n\n"
    "class Brief(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    "    user_id = db.Column(db.Integer, db.ForeignKey('users.id'))\n"
)
_SERVICE_VIEWS = (
    "from flask import Blueprint, jsonify, request\n\n"
    "from app import db\nfrom app.models import Brief\n\n"
    'main = Blueprint("main", __name__)\n\n\n'
    '@main.route("/briefs/<int:brief_id>", methods=["POST"])\n'
    "def update_brief(brief_id):\n"
    "    brief = Brief.query.get_or_404(brief_id)\n"
    '    brief.title = request.json["title"]\n'
    "    db.session.commit()\n"
    "    return jsonify(brief.id)\n"
)
_SERVICE_AUTH = (
    "from flask import abort, current_app, request\n\n\n"
    "def requires_authentication():\n"
    '    token = request.headers.get("Authorization", "").removeprefix("Bearer ")\n'
    '    if token not in current_app.config["API_TOKENS"]:\n'
    "        abort(401)\n"
)


def test_an_api_with_no_caller_identity_has_no_owner_to_check() -> None:
    app = {
        "app/models.py": _SERVICE_MODELS,
        "app/main/views.py": _SERVICE_VIEWS,
        "app/authentication.py": _SERVICE_AUTH,
    }
    assert app_findings(app, "PR106") == []
    # once any module knows the person calling, the same handler is an IDOR
    people = "from flask_login import current_user\n\n\ndef me():\n    return current_user.id\n"
    assert app_findings({**app, "app/people.py": people}, "PR106") == [("app/main/views.py", 11)]
    in_session = "from flask import session\n\n\ndef me():\n    return session['user_id']\n"
    assert app_findings({**app, "app/people.py": in_session}, "PR106") == [
        ("app/main/views.py", 11)
    ]


# Thunderbird Appointment: the dependency's name says what it returns, its module that it
# authenticates (`get_subscriber` rejects a request without a valid bearer token)
_APPOINTMENT_ROUTES = (
    "from fastapi import APIRouter, Depends\n\n"
    "from ..dependencies.auth import get_db\n"
    "from ..dependencies.{module} import get_subscriber\n"
    "from ..dependencies.auth import get_current_admin\n\n"
    "router = APIRouter()\n\n\n"
    '@router.put("/cal/{{id}}")\n'
    "def update_my_calendar(id: int, db=Depends(get_db), subscriber=Depends(get_subscriber)):\n"
    "    return save(db, id, subscriber)\n\n\n"
    '@router.post("/admin/reset")\n'
    "def reset(admin=Depends(get_current_admin)):\n"
    "    return wipe()\n"
)


_APPOINTMENT_MAIN = (
    "from fastapi import FastAPI\n\n"
    "from .routes import api, auth\n\n"
    "app = FastAPI()\n"
    "app.include_router(api.router)\n"
    "app.include_router(auth.router)\n"
)


def test_fastapi_dependency_imported_from_an_auth_module_authenticates() -> None:
    routes = "appointment/routes/api.py"
    for module, expected in (("auth", []), ("models", [(routes, 11)])):
        app = {"appointment/main.py": _APPOINTMENT_MAIN}
        app[routes] = _APPOINTMENT_ROUTES.format(module=module)
        assert _findings(app) == expected, module


# MuckRock's Mailgun routes: a decorator of the same file checks the sender's signature
# and answers the others with a 403; `_catch_all` is a helper only the guarded route calls
_MAIL_VIEWS = """
import json
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt

from .models import Message


def mailgun_verify(function):
    @wraps(function)
    def wrapper(request):
        data = json.loads(request.body)
        if _verify(data):
            return function(request)
        else:
            return HttpResponseForbidden()

    return wrapper


def log_calls(function):
    @wraps(function)
    def wrapper(request):
        print(request.path)
        return function(request)

    return wrapper


@mailgun_verify
@csrf_exempt
def route_mailgun(request):
    if request.POST.get("recipient") == "x":
        return _catch_all(request, "x")
    Message.objects.create(body=request.POST["body"])
    return HttpResponse("OK")


def _catch_all(request, address):
    Message.objects.create(body=request.POST["body"], to=address)
    return HttpResponse("OK")


@log_calls
@csrf_exempt
def bounces(request):
    Message.objects.filter(to=request.POST["to"]).delete()
    return HttpResponse("OK")


@login_required
def archive(request):
    Message.objects.filter(owner=request.user).update(archived=True)
    return HttpResponse("OK")
"""


def test_a_route_behind_a_decorator_of_its_file_that_answers_403_is_guarded() -> None:
    # a decorator that turns nobody away guards nothing
    assert _findings({"mailgun/views.py": _MAIL_VIEWS}) == [("mailgun/views.py", 49)]
    # nipap's own `@requires_auth` answers 401: still the evidence that the app logs in
    own_login = _MAIL_VIEWS.replace("@login_required", "@requires_auth").replace(
        "def log_calls(function):",
        "def requires_auth(function):\n"
        "    def wrapper(request):\n"
        "        if not request.user.is_authenticated:\n"
        "            return HttpResponse(status=401)\n"
        "        return function(request)\n\n"
        "    return wrapper\n\n\n"
        "def log_calls(function):",
    )
    assert _findings({"mailgun/views.py": own_login}) == [("mailgun/views.py", 58)]


# Tendenci's helpdesk: the view is wrapped by a statement after it, not with `@`
_REWRAPPED_VIEWS = """
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Dependency


def dependency_del(request, dependency_id):
    dependency = get_object_or_404(Dependency, id=dependency_id)
    if request.method == "POST":
        dependency.delete()
    return HttpResponse("ok")
dependency_del = staff_member_required(dependency_del)


def dependency_drop(request, dependency_id):
    dependency = get_object_or_404(Dependency, id=dependency_id)
    if request.method == "POST":
        dependency.delete()
    return HttpResponse("ok")
other_name = staff_member_required(dependency_drop)


def dependency_add(request, dependency_id):
    Dependency.objects.create(id=dependency_id, owner=request.user)
    return HttpResponse("ok")
dependency_add = login_required(dependency_add)


@login_required
def profile_save(request):
    request.user.save()
    return HttpResponse("ok")
"""


def test_a_view_wrapped_by_a_statement_after_it_is_guarded() -> None:
    # wrapping it under another name leaves the name the URLconf may route unguarded
    assert _findings({"helpdesk/views.py": _REWRAPPED_VIEWS}) == [("helpdesk/views.py", 18)]


# Open Notebook and DeerFlow: the FastAPI app authenticates every request in a middleware
_MIDDLEWARE_ROUTES = (
    "from fastapi import APIRouter, Depends\n\n"
    "from api.deps import get_current_user\n\n"
    "router = APIRouter()\n\n\n"
    '@router.delete("/sources/{id}")\n'
    "async def delete_source(id: int) -> None:\n"
    "    await remove(id)\n\n\n"
    '@router.get("/me")\n'
    "async def me(user=Depends(get_current_user)) -> dict:\n"
    "    return user\n"
)
_AUTH_MIDDLEWARE = (
    "from starlette.middleware.base import BaseHTTPMiddleware\n"
    "from starlette.responses import JSONResponse\n\n\n"
    "class PasswordAuthMiddleware(BaseHTTPMiddleware):\n"
    "    async def dispatch(self, request, call_next):\n"
    "        if request.url.path in self.excluded_paths:\n"
    "            return await call_next(request)\n"
    '        if not request.headers.get("Authorization"):\n'
    '            return JSONResponse(status_code=401, content={"detail": "Missing"})\n'
    "        return await call_next(request)\n"
)
_MIDDLEWARE_APP = (
    "from fastapi import FastAPI\n\n"
    "from api.auth import PasswordAuthMiddleware\n"
    "from api.routers import embedding\n\n"
    "app = FastAPI()\n"
    "app.add_middleware(PasswordAuthMiddleware)\n"
    "app.include_router(embedding.router)\n"
)


def test_fastapi_auth_middleware_guards_the_routes_of_its_package() -> None:
    routes = {"api/routers/embedding.py": _MIDDLEWARE_ROUTES}
    flagged = [("api/routers/embedding.py", 9)]
    guarded = {**routes, "api/auth.py": _AUTH_MIDDLEWARE, "api/main.py": _MIDDLEWARE_APP}
    assert _findings(guarded) == []
    # the class defined in the app's own module, or imported relatively
    local = (
        _AUTH_MIDDLEWARE
        + "\n\n"
        + _MIDDLEWARE_APP.replace("from api.auth import PasswordAuthMiddleware\n", "")
    )
    assert _findings({**routes, "api/main.py": local}) == []
    relative = _MIDDLEWARE_APP.replace("from api.auth", "from .auth")
    assert _findings({**routes, "api/auth.py": _AUTH_MIDDLEWARE, "api/main.py": relative}) == []
    # `FastAPI(middleware=[Middleware(...)])`
    listed = _MIDDLEWARE_APP.replace(
        "app = FastAPI()\napp.add_middleware(PasswordAuthMiddleware)\n",
        "from starlette.middleware import Middleware\n\n"
        "app = FastAPI(middleware=[Middleware(PasswordAuthMiddleware)])\n",
    )
    assert _findings({**routes, "api/auth.py": _AUTH_MIDDLEWARE, "api/main.py": listed}) == []
    # the app alone, or with a class of that name elsewhere, guards nothing
    assert _findings({**routes, "api/main.py": _MIDDLEWARE_APP}) == flagged
    elsewhere = {**routes, "api/authz.py": _AUTH_MIDDLEWARE, "api/main.py": _MIDDLEWARE_APP}
    assert _findings(elsewhere) == flagged
    # an app in another package that adds it guards its own routes, not these
    split = {
        **routes,
        "api/auth.py": _AUTH_MIDDLEWARE,
        "api/main.py": _MIDDLEWARE_APP.replace("app.add_middleware(PasswordAuthMiddleware)\n", ""),
        "worker/main.py": _MIDDLEWARE_APP,
    }
    assert _findings(split) == flagged
    # nor a 401 only for a request whose token is stale: one without a token gets through
    stale = _AUTH_MIDDLEWARE.replace(
        '        if not request.headers.get("Authorization"):\n',
        '        token = request.headers.get("Authorization")\n'
        "        if token and expired(token):\n",
    )
    assert _findings({**routes, "api/auth.py": stale, "api/main.py": _MIDDLEWARE_APP}) == flagged
    # a middleware whose only refusal is a 403 (CSRF, host, IP checks) is no login
    csrf = _AUTH_MIDDLEWARE.replace("401", "403")
    assert _findings({**routes, "api/auth.py": csrf, "api/main.py": _MIDDLEWARE_APP}) == flagged


# Magentic-UI: an `@app.middleware("http")` function returns what the auth check gave it
_HTTP_MIDDLEWARE_APP = (
    "from fastapi import FastAPI\n\n"
    "from .auth import require_api_auth\n"
    "from .routes import settings\n\n"
    "app = FastAPI()\n"
    "app.include_router(settings.router)\n\n\n"
    '@app.middleware("http")\n'
    "async def api_auth_middleware(request, call_next):\n"
    "    unauthorized = await require_api_auth(request)\n"
    "    if unauthorized is not None:\n"
    "        return unauthorized\n"
    "    return await call_next(request)\n"
)


def test_fastapi_http_middleware_function_that_authenticates_guards_the_package() -> None:
    routes = {"web/routes/settings.py": _MIDDLEWARE_ROUTES}
    flagged = [("web/routes/settings.py", 9)]
    assert _findings({**routes, "web/app.py": _HTTP_MIDDLEWARE_APP}) == []
    assert _findings({**routes, "web2/app.py": _HTTP_MIDDLEWARE_APP}) == flagged
    # a middleware that returns another check's answer (the host header) guards nothing
    host = _HTTP_MIDDLEWARE_APP.replace("require_api_auth", "check_host_header")
    assert _findings({**routes, "web/app.py": host}) == flagged
    # nor one that checks only the requests that bring a token (Bisheng's token version)
    present = _HTTP_MIDDLEWARE_APP.replace(
        "    unauthorized = await require_api_auth(request)\n"
        "    if unauthorized is not None:\n"
        "        return unauthorized\n",
        '    token = request.cookies.get("access_token")\n'
        "    if token and not exempt(request):\n"
        "        denial = await apply_token_version(request, token)\n"
        "        if denial is not None:\n"
        "            return denial\n",
    )
    assert _findings({**routes, "web/app.py": present}) == flagged
    # nor one that passes every request on after an auth lookup
    passes = _HTTP_MIDDLEWARE_APP.replace("        return unauthorized\n", "        pass\n")
    assert _findings({**routes, "web/app.py": passes}) == flagged


# Kiln: a desktop app's local server, where no route asks who is calling. One route passes on
# the 401 a git remote gave for the user's token; another stores the provider key it sent out.
_RELAYING_APP = (
    "import requests\n"
    "from fastapi import FastAPI, HTTPException\n\n"
    "app = FastAPI()\n\n\n"
    '@app.post("/api/git/clone")\n'
    "def api_clone(body: dict):\n"
    "    try:\n"
    '        clone_repo(body["url"], body["token"])\n'
    "    except Exception as e:\n"
    '        if "401" in str(e).lower():\n'
    '            raise HTTPException(status_code=401, detail="check your token")\n'
    "        raise\n\n\n"
    '@app.post("/api/provider")\n'
    "def save_provider(body: dict):\n"
    '    headers = {"Authorization": f"Bearer {body[\'key\']}"}\n'
    "    response = requests.post(URL, headers=headers, json={}, timeout=5)\n"
    "    if response.status_code == 401:\n"
    '        raise HTTPException(status_code=401, detail="invalid key")\n'
    '    providers.append({"name": body["name"], "api_key": body["key"]})\n'
)


def test_passing_on_another_services_401_is_no_login_of_the_app() -> None:
    assert _findings({"app/server.py": _RELAYING_APP}) == []
    # a route that does turn away callers makes the other two open routes
    guarded = _RELAYING_APP + (
        '\n\n@app.delete("/api/projects/{pid}")\n'
        "def delete_project(pid: str, request: Request):\n"
        '    if request.headers.get("Authorization") != f"Bearer {TOKEN}":\n'
        "        raise HTTPException(status_code=401)\n"
        "    projects.pop(pid)\n"
    )
    assert _findings({"app/server.py": guarded}) == [("app/server.py", 8), ("app/server.py", 18)]


def test_an_api_key_field_of_the_body_is_no_authentication() -> None:
    """OpenAgents' `/api/tool_list` lists each plugin with the API key the user saved for
    it (`plugin_info["api_key"] = ...`): a field of the data, not the caller's
    credentials, so the app still has no authentication and its other routes are not
    flagged. Read from a header or the query string, the same name is a credential check."""
    lists_keys = (
        "from flask import jsonify, request\n\nfrom backend.main import app, pool\n\n\n"
        '@app.route("/api/tool_list", methods=["POST"])\n'
        "def get_tool_list():\n"
        "    saved = pool.get(request.get_json())\n"
        '    plugin_info = {"id": saved.id}\n'
        '    plugin_info["api_key"] = saved.key\n'
        "    return jsonify(plugin_info)\n"
    )
    chat = (
        "from flask import request\n\nfrom backend.main import app, store\n\n\n"
        '@app.route("/api/chat", methods=["POST"])\n'
        "def chat():\n"
        '    store.append(request.get_json()["message"])\n'
        '    return "ok"\n'
    )
    files = {"backend/api/tool.py": lists_keys, "backend/api/chat.py": chat}
    assert app_findings(files, "PR105") == []
    for read in ('request.headers.get("api_key")', 'request.args["api_key"]'):
        checks = lists_keys.replace("saved.key", read)
        files = {"backend/api/tool.py": checks, "backend/api/chat.py": chat}
        assert app_findings(files, "PR105") == [("backend/api/chat.py", 7)], read
