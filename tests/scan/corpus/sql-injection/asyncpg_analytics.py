"""Analytics endpoints over asyncpg, with time buckets and filters picked by the caller."""

# ruff: noqa: B008

import datetime as dt
from enum import StrEnum

import asyncpg
from fastapi import APIRouter, Depends, Query

router = APIRouter(prefix="/analytics")
EVENTS_TABLE = "events"
BUCKETS = {"hour": "hour", "day": "day", "week": "week"}
METRICS = ("clicks", "views", "signups")


class Granularity(StrEnum):
    hour = "hour"
    day = "day"


async def pool() -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn="postgresql://analytics@db/analytics")


@router.get("/series")
async def series(
    metric: str,
    bucket: str = "day",
    since: dt.date = Query(...),
    db: asyncpg.Pool = Depends(pool),
):
    unit = BUCKETS.get(bucket, "day")
    if metric not in METRICS:
        metric = "views"
    return await db.fetch(
        f"SELECT date_trunc('{unit}', at) AS t, sum({metric}) FROM {EVENTS_TABLE} "
        "WHERE at >= $1 GROUP BY 1 ORDER BY 1",
        since,
    )


@router.get("/series/raw")
async def series_raw(bucket: str, since: str, db: asyncpg.Pool = Depends(pool)):
    return await db.fetch(  # expect: PR108
        f"SELECT date_trunc('{bucket}', at) AS t, count(*) FROM events "
        f"WHERE at >= '{since}' GROUP BY 1 ORDER BY 1"
    )


@router.get("/count")
async def count(table: str = "events", db: asyncpg.Pool = Depends(pool)):
    return {"count": await db.fetchval(f"SELECT count(*) FROM {table}")}  # expect: PR108


@router.get("/users/{user_id}/events")
async def user_events(user_id: int, kind: str | None = None, db: asyncpg.Pool = Depends(pool)):
    clauses = ["user_id = $1"]
    args: list[object] = [user_id]
    if kind:
        args.append(kind)
        clauses.append(f"kind = ${len(args)}")
    where = " AND ".join(clauses)
    return await db.fetch(f"SELECT * FROM events WHERE {where} ORDER BY at DESC", *args)


@router.get("/funnel")
async def funnel(steps: list[str] = Query(...), db: asyncpg.Pool = Depends(pool)):
    parts = []
    for step in steps:
        parts.append(f"count(*) FILTER (WHERE kind = '{step}') AS \"{step}\"")
    query = "SELECT " + ", ".join(parts) + " FROM events"
    return await db.fetchrow(query)  # expect: PR108


@router.get("/granular")
async def granular(granularity: Granularity, db: asyncpg.Pool = Depends(pool)):
    return await db.fetch(
        f"SELECT date_trunc('{granularity.value}', at), count(*) FROM events GROUP BY 1"
    )


@router.get("/top-pages")
async def top_pages(limit: int = 10, db: asyncpg.Pool = Depends(pool)):
    return await db.fetch(
        f"SELECT path, count(*) AS hits FROM {EVENTS_TABLE} GROUP BY path ORDER BY hits DESC LIMIT {limit}"
    )


@router.post("/events")
async def record(kind: str, path: str, db: asyncpg.Pool = Depends(pool)):
    async with db.acquire() as conn:
        await conn.execute("INSERT INTO events (kind, path, at) VALUES ($1, $2, now())", kind, path)
        await conn.execute(  # expect: PR108
            "UPDATE page_stats SET hits = hits + 1 WHERE path = '" + path + "'"
        )
    return {"ok": True}
