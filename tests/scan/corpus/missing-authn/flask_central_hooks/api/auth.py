import functools

import jwt
from flask import Blueprint, abort, current_app, g, jsonify, request

jwtauth = Blueprint("jwtauth", __name__)


def admin_required(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        token = request.headers.get("Authorization", "")
        try:
            g.logged_in_user = jwt.decode(token, current_app.secret_key, algorithms=["HS256"])
        except jwt.InvalidTokenError:
            abort(401)
        if g.logged_in_user.get("role") != "admin":
            abort(403)
        return f(*args, **kwargs)

    return wrapper


def user_required(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        token = request.headers.get("Authorization", "")
        try:
            g.logged_in_user = jwt.decode(token, current_app.secret_key, algorithms=["HS256"])
        except jwt.InvalidTokenError:
            abort(401)
        return f(*args, **kwargs)

    return wrapper


@jwtauth.route("", methods=["POST"])
def get_auth_token():
    username = request.json["username"]
    password = request.json["password"]
    if not check_webui_user(username, password):  # noqa: F821
        abort(401)
    return jsonify(token=jwt.encode({"username": username}, current_app.secret_key))


@jwtauth.route("/rights", methods=["POST"])
@admin_required
def set_rights():
    save_rights(request.json)  # noqa: F821
    return jsonify(result=True)
