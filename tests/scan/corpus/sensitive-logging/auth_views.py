"""Login, signup and password-reset endpoints of a Flask API."""

import logging
import secrets

from api.db import db
from api.mail import send_reset_mail
from api.models import ResetToken, User
from flask import Blueprint, current_app, jsonify, request
from werkzeug.security import check_password_hash, generate_password_hash

bp = Blueprint("auth", __name__)
logger = logging.getLogger(__name__)


@bp.route("/login", methods=["POST"])
def login():
    data = request.get_json(silent=True) or {}
    current_app.logger.info("login attempt: %s", data)  # expect: PR104
    username = data.get("username", "")
    password = data.get("password", "")
    logger.debug(f"checking credentials for {username} with {password}")  # expect: PR104
    user = User.query.filter_by(username=username).first()
    if user is None or not check_password_hash(user.password_hash, password):
        logger.warning("Invalid password for user %s", username)
        return jsonify(error="invalid credentials"), 401
    token = secrets.token_urlsafe(32)
    user.api_token = token
    db.session.commit()
    logger.info("Issued token for user %s", user.id)
    logger.debug("token=%s", token)  # expect: PR104
    logger.debug("token length %d", len(token))
    return jsonify(token=token)


@bp.route("/signup", methods=["POST"])
def signup():
    form = request.form
    logger.info("signup form: %s", form.to_dict())  # expect: PR104
    user = User(username=form["username"], email=form["email"])
    user.password_hash = generate_password_hash(form["password"])
    db.session.add(user)
    db.session.commit()
    logger.info("created user %s (%s)", user.id, user.email)
    logger.info("password set for new user %s", user.username)
    return jsonify(id=user.id), 201


@bp.route("/password-reset", methods=["POST"])
def request_reset():
    email = request.json.get("email")
    logger.info("Password reset requested for %s", email)
    user = User.query.filter_by(email=email).first()
    if user is None:
        return jsonify(status="sent")
    reset = ResetToken.create(user)
    logger.info("reset token %s created for %s", reset.token, user.id)  # expect: PR104
    logger.info("reset token expires at %s", reset.expires_at)
    send_reset_mail(user.email, reset.token)
    return jsonify(status="sent")


@bp.route("/password-reset/confirm", methods=["POST"])
def confirm_reset():
    body = request.get_json()
    reset = ResetToken.query.filter_by(token=body["token"]).first_or_404()
    new_password = body["new_password"]
    print("resetting password to", new_password)  # expect: PR104
    reset.user.password_hash = generate_password_hash(new_password)
    db.session.commit()
    logger.info("password changed for user %s", reset.user_id)
    return jsonify(status="ok")


@bp.route("/whoami")
def whoami():
    print("Authorization:", request.headers.get("Authorization"))  # expect: PR104
    auth = request.headers.get("Authorization", "")
    logger.debug("auth header present: %s", bool(auth))
    logger.debug("auth scheme: %s", auth.split(" ")[0] if auth else None)
    user = User.from_auth_header(auth)
    return jsonify(id=user.id, name=user.username)
