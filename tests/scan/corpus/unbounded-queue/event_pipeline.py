"""An event-ingestion service: HTTP handlers enqueue, background workers drain."""

import asyncio
import logging
import queue
import threading
from collections import deque

from fastapi import FastAPI, Request

log = logging.getLogger(__name__)
app = FastAPI()

EVENTS: asyncio.Queue = asyncio.Queue()  # expect: PR110
DEAD_LETTERS = queue.Queue()  # expect: PR110
AUDIT = queue.Queue(maxsize=10_000)
RECENT = deque(maxlen=100)


@app.post("/events")
async def ingest(request: Request) -> dict:
    await EVENTS.put(await request.json())
    return {"queued": EVENTS.qsize()}


async def worker() -> None:
    while True:
        event = await EVENTS.get()
        try:
            await handle(event)
        except Exception:
            log.exception("event failed")
            DEAD_LETTERS.put(event)
        finally:
            EVENTS.task_done()


async def handle(event: dict) -> None:
    RECENT.append(event)


class Batcher:
    def __init__(self, size: int, capacity: int) -> None:
        self.size = size
        self.pending: queue.Queue = queue.Queue(maxsize=capacity)
        self.flushed = queue.Queue(0)  # expect: PR110
        self.lock = threading.Lock()

    def add(self, item: dict) -> None:
        self.pending.put(item, timeout=1)


def make_channel(limit: int | None = None) -> asyncio.Queue:
    if limit is None:
        return asyncio.Queue()  # expect: PR110
    return asyncio.Queue(maxsize=limit)


def make_priority_channel() -> asyncio.PriorityQueue:
    return asyncio.PriorityQueue(maxsize=500)


def make_lifo() -> queue.LifoQueue:
    return queue.LifoQueue()  # expect: PR110
