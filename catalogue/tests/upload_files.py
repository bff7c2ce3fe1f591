"""Small real files built in code for the upload tests: PDFs (pypdf), images (Pillow), and hostile ones."""

import io
import os
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from catalogue.models.covers import renditions
from catalogue.tests.admin_forms import publication_form
from catalogue.tests.factories import SeriesFactory


def pdf_bytes(pages: int = 3, *, padding: int = 0, password: str = "", owner_password: str = "") -> bytes:
    """A real PDF of `pages` blank pages; `padding` bytes of random data attached make it larger; encrypted with
    a `password` to open it, or only an `owner_password` (against changes)."""
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    if padding:
        writer.add_attachment("padding.bin", os.urandom(padding))
    if password or owner_password:
        writer.encrypt(user_password=password, owner_password=owner_password or None)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def text_pdf_bytes(pages: list[str]) -> bytes:
    """A real PDF with one page per item of `pages`, each with that line of text in Helvetica (WinAnsi; '' is a
    page without text), its content stream written by hand."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for text in pages:
        page = writer.add_blank_page(width=595, height=842)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        escaped = text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        stream = DecodedStreamObject()
        stream.set_data(b"BT /F1 12 Tf 72 760 Td (" + escaped + b") Tj ET" if text else b"")
        page[NameObject("/Contents")] = writer._add_object(stream)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def image_bytes(image_format: str = "PNG", size: tuple[int, int] = (40, 60), **save_options) -> bytes:
    """A real image with a few colours."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((20, 20, 180), (0, 0, size[0] // 2, size[1] // 2))
    output = io.BytesIO()
    image.save(output, image_format, **save_options)
    return output.getvalue()


def noise_png(width: int, height: int) -> bytes:
    """An incompressible PNG: random pixels, about width × height × 3 bytes."""
    output = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(output, "PNG")
    return output.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` × `height` pixels (a decompression bomb's header) with almost no data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
CHAIN_HTML = b'<!doctype html><html><body><script src="chain.js"></script></body></html>'
PYTHON = b"import os\nos.system('id')\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root) -> list[str]:
    """Every file under `root` (MEDIA_ROOT), as paths relative to it."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def first_page_files(edition) -> list[str]:
    """The files drawn from an edition's PDF (catalogue/models/covers.py): its first page and that page's renditions."""
    edition.refresh_from_db(fields=["first_page"])
    return [rendition.name for rendition in renditions(edition.first_page.name)]


def add_publication(client, *, cover=None, edition_file=None, pages=""):
    """POST the publication admin's add page: IDM No. 28 (published) with a French PDF edition, optionally a cover
    and a file."""
    data = publication_form(SeriesFactory(), editions=[{"language": "fr", "isbn": "978-92-9068-780-1", "pages": pages}])
    if cover is not None:
        data["cover_image"] = cover
        data["cover_alt_en"] = "Cover: people around a table"
    if edition_file is not None:
        data["editions-0-file"] = edition_file
    return client.post(reverse("admin:catalogue_publication_add"), data)
