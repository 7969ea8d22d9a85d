"""Async client that pushes orders to a marketplace API (httpx, tenacity, stamina)."""

import logging
import uuid

import httpx
import stamina
from tenacity import (
    AsyncRetrying,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

log = logging.getLogger(__name__)
BASE_URL = "https://api.marketplace.example/v2"


class MarketplaceClient:
    def __init__(self, token: str):
        self.http = httpx.AsyncClient(
            base_url=BASE_URL, headers={"Authorization": f"Bearer {token}"}, timeout=15
        )

    async def push_order(self, order: dict) -> dict:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(4), wait=wait_exponential(max=20), reraise=True
        ):
            with attempt:
                response = await self.http.post("/orders", json=order)  # expect: PR102
                response.raise_for_status()
        return response.json()

    async def push_order_keyed(self, order: dict) -> dict:
        key = str(uuid.uuid4())  # one key for every attempt of this push
        async for attempt in AsyncRetrying(stop=stop_after_attempt(4), reraise=True):
            with attempt:
                response = await self.http.post(
                    "/orders", json=order, headers={"Idempotency-Key": key}
                )
                response.raise_for_status()
        return response.json()

    @retry(stop=stop_after_attempt(3), wait=wait_exponential(max=10), reraise=True)
    async def push_refund(self, order_id: str, amount: int) -> dict:
        response = await self.http.post(  # expect: PR102
            f"/orders/{order_id}/refunds",
            json={"amount": amount},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        response.raise_for_status()
        return response.json()

    @stamina.retry(on=httpx.HTTPError, attempts=5)
    async def set_status(self, order_id: str, status: str) -> None:
        response = await self.http.patch(  # expect: PR102
            f"/orders/{order_id}", json={"status": status}
        )
        response.raise_for_status()

    @stamina.retry(on=httpx.HTTPError, attempts=5)
    async def replace_inventory(self, sku: str, quantity: int) -> None:
        response = await self.http.put(f"/inventory/{sku}", json={"quantity": quantity})
        response.raise_for_status()

    @stamina.retry(on=httpx.HTTPError, attempts=5)
    async def cancel(self, order_id: str) -> None:
        response = await self.http.delete(f"/orders/{order_id}")
        response.raise_for_status()

    @retry(stop=stop_after_attempt(5), reraise=True)
    async def search_orders(self, query: dict) -> list:
        response = await self.http.post("/orders/search", json=query)
        response.raise_for_status()
        return response.json()["items"]

    @retry(
        retry=retry_if_exception_type((httpx.ConnectError, httpx.ConnectTimeout)),
        stop=stop_after_attempt(3),
        reraise=True,
    )
    async def create_listing(self, listing: dict) -> dict:
        response = await self.http.post("/listings", json=listing)
        response.raise_for_status()
        return response.json()

    @retry(stop=stop_after_attempt(3), reraise=True)
    async def create_shipment(self, order_id: str, parcel: dict, request_id: str) -> dict:
        response = await self.http.post(
            f"/orders/{order_id}/shipments",
            json=parcel,
            headers={"Idempotency-Key": request_id},
        )
        response.raise_for_status()
        return response.json()

    @stamina.retry(on=httpx.TransportError, attempts=3)
    async def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = await self.http.request(method, path, **kwargs)  # expect: PR102
        response.raise_for_status()
        return response

    async def add_note(self, order_id: str, text: str) -> None:
        await self._call("POST", f"/orders/{order_id}/notes", json={"text": text})

    async def fetch_order(self, order_id: str) -> dict:
        return (await self._call("GET", f"/orders/{order_id}")).json()

    async def accept(self, order_id: str) -> None:
        for attempt in range(3):
            try:
                await self.http.post(f"/orders/{order_id}/accept", json={})  # expect: PR102
                return
            except httpx.ReadTimeout:
                log.warning("accept %s timed out (attempt %d)", order_id, attempt)
