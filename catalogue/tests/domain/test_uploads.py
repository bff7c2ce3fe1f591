"""Uploads (catalogue/models/uploads.py): edition files are readable PDFs, covers re-encoded raster images within
the limits, stored under names of ours; refusals are form errors that store nothing; replaced and deleted files
leave storage once the change commits."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from catalogue.editorial.roles import EDITOR
from catalogue.models import Edition, Publication
from catalogue.models.uploads import pdf_page_count
from catalogue.tests.factories import EditionFactory, PublicationFactory, SeriesFactory, create_staff
from catalogue.tests.upload_files import (
    CHAIN_HTML,
    PYTHON,
    SVG,
    add_publication,
    first_page_files,
    image_bytes,
    noise_png,
    pdf_bytes,
    png_header_claiming,
    stored_files,
    upload,
)

NOT_A_PDF = "This file is not a PDF. Upload the edition as a PDF file."
DAMAGED_PDF = "This PDF is damaged or incomplete and cannot be read. Export it again and upload the new file."
PDF_PASSWORD = "This PDF opens only with a password. Upload a version that opens without one."
NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image (SVG and other formats are not accepted)."
TOO_MANY_PIXELS = "This image is too large: a cover may have at most 40 megapixels (width × height)."
TOO_LARGE = "This file is 1.2 MB; the limit is 1 MB."
MEGABYTE = 1024 * 1024

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def refusals(response) -> dict:
    """The errors beside the cover and beside the edition's file in a re-rendered admin page."""
    form_errors = response.context["adminform"].form.errors
    edition_errors = response.context["inline_admin_formsets"][0].formset.errors[0]
    return {"cover_image": form_errors.get("cover_image"), "file": edition_errors.get("file")}


# The refusals of issue 11, through the real admin: a clear error beside the field, the rest of the input kept,
# nothing in the database, nothing in storage.


@pytest.mark.parametrize(
    ("field", "file", "limits", "message"),
    [
        ("file", upload("report.pdf", b"Minutes of the meeting\n" * 40, "application/pdf"), {}, NOT_A_PDF),
        ("cover_image", upload("cover.png", CHAIN_HTML, "image/png"), {}, NOT_AN_IMAGE),
        ("cover_image", upload("cover.png", png_header_claiming(20000, 20000), "image/png"), {}, TOO_MANY_PIXELS),
        (
            "file",
            upload("report.pdf", pdf_bytes(padding=int(1.2 * MEGABYTE)), "application/pdf"),
            {"IDM_MAX_DOCUMENT_BYTES": MEGABYTE},
            TOO_LARGE,
        ),
        (
            "cover_image",
            upload("cover.png", noise_png(660, 660), "image/png"),
            {"IDM_MAX_COVER_BYTES": MEGABYTE},
            TOO_LARGE,
        ),
    ],
    ids=["text-renamed-pdf", "html-renamed-png", "20000x20000-png", "oversized-pdf", "oversized-cover"],
)
def test_admin_refuses_the_upload_beside_its_field_keeping_the_input_and_storing_nothing(
    admin_client, settings, media_root, field, file, limits, message
):
    for name, value in limits.items():
        setattr(settings, name, value)

    response = add_publication(admin_client, **{"cover" if field == "cover_image" else "edition_file": file})

    assert response.status_code == 200
    assert refusals(response) == {"cover_image": None, "file": None} | {field: [message]}
    page = response.content.decode()
    assert message in page
    assert 'value="Migration and health"' in page
    assert 'value="978-92-9068-780-1"' in page
    assert Publication.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cover.svg", SVG, NOT_AN_IMAGE),
        ("cover.html", CHAIN_HTML, NOT_AN_IMAGE),
        ("cover.py", PYTHON, NOT_AN_IMAGE),
        ("cover.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", NOT_AN_IMAGE),
        ("cover.png", image_bytes("PNG")[:60], "This image is damaged or incomplete and cannot be read."),
        ("cover.png", png_header_claiming(10000, 5000), TOO_MANY_PIXELS),  # under Pillow's own limit, over ours
    ],
)
def test_cover_other_than_a_whole_jpeg_png_or_webp_within_the_limits_is_refused(name, content, message):
    publication = PublicationFactory.build(series=SeriesFactory(), cover_image=upload(name, content))

    with pytest.raises(ValidationError) as refused:
        publication.full_clean()

    assert refused.value.message_dict["cover_image"] == [message]


