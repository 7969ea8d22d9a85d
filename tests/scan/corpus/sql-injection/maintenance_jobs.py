"""Nightly maintenance and export jobs run by the ops cron (sqlite3, pandas, SQLAlchemy)."""

# ruff: noqa: UP031

import argparse
import logging
import sqlite3
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, text

log = logging.getLogger("maintenance")
MANAGED_TABLES = ("sessions", "audit_log", "email_outbox")
RETENTION_DAYS = 30
engine = create_engine("postgresql+psycopg2://ops@warehouse/reporting")


def vacuum(db_path):
    conn = sqlite3.connect(db_path)
    for table in MANAGED_TABLES:
        conn.execute(
            f"DELETE FROM {table} WHERE created_at < date('now', '-{RETENTION_DAYS} days')"
        )
        log.info("pruned %s", table)
    conn.execute("VACUUM")
    conn.commit()


def run_migration(db_path, script: Path):
    conn = sqlite3.connect(db_path)
    conn.executescript(script.read_text())
    conn.commit()


def drop_tables(db_path, names):
    conn = sqlite3.connect(db_path)
    for name in names:
        conn.execute(f"DROP TABLE IF EXISTS {name}")  # expect: PR108
    conn.commit()


def export_orders(day, region, out: Path):
    frame = pd.read_sql(  # expect: PR108
        f"SELECT * FROM orders WHERE created_on = '{day}' AND region = '{region}'", engine
    )
    frame.to_csv(out, index=False)


def export_orders_safe(day, region, out: Path):
    frame = pd.read_sql(
        text("SELECT * FROM orders WHERE created_on = :day AND region = :region"),
        engine,
        params={"day": day, "region": region},
    )
    frame.to_csv(out, index=False)


def export_customer(email, out: Path):
    query = "SELECT * FROM customers WHERE email = '%s'" % email
    pd.read_sql_query(query, engine).to_csv(out, index=False)  # expect: PR108


def reindex(schema):
    with engine.begin() as conn:
        conn.exec_driver_sql(f"REINDEX SCHEMA {schema}")  # expect: PR108
        conn.exec_driver_sql("ANALYZE")


def purge_user(user_id):
    with engine.begin() as conn:
        for table in MANAGED_TABLES:
            conn.execute(text(f"DELETE FROM {table} WHERE user_id = :uid"), {"uid": user_id})


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="app.db")
    parser.add_argument("--drop", nargs="*", default=[])
    parser.add_argument("--recipient", default="")
    args = parser.parse_args(argv)
    vacuum(args.db)
    drop_tables(args.db, args.drop)
    conn = sqlite3.connect(args.db)
    rows = conn.execute(  # expect: PR108
        "SELECT count(*) FROM email_outbox WHERE recipient = '" + args.recipient + "'"
    ).fetchone()
    log.info("outbox rows for %s: %s", args.recipient, rows[0])
    statement = f"DELETE FROM email_outbox WHERE recipient = '{args.recipient}'"
    print(f"to purge them run: {statement}")


if __name__ == "__main__":
    main()
