"""Search inside edition PDFs (catalogue/search/documents_text.py): each page's text extracted when the PDF is
stored, indexed in the edition's language, found with its page number; large PDFs left to `extract_documents`,
scans marked as having no text layer."""

from io import StringIO

import lxml.html
import pytest
from django.core.management import call_command
from django.urls import reverse

from catalogue.models import DocumentPage, Edition, Publication
from catalogue.search import document_hits, rebuild_index, search_publications
from catalogue.tests.factories import EditionFactory, PublicationFactory, SeriesFactory
from catalogue.tests.upload_files import pdf_bytes, text_pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def publication():
    return PublicationFactory(series=SeriesFactory(), slug="idm-28", title_en="Migration and health")


def found(query: str, language: str = "en") -> list[str]:
    publications = search_publications(Publication.objects.all(), query, language=language)
    return sorted(publications.values_list("slug", flat=True))


def hits(query: str) -> list[tuple[str, int]]:
    publications = list(Publication.objects.prefetch_related("editions"))
    return [
        (hit.edition.language, hit.number)
        for found_hits in document_hits(publications, query, using="default").values()
        for hit in found_hits
    ]


def add_pdf(publication, language: str, pages: list[str]) -> Edition:
    return EditionFactory(publication=publication, language=language, file=upload("x.pdf", text_pdf_bytes(pages)))


def test_words_found_only_inside_a_pdf_find_its_edition_with_the_page(publication):
    add_pdf(publication, "fr", ["Sommaire", "", "Les gens de mer bloqués en quarantaine à Genève."])
    PublicationFactory(series=publication.series, number=29, slug="idm-29", title_en="Quarantine rules")

    assert found("quarantaine bloques geneve") == ["idm-28"]  # accents folded
    assert found("QUARANTAINE gens") == ["idm-28"]
    assert found("bloqué") == ["idm-28"]  # the French stem of the page's word
    assert found("quarantine") == ["idm-29"]  # another word, in another publication's title
    assert found("quarantaine sommaire") == []  # every word on one page
    assert hits("mer quarantaine") == [("fr", 3)]


def test_page_text_is_stemmed_in_its_edition_language(publication):
    add_pdf(publication, "es", ["Las políticas migratorias de los gobiernos"])
    add_pdf(publication, "en", ["Governments adopted policies"])

    assert hits("política migratoria") == [("es", 1)]  # "políticas migratorias" under the Spanish stemmer
    assert hits("policy") == [("en", 1)]  # "policies" under the English one
    assert hits("zzz") == []


def test_spanish_singulars_and_plurals_find_each_other_inside_a_pdf(publication):
    add_pdf(publication, "es", ["Los jóvenes de la ciudad", "", "Las voces de las ciudades"])

    assert hits("joven") == [("es", 1)]  # the stemmer gives "joven" and "jóvenes" no common stem
    assert hits("jovenes ciudades") == [("es", 1)]
    assert hits("ciudad") == [("es", 1), ("es", 3)]
    assert hits("voz") == [("es", 3)]
    assert found("joven ciudades") == ["idm-28"]


def test_pdf_in_a_language_without_a_stemmer_is_found_by_its_words(publication):
    add_pdf(publication, "pt", ["Migração laboral"])

    assert found("migracao laboral") == ["idm-28"]


def test_scanned_pdf_without_text_is_marked_and_a_text_pdf_done(publication):
    scan = EditionFactory(publication=publication, language="fr", file=upload("scan.pdf", pdf_bytes(pages=3)))
    text = add_pdf(publication, "en", ["Health", "", "Annex"])

    assert (scan.text_state, scan.get_text_state_display()) == ("no-text", "No text layer (a scan)")
    assert Edition.objects.get(pk=text.pk).text_state == "done"
    assert list(DocumentPage.objects.order_by("edition", "number").values_list("edition", "number", "text")) == [
        (text.pk, 1, "Health"),
        (text.pk, 3, "Annex"),
    ]


def test_large_pdf_is_pending_until_extract_documents(publication, settings):
    settings.IDM_DOCUMENT_TEXT_INLINE_PAGES = 2
    edition = add_pdf(publication, "en", ["One", "Two", "Seafarers stranded"])
    pending = (Edition.objects.get(pk=edition.pk).text_state, found("seafarers"))
    output = StringIO()

    call_command("extract_documents", stdout=output)

    assert pending == ("pending", [])
    assert output.getvalue() == "Edition PDFs: Searchable: 1.\n"
    assert (Edition.objects.get(pk=edition.pk).text_state, found("seafarers")) == ("done", ["idm-28"])
    assert hits("stranded") == [("en", 3)]


def test_replaced_removed_and_relanguaged_pdf_keep_the_index_in_step(publication):
    edition = add_pdf(publication, "en", ["Seafarers"])
    edition = Edition.objects.get(pk=edition.pk)
    edition.file = upload("y.pdf", text_pdf_bytes(["Caregivers"]))
    edition.save()
    replaced = (found("seafarers"), found("caregivers"))

    edition.language = "es"
    edition.save()
    relanguaged = list(DocumentPage.objects.values_list("language", flat=True))
    edition.file = ""
    edition.save()

    assert replaced == ([], ["idm-28"])
    assert relanguaged == ["es"]
    assert hits("caregivers") == []
    assert (DocumentPage.objects.count(), Edition.objects.get(pk=edition.pk).text_state) == (0, "")


def test_deleting_an_edition_removes_its_pages_from_search(publication):
    edition = add_pdf(publication, "en", ["Seafarers"])

    edition.delete()
    other = add_pdf(publication, "fr", ["Autre chose"])  # may take the deleted page's id (SQLite's FTS rowid)

    assert found("seafarers") == []
    assert hits("autre") == [("fr", 1)]
    assert DocumentPage.objects.get().edition_id == other.pk


def test_rebuild_search_index_remakes_the_page_index_and_extracts_what_is_pending(publication, settings):
    add_pdf(publication, "en", ["Seafarers"])
    settings.IDM_DOCUMENT_TEXT_INLINE_PAGES = 0
    add_pdf(publication, "fr", ["Marins"])
    output = StringIO()

    call_command("rebuild_search_index", stdout=output)

    assert output.getvalue() == (
        "Indexed 1 search documents.\nIndexed 1 pages of edition PDFs.\nEdition PDFs: Searchable: 1.\n"
    )
    assert (found("seafarers"), found("marins")) == (["idm-28"], ["idm-28"])
    assert rebuild_index() == 1


def test_rebuild_extracts_a_pdf_loaded_without_its_pages(publication):
    edition = add_pdf(publication, "en", ["Seafarers"])
    DocumentPage.objects.all().delete()  # as `loaddata` leaves an exported edition: "done", no pages

    call_command("rebuild_search_index", stdout=StringIO())

    assert Edition.objects.get(pk=edition.pk).text_state == "done"
    assert found("seafarers") == ["idm-28"]


def test_admin_shows_where_search_stands_with_each_pdf(admin_client, publication, settings):
    settings.IDM_DOCUMENT_TEXT_INLINE_PAGES = 1
    add_pdf(publication, "en", ["One", "Two"])
    EditionFactory(publication=publication, language="fr", file=upload("scan.pdf", pdf_bytes(pages=1)))

    page = lxml.html.fromstring(admin_client.get(reverse("admin:catalogue_edition_changelist")).content)

    assert sorted(cell.text_content() for cell in page.xpath("//td[contains(@class, 'field-text_state')]")) == [
        "No text layer (a scan)",
        "Waiting for extraction",
    ]
