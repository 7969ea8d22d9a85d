"""OAuth login with an external identity provider, plus a partner REST client."""

import logging

import requests
import structlog
from app.models import ApiKey, User
from flask import Blueprint, current_app, redirect, request, session, url_for

bp = Blueprint("oauth", __name__)
logger = logging.getLogger(__name__)
slog = structlog.get_logger()


@bp.route("/oauth/callback")
def callback():
    code = request.args.get("code")
    state = request.args.get("state")
    logger.info("OAuth callback, state=%s", state)
    logger.info("Exchanging authorization code %s", code)  # expect: PR104
    token_response = requests.post(
        current_app.config["IDP_TOKEN_URL"],
        data={"code": code, "client_id": current_app.config["IDP_CLIENT_ID"]},
        timeout=10,
    )
    logger.debug("Token response: %s", token_response.json())  # expect: PR104
    logger.info("token endpoint answered %s", token_response.status_code)
    tokens = token_response.json()
    id_token = tokens["id_token"]
    logger.debug("id token: %s", id_token)  # expect: PR104
    claims = User.decode_claims(id_token)
    logger.debug("id token claims: %s", claims)
    user = User.from_claims(claims)
    structlog.contextvars.bind_contextvars(  # expect: PR104
        user_id=user.id, refresh_token=tokens["refresh_token"]
    )
    structlog.contextvars.bind_contextvars(user_id=user.id, idp=claims.get("iss"))
    session["user_id"] = user.id
    logger.info("user %s logged in via IdP, scopes %s", user.id, tokens.get("scope"))
    return redirect(url_for("main.index"))


class PartnerClient:
    def __init__(self, base_url: str, api_key: str):
        self.base_url = base_url
        self.api_key = api_key

    def search(self, query: str):
        params = {"q": query, "limit": 20}
        logger.debug("partner search %s params=%s", self.base_url, params)
        return requests.get(f"{self.base_url}/search", params=params, timeout=10).json()

    def lookup(self, sku: str):
        params = {"sku": sku, "api_key": self.api_key}
        logger.debug("partner lookup params=%s", params)  # expect: PR104
        resp = requests.get(f"{self.base_url}/lookup", params=params, timeout=10)
        print(resp.request.headers)  # expect: PR104
        logger.debug("partner answered %s in %.2fs", resp.status_code, resp.elapsed.total_seconds())
        return resp.json()


@bp.route("/account/password", methods=["POST"])
def change_password():
    form = request.form
    pw = form["new_password"]
    logging.getLogger("account").debug("new password %s", pw)  # expect: PR104
    user = User.current()
    if not user.set_password(pw):
        logger.error("password change rejected for %s: %s", user.username, user.password_errors)
        return redirect(url_for("account.settings"))
    logger.info("user %s changed password", user.username)
    return redirect(url_for("account.settings"))


@bp.route("/account/phone/verify", methods=["POST"])
def send_phone_code():
    user = User.current()
    otp = user.new_otp()
    logger.info("verification code %s sent to %s", otp, user.phone)  # expect: PR104
    logger.info("verification code sent to user %s", user.id)
    return {"sent": True}


@bp.route("/account/api-keys", methods=["POST"])
def create_api_key():
    user = User.current()
    raw_key, key = ApiKey.generate(user)
    slog.info("api_key_created", key_id=key.id, prefix=key.prefix, owner=user.id)
    slog.debug("api_key_created", key=raw_key)  # expect: PR104
    logger.warning("user %s now has %d API keys", user.id, user.api_keys.count())
    return {"key": raw_key}


@bp.after_app_request
def log_cookies(response):
    logger.debug("Set-Cookie: %s", response.headers.get("Set-Cookie"))  # expect: PR104
    logger.debug("response %s for %s", response.status_code, request.path)
    return response
