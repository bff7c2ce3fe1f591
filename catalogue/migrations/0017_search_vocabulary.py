"""The vocabulary of the search index (SearchWord) and the flag of the documents counted in it.

On PostgreSQL, "did you mean" finds words by trigram similarity (pg_trgm) through a GIN trigram index; SQLite
filters candidates with the (word, language) index instead (catalogue/search/suggest.py). The vocabulary starts
empty: `manage.py rebuild_search_vocabulary` (or rebuild_search_index) fills it from the documents.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

WORD_TABLE = "catalogue_searchword"
TRIGRAM_INDEX = "catalogue_searchword_word_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {TRIGRAM_INDEX} ON {WORD_TABLE} USING gin (word gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0016_import_run"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on SQLite
        migrations.AddField(
            model_name="searchdocument",
            name="public",
            field=models.BooleanField(default=False),
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=64)),
                ("language", models.CharField(max_length=8)),
                ("spelling", models.CharField(max_length=64)),
                ("document_count", models.IntegerField()),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
                "constraints": [models.UniqueConstraint(fields=("word", "language"), name="unique_search_word")],
            },
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
