"""SQLite: the FTS table keeps which columns of a row hold each word, not each word's positions (`detail=column`).

Searches use one-word phrases only (a query's words are matched one by one, each in its language's columns), so
positions served nothing but the bm25() term frequencies: a word counts once per column it is in. The index is about
half the size (at 100,000 publications 157 MB instead of 280 MB) and a word in nearly every record is read in half
the time. The rows are copied as they are (their text is already folded and stemmed): about 30 s at 100,000
publications. PostgreSQL has no such table: nothing to do there.
"""

from django.db import migrations

FTS_TABLE = "catalogue_search_fts"  # the values of schema.py, as they were when this migration was written
TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"


def remake(detail: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            # Its columns as they are: a title and a body column per content language (settings.MODELTRANSLATION_LANGUAGES).
            cursor.execute(f"SELECT name FROM pragma_table_info('{FTS_TABLE}') ORDER BY cid")
            columns = ", ".join(name for (name,) in cursor.fetchall())
            cursor.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE}_new USING fts5({columns}, {TOKENIZE}{detail})")
            cursor.execute(f"INSERT INTO {FTS_TABLE}_new (rowid, {columns}) SELECT rowid, {columns} FROM {FTS_TABLE}")
            cursor.execute(f"DROP TABLE {FTS_TABLE}")
            cursor.execute(f"ALTER TABLE {FTS_TABLE}_new RENAME TO {FTS_TABLE}")

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0020_listing_indexes")]

    operations = [migrations.RunPython(remake(", detail = column"), remake(""))]
