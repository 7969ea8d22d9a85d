"""Ops helpers: Slack alerts, the seed script and the deploy hook (fake credentials)."""

import os
import subprocess

import requests
from django.contrib.auth import get_user_model
from slack_sdk import WebClient

# rotated 2024-03: old deploy key AKIAFAKEOLD000000KEY was revoked  # expect: PR109
SLACK_BOT_TOKEN = "xoxb-000000000000-0000000000000-FAKEfakeFAKEfakeFAKEfake"  # expect: PR109
SLACK_CHANNEL = "#ops-alerts"
SLACK_SIGNING_SECRET = os.getenv("SLACK_SIGNING_SECRET", "")
SLACK_TOKEN_ENV = "SLACK_BOT_TOKEN"

JWT_SECRET = os.getenv(
    "JWT_SECRET",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # expect: PR109
)
SECRET_KEY = os.getenv("SECRET_KEY", "change-me")
DATABASE_URL = os.getenv("DATABASE_URL", "postgres://app:app@localhost:5432/app")
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY")
DEPLOY_HOOK_TOKEN = "a9Xk3mP7qR2sT8vW4yZ6bC1dF5gH0jL"  # expect: PR109
SENTRY_AUTH_TOKEN = "sntrys_FAKEfakeFAKEfake0123456789"  # expect: PR109


def alert(text: str):
    client = WebClient(token=SLACK_BOT_TOKEN)
    client.chat_postMessage(channel=SLACK_CHANNEL, text=text)


def alert_fallback(text: str):
    client = WebClient(
        token="xoxp-111111111111-222222222222-333333333333-fakefakefakefakefakefakefakefake"  # expect: PR109
    )
    client.chat_postMessage(channel=SLACK_CHANNEL, text=text)


def seed_users():
    user_model = get_user_model()
    user_model.objects.create_superuser(
        username="admin",
        email="admin@example.com",
        password="Adm1n!Seed#2024",  # expect: PR109
    )
    user_model.objects.create_user(
        username="demo", email="demo@example.com", password=os.environ["DEMO_PASSWORD"]
    )
    user_model.objects.create_user(username="guest", email="guest@example.com", password=None)


def trigger_deploy(ref: str):
    resp = requests.post(
        "https://ci.example.com/api/v4/projects/42/trigger/pipeline",
        data={"token": DEPLOY_HOOK_TOKEN, "ref": ref},
        timeout=10,
    )
    resp.raise_for_status()
    return resp.json()["id"]


def trigger_legacy_deploy(ref: str):
    return requests.post(
        "https://ci.example.com/api/v4/projects/7/trigger/pipeline",
        data={"token": "glptt-0fake1fake2fake3fake4fake5fake6fake7", "ref": ref},  # expect: PR109
        timeout=10,
    )


def registry_login():
    password = os.environ["REGISTRY_PASSWORD"]
    subprocess.run(
        ["docker", "login", "-u", "deploy", "--password-stdin", "registry.example.com"],
        input=password.encode(),
        check=True,
    )


def vault_headers(token=None):
    token = token or os.environ.get("VAULT_TOKEN", "")
    return {"X-Vault-Token": token, "X-Vault-Namespace": "ops"}


def github_headers():
    return {
        "Authorization": "token ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake5678",  # expect: PR109
        "Accept": "application/vnd.github+json",
    }


def check_password_policy(password: str) -> bool:
    banned = {"password", "letmein", "changeme", "admin"}
    return len(password) >= 12 and password.lower() not in banned


def describe():
    return {
        "token_env": SLACK_TOKEN_ENV,
        "password_env": "DEMO_PASSWORD",
        "secret_name": "prod/deploy",
    }
