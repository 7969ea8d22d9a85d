"""Shipping-carrier and ML-inference clients of a fulfilment service, all behind retries."""

import logging

import backoff
import requests
from tenacity import retry, stop_after_attempt, wait_exponential

from .config import settings

log = logging.getLogger(__name__)
CARRIER_API = settings.CARRIER_API_URL
INFERENCE_URL = settings.INFERENCE_URL
SHOP_GRAPHQL = "https://shop.example.com/api/graphql"

ORDER_QUERY = """
query Order($id: ID!) { order(id: $id) { id status } }
"""
CREATE_FULFILLMENT = """
mutation Fulfil($order: ID!, $tracking: String!) {
  fulfillmentCreate(orderId: $order, trackingNumber: $tracking) { id }
}
"""
transient = backoff.on_exception(backoff.expo, requests.RequestException, max_tries=4)


@transient
def get_rates(parcel):
    response = requests.post(f"{CARRIER_API}/rates", json={"parcel": parcel}, timeout=10)
    response.raise_for_status()
    return response.json()["rates"]


@transient
def buy_label(parcel, rate_id):
    response = requests.post(  # expect: PR102
        f"{CARRIER_API}/labels", json={"parcel": parcel, "rate": rate_id}, timeout=30
    )
    response.raise_for_status()
    return response.json()["label_url"]


@transient
def buy_label_keyed(parcel, rate_id, shipment_id):
    response = requests.post(
        f"{CARRIER_API}/labels",
        json={"parcel": parcel, "rate": rate_id},
        headers={"Idempotency-Key": f"label-{shipment_id}"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["label_url"]


@transient
def validate_address(address):
    return requests.post(f"{CARRIER_API}/addresses/validate", json=address, timeout=10).json()


@retry(stop=stop_after_attempt(5), wait=wait_exponential(max=30))
def embed(texts):
    response = requests.post(INFERENCE_URL, json={"inputs": texts}, timeout=60)
    response.raise_for_status()
    return response.json()


@retry(stop=stop_after_attempt(5), wait=wait_exponential(max=30))
def classify_ticket(text):
    response = requests.post(f"{INFERENCE_URL}/classify", json={"text": text}, timeout=60)
    return response.json()["label"]


@retry(stop=stop_after_attempt(3))
def order_status(order_id):
    response = requests.post(
        SHOP_GRAPHQL,
        json={"query": ORDER_QUERY, "variables": {"id": order_id}},
        timeout=10,
    )
    return response.json()["data"]["order"]["status"]


@retry(stop=stop_after_attempt(3))
def mark_fulfilled(order_id, tracking_number):
    response = requests.post(  # expect: PR102
        SHOP_GRAPHQL,
        json={
            "query": CREATE_FULFILLMENT,
            "variables": {"order": order_id, "tracking": tracking_number},
        },
        timeout=10,
    )
    return response.json()["data"]["fulfillmentCreate"]["id"]


@retry(stop=stop_after_attempt(4), wait=wait_exponential(max=20))
def schedule_pickup(address, window):
    response = requests.post(  # expect: PR102
        f"{CARRIER_API}/pickups", json={"address": address, "window": window}, timeout=20
    )
    response.raise_for_status()
    log.info("pickup %s scheduled", response.json()["id"])
    return response.json()["id"]


@retry(stop=stop_after_attempt(4), wait=wait_exponential(max=20))
def cancel_pickup(pickup_id):
    requests.delete(f"{CARRIER_API}/pickups/{pickup_id}", timeout=20).raise_for_status()
