"""Clients for third-party services used by the notification worker (fake credentials)."""

import os
import smtplib
from email.message import EmailMessage

import boto3
import psycopg2
import redis
import requests
import stripe
from requests.auth import HTTPBasicAuth
from worker.settings import settings

stripe.api_key = "sk_live_51FAKEkeyDoNotUse0000000000abcdEF"  # expect: PR109
stripe.api_version = "2024-06-20"

MAILGUN_DOMAIN = "mg.example.com"
MAILGUN_AUTH = HTTPBasicAuth("api", "key-0fake1fake2fake3fake4fake5fake6f")  # expect: PR109

s3 = boto3.client(
    "s3",
    region_name="eu-west-1",
    aws_access_key_id="AKIAZFAKEZ1234567890",  # expect: PR109
    aws_secret_access_key="fakeFAKEfake0123456789/FAKEfakeFAKE+wxyz",  # expect: PR109
)
sqs = boto3.client("sqs", region_name="eu-west-1")

cache = redis.Redis(host="cache.internal", port=6379, password=settings.REDIS_PASSWORD)
queue_cache = redis.Redis(
    host="queue.internal",
    port=6379,
    password="r3d1s-Qu3ue-P4ss!",  # expect: PR109
)


def db_connection():
    return psycopg2.connect(
        host="db.internal",
        dbname="notify",
        user="notify",
        password=os.environ["PGPASSWORD"],
    )


def reporting_connection():
    return psycopg2.connect(
        host="reporting.internal",
        dbname="bi",
        user="bi_reader",
        password="bI_r3ad3r#2023",  # expect: PR109
    )


def send_email(to: str, subject: str, body: str):
    msg = EmailMessage()
    msg["From"] = "alerts@example.com"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    with smtplib.SMTP("smtp.example.com", 587, timeout=10) as smtp:
        smtp.starttls()
        smtp.login("alerts@example.com", "xK9#mP2$vL5nQ8")  # expect: PR109
        smtp.send_message(msg)


def post_to_partner(payload: dict):
    headers = {
        "Authorization": "Bearer pk9Fq2LmZx8Rt4Yw1Nc6Vb3Hs7Jd0Ke5",  # expect: PR109
        "Accept": "application/json",
    }
    return requests.post(
        "https://partner.example.com/v1/events", json=payload, headers=headers, timeout=10
    )


def post_to_partner_v2(payload: dict, token: str):
    headers = {"Authorization": f"Bearer {token}", "X-Api-Key": settings.PARTNER_API_KEY}
    return requests.post(
        "https://partner.example.com/v2/events", json=payload, headers=headers, timeout=10
    )


def geocode(address: str):
    resp = requests.get(
        "https://maps.example.com/geocode",
        params={"q": address, "key": settings.MAPS_KEY},
        auth=("geo-client", "Gc7!vR2@pL9#"),  # expect: PR109
        timeout=5,
    )
    return resp.json()


def sms(to: str, text: str):
    return requests.post(
        "https://sms.example.com/send",
        data={"to": to, "text": text},
        headers={"X-API-Key": "f7e6d5c4b3a29180ffeeddccbbaa9988"},  # expect: PR109
        timeout=5,
    )


def public_status(token: str):
    headers = {"Accept": "application/json", "Authorization": "Bearer " + token}
    return requests.get("https://status.example.com/api", headers=headers, timeout=5)
