"""Covers in the sizes the pages show them, and a cover drawn from an edition PDF's first page.

A cover stored by us has its size at the end of its name (`covers/idm-28-<hash>-600x848.png`); its smaller
renditions sit beside it (`…-600x848-200w.webp`), one per width of RENDITION_WIDTHS below its own. Pages build
`srcset` from the name alone, without reading storage or the database. A cover stored before had no size in its
name: it is shown as it is. django-cleanup deletes a replaced or deleted cover; `delete_renditions` then deletes
its renditions.
"""

import io
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from PIL import Image

# Widths in pixels: a card shows a cover 6rem wide, a publication page 12.5rem; 1x and 2x screens.
RENDITION_WIDTHS = (100, 200, 400)
# How wide a PDF's first page is drawn: the widest rendition a page asks for.
FIRST_PAGE_WIDTH = 400
_SIZED = re.compile(r"-(?P<width>[1-9][0-9]{0,4})x(?P<height>[1-9][0-9]{0,4})\.(?:jpg|png|webp)$")


@dataclass(frozen=True)
class Rendition:
    name: str  # in storage
    width: int
    height: int


def sized_name(stem: str, size: tuple[int, int], extension: str) -> str:
    """The name of a cover whose renditions the pages can find: `<stem>-<width>x<height>.<extension>`."""
    return f"{stem}-{size[0]}x{size[1]}.{extension}"


def renditions(name: str) -> list[Rendition]:
    """The renditions of the cover stored as `name`, narrowest first, the cover itself last; [] for a name
    without its size."""
    match = _SIZED.search(name or "")
    if not match:
        return []
    width, height = int(match["width"]), int(match["height"])
    stem = name.rpartition(".")[0]
    smaller = [
        Rendition(f"{stem}-{each}w.webp", each, max(1, round(height * each / width)))
        for each in RENDITION_WIDTHS
        if each < width
    ]
    return [*smaller, Rendition(name, width, height)]


def save_renditions(storage, name: str, content) -> None:
    """Store the smaller renditions of the cover `content` just stored as `name`."""
    wanted = renditions(name)[:-1]
    if not wanted:
        return
    content.seek(0)
    with Image.open(content) as image:
        image.load()
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    for rendition in wanted:
        output = io.BytesIO()
        image.resize((rendition.width, rendition.height), Image.Resampling.LANCZOS).save(output, "WEBP", quality=85)
        if storage.exists(rendition.name):  # the same cover stored again: the same bytes
            storage.delete(rendition.name)
        storage.save(rendition.name, ContentFile(output.getvalue()))


def delete_renditions(sender, file, file_name, **kwargs) -> None:
    """django-cleanup's `cleanup_post_delete` receiver: a deleted cover's renditions go with it."""
    for rendition in renditions(file_name)[:-1]:
        file.storage.delete(rendition.name)


def first_page_cover(pdf, stem: str) -> tuple[ContentFile | None, int]:
    """The first page of the PDF `pdf` (a file) drawn FIRST_PAGE_WIDTH pixels wide, as a WebP image named
    `<stem>-<width>x<height>.webp`, and the number of pages pdfium counts; (None, 0) when pdfium cannot read it."""
    import pypdfium2  # here: a web worker that draws no cover never loads pdfium (~4 MB)

    pdf.seek(0)
    try:
        document = pypdfium2.PdfDocument(pdf.read())
        try:
            pages = len(document)
            page = document[0]
            image = page.render(scale=FIRST_PAGE_WIDTH / page.get_width()).to_pil().convert("RGB")
            page.close()
        finally:
            document.close()
    except (pypdfium2.PdfiumError, ValueError, IndexError, ZeroDivisionError):
        return None, 0
    finally:
        pdf.seek(0)
    output = io.BytesIO()
    image.save(output, "WEBP", quality=85)
    return ContentFile(output.getvalue(), name=sized_name(stem, image.size, "webp")), pages
