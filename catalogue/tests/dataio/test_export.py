import csv
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from modeltranslation.translator import translator

from catalogue.dataio.cells import Heading
from catalogue.dataio.export import catalogue_export_table, export_rows
from catalogue.dataio.tabular import write_table
from catalogue.i18n import content_languages
from catalogue.models import Publication, Workshop
from catalogue.search import search_publications
from catalogue.tests.factories import EditionFactory, PublicationFactory, create_idm28_by_iom

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


# The spreadsheet layout: export, then import into an empty catalogue, gives the same records.


def headings(publication: Publication) -> list[Heading]:
    """The publication's stored contents as headings, read from its TocEntry instances (not as the export reads them:
    cells.stored_contents), each at its depth under its parents."""
    depths, found = {}, []
    for entry in publication.toc_entries.order_by("position"):
        depths[entry.pk] = depths[entry.parent_id] + 1 if entry.parent_id else 0
        titles = tuple(getattr(entry, f"title_{code}") or "" for code in content_languages())
        found.append(Heading(depths[entry.pk], entry.kind, entry.page, titles))
    return found


def record_snapshot() -> list[dict]:
    """Every publication with its editions, contents and topics, as comparable values (an empty translation
    counts the same whether stored as "" or NULL)."""
    translated = set(translator.get_options_for_model(Publication).fields)
    skipped = {"id", "created_at", "updated_at", "content_changed_at", "cover_image", *translated}
    records = []
    for publication in Publication.objects.order_by("series__slug", "number"):
        fields = {
            field.attname: getattr(publication, field.attname) or None
            for field in Publication._meta.concrete_fields
            if field.name not in skipped
        }
        editions = [
            {key: value or None for key, value in edition.items() if key not in ("id", "publication_id", "position")}
            for edition in publication.editions.order_by("position").values()
        ]
        records.append(
            {
                **fields,
                "topics": sorted(publication.topics.values_list("slug", flat=True)),
                "editions": editions,
                "contents": headings(publication),
            }
        )
    return records


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_catalogue_gives_identical_records(kind, tmp_path):
    idm28 = create_idm28_by_iom()
    other = PublicationFactory(
        series=idm28.series, number=29, subtitle_en="A subtitle", summary_fr="Ligne 1\nLigne 2", status="draft",
        publish_date=None, participants_count=600, participants_precision="more-than", reference_number="PUB/1",
    )  # fmt: skip
    EditionFactory(publication=other, language="ar", format="print", price="12.50", currency="USD", position=4)
    EditionFactory(publication=other, language="en", format="epub", isbn="0-306-40615-2", date="2020-01-31")
    PublicationFactory(series=idm28.series, number=30, title_en="=SUM(A1:A2) is text, not a formula")
    before = record_snapshot()
    path = tmp_path / f"catalogue.{kind}"

    call_command("export_catalogue", format=kind, output=str(path))
    Workshop.objects.all().delete()
    Publication.objects.all().delete()
    call_command("import_catalogue", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert record_snapshot() == before
    published = Publication.objects.published()
    assert list(search_publications(published, "9789290687801", language="en").values_list("number", flat=True)) == [28]
    out = io.StringIO()
    call_command("import_catalogue", str(path), stdout=out, stderr=io.StringIO())
    assert "0 publications created, 0 updated, 3 unchanged, 0 refused" in out.getvalue()
    assert record_snapshot() == before


def test_the_csv_export_writes_exactly_the_rows_of_the_layout_one_by_one():
    """The CSV path quotes a publication's cells once for all its rows: the file is the one the generic writer
    makes of export_rows(), cell for cell, whatever the cells hold."""
    idm28 = create_idm28_by_iom()
    tricky = PublicationFactory(
        series=idm28.series, number=29, title_en='A "quoted", comma title', summary_fr="Ligne 1\r\nLigne 2\n",
        subtitle_es="", participants_count=600, participants_precision="more-than",
    )  # fmt: skip
    EditionFactory(publication=tricky, language="ar", format="print", price="12.50", currency="USD", position=4)
    EditionFactory(publication=tricky, language="en", format="epub", isbn="0-306-40615-2", date="2020-01-31")
    PublicationFactory(series=idm28.series, number=30, title_en="No edition, so one row")
    fast, generic = io.BytesIO(), io.BytesIO()

    catalogue_export_table(publications=Publication.objects.all(), kind="csv", handle=fast)
    write_table(export_rows(Publication.objects.all()), "csv", generic)

    assert fast.getvalue() == generic.getvalue()
    rows = list(csv.DictReader(io.StringIO(fast.getvalue().decode())))
    assert [(row["number"], row["edition_language"], row["price"]) for row in rows] == [
        ("28", "en", ""), ("28", "fr", ""), ("28", "es", ""), ("29", "en", ""), ("29", "ar", "12.50"), ("30", "", "")
    ]  # fmt: skip
    assert rows[3]["title_en"] == rows[4]["title_en"] == 'A "quoted", comma title'
    assert rows[4]["summary_fr"] == "Ligne 1\r\nLigne 2\n"


def test_export_catalogue_in_the_layout_needs_an_output_file():
    with pytest.raises(CommandError, match=r"--format csv writes a file: give it with --output FILE\."):
        call_command("export_catalogue", format="csv")
