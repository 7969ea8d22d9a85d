"""Partner API client used by the web service."""

import logging

import requests

logger = logging.getLogger(__name__)


class Partner:
    def __init__(self, partner_id: str, api_key: str) -> None:
        self.partner_id = partner_id
        self.api_key = api_key

    @classmethod
    def get(cls, partner_id: str) -> "Partner":
        raise NotImplementedError

    def set_api_key(self, api_key: str) -> None:
        self.api_key = api_key

    def charge(self, amount: int) -> dict:
        print(f"charging {self.partner_id} with key {self.api_key}")  # expect: PR104
        print(f"charging {self.partner_id}: {amount}")
        response = requests.post(
            "https://partner.example.com/charges",
            json={"amount": amount},
            headers={"X-Api-Key": self.api_key},
            timeout=10,
        )
        return response.json()


class TrelloImporter:
    @staticmethod
    def get_auth_url() -> tuple[str, str, str]:
        raise NotImplementedError

    @staticmethod
    def get_access_token(token: str, secret: str, verifier: str) -> dict:
        raise NotImplementedError


def create_user(username: str, password: str) -> None:
    raise NotImplementedError
