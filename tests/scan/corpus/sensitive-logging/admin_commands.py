"""Management commands: bootstrap an admin, check configuration, rotate secrets."""

import hashlib
import logging
import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

logger = logging.getLogger("ops")


class CreateAdminCommand(BaseCommand):
    help = "Create the first administrator"

    def handle(self, *args, **options):
        password = secrets.token_urlsafe(16)
        user = get_user_model().objects.create_superuser("admin", "ops@example.com", password)
        logger.info("created admin %s", user.pk)
        print(f"Generated password for admin: {password}")  # expect: PR104
        logger.info("admin password has %d characters", len(password))


class CheckConfigCommand(BaseCommand):
    help = "Print the effective configuration"

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        logger.info("database %s on %s:%s as %s", db["NAME"], db["HOST"], db["PORT"], db["USER"])
        logger.info("database password: %s", db["PASSWORD"])  # expect: PR104
        logger.info("database password configured: %s", bool(db["PASSWORD"]))
        logger.info("SECRET_KEY: %s", settings.SECRET_KEY)  # expect: PR104
        logger.info(
            "password validators: %s", [v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS]
        )
        logger.info("min password length: %s", settings.PASSWORD_MIN_LENGTH)
        logger.info("session cookie age: %s", settings.SESSION_COOKIE_AGE)
        logger.info("email host user: %s", settings.EMAIL_HOST_USER)
        logger.info("email host password: %s", settings.EMAIL_HOST_PASSWORD)  # expect: PR104
        logger.debug("AWS key id %s", settings.AWS_ACCESS_KEY_ID)
        logger.debug("AWS secret %s", settings.AWS_SECRET_ACCESS_KEY)  # expect: PR104
        self.stdout.write(f"token lifetime: {settings.ACCESS_TOKEN_LIFETIME}")


class RotateSecretCommand(BaseCommand):
    help = "Rotate the webhook signing secret"

    def handle(self, *args, **options):
        new_secret = secrets.token_hex(32)
        old_secret = os.environ.get("WEBHOOK_SECRET")
        logger.warning("rotating webhook secret %s -> %s", old_secret, new_secret)  # expect: PR104
        logger.info("webhook secret rotated at %s", options.get("when"))
        logger.info(
            "new secret fingerprint %s", hashlib.sha256(new_secret.encode()).hexdigest()[:12]
        )
        logger.info("secret name %s", "WEBHOOK_SECRET")
        os.environ["WEBHOOK_SECRET"] = new_secret


def dump_user(user):
    logger.info("user %s email=%s staff=%s", user.pk, user.email, user.is_staff)
    logger.debug("user %s hash=%s", user.pk, user.password)  # expect: PR104
    logger.debug("user %s has usable password: %s", user.pk, user.has_usable_password())
    logger.debug("user %s last login %s", user.pk, user.last_login)


def connect_smtp(host, username, smtp_password):
    logger.info("connecting to %s as %s", host, username)
    logger.debug("smtp credentials %s:%s", username, smtp_password)  # expect: PR104
    return (host, username)
