# ruff: noqa: E722
"""Outbound integrations of a FastAPI service: geocoding, SMS, feature flags, audit."""

import asyncio
import contextlib
import logging
import sys

import httpx
from app.audit import AuditLog
from app.config import settings
from app.errors import IntegrationError
from fastapi import APIRouter, HTTPException

router = APIRouter()
logger = logging.getLogger(__name__)


async def geocode(address: str):
    async with httpx.AsyncClient(timeout=5) as client:
        try:
            resp = await client.get(settings.geocoder_url, params={"q": address})
            return resp.json()["results"][0]["location"]
        except Exception:  # expect: PR103
            return None


async def send_sms(phone: str, text: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            resp = await client.post(settings.sms_url, json={"to": phone, "text": text})
            resp.raise_for_status()
    except Exception:  # expect: PR103
        return True
    return True


def flag_enabled(name: str) -> bool:
    try:
        return settings.flags.is_enabled(name)
    except Exception:
        # failing closed: the flag is off
        return False


def record_audit(event: str, **fields):
    try:
        AuditLog.write(event, **fields)
    except Exception:  # expect: PR103
        print("audit write failed")


async def notify_all(phones, text):
    results = await asyncio.gather(*(send_sms(p, text) for p in phones), return_exceptions=True)
    for phone, result in zip(phones, results, strict=True):
        if isinstance(result, Exception):
            logger.error("sms to %s failed: %r", phone, result)


@router.post("/geocode")
async def geocode_endpoint(payload: dict):
    try:
        location = await geocode(payload["address"])
    except KeyError as exc:
        raise HTTPException(status_code=422, detail="address is required") from exc
    return {"location": location}


@router.post("/import")
async def import_addresses(rows: list[dict]):
    imported = 0
    for row in rows:
        try:
            await geocode(row["address"])
            imported += 1
        except:  # expect: PR103
            pass
    return {"imported": imported}


def parse_timeout(raw):
    try:
        return float(raw)
    except Exception:
        # re-raised as a domain error
        raise IntegrationError(f"bad timeout {raw!r}") from None


def load_plugin(name):
    try:
        module = __import__(name)
    except Exception:
        logger.warning("plugin %s failed to load", name, exc_info=True)
        return None
    return module


def close_clients(clients):
    for client in clients:
        with contextlib.suppress(Exception):
            # best-effort clean-up
            client.close()


def shutdown_handler(loop):
    try:
        loop.run_until_complete(loop.shutdown_asyncgens())
    except Exception:
        logger.critical("unclean shutdown: %s", sys.exc_info()[1])


def current_region():
    try:
        return settings.region_lookup()
    except Exception:  # expect: PR103
        return "us-east-1"
