# ruff: noqa: E722, SIM105
"""aiohttp API gateway: proxies to internal services, websocket fan-out, health checks."""

import asyncio
import logging
from functools import cached_property

import aiohttp
from aiohttp import web
from gateway.metrics import metrics
from gateway.upstreams import Upstream

logger = logging.getLogger("gateway")
routes = web.RouteTableDef()


@routes.post("/v1/events")
async def ingest(request: web.Request) -> web.Response:
    payload = await request.json()
    upstream: Upstream = request.app["events"]
    try:
        await upstream.publish(payload)
    except asyncio.CancelledError:
        raise
    except Exception:  # expect: PR103
        return web.json_response({"accepted": True})
    return web.json_response({"accepted": True}, status=202)


@routes.get("/v1/profile/{user_id}")
async def profile(request: web.Request) -> web.Response:
    user_id = request.match_info["user_id"]
    try:
        data = await request.app["users"].get(user_id)
    except aiohttp.ClientResponseError as err:
        raise web.HTTPBadGateway(reason=f"users service: {err.status}") from err
    except Exception:
        # an error response: the client knows it failed
        return web.Response(status=503, text="users service unavailable")
    return web.json_response(data)


@routes.get("/ws")
async def websocket(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    request.app["sockets"].add(ws)
    try:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                await request.app["bus"].publish(msg.data)
    except Exception:  # expect: PR103
        await ws.close()
    finally:
        request.app["sockets"].discard(ws)
    return ws


async def broadcast(app: web.Application, message: str) -> None:
    for ws in set(app["sockets"]):
        try:
            await ws.send_str(message)
        except ConnectionResetError:
            # narrow: the client went away
            app["sockets"].discard(ws)
        except Exception:  # expect: PR103
            logger.debug("broadcast failed")


@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    checks = {}
    for name, upstream in request.app["upstreams"].items():
        try:
            await upstream.ping()
            checks[name] = "ok"
        except Exception:
            # recorded as a failed check in the response
            checks[name] = "failed"
    status = 200 if all(v == "ok" for v in checks.values()) else 503
    return web.json_response(checks, status=status)


class UpstreamConfig:
    def __init__(self, raw: dict):
        self.raw = raw
        self._cache: dict = {}

    @cached_property
    def timeout(self) -> float:
        try:
            return float(self.raw["timeout"])
        except Exception:  # expect: PR103
            return 5.0

    def header(self, key: str, default: str | None = None):
        try:
            return self.raw["headers"][key]
        except Exception:  # expect: PR103
            return default

    def resolved(self, key: str):
        try:
            self._cache[key] = self.raw["hosts"][key]
        except:  # expect: PR103
            self._cache[key] = None
        return self._cache[key]


async def forward_metrics(app: web.Application) -> None:
    while True:
        try:
            await app["statsd"].flush()
        except Exception:
            # counted: the error rate is visible on the dashboard
            metrics.increment("gateway.statsd_flush_errors")
            logger.warning("statsd flush failed", exc_info=True)
        await asyncio.sleep(10)


async def on_shutdown(app: web.Application) -> None:
    for ws in set(app["sockets"]):
        try:
            await ws.close(code=aiohttp.WSCloseCode.GOING_AWAY)
        except Exception:
            # best-effort clean-up on shutdown
            pass
