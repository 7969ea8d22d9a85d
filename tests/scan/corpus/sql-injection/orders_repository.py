"""Order queries of a marketplace back end: a query builder over a DB-API connection pool."""

# ruff: noqa: UP031, UP032

import logging
from dataclasses import dataclass

from sqlalchemy import bindparam, select, text

from .pool import connection_pool
from .tables import orders_table

log = logging.getLogger(__name__)
STATUS_VALUES = ("pending", "paid", "shipped", "refunded")
FILTERABLE = {"status": "o.status", "seller": "o.seller_id", "buyer": "o.buyer_id"}


@dataclass
class OrderFilter:
    status: str | None = None
    seller: int | None = None
    buyer: int | None = None


def build_where(flt: OrderFilter):
    clauses, params = [], []
    for field, column in FILTERABLE.items():
        value = getattr(flt, field)
        if value is not None:
            clauses.append(f"{column} = %s")
            params.append(value)
    return (" AND ".join(clauses) or "TRUE"), params


def order_summary_sql(seller_name):
    return f"SELECT count(*), sum(total) FROM orders o JOIN sellers s ON s.id = o.seller_id WHERE s.name = '{seller_name}'"


class OrderRepository:
    def __init__(self):
        self.pool = connection_pool

    def _query(self, statement, params=None):
        with self.pool.connection() as conn, conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()

    def list(self, flt: OrderFilter, page: int = 1):
        where, params = build_where(flt)
        offset = (page - 1) * 50
        return self._query(
            f"SELECT * FROM orders o WHERE {where} ORDER BY o.created DESC LIMIT 50 OFFSET {offset}",
            params,
        )

    def by_reference(self, reference):
        return self._query(  # expect: PR108
            "SELECT * FROM orders WHERE reference = '%s'" % reference
        )

    def by_status(self, status):
        if status not in STATUS_VALUES:
            raise ValueError(status)
        return self._query(f"SELECT * FROM orders WHERE status = '{status}'")

    def notes(self, order_id, author):
        template = (
            "SELECT body FROM order_notes WHERE order_id = %(order)s AND author = '%(author)s'"
        )
        return self._query(template % {"order": order_id, "author": author})  # expect: PR108

    def seller_summary(self, seller_name):
        return self._query(order_summary_sql(seller_name))  # expect: PR108

    def mark_shipped(self, order_ids, carrier):
        ids = ", ".join(str(int(i)) for i in order_ids)
        return self._query(
            f"UPDATE orders SET status = 'shipped', carrier = %s WHERE id IN ({ids})", [carrier]
        )

    def tag(self, order_id, tags):
        values = ", ".join("('{}', {})".format(tag, order_id) for tag in tags)
        log.info("tagging order %s with %s", order_id, tags)
        return self._query(  # expect: PR108
            f"INSERT INTO order_tags (tag, order_id) VALUES {values}"
        )

    def core_search(self, conn, buyer_email):
        stmt = select(orders_table).where(orders_table.c.buyer_email == buyer_email)
        return conn.execute(stmt).all()

    def core_text(self, conn, buyer_ids):
        stmt = text("SELECT * FROM orders WHERE buyer_id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        return conn.execute(stmt, {"ids": list(buyer_ids)}).all()

    def explain(self, conn, flt: OrderFilter):
        where, params = build_where(flt)
        sql = f"EXPLAIN SELECT * FROM orders o WHERE {where}"
        log.debug("explaining %s with %s", sql, params)
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()
