"""PR105 across files: guards that cover a whole application (Flask `app.before_request`
in create_app, Django login middleware, django-oscar app-config permissions)."""

from __future__ import annotations

from prodready.scan.engine import assemble, scan_source


def _findings(files: dict[str, str]) -> list[tuple[str, int]]:
    results = {rel: scan_source(rel, text.encode()) for rel, text in files.items()}
    findings, errors, _ = assemble(results)
    assert errors == []
    return sorted((f.path, f.line) for f in findings if f.rule == "PR105" and not f.suppressed)


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
