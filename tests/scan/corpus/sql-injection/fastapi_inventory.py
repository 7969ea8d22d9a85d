"""Inventory API on FastAPI and SQLAlchemy 2.0, mixing the ORM with hand-written SQL."""

# ruff: noqa: B008

from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query
from pydantic import BaseModel
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .db import Item, get_session

app = FastAPI(title="inventory")
SessionDep = Annotated[Session, Depends(get_session)]
ITEM_FIELDS = "id, sku, name, quantity, warehouse"
ALLOWED_SORT = {"sku", "name", "quantity"}


class Adjustment(BaseModel):
    sku: str
    delta: int
    reason: str


@app.get("/items")
def list_items(
    session: SessionDep,
    warehouse: str = Query(...),
    limit: int = Query(50, le=500),
    direction: Literal["asc", "desc"] = "asc",
):
    stmt = text(
        f"SELECT {ITEM_FIELDS} FROM items WHERE warehouse = :wh ORDER BY sku {direction} LIMIT {limit}"
    )
    return session.execute(stmt, {"wh": warehouse}).mappings().all()


@app.get("/items/search")
def search_items(session: SessionDep, q: str, sort: str = "sku"):
    stmt = text(  # expect: PR108
        f"SELECT {ITEM_FIELDS} FROM items WHERE name ILIKE :q ORDER BY {sort}"
    )
    return session.execute(stmt, {"q": f"%{q}%"}).mappings().all()


@app.get("/items/sorted")
def sorted_items(session: SessionDep, sort: str = "sku"):
    if sort not in ALLOWED_SORT:
        raise HTTPException(status_code=400, detail="unknown sort column")
    return (
        session.execute(text(f"SELECT {ITEM_FIELDS} FROM items ORDER BY {sort}")).mappings().all()
    )


@app.get("/items/by-sku/{sku}")
def by_sku(session: SessionDep, sku: str):
    row = session.execute(  # expect: PR108
        text(f"SELECT {ITEM_FIELDS} FROM items WHERE sku = '{sku}'")
    ).first()
    if row is None:
        raise HTTPException(status_code=404)
    return row._asdict()


@app.get("/items/orm/{sku}")
def by_sku_orm(session: SessionDep, sku: str):
    item = session.scalars(select(Item).where(Item.sku == sku)).first()
    if item is None:
        raise HTTPException(status_code=404)
    return item


@app.post("/adjustments")
def adjust(session: SessionDep, body: Adjustment):
    session.execute(
        text("UPDATE items SET quantity = quantity + :delta WHERE sku = :sku"),
        {"delta": body.delta, "sku": body.sku},
    )
    session.execute(  # expect: PR108
        text(
            "INSERT INTO adjustments (sku, delta, reason) "
            f"VALUES ('{body.sku}', {body.delta}, '{body.reason}')"
        )
    )
    session.commit()
    return {"ok": True}


@app.get("/tenants/items")
def tenant_items(session: SessionDep, x_tenant: str = Header(...)):
    session.execute(text(f"SET search_path TO tenant_{x_tenant}"))  # expect: PR108
    return session.execute(text(f"SELECT {ITEM_FIELDS} FROM items")).mappings().all()


@app.get("/warehouses/{warehouse_id}/stock")
def stock(session: SessionDep, warehouse_id: int, min_quantity: int = 0):
    sql = f"SELECT sku, quantity FROM items WHERE warehouse_id = {warehouse_id} AND quantity >= {min_quantity}"
    return session.execute(text(sql)).mappings().all()


@app.get("/reports/low-stock")
def low_stock(session: SessionDep, threshold: str = "5"):
    query = "SELECT sku, quantity FROM items WHERE quantity < " + threshold
    return session.execute(text(query)).mappings().all()  # expect: PR108


@app.delete("/items")
def bulk_delete(session: SessionDep, skus: list[str] = Query(...)):
    params = {f"s{i}": sku for i, sku in enumerate(skus)}
    names = ", ".join(f":s{i}" for i in range(len(skus)))
    session.execute(text(f"DELETE FROM items WHERE sku IN ({names})"), params)
    session.commit()
    return {"deleted": len(skus)}
