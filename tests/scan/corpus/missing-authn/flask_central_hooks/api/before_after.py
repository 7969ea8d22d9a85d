from flask import g, request

from .auth import admin_required, user_required
from .machine import machine_blueprint
from .resolver import resolver_blueprint
from .token import token_blueprint


def register_hooks():
    """Importing this module registers the hooks; the app calls this to import it."""


@token_blueprint.before_request
@user_required
def before_user_request():
    g.request_data = request.get_json(silent=True) or {}


@resolver_blueprint.before_request
@machine_blueprint.before_request
@admin_required
def before_admin_request():
    g.request_data = request.get_json(silent=True) or {}
