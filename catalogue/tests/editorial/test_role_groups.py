"""The role groups: created by migration 0008, in step with catalogue/editorial/roles.py."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection

from catalogue.editorial import roles

migration = importlib.import_module("catalogue.migrations.0008_staff_roles")


def test_migration_freezes_the_roles_of_editorial_roles():
    assert {name: sorted(codenames) for name, codenames in migration.ROLES.items()} == roles.ROLE_PERMISSIONS


@pytest.mark.django_db
def test_the_migration_creates_each_role_group_with_exactly_its_permissions():
    # As on a new database: no group yet, and the catalogue's permissions not created (they come after the last
    # migration, which is why the migration creates them itself).
    Group.objects.all().delete()
    Permission.objects.filter(content_type__app_label="catalogue").delete()

    migration.create_roles(apps, SimpleNamespace(connection=connection))

    groups = {
        group.name: sorted(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.prefetch_related("permissions")
    }

    assert groups == roles.ROLE_PERMISSIONS
    assert set(roles.ROLE_PERMISSIONS["Translator"]) == {
        "translate",
        *(f"view_{model}" for model in roles.CATALOGUE_MODELS),
    }
    assert {"publish_publication", "publish_workshop"} <= set(groups["Publisher"])
    assert not {"publish_publication", "publish_workshop", "delete_publication"} & set(groups["Editor"])
