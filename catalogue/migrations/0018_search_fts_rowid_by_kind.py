"""SQLite: the FTS table's rows keyed by their document's kind and object id instead of SearchDocument.id.

catalogue/search/schema.py's fts_rowid(): a publication's rowid is its id, a workshop's 2**40 plus its id, so that a
search reads one kind's matches as a rowid range of the FTS index alone. The rows keep their stemmed text; only their
rowids change. PostgreSQL has no such table: nothing to do there.
"""

from django.db import migrations

FTS_TABLE = "catalogue_search_fts"
DOCUMENT_TABLE = "catalogue_searchdocument"
WORKSHOP_BLOCK = 1 << 40  # the values of schema.py, as they were when this migration was written

KEYED_BY_KIND = (
    f"UPDATE {FTS_TABLE} SET rowid = (SELECT CASE d.kind WHEN 'workshop' THEN {WORKSHOP_BLOCK} ELSE 0 END + d.object_id "
    f"FROM {DOCUMENT_TABLE} d WHERE d.id = {FTS_TABLE}.rowid)"
)
KEYED_BY_DOCUMENT = (
    f"UPDATE {FTS_TABLE} SET rowid = (SELECT d.id FROM {DOCUMENT_TABLE} d WHERE d.object_id = {FTS_TABLE}.rowid - "
    f"CASE WHEN {FTS_TABLE}.rowid >= {WORKSHOP_BLOCK} THEN {WORKSHOP_BLOCK} ELSE 0 END "
    f"AND d.kind = CASE WHEN {FTS_TABLE}.rowid >= {WORKSHOP_BLOCK} THEN 'workshop' ELSE 'publication' END)"
)


def rekey(sql, *, stale: str = ""):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        with schema_editor.connection.cursor() as cursor:
            if stale:  # rows whose document is gone (none, if the index is in step) would get no rowid
                cursor.execute(stale)
            cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0017_search_vocabulary")]

    operations = [
        migrations.RunPython(
            rekey(KEYED_BY_KIND, stale=f"DELETE FROM {FTS_TABLE} WHERE rowid NOT IN (SELECT id FROM {DOCUMENT_TABLE})"),
            rekey(KEYED_BY_DOCUMENT),
        )
    ]
