"""Uploads: what an edition file and a cover may be, and the names they are stored under.

An edition file is a PDF that pypdf can read; a cover a JPEG, PNG or WebP image that Pillow decodes within
the byte and pixel limits of the settings (checked from the header, before anything is decoded), then
re-encoded without its metadata, so the bytes we store and serve are ours. Both are stored under names we
choose from the record, never the uploader's name or extension. The checks are the fields' validators (forms,
full_clean() and the validating loaddata refuse alike) and run again when a file is stored, whatever stores it.
Files already in storage are not checked again: the media view serves anything else as an attachment.
"""

import contextlib
import hashlib
import io
import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.utils.crypto import get_random_string
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from catalogue.i18n import content_languages, translated

from .covers import save_renditions, sized_name

PDF_MEDIA_TYPE = "application/pdf"
# What a cover may be, by Pillow's format name: its media type and the extension we store it under.
COVER_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
# How each stored type begins; the media view serves a file inline only when its extension and first bytes agree.
_SIGNATURES = {
    "pdf": (PDF_MEDIA_TYPE, lambda head: head.startswith(b"%PDF-")),
    "jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}
_SLUG_IN_NAME = 60  # keeps stored names within the fields' 100 characters
# A checked upload remembers its result (page count, re-encoded cover): checked once, however often validated.
_PDF_CHECKED, _COVER_CHECKED = "_catalogue_pdf_pages", "_catalogue_cover"


def _number(value: float) -> str:
    """`value` with one decimal if it has any, in the active language's notation (1.2, 1,2)."""
    return number_format(value, 0 if float(value).is_integer() else 1)


def _refuse_oversized(file, limit: int) -> None:
    if file.size > limit:
        raise ValidationError(
            _("This file is %(size)s MB; the limit is %(limit)s MB."),
            code="file_too_large",
            params={"size": number_format(file.size / 1024 / 1024, 1), "limit": _number(limit / 1024 / 1024)},
        )


def _is_new_upload(value) -> bool:
    """Whether `value` is a file not yet stored (an upload); stored files were checked when they were stored."""
    return bool(value) and not getattr(value, "_committed", False)


def _content(value):
    """The uploaded file behind a model field's value (the same object when it is stored)."""
    return value.file if isinstance(value, FieldFile) else value


def pdf_page_count(file) -> int:
    """The number of pages of the PDF `file`, read with pypdf; a ValidationError if it is not a readable PDF."""
    file = _content(file)
    if getattr(file, _PDF_CHECKED, None) is None:
        _refuse_oversized(file, settings.IDM_MAX_DOCUMENT_BYTES)
        setattr(file, _PDF_CHECKED, _read_pdf(file))
    return getattr(file, _PDF_CHECKED)


def _read_pdf(file) -> int:
    from pypdf import PdfReader  # here: a web worker that is sent no PDF never loads pypdf (~6 MB)

    file.seek(0)
    if file.read(5) != b"%PDF-":  # where a PDF begins, and what the media view checks before showing one
        raise ValidationError(_("This file is not a PDF. Upload the edition as a PDF file."), code="not_a_pdf")
    file.seek(0)
    try:
        reader = PdfReader(file)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("This PDF opens only with a password. Upload a version that opens without one."),
                code="pdf_password",
            )
        pages = len(reader.pages)
        reader.pages[pages - 1].mediabox  # the page tree reaches its last page  # noqa: B018
    except ValidationError:
        raise
    except Exception:  # whatever pypdf meets in a broken file (its own errors, KeyError, RecursionError…)
        raise ValidationError(
            _("This PDF is damaged or incomplete and cannot be read. Export it again and upload the new file."),
            code="damaged_pdf",
        ) from None
    finally:
        file.seek(0)
    if pages < 1:
        raise ValidationError(_("This PDF has no pages."), code="damaged_pdf")
    return pages


def validate_pdf(value) -> None:
    """Refuse an uploaded edition file that is not a readable PDF within the size limit."""
    if _is_new_upload(value):
        pdf_page_count(value)


def normalised_cover(file) -> ContentFile:
    """`file` decoded and re-encoded in its format without metadata, named `<hash>-<width>x<height>.<ext>`; a
    ValidationError if it is not a JPEG, PNG or WebP image within the limits."""
    file = _content(file)
    if getattr(file, _COVER_CHECKED, None) is None:
        _refuse_oversized(file, settings.IDM_MAX_COVER_BYTES)
        setattr(file, _COVER_CHECKED, _reencode(file))
    return getattr(file, _COVER_CHECKED)


