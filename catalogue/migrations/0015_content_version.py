"""The catalogue's content version (one row stamped on every write) and an index reading the latest workshop that
became public."""

from django.db import migrations, models
from django.utils import timezone


def create_row(apps, schema_editor):
    apps.get_model("catalogue", "CatalogueChange").objects.create(pk=1, changed_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0014_document_pages'),
    ]

    operations = [
        migrations.CreateModel(
            name='CatalogueChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('changed_at', models.DateTimeField()),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='workshop',
            index=models.Index(fields=['publish_date', 'status'], name='workshop_recent'),
        ),
    ]
