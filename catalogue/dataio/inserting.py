"""Inserting many new rows of one model fast: one multi-row INSERT … RETURNING per chunk, values prepared once per
field kind.

`QuerySet.bulk_create()` compiles every value of every row through the field's `pre_save()` and
`get_db_prep_save()` and, on SQLite, sends at most 999 parameters per statement (22 publications): for an import of
10,000 publications that alone costs more than a millisecond per publication. Here a field whose value goes to the
database as it is (text, integers, foreign keys, None) is passed through; every other field (dates, decimals, UUIDs,
files, auto_now times, ISBNs normalised on save) still goes through its own `pre_save()` and `get_db_prep_save()`,
so the rows stored are the ones bulk_create would store. Like bulk_create, no signals and no `save()`: the
callers validate first and index afterwards. The primary keys come back with RETURNING, in the order of the rows,
as bulk_create reads them on both databases.
"""

import sqlite3
from functools import cache

from django.db import connections, models

# Fields whose get_prep_value() leaves a str, int or None as it is.
PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.ForeignKey)
_PLAIN_PREP = {
    models.CharField.get_prep_value,
    models.TextField.get_prep_value,
    models.IntegerField.get_prep_value,
    models.ForeignKey.get_prep_value,
}
_PLAIN_SAVE = {models.Field.get_db_prep_save, models.ForeignKey.get_db_prep_save}  # a key: its target's integer
_PASSED = (str, int, type(None))


def insert_instances(instances: list[models.Model], *, using: str) -> None:
    """INSERT the new, unsaved `instances` (all of one model) and set their primary keys."""
    if not instances:
        return
    model = type(instances[0])
    connection = connections[using]
    fields, prepared, stamped = _fields(model)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    row_sql = f"({', '.join(['%s'] * len(fields))})"
    pk_column = quote(model._meta.pk.column)
    size = max(1, _max_parameters(connection) // len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(instances), size):
            chunk = instances[start : start + size]
            params = []
            for instance in chunk:
                instance._prepare_related_fields_for_save(operation_name="bulk_create")  # a parent saved since
                for field in stamped:  # auto_now times, files, normalised identifiers: the field's own pre_save
                    setattr(instance, field.attname, field.pre_save(instance, True))
                for field, prepare in zip(fields, prepared, strict=True):
                    value = getattr(instance, field.attname)
                    params.append(
                        value if not prepare and type(value) in _PASSED else field.get_db_prep_save(value, connection)
                    )
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {', '.join([row_sql] * len(chunk))} "
                f"RETURNING {pk_column}",
                params,
            )
            for instance, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                instance.pk = pk
                instance._state.adding, instance._state.db = False, using


@cache
def _fields(model: type[models.Model]) -> tuple[list, list[bool], list]:
    """The columns an INSERT writes, whether each value needs get_db_prep_save(), and the fields with a pre_save()."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    prepared = [
        not (isinstance(field, PLAIN_FIELDS) and type(field).get_prep_value in _PLAIN_PREP)
        or type(field).get_db_prep_save not in _PLAIN_SAVE
        for field in fields
    ]
    stamped = [field for field in fields if type(field).pre_save is not models.Field.pre_save]
    return fields, prepared, stamped


def _max_parameters(connection) -> int:
    if connection.vendor == "sqlite":
        # The compiled-in limit (32,766 since SQLite 3.32), not the 999 of older builds that Django assumes.
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 30_000  # PostgreSQL: a statement's parameters are counted in 16 bits
