# ruff: noqa: S608
"""Alembic revisions and a datastore backend: enum values, generated ids, catalog names,
quoting helpers, and the places where request values still reach the SQL text."""

from enum import IntEnum
from uuid import uuid4

import sqlalchemy as sa
from alembic import op
from flask import request

_TIMEOUT = 60000
name_formats = {0: "first_last", 1: "last_first", 2: "last_f"}


class _RevisionType(IntEnum):
    new = 1
    ready_for_review = 2
    acceptance = 3


def identifier(s):
    return '"' + s.replace('"', '""').replace("\0", "") + '"'


def literal_string(s):
    return "'" + s.replace("'", "''").replace("\0", "") + "'"


def upgrade():
    op.execute(f"UPDATE event_editing.revisions SET type = {_RevisionType.acceptance} WHERE type IS NULL")
    for value, name in name_formats.items():
        op.execute(f"UPDATE users.settings SET value = '{name}' WHERE value = '{value}'")


def downgrade():
    op.execute(f"INSERT INTO oauth.applications (name, client_id) VALUES ('Flower', '{uuid4()}')")


def drop_old_indexes(schema_editor):
    cursor = schema_editor.connection.cursor()
    cursor.execute("SELECT name FROM sqlite_master WHERE type='index' AND name LIKE 'old_%'")
    for (index_name,) in cursor.fetchall():
        cursor.execute(f'DROP INDEX IF EXISTS "{index_name}"')


def create_trigger(connection, resource_id):
    connection.execute(sa.text(f"CREATE TRIGGER zfulltext BEFORE INSERT ON {identifier(resource_id)}"))


def set_comment(connection, resource_id, comment):
    connection.execute(
        sa.text(f"COMMENT ON TABLE {identifier(resource_id)} IS {literal_string(comment)}")
    )


def search(context, resource_id):
    timeout = context.get("query_timeout", _TIMEOUT)
    context["connection"].execute(sa.text(f"SET LOCAL statement_timeout TO {timeout}"))


def delete_resource(connection, resource_id):
    connection.execute(sa.text(f'DROP TABLE "{resource_id}"'))  # expect: PR108


def table_info(connection):
    resource_id = request.args["resource_id"]
    return connection.execute(sa.text(f"PRAGMA table_info('{resource_id}')"))  # expect: PR108


def sort_rows(connection, resource_id):
    order = request.args.get("sort", "_id")
    return connection.execute(  # expect: PR108
        sa.text(f"SELECT * FROM {identifier(resource_id)} ORDER BY {order}")
    )


def rename_column(connection, old, new):
    connection.execute(sa.text(f"ALTER TABLE t RENAME COLUMN {old} TO {new.replace('-', '_')}"))  # expect: PR108
