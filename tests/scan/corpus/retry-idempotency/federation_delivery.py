"""Deliver activities to remote inboxes (ActivityPub-style federation)."""

import asyncio
import logging

import aiohttp

from .signatures import make_digest, make_signature

logger = logging.getLogger(__name__)
HEADERS = {"Content-Type": "application/activity+json"}


async def broadcast(sender, data, recipients):
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        tasks = [asyncio.ensure_future(sign_and_send(session, sender, data, r)) for r in recipients]
        return await asyncio.gather(*tasks)


async def sign_and_send(session, sender, data, destination, **kwargs):
    digest = make_digest(data)
    signature = make_signature(sender, destination, digest, legacy=kwargs.get("use_legacy_key"))
    headers = {**HEADERS, "Digest": digest, "Signature": signature}
    try:
        async with session.post(destination, data=data, headers=headers) as response:
            if not response.ok:
                logger.warning("delivery to %s failed: %s", destination, response.reason)
                if kwargs.get("use_legacy_key") is not True:
                    asyncio.ensure_future(
                        sign_and_send(session, sender, data, destination, use_legacy_key=True)
                    )
            return response
    except asyncio.TimeoutError:
        logger.info("timed out delivering to %s", destination)
    except aiohttp.ClientError:
        logger.exception("could not deliver to %s", destination)


async def push_activity(session, inbox, body, attempt=0):
    try:
        async with session.post(inbox, data=body, headers=HEADERS) as response:  # expect: PR102
            return response.status
    except aiohttp.ClientError:
        if attempt < 3:
            await asyncio.sleep(2**attempt)
            asyncio.ensure_future(push_activity(session, inbox, body, attempt + 1))
