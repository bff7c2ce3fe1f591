"""PostgreSQL: the search documents' vectors read through GIN indexes whatever the word, and a vector of each
language's titles alone. Names from catalogue/search/schema.py. SQLite: nothing changes.

- The rows are kept narrow: their text and vectors go out of line past TOAST_TUPLE_TARGET bytes (PostgreSQL's
  default keeps up to 2 KB in the row), so that an index scan visits ~300-byte rows.
- The vectors have no statistics (target 0; re-created, so that none are left from before): the planner then takes
  every word for a rare one and reads its GIN index. With statistics it read a common word's documents in a
  sequential scan that detoasts every row's vector, which it does not count: ~20 times slower.
- Each vector's GIN index is one per kind of document (partial): every query names its kind, and a common word's
  scan then visits that kind's rows only.
- A title vector per language: the title tiers of a ranking (search/sets.py) from its index alone, where
  ts_filter() on the whole vector detoasted it for each match.
Adding generated columns rewrites the table: the rows already there are narrowed by it.
"""

from django.db import migrations

from catalogue.search.schema import (
    BODY_FIELDS,
    CONFIGURATIONS,
    DOCUMENT_TABLE,
    TITLE_FIELDS,
    TITLE_VECTOR_COLUMNS,
    TOAST_TUPLE_TARGET,
    VECTOR_COLUMNS,
    VECTOR_INDEXES,
    vector_index,
)

LANGUAGES = ("en", "fr", "es")  # the content languages when this migration was written
KINDS = ("publication", "workshop")


def _vector(code: str) -> str:
    # As migration 0003 defined it.
    configuration = CONFIGURATIONS[code]
    return (
        f"setweight(to_tsvector('{configuration}', {TITLE_FIELDS[code]}), 'A') || "
        f"setweight(to_tsvector('{configuration}', {BODY_FIELDS[code]}), 'B')"
    )


def _add_columns(vectors: dict) -> str:
    """One statement (one rewrite of the table) adding the generated `vectors` ({column: expression})."""
    added = [
        f"ADD COLUMN {column} tsvector GENERATED ALWAYS AS ({expression}) STORED"
        for column, expression in vectors.items()
    ]
    return f"ALTER TABLE {DOCUMENT_TABLE} {', '.join(added)}"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    vectors = {VECTOR_COLUMNS[code]: _vector(code) for code in LANGUAGES}
    for code in LANGUAGES:
        vectors[TITLE_VECTOR_COLUMNS[code]] = f"to_tsvector('{CONFIGURATIONS[code]}', {TITLE_FIELDS[code]})"
    execute = schema_editor.execute
    execute(f"ALTER TABLE {DOCUMENT_TABLE} SET (toast_tuple_target = {TOAST_TUPLE_TARGET})")
    execute(f"ALTER TABLE {DOCUMENT_TABLE} " + ", ".join(f"DROP COLUMN {VECTOR_COLUMNS[code]}" for code in LANGUAGES))
    execute(_add_columns(vectors))
    for column in vectors:
        execute(f"ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN {column} SET STATISTICS 0")
        for kind in KINDS:
            index = vector_index(column, kind)
            execute(f"CREATE INDEX {index} ON {DOCUMENT_TABLE} USING gin ({column}) WHERE kind = '{kind}'")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = [*VECTOR_COLUMNS.values(), *TITLE_VECTOR_COLUMNS.values()]
    execute = schema_editor.execute
    execute(f"ALTER TABLE {DOCUMENT_TABLE} " + ", ".join(f"DROP COLUMN {column}" for column in columns))
    execute(f"ALTER TABLE {DOCUMENT_TABLE} RESET (toast_tuple_target)")
    execute(_add_columns({VECTOR_COLUMNS[code]: _vector(code) for code in LANGUAGES}))
    for code in LANGUAGES:
        execute(f"CREATE INDEX {VECTOR_INDEXES[code]} ON {DOCUMENT_TABLE} USING gin ({VECTOR_COLUMNS[code]})")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0021_import_run_preview")]

    operations = [migrations.RunPython(forwards, backwards)]
