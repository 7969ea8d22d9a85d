"""Pydantic settings and crypto helpers of a FastAPI backend (all key material is fake)."""

import secrets
from functools import lru_cache

from cryptography.fernet import Fernet
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

API_KEY_NAME = "X-API-Key"
TOKEN_PREFIX = "Bearer"
SIGNATURE_HEADER = "X-Hub-Signature-256"
PASSWORD_REGEX = r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{10,}$"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    project_name: str = "inventory-api"
    secret_key: str = "u7Gx2LqP9vRz4NkT8wYc1JmB5sDf3HaE"  # expect: PR109
    access_token_expire_minutes: int = 60 * 24 * 8
    jwt_algorithm: str = "HS256"
    database_url: str = "postgresql+asyncpg://postgres:postgres@localhost:5432/app"
    replica_url: str = (
        "postgresql+asyncpg://reader:R3pl1ca!Read#77@replica.internal:5432/app"  # expect: PR109
    )
    first_superuser: str = "admin@example.com"
    first_superuser_password: str = "changethis"
    smtp_user: str | None = None
    smtp_password: str | None = None
    emails_from: str = "noreply@example.com"
    sentry_dsn: str | None = None
    partner_api_key: str = Field(default="b1946ac92492d2347c6235b4d2611184")  # expect: PR109
    openai_api_key: SecretStr = SecretStr(
        "sk-proj-FAKEfakeFAKEfakeFAKEfake0123456789"  # expect: PR109
    )
    webhook_secret: SecretStr = SecretStr("")
    redis_password: str = Field(default="", repr=False)
    token_url: str = "https://auth.example.com/oauth/token"
    password_min_length: int = 10


class TestSettings(Settings):
    secret_key: str = "test-secret"
    database_url: str = "sqlite+aiosqlite:///./test.db"


@lru_cache
def get_settings() -> Settings:
    return Settings()


ENCRYPTION_KEY = b"q3ZfT0rX8mVnB2sLw5YcK9dHj4PaG7Ue1RiN6oQx0Ek="  # expect: PR109
fernet = Fernet(ENCRYPTION_KEY)
backup_fernet = Fernet(b"Zm9yLWJhY2t1cHMtb25seS0xMjM0NTY3ODkwYWJjZGU=")  # expect: PR109


def new_api_key() -> str:
    return secrets.token_urlsafe(32)


def encrypt(value: str) -> bytes:
    return fernet.encrypt(value.encode())


def make_secret_key() -> str:
    secret_key = secrets.token_hex(32)
    return secret_key


def redact(settings: Settings) -> dict:
    data = settings.model_dump()
    for field in ("secret_key", "smtp_password", "partner_api_key", "openai_api_key"):
        data[field] = "**********"
    data["password"] = "<redacted>"
    return data