@pytest.mark.parametrize(
    ("name", "content", "message", "code"),
    [
        ("chain.html", CHAIN_HTML, NOT_A_PDF, "not_a_pdf"),
        ("report.svg", SVG, NOT_A_PDF, "not_a_pdf"),
        ("report.py", PYTHON, NOT_A_PDF, "not_a_pdf"),
        ("report.pdf", pdf_bytes()[:400], DAMAGED_PDF, "damaged_pdf"),
        ("report.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\n%%EOF\n", DAMAGED_PDF, "damaged_pdf"),
        ("report.pdf", pdf_bytes(password="secret"), PDF_PASSWORD, "pdf_password"),
    ],
    ids=["html", "svg", "python", "truncated", "garbage-after-header", "password"],
)
def test_edition_file_other_than_a_readable_pdf_is_refused_with_a_code(name, content, message, code):
    edition = EditionFactory.build(publication=PublicationFactory(), file=upload(name, content))

    with pytest.raises(ValidationError) as refused:
        edition.full_clean()

    assert refused.value.message_dict["file"] == [message]
    assert [error.code for error in refused.value.error_dict["file"]] == [code]


def test_pdf_protected_only_against_changes_is_accepted_and_counted():
    assert pdf_page_count(ContentFile(pdf_bytes(pages=2, owner_password="owner"))) == 2


def test_editor_uploading_chain_html_as_an_edition_file_is_refused(client, media_root):
    """Defect 1 of issue 10: an editor stored chain.html, which then ran in a superuser's session."""
    client.force_login(create_staff("editor", EDITOR))

    response = add_publication(client, edition_file=upload("chain.html", CHAIN_HTML, "text/html"))

    assert response.status_code == 200
    assert refusals(response)["file"] == [NOT_A_PDF]
    assert stored_files(media_root) == []


def test_storing_a_file_past_validation_still_refuses_what_is_not_a_pdf_or_an_image(media_root):
    edition = EditionFactory(publication=PublicationFactory())

    with pytest.raises(ValidationError):
        edition.file.save("chain.html", ContentFile(CHAIN_HTML))
    with pytest.raises(ValidationError):
        edition.publication.cover_image.save("cover.svg", ContentFile(SVG))

    assert stored_files(media_root) == []


# What is stored: our names, our bytes, the page count.


def test_admin_upload_stores_both_files_under_names_of_ours_and_fills_the_page_count(admin_client, media_root):
    response = add_publication(
        admin_client,
        cover=upload("../../Mon image.PNG.html.png", image_bytes("PNG"), "image/png"),
        edition_file=upload("chain.html.pdf", pdf_bytes(pages=3), "application/pdf"),
    )

    assert response.status_code == 302
    publication = Publication.objects.get(slug="idm-28")
    edition = publication.editions.get()
    assert re.fullmatch(r"editions/idm-28-fr-pdf-[a-z0-9]{8}\.pdf", edition.file.name)
    assert re.fullmatch(r"covers/idm-28-[0-9a-f]{12}-40x60\.png", publication.cover_image.name)  # its size: covers.py
    assert edition.pages == 3
    assert stored_files(media_root) == sorted(
        [edition.file.name, publication.cover_image.name, *first_page_files(edition)]
    )


def test_page_count_typed_by_staff_is_kept(admin_client):
    add_publication(admin_client, edition_file=upload("r.pdf", pdf_bytes(pages=3)), pages="144")

    assert Edition.objects.get().pages == 144


def test_page_count_is_filled_by_full_clean_and_by_save():
    publication = PublicationFactory()
    cleaned = EditionFactory.build(publication=publication, language="fr", file=upload("r.pdf", pdf_bytes(pages=5)))
    cleaned.full_clean()
    saved = EditionFactory(publication=publication, language="en", file=upload("r.pdf", pdf_bytes(pages=2)))

    assert cleaned.pages == 5
    assert Edition.objects.get(pk=saved.pk).pages == 2


