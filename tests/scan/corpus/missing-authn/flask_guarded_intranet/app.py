"""Intranet tool: every request is checked in before_request; only /login is public."""

from flask import Flask, g, redirect, request, session, url_for

from .admin_views import admin_bp
from .db import get_db
from .rooms import rooms_bp

PUBLIC_ENDPOINTS = {"login", "static"}

app = Flask(__name__)
app.config.from_envvar("INTRANET_SETTINGS")
app.register_blueprint(rooms_bp, url_prefix="/rooms")
app.register_blueprint(admin_bp, url_prefix="/admin")


@app.before_request
def require_login():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    user_id = session.get("user_id")
    if user_id is None:
        return redirect(url_for("login", next=request.path))
    g.user = get_db().execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    return None


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        user = check_ldap(request.form["username"], request.form["password"])  # noqa: F821
        if user:
            session["user_id"] = user["id"]
            return redirect(url_for("rooms.index"))
    return redirect(url_for("login"))
