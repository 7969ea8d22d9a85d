"""Data-access layer of a billing service on psycopg2, written by hand without an ORM."""

import logging

import psycopg2
from psycopg2 import sql
from psycopg2.extras import RealDictCursor, execute_values

log = logging.getLogger(__name__)

ACCOUNT_COLUMNS = ("email", "display_name", "plan", "country")
EDITABLE = frozenset({"display_name", "country"})


class AccountRepository:
    TABLE = "accounts"

    def __init__(self, dsn):
        self.conn = psycopg2.connect(dsn)

    def get(self, account_id):
        with self.conn.cursor(cursor_factory=RealDictCursor) as cur:
            cur.execute(f"SELECT * FROM {self.TABLE} WHERE id = %s", (account_id,))
            return cur.fetchone()

    def find_by_email(self, email):
        with self.conn.cursor(cursor_factory=RealDictCursor) as cur:
            cur.execute(f"SELECT * FROM {self.TABLE} WHERE email = '{email}'")  # expect: PR108
            return cur.fetchone()

    def search(self, text, plan=None):
        query = "SELECT id, email FROM accounts WHERE display_name ILIKE '%" + text + "%'"
        if plan:
            query += " AND plan = %s"
        log.debug("account search: %s", query)
        with self.conn.cursor() as cur:
            cur.execute(query, (plan,) if plan else None)  # expect: PR108
            return cur.fetchall()

    def update(self, account_id, changes):
        assignments = ", ".join(f"{column} = %s" for column in changes)
        with self.conn.cursor() as cur:
            cur.execute(  # expect: PR108
                f"UPDATE accounts SET {assignments} WHERE id = %s",
                [*changes.values(), account_id],
            )
        self.conn.commit()

    def update_editable(self, account_id, changes):
        columns = [c for c in ACCOUNT_COLUMNS if c in EDITABLE and c in changes]
        assignments = ", ".join(f"{column} = %s" for column in columns)
        with self.conn.cursor() as cur:
            cur.execute(
                f"UPDATE accounts SET {assignments} WHERE id = %s",
                [*(changes[c] for c in columns), account_id],
            )
        self.conn.commit()

    def sorted_page(self, column, descending, limit):
        query = sql.SQL("SELECT id, email FROM accounts ORDER BY {} {} LIMIT %s").format(
            sql.Identifier(column), sql.SQL("DESC" if descending else "ASC")
        )
        with self.conn.cursor() as cur:
            cur.execute(query, (limit,))
            return cur.fetchall()

    def by_ids(self, ids):
        with self.conn.cursor() as cur:
            cur.execute(  # expect: PR108
                "SELECT id, email FROM accounts WHERE id IN (" + ",".join(ids) + ")"
            )
            return cur.fetchall()

    def by_ids_safe(self, ids):
        placeholders = ", ".join(["%s"] * len(ids))
        with self.conn.cursor() as cur:
            cur.execute(f"SELECT id, email FROM accounts WHERE id IN ({placeholders})", ids)
            return cur.fetchall()

    def import_rows(self, rows):
        with self.conn.cursor() as cur:
            execute_values(cur, "INSERT INTO accounts (email, plan) VALUES %s", rows)
            cur.executemany(
                "INSERT INTO account_events (email, kind) VALUES (%s, 'imported')",
                [(r[0],) for r in rows],
            )
        self.conn.commit()

    def archive(self, partition):
        with self.conn.cursor() as cur:
            cur.execute(  # expect: PR108
                sql.SQL(f"CREATE TABLE archive_{partition} AS SELECT * FROM accounts")
            )
            cur.execute(
                sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(f"staging_{partition}"))
            )
        self.conn.commit()

    def copy_emails(self, target_table, rows):
        with self.conn.cursor() as cur:
            cur.executemany(  # expect: PR108
                f"INSERT INTO {target_table} (email) VALUES (%s)", rows
            )
        self.conn.commit()