def _reencode(file) -> ContentFile:
    not_an_image = ValidationError(
        _("This file is not a JPEG, PNG or WebP image (SVG and other formats are not accepted)."),
        code="not_an_image",
    )
    too_many_pixels = ValidationError(
        _("This image is too large: a cover may have at most %(limit)s megapixels (width × height)."),
        code="too_many_pixels",
        params={"limit": _number(settings.IDM_MAX_COVER_PIXELS / 1_000_000)},
    )
    file.seek(0)
    with warnings.catch_warnings():
        # Our own limit is lower than Pillow's and is checked from the header, before any pixel is decoded.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(file, formats=list(COVER_FORMATS))
        except Image.DecompressionBombError:
            raise too_many_pixels from None
        except Exception:
            raise not_an_image from None
        if image.width * image.height > settings.IDM_MAX_COVER_PIXELS:
            raise too_many_pixels
        image_format = image.format
        try:
            image.load()
            image = ImageOps.exif_transpose(image)  # EXIF orientation applied, as the metadata goes
        except Exception:
            raise ValidationError(
                _("This image is damaged or incomplete and cannot be read."), code="damaged_image"
            ) from None
        finally:
            file.seek(0)
    output = io.BytesIO()
    if image_format == "JPEG":
        image = image if image.mode in {"L", "RGB"} else image.convert("RGB")
        image.save(output, "JPEG", quality=90, optimize=True)
    elif image_format == "WEBP":
        image.convert("RGBA" if image.has_transparency_data else "RGB").save(output, "WEBP", quality=90)
    else:
        if image.mode not in {"1", "L", "LA", "P", "RGB", "RGBA", "I;16"}:
            image = image.convert("RGBA")
        image.save(output, "PNG", optimize=True)
    data = output.getvalue()
    return ContentFile(
        data, name=sized_name(hashlib.sha256(data).hexdigest()[:12], image.size, COVER_FORMATS[image_format][1])
    )


def validate_cover_image(value) -> None:
    """Refuse an uploaded cover that is not a JPEG, PNG or WebP image within the byte and pixel limits."""
    if _is_new_upload(value):
        normalised_cover(value)


def require_cover_alt(publication) -> None:
    """A newly uploaded cover needs its text alternative in at least one language; pages in the others fall back to
    it, marked with its language."""
    if _is_new_upload(publication.cover_image) and not any(
        getattr(publication, f"cover_alt_{code}", "") for code in content_languages()
    ):
        raise ValidationError(
            {
                f"cover_alt_{content_languages()[0]}": ValidationError(
                    _(
                        "Describe the cover for people who cannot see it: a cover needs this text in one language at least."
                    ),
                    code="cover_alt_missing",
                )
            }
        )


def _slug_part(value: str) -> str:
    return slugify(value)[:_SLUG_IN_NAME].strip("-") or "record"


def edition_file_name(edition) -> str:
    """`<publication slug>-<language>-<format>-<random>.pdf`: a name of ours, new for each file."""
    return (
        f"{_slug_part(edition.publication.slug)}-{edition.language}-{edition.format}-{get_random_string(8).lower()}.pdf"
    )


def edition_download_name(edition) -> str:
    """The file name a visitor saves an edition's PDF under: `IDM-28-fr.pdf` (`IDM-28-fr-print.pdf` for a PDF of
    another format)."""
    series = edition.publication.series
    label = translated(series, "short_name", edition.language).value or series.slug
    suffix = "" if edition.format == "pdf" else f"-{edition.format}"
    return f"{label}-{edition.publication.number}-{edition.language}{suffix}.pdf"


def cover_download_name(publication, extension: str) -> str:
    """The file name of a publication's cover: `IDM-28-cover.jpg`."""
    series = publication.series
    label = translated(series, "short_name").value or series.slug
    return f"{label}-{publication.number}-cover.{extension}"


def stored_media_type(name: str, head: bytes) -> str | None:
    """The media type of a stored file when its extension is one we store and its first bytes agree, else None."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    media_type, matches = _SIGNATURES.get(extension, (None, None))
    return media_type if media_type and matches(head) else None


class EditionFieldFile(FieldFile):
    def save(self, name, content, save=True):
        pdf_page_count(content)  # whatever stores a file, only a readable PDF is stored
        # What a new PDF gives (size, first page, text) is derived once the edition is saved (search.documents_text).
        self.instance._new_file_stored = True
        super().save(edition_file_name(self.instance), content, save)


class CoverFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        content = normalised_cover(content)  # whatever stores a cover, the bytes stored are re-encoded ones
        super().save(f"{_slug_part(self.instance.slug)}-{content.name}", content, save)
        save_renditions(self.storage, self.name, content)  # the sizes the pages show it in (covers.py)


class _AcceptingFileField(forms.FileField):
    accept = ""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "accept": self.accept}


class PdfFormField(_AcceptingFileField):
    accept = f"{PDF_MEDIA_TYPE},.pdf"


class CoverFormField(_AcceptingFileField):
    # Not forms.ImageField: the model's validator decodes, so each refusal has its own message.
    accept = ",".join(media_type for media_type, _extension in COVER_FORMATS.values())


class EditionFileField(models.FileField):
    """A verified PDF, stored under a name of ours."""

    attr_class = EditionFieldFile
    default_validators = [validate_pdf]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", "editions/")
        kwargs.setdefault("help_text", _("A PDF; when the number of pages is left empty, it is read from the file."))
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PdfFormField, **kwargs})


class CoverImageField(models.ImageField):
    """A decoded, re-encoded JPEG, PNG or WebP image, stored under a name of ours."""

    attr_class = CoverFieldFile
    default_validators = [validate_cover_image]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("upload_to", "covers/")
        kwargs.setdefault("help_text", _("A JPEG, PNG or WebP image; it is stored re-encoded, without its metadata."))
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CoverFormField, **kwargs})


def fill_pages_from_pdf(edition) -> None:
    """An edition without a number of pages takes its new PDF's page count (an unreadable file is left to the
    field's validator)."""
    if edition.pages is None and _is_new_upload(edition.file):
        with contextlib.suppress(ValidationError):
            edition.pages = pdf_page_count(edition.file)
