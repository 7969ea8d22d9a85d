"""Configuration classes of a Flask API (all credentials below are fake test data)."""

import os

basedir = os.path.abspath(os.path.dirname(__file__))


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "hard to guess string"
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "sqlite:///" + os.path.join(basedir, "app.db")
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    MAIL_SERVER = "smtp.mailgun.org"
    MAIL_PORT = 587
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    PASSWORD_FIELD = "password"
    TOKEN_HEADER = "X-Auth-Token"
    API_KEY_HEADER = "X-API-Key"
    TOKEN_URL = "https://oauth2.googleapis.com/token"
    AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
    SECURITY_PASSWORD_SALT_LENGTH = 16
    SECURITY_PASSWORD_HASH = "argon2"
    REMEMBER_COOKIE_NAME = "remember_token"


class DevelopmentConfig(Config):
    DEBUG = True
    SECRET_KEY = "dev"
    SQLALCHEMY_DATABASE_URI = "postgresql://postgres:postgres@localhost:5432/api_dev"
    MAIL_PASSWORD = ""


class ProductionConfig(Config):
    SQLALCHEMY_DATABASE_URI = (
        "postgresql://api:S3cure!Passw0rd7@db.prod.internal:5432/api"  # expect: PR109
    )
    JWT_SECRET_KEY = "9c1f7e3a5b2d8f4e6a0c9b7d3f1e5a8c"  # expect: PR109
    MAIL_PASSWORD = "mK7$pQ2!vX9#nB4z"  # expect: PR109
    GITHUB_TOKEN = "ghp_FAKEfakeFAKEfakeFAKEfakeFAKEfake1234"  # expect: PR109
    SLACK_WEBHOOK_URL = "https://hooks.slack.com/services/T00000000/B00000000/FAKEfakeFAKEfakeFAKEfake"  # expect: PR109
    GOOGLE_MAPS_API_KEY = "AIzaFAKEfakeFAKEfakeFAKEfakeFAKE0000000"  # expect: PR109
    REDIS_URL = "redis://cache.prod.internal:6379/0"
    SENTRY_DSN = os.environ.get("SENTRY_DSN")


class StagingConfig(ProductionConfig):
    SQLALCHEMY_DATABASE_URI = os.environ["STAGING_DATABASE_URL"]
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY", "change-me-in-staging")
    MAIL_PASSWORD = "${MAIL_PASSWORD}"
    GITHUB_TOKEN = "<github-token>"
    API_KEY = "your-api-key-here"
    ADMIN_PASSWORD = "xxxxxxxx"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"


config = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "staging": StagingConfig,
    "testing": TestingConfig,
    "default": DevelopmentConfig,
}


def load_api_credentials():
    return {
        "client_id": os.environ.get("API_CLIENT_ID", "marketplace-web"),
        "client_secret": os.environ.get(
            "API_CLIENT_SECRET",
            "Zq8vN3xK5mR1tY7wC2pL9sD4",  # expect: PR109
        ),
        "api_key": os.environ.get("PARTNER_API_KEY", ""),
        "token_endpoint": "https://auth.partner.example.com/oauth/token",
    }
