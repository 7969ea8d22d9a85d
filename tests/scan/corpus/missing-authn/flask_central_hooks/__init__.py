"""OTP server: each API blueprint is guarded by a before_request hook that api/before_after.py
registers for it; the /validate endpoints are the authentication protocol itself."""

from flask import Flask

from .api.before_after import register_hooks
from .api.machine import machine_blueprint
from .api.resolver import resolver_blueprint
from .api.token import token_blueprint
from .api.validate import validate_blueprint
from .api.webhook import webhook_blueprint


def create_app():
    app = Flask(__name__)
    app.register_blueprint(resolver_blueprint, url_prefix="/resolver")
    app.register_blueprint(machine_blueprint, url_prefix="/machine")
    app.register_blueprint(token_blueprint, url_prefix="/token")
    app.register_blueprint(validate_blueprint, url_prefix="/validate")
    app.register_blueprint(webhook_blueprint, url_prefix="/webhook")
    register_hooks()
    return app
