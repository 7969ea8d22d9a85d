"""An Alembic data migration, the cache layer and a debugging helper of the same service."""

import logging
import subprocess

import redis
import sqlalchemy as sa
from alembic import op

log = logging.getLogger(__name__)
cache = redis.Redis(host="cache", port=6379)
revision = "7f3a2c1d9e10"
down_revision = "4b1e0c9a8d22"

LEGACY_STATUSES = {"open": "pending", "done": "completed", "void": "cancelled"}
TABLES_WITH_TENANT = ("orders", "invoices", "customers")
DEFAULT_TENANT = "public"


def upgrade():
    op.add_column("orders", sa.Column("tenant", sa.String(64), nullable=True))
    for old, new in LEGACY_STATUSES.items():
        op.execute(f"UPDATE orders SET status = '{new}' WHERE status = '{old}'")
    for table in TABLES_WITH_TENANT:
        op.execute(f"UPDATE {table} SET tenant = '{DEFAULT_TENANT}' WHERE tenant IS NULL")
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, legacy_ref FROM orders WHERE legacy_ref IS NOT NULL"))
    for order_id, legacy_ref in rows:
        conn.execute(  # expect: PR108
            sa.text(
                f"UPDATE orders SET external_ref = '{legacy_ref.strip()}' WHERE id = {order_id}"
            )
        )


def downgrade():
    op.drop_column("orders", "tenant")


def cached_count(engine, table):
    key = f"count:{table}"
    hit = cache.get(key)
    if hit is not None:
        return int(hit)
    with engine.connect() as conn:
        value = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # expect: PR108
    cache.execute_command(f"SET {key} {value} EX 60")
    return value


def cached_customer(engine, customer_id):
    key = f"customer:{customer_id}"
    payload = cache.get(key)
    if payload is None:
        with engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT name, email FROM customers WHERE id = :id"), {"id": customer_id}
            ).first()
        payload = f"{row.name}|{row.email}"
        cache.set(key, payload, ex=300)
    return payload


def explain(engine, sql_text, params):
    log.debug(f"EXPLAIN {sql_text} -- params: {params}")
    with engine.connect() as conn:
        return conn.execute(sa.text("EXPLAIN " + sql_text), params).all()


def dump_table(table, path):
    subprocess.run(
        ["pg_dump", "--table", table, "--file", path, "--data-only", "service"], check=True
    )
    log.info(f"dumped SELECT * FROM {table} into {path}")


def tenant_rows(engine, tenant, table="orders"):
    if table not in TABLES_WITH_TENANT:
        raise ValueError(table)
    stmt = sa.text(f"SELECT * FROM {table} WHERE tenant = :tenant")
    with engine.connect() as conn:
        return conn.execute(stmt, {"tenant": tenant}).all()
