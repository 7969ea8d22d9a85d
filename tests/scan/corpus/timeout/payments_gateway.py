"""Payment gateway client of an order service (modelled on typical Stripe/Adyen wrappers)."""

import logging
import os
import uuid

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger(__name__)

GATEWAY = os.environ.get("GATEWAY_URL", "https://gateway.example.com")
DEFAULT_TIMEOUT = (3.05, 15)


class GatewayError(Exception):
    pass


class GatewayClient:
    def __init__(self, api_key: str):
        self.api_key = api_key
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {api_key}"

    def authorize(self, amount_cents: int, token: str) -> dict:
        resp = self.session.post(  # expect: PR101
            f"{GATEWAY}/v1/authorizations",
            json={"amount": amount_cents, "source": token},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        resp.raise_for_status()
        return resp.json()

    def capture(self, authorization_id: str) -> dict:
        resp = self.session.post(
            f"{GATEWAY}/v1/authorizations/{authorization_id}/capture", timeout=DEFAULT_TIMEOUT
        )
        resp.raise_for_status()
        return resp.json()

    def refund(self, charge_id: str, amount_cents: int) -> dict:
        resp = self.session.post(  # expect: PR101
            f"{GATEWAY}/v1/refunds", json={"charge": charge_id, "amount": amount_cents}
        )
        if resp.status_code >= 400:
            raise GatewayError(resp.text)
        return resp.json()

    def status(self) -> bool:
        return self.session.get(f"{GATEWAY}/health", timeout=2).ok

    def list_disputes(self, **params):
        # the caller passes timeout through params
        return self.session.get(f"{GATEWAY}/v1/disputes", **params).json()


def fetch_exchange_rates() -> dict:
    resp = requests.get("https://rates.example.com/latest")  # expect: PR101
    return resp.json()["rates"]


def fetch_exchange_rates_bounded() -> dict:
    resp = requests.get("https://rates.example.com/latest", timeout=5)
    return resp.json()["rates"]


def notify_webhook(url: str, event: dict) -> None:
    try:
        requests.post(url, json=event, timeout=None)  # expect: PR101
    except requests.RequestException:
        log.exception("webhook delivery to %s failed", url)


def build_retrying_session() -> requests.Session:
    session = requests.Session()
    retry = Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


def download_statement(statement_id: str) -> bytes:
    session = build_retrying_session()
    # the session comes from a factory: its timeouts are not visible here
    return session.get(f"{GATEWAY}/v1/statements/{statement_id}").content


def verify_card(number: str) -> bool:
    r = requests.request("POST", f"{GATEWAY}/v1/cards/verify", data={"n": number})  # expect: PR101
    return r.ok


def ping(session: requests.Session) -> bool:
    # a parameter: we cannot know how it was configured
    return session.get(f"{GATEWAY}/ping").ok
