"""Django production settings for the marketplace (test data: every key below is fake)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-7f$k2!fake0n8@x#q1w2e3r4t5y6u7i8o9p0^&*(zz"  # expect: PR109
DEBUG = False
ALLOWED_HOSTS = ["marketplace.example.com"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "marketplace",
        "USER": "marketplace",
        "PASSWORD": "Pr0d-Db-2024!xQ",  # expect: PR109
        "HOST": "db.internal",
        "PORT": "5432",
    },
    "analytics": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "analytics",
        "USER": os.environ.get("ANALYTICS_DB_USER", "analytics"),
        "PASSWORD": os.environ["ANALYTICS_DB_PASSWORD"],
        "HOST": "analytics.internal",
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
PASSWORD_RESET_TIMEOUT = 3600
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

SESSION_COOKIE_NAME = "mk_session"
CSRF_COOKIE_NAME = "mk_csrftoken"
CSRF_HEADER_NAME = "HTTP_X_CSRFTOKEN"
SESSION_COOKIE_SECURE = True

EMAIL_HOST = "smtp.sendgrid.net"
EMAIL_HOST_USER = "apikey"
EMAIL_HOST_PASSWORD = (
    "SG.FAKEfakeFAKEfake000000.FAKEfakeFAKEfakeFAKEfakeFAKEfake00000000000"  # expect: PR109
)
DEFAULT_FROM_EMAIL = "no-reply@marketplace.example.com"

AWS_ACCESS_KEY_ID = "AKIAFAKEKEY0000TEST1"  # expect: PR109
AWS_SECRET_ACCESS_KEY = "fakeFAKEfake0123456789/FAKEfakeFAKE+abcd"  # expect: PR109
AWS_STORAGE_BUCKET_NAME = "marketplace-media"
AWS_S3_REGION_NAME = "eu-west-1"

STRIPE_PUBLISHABLE_KEY = "pk_live_51FAKEkeyDoNotUse0000000000abcdEF"
STRIPE_SECRET_KEY = "sk_live_51FAKEkeyDoNotUse0000000000abcdEF"  # expect: PR109
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")

SOCIAL_AUTH_GITHUB_KEY = "Iv1.0fake1234abcd5678"
SOCIAL_AUTH_GITHUB_SECRET = "f4k3f4k3f4k3f4k30123456789abcdef01234567"  # expect: PR109
SOCIAL_AUTH_GITHUB_SCOPE = ["read:user", "user:email"]

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
        "OPTIONS": {"PASSWORD": os.environ.get("REDIS_PASSWORD")},
    }
}

SENTRY_DSN = os.environ.get("SENTRY_DSN", "")

SIMPLE_JWT = {
    "SIGNING_KEY": "e3f1a9c4b7d2f6a8c0e5b9d3f7a1c4e8b2d6f0a3c7e9b1d5f8a2c6e0b4d7f9a1",  # expect: PR109
    "ALGORITHM": "HS256",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "TOKEN_TYPE_CLAIM": "token_type",
}

LOGGING = {
    "version": 1,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
