"""A sync service that mirrors a CRM into the local database (class-based clients)."""

import logging
from typing import Any

import requests
from requests import Session, get, post

log = logging.getLogger(__name__)


class TimeoutSession(requests.Session):
    """Every request of this session gets a default timeout."""

    def __init__(self, timeout: float = 10.0):
        super().__init__()
        self.timeout = timeout

    def request(self, method, url, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


class CrmClient:
    base = "https://crm.example.com/api"

    def __init__(self) -> None:
        self.http = TimeoutSession()

    def contacts(self, page: int) -> list[dict[str, Any]]:
        return self.http.get(f"{self.base}/contacts", params={"page": page}).json()


class LegacyCrmClient:
    base = "https://legacy-crm.example.com/api"

    def __init__(self) -> None:
        self.http = Session()

    def contacts(self, page: int) -> list[dict[str, Any]]:
        return self.http.get(f"{self.base}/contacts", params={"page": page}).json()  # expect: PR101

    def update(self, contact_id: str, fields: dict) -> None:
        self.http.patch(f"{self.base}/contacts/{contact_id}", json=fields, timeout=30)

    def delete(self, contact_id: str) -> None:
        self.http.delete(f"{self.base}/contacts/{contact_id}")  # expect: PR101


def fetch_owner(owner_id: str) -> dict:
    return get(f"https://crm.example.com/api/owners/{owner_id}").json()  # expect: PR101


def push_audit(event: dict) -> None:
    post("https://audit.example.com/events", json=event)  # expect: PR101


def push_audit_bounded(event: dict) -> None:
    post("https://audit.example.com/events", json=event, timeout=3)


def cache_lookup(cache: dict, key: str) -> Any:
    # dict.get, not an HTTP call
    return cache.get(key)


def settings_get(config: Any) -> str:
    return config.get("crm_url", "https://crm.example.com")


def head_check(url: str) -> bool:
    return requests.head(url, allow_redirects=True).ok  # expect: PR101


def options_check(url: str) -> bool:
    return requests.options(url, timeout=1.5).ok
