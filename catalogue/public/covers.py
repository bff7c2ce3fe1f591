"""Which cover a publication shows, and its <img> in the sizes each place shows it (`{% cover_image %}`).

The uploaded cover, else the first page of an edition's PDF (the page language's edition first). Its renditions
(models/covers.py) are offered in `srcset`; the browser picks one for the width the place shows it at.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from catalogue.i18n import language_name_in_text, translated
from catalogue.models import Publication
from catalogue.models.covers import renditions

# Where covers are shown: the CSS width (site.css) and that width in pixels, for the img's width and height.
USAGES = {"page": ("(max-width: 40rem) 6rem, 12.5rem", 200, "publication__cover"), "card": ("6rem", 96, "card__cover")}


def cover_image_html(publication: Publication, usage: str, language: str) -> SafeString:
    """The cover's <img> for `usage` ("page" or "card") on a page in `language`; nothing when there is none.

    On a publication page the alternative text is the cover's own in the page language, or its fallback marked
    with its language; a first page's says so. On a card, beside the linked title, the cover is decorative."""
    css_width, width, css_class = USAGES[usage]
    if publication.cover_image:
        name, alt = publication.cover_image.name, translated(publication, "cover_alt", language)
        storage = publication.cover_image.storage
    else:
        editions = [edition for edition in publication.editions.all() if edition.first_page]
        edition = next((e for e in editions if e.language == language), editions[0] if editions else None)
        if edition is None:
            return mark_safe("")
        name, storage = edition.first_page.name, edition.first_page.storage
        alt = gettext("First page of the edition in %(language)s") % {
            "language": language_name_in_text(edition.language, language)
        }
    alt_language = getattr(alt, "language", language) if getattr(alt, "is_fallback", False) else ""
    sizes = renditions(name)
    if usage == "card":
        alt, alt_language = "", ""
    if not sizes:  # stored before covers had sizes: shown as it is, in the place's box
        return format_html(
            '<img class="{}" src="{}" alt="{}"{} width="{}" loading="lazy">',
            css_class,
            storage.url(name),
            alt,
            _lang(alt_language),
            width,
        )
    largest = sizes[-1]
    srcset = ", ".join(f"{storage.url(rendition.name)} {rendition.width}w" for rendition in sizes)
    fallback = next((rendition for rendition in sizes if rendition.width >= width), largest)
    return format_html(
        '<img class="{}" src="{}" srcset="{}" sizes="{}" alt="{}"{} width="{}" height="{}"{}>',
        css_class,
        storage.url(fallback.name),
        srcset,
        css_width,
        alt,
        _lang(alt_language),
        width,
        round(width * largest.height / largest.width),
        mark_safe(' loading="lazy"') if usage == "card" else "",
    )


def _lang(code: str) -> SafeString:
    return format_html(' lang="{}"', code) if code else mark_safe("")
