"""Web route handlers and request data, shared by PR105 (missing-authn), PR106 (idor) and
PR107 (unvalidated-input). Private to those rules; importing it registers no rule.

One pass over a file's functions and classes finds the route handlers of Flask (app and
blueprint `.route`/`.get`/`.post`..., `add_url_rule`, `MethodView`/flask-restful
`Resource`), FastAPI (`@app.post`, `@router.delete`, `api_route`), Django function views
(a module-level function whose first parameter is `request`, with `@require_POST`,
`@require_http_methods`, DRF `@api_view`) and class-based views (Django generic views, DRF
`APIView`/generics/`ViewSet`). For each handler it records the HTTP methods, the parameters
that carry request data, and the evidence of authentication it has (decorators, FastAPI
`Depends`/`Security` on the route, its router or app, Django mixins, DRF
`permission_classes`, checks in the body). The result is cached per file, so the three rules
share one analysis.

`Flow` follows request data through one function in source order: which names hold request
data at a given line, and (in "validated" mode) which of them have been checked against an
allow-list or passed through a sanitiser since.

Modules, by job:

- `web_file`: `WebFile`, the per-file analysis and its cache (`web_file`).
- `handler`: what is recorded about a handler (`Handler`, `Param`) and a view (`ViewClass`).
- `routes`: Flask/FastAPI route decorators and URL path parameters.
- `fastapi_views`, `django_views`, `flask_views`, `class_views`: reading handlers of each
  kind of view.
- `auth_signals`: names and expressions that mean authentication, a role, the current user.
- `auth_evidence`: where a handler shows it authenticates (decorators, dependencies, body).
- `identity_endpoints`: endpoints public by design (login, signup, signed webhooks).
- `urlconf`: decorators a Django URLconf wraps around the views it routes (facts).
- `effects`: whether a POST handler only reads (a search or lookup form).
- `request_data`: where request data comes from; `flow`: where it goes within a function.
- `syntax`: small AST helpers.
"""

from prodready.scan.rules._web.auth_evidence import passes_request_to_save
from prodready.scan.rules._web.auth_signals import (
    AUTH_NAME,
    NON_OBJECT_PERMISSIONS,
    OPEN_PERMISSIONS,
    is_identity,
)
from prodready.scan.rules._web.class_views import DETAIL_READS, DETAIL_WRITES, VIEW_CONFIGURATION
from prodready.scan.rules._web.effects import read_only_post
from prodready.scan.rules._web.fastapi_views import auth_aliases
from prodready.scan.rules._web.flask_views import guards_whole_app
from prodready.scan.rules._web.flow import Flow
from prodready.scan.rules._web.handler import Handler, ViewClass
from prodready.scan.rules._web.identity_endpoints import (
    identity_endpoint,
    turned_away_by_own_decorator,
)
from prodready.scan.rules._web.syntax import class_names, const_int, const_str, dotted, last, tokens
from prodready.scan.rules._web.web_file import WebFile, test_scaffolding, web_file

__all__ = [
    "AUTH_NAME",
    "DETAIL_READS",
    "DETAIL_WRITES",
    "NON_OBJECT_PERMISSIONS",
    "OPEN_PERMISSIONS",
    "VIEW_CONFIGURATION",
    "Flow",
    "Handler",
    "ViewClass",
    "WebFile",
    "auth_aliases",
    "class_names",
    "const_int",
    "const_str",
    "dotted",
    "guards_whole_app",
    "identity_endpoint",
    "is_identity",
    "last",
    "passes_request_to_save",
    "read_only_post",
    "test_scaffolding",
    "tokens",
    "turned_away_by_own_decorator",
    "web_file",
]
