"""A publication's documents on its page (catalogue/public/documents.py, covers.py): the cover in the sizes it is
stored in, one Download / Read action per edition, and the pages of its PDFs a search finds; with DEBUG off, media
served by our view."""

import lxml.html
import pytest
from django.urls import reverse

from catalogue.models import Edition, Publication
from catalogue.models.covers import renditions
from catalogue.tests.admin_forms import publication_form
from catalogue.tests.factories import EditionFactory, PublicationFactory, SeriesFactory
from catalogue.tests.upload_files import add_publication, image_bytes, stored_files, text_pdf_bytes, upload

pytestmark = pytest.mark.django_db

PHRASE = "Quarantine corridors for seafarers"
PDF_PAGES = ["Migration and health", "Introduction", f"{PHRASE} were opened in 2020.", "Annex"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False
    return tmp_path


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_uploaded_pdf_and_cover_are_shown_downloaded_and_searched_with_debug_off(client, admin_client):
    pdf = text_pdf_bytes(PDF_PAGES)
    response = add_publication(
        admin_client,
        cover=upload("scan.png", image_bytes("PNG", size=(600, 848)), "image/png"),
        edition_file=upload("x.pdf", pdf, "application/pdf"),
    )
    assert response.status_code == 302
    publication = Publication.objects.get(slug="idm-28")
    edition = publication.editions.get()
    cover = publication.cover_image.name.removesuffix(".png")

    page = lxml.html.fromstring(client.get("/en/publications/idm-28/").content)
    download = client.get(f"/media/{edition.file.name}")
    results = lxml.html.fromstring(client.get("/en/publications/", {"q": "quarantine corridors seafarers"}).content)

    assert edition.pages == 4  # read from the PDF
    assert edition.text_state == "done"
    assert dict(page.xpath("//img[@class='publication__cover']")[0].items()) == {
        "class": "publication__cover",
        "src": f"/media/{cover}-200w.webp",
        "srcset": f"/media/{cover}-100w.webp 100w, /media/{cover}-200w.webp 200w, /media/{cover}-400w.webp 400w, "
        f"/media/{cover}.png 600w",
        "sizes": "(max-width: 40rem) 6rem, 12.5rem",
        "alt": "Cover: people around a table",
        "width": "200",
        "height": "283",
    }
    assert [" ".join(link.text_content().split()) for link in page.xpath("//a[@class='edition-action']")] == [
        f"Download French, PDF, {edition.file_size / 1024:.1f} KB"
    ]
    assert page.xpath("//a[@class='edition-action']/@href") == [f"/media/{edition.file.name}"]
    assert (download.status_code, download["Content-Type"], download["Content-Disposition"]) == (
        200,
        "application/pdf",
        'inline; filename="IDM-28-fr.pdf"',
    )
    assert (download["X-Content-Type-Options"], body(download)) == ("nosniff", pdf)
    assert results.xpath("//ol[contains(@class, 'results__list')]//h3/a/@href") == ["/en/publications/idm-28/"]
    assert [
        (link.get("href"), link.text_content(), " ".join(link.getnext().text_content().split()))
        for link in results.xpath("//ul[@class='page-matches']//a")
    ] == [(f"/media/{edition.file.name}#page=3", "p. 3 (French)", f"{PHRASE} were opened in 2020.")]
    assert results.xpath("//ul[@class='page-matches']//mark/text()") == ["Quarantine", "corridors", "seafarers"]


def test_pdf_without_a_cover_shows_its_first_page_in_the_page_language_first(client):
    publication = PublicationFactory(series=SeriesFactory(), slug="idm-28")
    for language, position in (("fr", 0), ("en", 1)):
        pdf = upload("x.pdf", text_pdf_bytes(["Page"]))
        EditionFactory(publication=publication, language=language, position=position, file=pdf)
    english = Edition.objects.get(language="en")

    image = lxml.html.fromstring(client.get("/en/publications/idm-28/").content).xpath("//img")[0]

    assert [rendition.width for rendition in renditions(english.first_page.name)] == [100, 200, 400, 401]
    assert (image.get("src"), image.get("alt"), image.get("lang")) == (
        f"/media/{english.first_page.name.removesuffix('.webp')}-200w.webp",
        "First page of the edition in English",
        None,
    )


def test_cover_text_alternative_in_another_language_is_marked_with_it(client):
    publication = PublicationFactory(series=SeriesFactory(), slug="idm-28", cover_alt_en="", cover_alt_fr="Une table")
    publication.cover_image = upload("c.png", image_bytes("PNG", size=(300, 400)))
    publication.save()

    image = lxml.html.fromstring(client.get("/es/publications/idm-28/").content).xpath("//img")[0]

    assert (image.get("alt"), image.get("lang")) == ("Une table", "fr")


def test_new_cover_without_a_text_alternative_is_refused(admin_client, media_root):
    data = publication_form(SeriesFactory())
    data["cover_image"] = upload("c.png", image_bytes("PNG"), "image/png")

    response = admin_client.post(reverse("admin:catalogue_publication_add"), data)

    assert response.context["adminform"].form.errors == {
        "cover_alt_en": [
            "Describe the cover for people who cannot see it: a cover needs this text in one language at least."
        ]
    }
    assert (Publication.objects.count(), stored_files(media_root)) == (0, [])


def test_each_edition_has_one_action_and_one_without_file_or_url_says_so(client):
    publication = PublicationFactory(series=SeriesFactory(), slug="idm-28")
    EditionFactory(publication=publication, language="en", file=upload("x.pdf", text_pdf_bytes(["Page"])))
    EditionFactory(publication=publication, language="es", format="html", url="https://example.org/idm28")
    EditionFactory(publication=publication, language="fr", format="print")

    page = lxml.html.fromstring(client.get("/en/publications/idm-28/").content)

    assert [" ".join(item.text_content().split()) for item in page.xpath("//ul[@class='edition-actions']/li")] == [
        f"Download English, PDF, {Edition.objects.get(language='en').file_size} bytes",
        "Read online Spanish, Web page, on another site",
        "French, Print: no file or link to read online",
    ]
    assert page.xpath("//ul[@class='edition-actions']//a/@href")[1:] == ["https://example.org/idm28"]
