"""pg_trgm GIN index for the portal's Chinese substring search (design.md §2: GIN on UPPER(col) makes
``icontains`` fast on 1 M rows). PostgreSQL only; SQLite does a plain LIKE and needs nothing.

Django's ``search_text__icontains`` compiles to ``UPPER("search_text"::text) LIKE UPPER(%s)`` on PostgreSQL,
which this expression index serves.
"""

from django.db import migrations

INDEX = "publication_search_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON publicity_publication "
        "USING gin (UPPER(search_text) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("publicity", "0002_kind_key_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
