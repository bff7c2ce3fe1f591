"""The staff roles as groups (catalogue/editorial/roles.py explains them; a test keeps both in step).

The permission lists are frozen here, as a migration must be; a later change of a role is a new migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = [
    "publication",
    "edition",
    "tocentry",
    "series",
    "seriesissn",
    "topic",
    "workshop",
    "agendaitem",
    "agendaparticipation",
    "speaker",
]
ROWS = ["edition", "tocentry", "seriesissn", "agendaitem", "agendaparticipation"]
ROLES = {
    "Editor": [f"{a}_{m}" for m in MODELS for a in ("add", "change", "view")] + [f"delete_{m}" for m in ROWS],
    "Publisher": [f"{a}_{m}" for m in MODELS for a in ("add", "change", "delete", "view")]
    + ["publish_publication", "publish_workshop"],
    "Translator": [f"view_{m}" for m in MODELS] + ["translate"],
}


def create_roles(apps, schema_editor):
    # Permissions are otherwise created after the last migration; the groups need them now.
    app_config = apps.get_app_config("catalogue")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)
        permissions = Permission.objects.using(schema_editor.connection.alias).filter(
            content_type__app_label="catalogue", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        assert not missing, f"permissions missing for {name}: {sorted(missing)}"
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalogue", "0007_workflow_states_and_staff_languages"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
