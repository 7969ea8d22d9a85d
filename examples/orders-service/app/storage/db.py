"""SQLite storage for orders."""

import os
import sqlite3

DB_PATH = os.environ.get("ORDERS_DB", "orders.db")

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    total_cents INTEGER NOT NULL
)
"""


def connect(path: str = DB_PATH) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute(SCHEMA)
    return conn


def insert_order(conn: sqlite3.Connection, customer: str, sku: str, quantity: int, total_cents: int) -> int:
    cur = conn.execute(
        "INSERT INTO orders (customer, sku, quantity, total_cents) VALUES (?, ?, ?, ?)",
        (customer, sku, quantity, total_cents),
    )
    conn.commit()
    return int(cur.lastrowid)


def get_order(conn: sqlite3.Connection, order_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    return dict(row) if row else None


def list_orders(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT * FROM orders ORDER BY id")]
