"""Outbound integrations of a notification worker: e-mail, Slack, SMS, a partner API."""

import http.client
import json
import smtplib
import socket
import urllib.request
from email.message import EmailMessage
from urllib.parse import urlencode

import httpx
import requests

SLACK_WEBHOOK = "https://hooks.slack.example.com/services/T000/B000/XXXX"


def send_email(host: str, message: EmailMessage) -> None:
    with smtplib.SMTP(host, 587) as smtp:  # expect: PR101
        smtp.starttls()
        smtp.send_message(message)


def send_email_bounded(host: str, message: EmailMessage) -> None:
    with smtplib.SMTP(host, 587, timeout=10) as smtp:
        smtp.send_message(message)


def send_email_ssl(host: str, message: EmailMessage) -> None:
    with smtplib.SMTP_SSL(host) as smtp:  # expect: PR101
        smtp.send_message(message)


def post_to_slack(text: str) -> None:
    body = json.dumps({"text": text}).encode()
    req = urllib.request.Request(
        SLACK_WEBHOOK, data=body, headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(req)  # expect: PR101


def post_to_slack_bounded(text: str) -> None:
    body = json.dumps({"text": text}).encode()
    req = urllib.request.Request(SLACK_WEBHOOK, data=body)
    urllib.request.urlopen(req, timeout=5)


def send_sms(number: str, text: str) -> int:
    conn = http.client.HTTPSConnection("sms.example.com")  # expect: PR101
    conn.request("POST", "/send", urlencode({"to": number, "text": text}))
    return conn.getresponse().status


def send_sms_bounded(number: str, text: str) -> int:
    conn = http.client.HTTPSConnection("sms.example.com", timeout=10)
    conn.request("POST", "/send", urlencode({"to": number, "text": text}))
    return conn.getresponse().status


def check_port(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port)):  # expect: PR101
            return True
    except OSError:
        return False


def check_port_bounded(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def partner_lookup(customer_id: str) -> dict:
    return httpx.get(f"https://partner.example.com/customers/{customer_id}").json()


def partner_export(payload: dict) -> None:
    with httpx.Client(timeout=None) as client:  # expect: PR101
        client.post("https://partner.example.com/export", json=payload)


def partner_import() -> list:
    with httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0)) as client:
        return client.get("https://partner.example.com/import").json()


async def partner_async(payload: dict) -> None:
    async with httpx.AsyncClient() as client:
        await client.post("https://partner.example.com/events", json=payload)


def geocode(address: str) -> dict:
    return requests.get("https://geo.example.com", params={"q": address}).json()  # expect: PR101


def geocode_many(addresses: list[str]) -> list[dict]:
    out = []
    with requests.Session() as s:
        for address in addresses:
            out.append(s.get("https://geo.example.com", params={"q": address}).json())  # expect: PR101
    return out
