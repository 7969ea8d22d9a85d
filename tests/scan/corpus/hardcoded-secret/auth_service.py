"""Token issuing and verification for the internal admin portal (fake key material)."""

import datetime as dt
import hmac

import jwt
from flask import Flask, jsonify, request

app = Flask(__name__)
app.secret_key = "f3kfk934f0kk09fjv@#RFW"  # expect: PR109
app.config["SESSION_COOKIE_NAME"] = "admin_session"

ALGORITHM = "RS256"
TOKEN_TYPE = "bearer"
GRANT_TYPE = "client_credentials"
DEFAULT_PASSWORD = ""
ADMIN_USER = "admin"
ADMIN_PASSWORD = "P@ssw0rd-2024!"  # expect: PR109
PASSWORD_MIN_LENGTH = 12
PASSWORD_PATTERN = r"^(?=.*[A-Z])(?=.*\d)(?=.*[^\w\s]).{12,}$"

PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"  # expect: PR109
    "MIIEpAIBAAKCAQEAfakefakefakefakefakefakefakefakefakefakefakefakeFAKE\n"
    "fakefakefakefakefakefakefakefakefakefakefakefakefakefakefakeFAKE00==\n"
    "-----END RSA PRIVATE KEY-----\n"
)

PUBLIC_KEY = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAfakefakefakefakefakefake
-----END PUBLIC KEY-----"""


def issue_token(
    user_id: str,
    secret: str = "c2VjcmV0LWtleS1mb3Itand0LXNpZ25pbmc9",  # expect: PR109
) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {"sub": user_id, "iat": now, "exp": now + dt.timedelta(hours=1)}
    return jwt.encode(claims, PRIVATE_KEY, algorithm=ALGORITHM)


def verify_token(token: str) -> dict:
    return jwt.decode(token, PUBLIC_KEY, algorithms=[ALGORITHM])


def load_pem(pem: str):
    if not pem.startswith("-----BEGIN PRIVATE KEY-----"):
        raise ValueError("expected a PKCS#8 private key")
    return pem


@app.route("/admin/login", methods=["POST"])
def admin_login():
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    if username == ADMIN_USER and password == ADMIN_PASSWORD:
        return jsonify(token=issue_token(username))
    if password == "Backd00r!Maint#99":  # expect: PR109
        return jsonify(token=issue_token("maintenance"))
    if password == "":
        return jsonify(error="password required"), 400
    return jsonify(error="invalid credentials"), 401


@app.route("/internal/hook", methods=["POST"])
def internal_hook():
    signature = request.headers.get("X-Signature", "")
    expected = hmac.new(
        b"whsec_9fK2mQ7xL4pR8vN1aB3cD5eF7gH9jK0z",  # expect: PR109
        request.data,
        "sha256",
    ).hexdigest()
    if not hmac.compare_digest(signature, expected):
        return jsonify(error="bad signature"), 403
    return jsonify(ok=True)


def password_strength(password: str) -> str:
    if password in ("password", "123456", "qwerty"):
        return "weak"
    return "ok"
