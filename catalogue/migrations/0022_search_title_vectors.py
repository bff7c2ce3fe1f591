"""PostgreSQL: the search documents' vectors read through their GIN indexes whatever the word, and a vector of each
language's titles alone. Names from catalogue/search/schema.py. SQLite: nothing changes.

- The rows are kept narrow: their text and vectors go out of line past TOAST_TUPLE_TARGET bytes (PostgreSQL's
  default keeps up to 2 KB in the row), so that an index scan visits ~100-byte rows.
- The vectors have no statistics (target 0; re-created, so that none are left from before): the planner then takes
  every word for a rare one and reads its GIN index. With statistics it read a common word's documents in a
  sequential scan that detoasts every row's vector, which it does not count: ~20 times slower.
- A title vector per language, with its GIN index: the title tiers of a ranking (search/sets.py) from the index
  alone, where ts_filter() on the whole vector detoasted it for each match.
Adding generated columns rewrites the table: the rows already there are narrowed by it.
"""

from django.db import migrations

from catalogue.search.schema import (
    BODY_FIELDS,
    CONFIGURATIONS,
    DOCUMENT_TABLE,
    TITLE_FIELDS,
    TITLE_VECTOR_COLUMNS,
    TITLE_VECTOR_INDEXES,
    TOAST_TUPLE_TARGET,
    VECTOR_COLUMNS,
    VECTOR_INDEXES,
)

LANGUAGES = ("en", "fr", "es")  # the content languages when this migration was written


def _vector(code: str) -> str:
    # As migration 0003 defined it.
    configuration = CONFIGURATIONS[code]
    return (
        f"setweight(to_tsvector('{configuration}', {TITLE_FIELDS[code]}), 'A') || "
        f"setweight(to_tsvector('{configuration}', {BODY_FIELDS[code]}), 'B')"
    )


def _columns(vectors: dict, *, statistics: bool) -> list[str]:
    """Statements adding `vectors` ({column: (expression, index)}) with their GIN indexes (and without statistics,
    unless `statistics`)."""
    statements = [
        f"ALTER TABLE {DOCUMENT_TABLE} "
        + ", ".join(
            f"ADD COLUMN {column} tsvector GENERATED ALWAYS AS ({expression}) STORED"
            for column, (expression, _index) in vectors.items()
        )  # one rewrite of the table for all
    ]
    for column, (_expression, index) in vectors.items():
        if not statistics:
            statements.append(f"ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN {column} SET STATISTICS 0")
        statements.append(f"CREATE INDEX {index} ON {DOCUMENT_TABLE} USING gin ({column})")
    return statements


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    vectors = {VECTOR_COLUMNS[code]: (_vector(code), VECTOR_INDEXES[code]) for code in LANGUAGES}
    for code in LANGUAGES:
        title = f"to_tsvector('{CONFIGURATIONS[code]}', {TITLE_FIELDS[code]})"
        vectors[TITLE_VECTOR_COLUMNS[code]] = (title, TITLE_VECTOR_INDEXES[code])
    schema_editor.execute(f"ALTER TABLE {DOCUMENT_TABLE} SET (toast_tuple_target = {TOAST_TUPLE_TARGET})")
    schema_editor.execute(
        f"ALTER TABLE {DOCUMENT_TABLE} " + ", ".join(f"DROP COLUMN {VECTOR_COLUMNS[code]}" for code in LANGUAGES)
    )
    for statement in _columns(vectors, statistics=False):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = [*VECTOR_COLUMNS.values(), *TITLE_VECTOR_COLUMNS.values()]
    schema_editor.execute(f"ALTER TABLE {DOCUMENT_TABLE} " + ", ".join(f"DROP COLUMN {column}" for column in columns))
    schema_editor.execute(f"ALTER TABLE {DOCUMENT_TABLE} RESET (toast_tuple_target)")
    vectors = {VECTOR_COLUMNS[code]: (_vector(code), VECTOR_INDEXES[code]) for code in LANGUAGES}
    for statement in _columns(vectors, statistics=True):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0021_import_run_preview")]

    operations = [migrations.RunPython(forwards, backwards)]
