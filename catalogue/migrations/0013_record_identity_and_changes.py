"""Place of publication (translated); a persistent identifier and a content-changed time for publications and
workshops. Existing rows get a distinct identifier each, and publications the time they were last updated."""

import uuid

import django.utils.timezone
from django.db import migrations, models

import catalogue.models.text


def fill(apps, schema_editor):
    for name in ("Publication", "Workshop"):
        model = apps.get_model("catalogue", name)
        is_publication = name == "Publication"
        rows = list(model.objects.only("pk", "updated_at") if is_publication else model.objects.only("pk"))
        for row in rows:
            row.uuid = uuid.uuid4()
            if is_publication:
                row.content_changed_at = row.updated_at
        fields = ["uuid", "content_changed_at"] if is_publication else ["uuid"]
        model.objects.bulk_update(rows, fields, batch_size=1000)


def place_field(language=None):
    return models.CharField(
        blank=True,
        help_text="The city where the publisher issued it, e.g. Geneva.",
        max_length=200,
        null=language is not None,
        validators=[catalogue.models.text.validate_single_line_text],
        verbose_name="place of publication",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0012_edition_issn_index"),
    ]

    operations = [
        migrations.AddField(model_name="publication", name="place", field=place_field()),
        *[
            migrations.AddField(model_name="publication", name=f"place_{language}", field=place_field(language))
            for language in ("en", "es", "fr")
        ],
        *[
            migrations.AddField(
                model_name=model,
                name="uuid",
                field=models.UUIDField(null=True, editable=False, verbose_name="persistent identifier"),
            )
            for model in ("publication", "workshop")
        ],
        *[
            migrations.AddField(
                model_name=model,
                name="content_changed_at",
                field=models.DateTimeField(
                    default=django.utils.timezone.now, editable=False, verbose_name="content changed"
                ),
            )
            for model in ("publication", "workshop")
        ],
        migrations.RunPython(fill, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=model,
                name="uuid",
                field=models.UUIDField(
                    default=uuid.uuid4, editable=False, unique=True, verbose_name="persistent identifier"
                ),
            )
            for model in ("publication", "workshop")
        ],
        *[
            migrations.AlterField(
                model_name="publication",
                name=f"corporate_author{suffix}",
                field=models.CharField(
                    blank=True,
                    help_text="Who is responsible for the content, when not the publisher.",
                    max_length=300,
                    null=bool(suffix),
                    validators=[catalogue.models.text.validate_single_line_text],
                    verbose_name="corporate author",
                ),
            )
            for suffix in ("", "_en", "_es", "_fr")
        ],
        migrations.AddIndex(
            model_name="publication",
            index=models.Index(fields=["content_changed_at"], name="publication_changed"),
        ),
    ]
