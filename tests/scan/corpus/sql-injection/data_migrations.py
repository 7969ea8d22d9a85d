"""Data migrations and maintenance helpers: SQL built from literals the code spells out."""

import sqlite3

from django.db import connection, migrations
from passlib.hash import pbkdf2_sha256


def constraint_definitions(table_name):
    cursor = connection.cursor()
    query = """
        SELECT pg_get_constraintdef(pg_constraint.oid)
        FROM pg_constraint INNER JOIN pg_class ON conrelid = pg_class.oid
        WHERE relname = '{}'
    """.format(table_name)
    cursor.execute(query)
    return [row[0] for row in cursor.fetchall()]


def drop_constraints(table_name):
    cursor = connection.cursor()
    cursor.execute(
        "SELECT conname FROM pg_constraint INNER JOIN pg_class ON conrelid = pg_class.oid "
        "WHERE relname = '%s'" % table_name
    )
    cursor.execute(f'ALTER TABLE "{table_name}" DROP CONSTRAINT IF EXISTS "{table_name}_pkey"')


def swap_history_tables(apps, schema_editor):
    saved = constraint_definitions("history_entry")
    saved += constraint_definitions("notifications_history_entries")
    drop_constraints("notifications_history_entries")
    cursor = connection.cursor()
    for statement in saved:
        cursor.execute(statement)


def add_default_statuses(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    project_ids = Project.objects.filter(default_status__isnull=True).values_list("id", flat=True)
    if not project_ids:
        return
    rows = []
    for project_id in project_ids:
        rows.append("('New', 'new', 1, {project_id})".format(project_id=project_id))
        rows.append("('Done', 'done', 2, {project_id})".format(project_id=project_id))
    sql = "INSERT INTO projects_status (name, slug, position, project_id) VALUES {values}"
    connection.cursor().execute(sql.format(values=", ".join(rows)))


def rename_tags(apps, schema_editor):
    Tag = apps.get_model("tags", "Tag")
    cursor = connection.cursor()
    for name in Tag.objects.values_list("name", flat=True):
        cursor.execute(  # expect: PR108
            "UPDATE tags_tag SET slug = lower('%s') WHERE name = '%s'" % (name, name)
        )


def seed_demo_users(path):
    users = [
        ("admin", pbkdf2_sha256.hash("demo-admin")),
        ("viewer", pbkdf2_sha256.hash("demo-viewer")),
    ]
    conn = sqlite3.connect(path)
    c = conn.cursor()
    for user, digest in users:
        c.execute("INSERT INTO users (user, password) VALUES ('%s', '%s')" % (user, digest))
    conn.commit()


def deferred_cleanup(owner):
    def run(cursor):
        cursor.execute(f"DELETE FROM drafts WHERE owner = '{owner}'")  # expect: PR108

    return run


class Migration(migrations.Migration):
    dependencies = [("projects", "0051_auto")]
    operations = [
        migrations.RunPython(add_default_statuses, migrations.RunPython.noop),
        migrations.RunPython(swap_history_tables, migrations.RunPython.noop),
        migrations.RunPython(rename_tags, migrations.RunPython.noop),
    ]
