"""Outgoing webhooks and chat notifications of an order service, with home-made retries."""

import hashlib
import hmac
import json
import logging
import time

import requests
from django.conf import settings

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
BACKOFF = (1, 2, 5, 15, 60)
SLACK_WEBHOOK = settings.SLACK_WEBHOOK_URL


def _sign(body: bytes) -> str:
    return hmac.new(settings.WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()


def deliver(url, event):
    body = json.dumps(event).encode()
    for attempt in range(MAX_ATTEMPTS):
        try:
            response = requests.post(  # expect: PR102
                url,
                data=body,
                headers={"Content-Type": "application/json", "X-Signature": _sign(body)},
                timeout=10,
            )
            if response.status_code < 500:
                return response.status_code
        except requests.RequestException as exc:
            log.warning("webhook %s attempt %d failed: %s", url, attempt + 1, exc)
        time.sleep(BACKOFF[attempt])
    return None


def deliver_idempotent(url, event):
    body = json.dumps(event).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Signature": _sign(body),
        "Idempotency-Key": event["id"],
    }
    for delay in BACKOFF:
        try:
            response = requests.post(url, data=body, headers=headers, timeout=10)
            response.raise_for_status()
            return True
        except requests.RequestException:
            time.sleep(delay)
    return False


def notify_slack(text):
    attempts = 0
    while attempts < 3:
        try:
            requests.post(  # expect: PR102
                SLACK_WEBHOOK, json={"text": text}, timeout=5
            ).raise_for_status()
            return
        except requests.RequestException:
            attempts += 1
            time.sleep(2**attempts)
    log.error("could not notify slack: %s", text)


def wait_until_healthy(url):
    for attempt in range(10):
        try:
            if requests.get(f"{url}/health", timeout=2).ok:
                return True
        except requests.RequestException:
            log.info("endpoint not ready (attempt %d)", attempt)
        time.sleep(1)
    return False


def fan_out(subscribers, event):
    results = {}
    for subscriber in subscribers:
        try:
            response = requests.post(subscriber.url, json=event, timeout=10)
            results[subscriber.id] = response.status_code
        except requests.RequestException:
            results[subscriber.id] = None
    return results


def pump(queue, url):
    while True:
        event = queue.get()
        if event is None:
            break
        try:
            requests.post(url, json=event, timeout=10)
        except requests.RequestException:
            log.exception("dropping event %s", event.get("id"))


def post_callback(url, payload, retries=0):
    response = requests.post(url, json=payload, timeout=10)  # expect: PR102
    if response.status_code >= 500 and retries < MAX_ATTEMPTS:
        time.sleep(BACKOFF[retries])
        return post_callback(url, payload, retries + 1)
    return response


def update_remote_status(url, status):
    for attempt in range(3):
        try:
            response = requests.patch(url, json={"status": status}, timeout=5)  # expect: PR102
        except requests.ConnectionError:
            time.sleep(attempt)
            continue
        return response
    return None


def replace_remote_config(url, config):
    for attempt in range(3):
        try:
            return requests.put(url, json=config, timeout=5)
        except requests.RequestException:
            time.sleep(attempt)
    return None


def post_once_connect_retry(url, payload):
    for attempt in range(3):
        try:
            return requests.post(url, json=payload, timeout=(3, 10))
        except requests.ConnectTimeout:
            time.sleep(attempt)
    return None