@pytest.mark.parametrize(("image_format", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_cover_is_re_encoded_in_its_format_without_metadata(image_format, extension):
    exif = Image.Exif()
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    original = image_bytes(image_format, size=(40, 60), exif=exif.tobytes())
    publication = PublicationFactory(slug="idm-28")

    publication.cover_image = upload(f"photo.{extension}", original)
    publication.cover_alt_en = "A photograph"
    publication.full_clean()
    publication.save()

    stored = publication.cover_image.read()
    publication.cover_image.close()
    image = Image.open(io.BytesIO(stored))
    assert publication.cover_image.name.endswith(f".{extension}")
    assert image.format == image_format
    assert stored != original
    assert b"Secret Photographer" not in stored
    assert dict(image.getexif()) == {}
    assert image.size == (60, 40)  # the orientation was applied before the metadata went


def test_png_text_chunks_are_not_stored():
    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    publication = PublicationFactory()
    publication.cover_image = upload("cover.png", image_bytes("PNG", pnginfo=info))
    publication.save()

    assert b"<script>" not in publication.cover_image.read()
    publication.cover_image.close()


# Replaced and deleted files leave storage once the change commits (django-cleanup); a rolled-back change keeps
# the file the row still names.


@pytest.mark.django_db(transaction=True)
def test_replacing_a_cover_or_a_pdf_removes_the_old_file(media_root):
    publication = PublicationFactory(cover_image=upload("a.png", image_bytes("PNG")))
    edition = EditionFactory(publication=publication, file=upload("a.pdf", pdf_bytes(pages=1)))
    old_cover, old_file = publication.cover_image.name, edition.file.name

    publication = Publication.objects.get(pk=publication.pk)
    publication.cover_image = upload("b.jpg", image_bytes("JPEG"))
    publication.save()
    edition = Edition.objects.get(pk=edition.pk)
    edition.file = upload("b.pdf", pdf_bytes(pages=2))
    edition.save()

    assert old_cover != publication.cover_image.name
    assert old_file != edition.file.name
    assert stored_files(media_root) == sorted(
        [publication.cover_image.name, edition.file.name, *first_page_files(edition)]
    )


@pytest.mark.django_db(transaction=True)
def test_deleting_an_edition_or_a_publication_removes_their_files(media_root):
    publication = PublicationFactory(cover_image=upload("a.png", image_bytes("PNG")))
    first = EditionFactory(publication=publication, language="fr", file=upload("a.pdf", pdf_bytes(pages=1)))
    second = EditionFactory(publication=publication, language="en", file=upload("b.pdf", pdf_bytes(pages=1)))

    Edition.objects.get(pk=first.pk).delete()
    assert stored_files(media_root) == sorted(
        [publication.cover_image.name, second.file.name, *first_page_files(second)]
    )
    Publication.objects.get(pk=publication.pk).delete()

    assert stored_files(media_root) == []


@pytest.mark.django_db(transaction=True)
def test_rolled_back_replacement_keeps_the_file_the_row_still_names(media_root):
    publication = PublicationFactory(cover_image=upload("a.png", image_bytes("PNG")))
    kept = publication.cover_image.name

    def replace_then_fail():
        with transaction.atomic():
            replaced = Publication.objects.get(pk=publication.pk)
            replaced.cover_image = upload("b.png", image_bytes("PNG", size=(50, 50)))
            replaced.save()
            raise RuntimeError("the rest of the save failed")

    with pytest.raises(RuntimeError):
        replace_then_fail()

    assert Publication.objects.get(pk=publication.pk).cover_image.name == kept
    assert kept in stored_files(media_root)
    assert (media_root / kept).read_bytes()


def test_valid_files_on_a_refused_form_are_not_stored(admin_client, media_root):
    response = add_publication(
        admin_client,
        cover=upload("cover.png", image_bytes("PNG")),
        edition_file=upload("r.pdf", pdf_bytes(pages=1)),
        pages="0",  # refused: at least 1
    )

    assert response.status_code == 200
    assert Publication.objects.count() == 0
    assert stored_files(media_root) == []
