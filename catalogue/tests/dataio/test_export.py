import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from catalogue.models import Publication
from catalogue.search import search_publications

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


def catalogue_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_app_config("catalogue").get_models()}


def test_export_catalogue_round_trips_through_loaddata(tmp_path):
    call_command("loaddata", *FIXTURES, verbosity=0)
    loaded = catalogue_counts()
    exported = tmp_path / "catalogue.json"

    call_command("export_catalogue", output=str(exported), verbosity=0)
    records = json.loads(exported.read_text())
    assert {record["model"] for record in records} == {
        "catalogue.topic",
        "catalogue.series",
        "catalogue.seriesissn",
        "catalogue.publication",
        "catalogue.edition",
        "catalogue.tocentry",
        "catalogue.speaker",
        "catalogue.workshop",
        "catalogue.agendaitem",
        "catalogue.agendaparticipation",
    }
    assert all("pk" not in record for record in records)  # natural keys only
    french_edition = next(
        record["fields"]
        for record in records
        if record["model"] == "catalogue.edition" and record["fields"]["isbn"] == "9789290687801"
    )
    assert french_edition["publication"] == ["idm-28"]
    assert french_edition["pages"] == 144

    # Loading the export into the same database changes nothing…
    call_command("loaddata", str(exported), verbosity=0)
    assert catalogue_counts() == loaded
    # …and into an empty one rebuilds the catalogue and its search index.
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(exported), verbosity=0)
    assert catalogue_counts() == loaded
    results = search_publications(Publication.objects.published(), "partenariat", language="fr")
    assert "idm-28" in set(results.values_list("slug", flat=True))
