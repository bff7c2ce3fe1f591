"""What crawlers read: a sitemap index (`/sitemap.xml`) linking one sitemap file per section and page, which lists
each public page in every interface language with its hreflang alternates and lastmod; robots.txt points to the
index.

Built for a large catalogue: a file holds `items_per_file()` records, so at most 50,000 URLs (the protocol's
limit) whatever the number of languages. A file's records are a range of primary keys, found through the primary
key's index (no OFFSET over wide rows), read with an iterator as (slug, lastmod) pairs and written to a streamed
response as they come: memory does not grow with the catalogue. A URL's path is reversed once per language and
file, then filled with each slug.
"""

import datetime
from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import Max, QuerySet
from django.db.models.functions import Greatest
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.generic import TemplateView

from catalogue.models import Publication, Series, Topic, Workshop, published_q

MAX_URLS_PER_FILE = 50_000
SLUG = "--slug--"  # stands for the slug in a path reversed once per file
XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
URLSET = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'

# One entry of a sitemap file: a page's path in each language, and when it last changed.
Entry = tuple[dict[str, str], datetime.datetime | None]


def items_per_file() -> int:
    """Records per sitemap file: each record is one URL per language, and a file holds at most 50,000 URLs."""
    return min(settings.SITEMAP_ITEMS_PER_FILE, MAX_URLS_PER_FILE // len(settings.LANGUAGES))


def in_each_language(url_name: str, **kwargs) -> dict[str, str]:
    paths = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths[code] = reverse(f"catalogue:{url_name}", kwargs=kwargs)
    return paths


class Section:
    """Public records of one kind (their detail page's URL name), as (pk, slug, lastmod) rows."""

    changefreq = ""

    def __init__(self, url_name: str):
        self.url_name = url_name

    def rows(self) -> QuerySet:
        raise NotImplementedError

    def files(self) -> int:
        return -(-self.rows().count() // items_per_file())

    def entries(self, number: int) -> Iterator[Entry] | None:
        """The entries of file `number` (from 1), or None past the last file."""
        size = items_per_file()
        start = (number - 1) * size
        first = self.rows().order_by("pk").values_list("pk", flat=True)[start : start + 1].first()
        if first is None:
            return None
        rows = self.rows().filter(pk__gte=first).order_by("pk").values_list("slug", "lastmod")[:size]
        patterns = in_each_language(self.url_name, slug=SLUG)
        return (
            ({code: pattern.replace(SLUG, slug) for code, pattern in patterns.items()}, lastmod)
            for slug, lastmod in rows.iterator(chunk_size=2000)
        )


class PublicationSection(Section):
    def rows(self):
        # The page changes when any part of the record does, and shows first on its publish date.
        return Publication.objects.published().annotate(lastmod=Greatest("content_changed_at", "publish_date"))


class CollectionSection(Section):
    """Series or topics that have a public publication, last modified with their newest one."""

    def __init__(self, url_name: str, model: type[Series] | type[Topic]):
        super().__init__(url_name)
        self.model = model

    def rows(self):
        newest = Max("publications__content_changed_at", filter=published_q("publications__"))
        return self.model.objects.annotate(lastmod=newest).filter(lastmod__isnull=False)


class WorkshopSection(Section):
    def rows(self):
        return Workshop.objects.published().annotate(lastmod=Greatest("content_changed_at", "publish_date"))


class PageSection(Section):
    """The pages of no single record: home, catalogue, series and topic indexes and workshop list, changed with the
    newest publication."""

    changefreq = "weekly"
    url_names = ("home", "publication-list", "series-list", "topic-list", "workshop-list")

    def __init__(self):
        super().__init__("")

    def files(self) -> int:
        return 1

    def entries(self, number: int) -> Iterator[Entry] | None:
        if number != 1:
            return None
        latest = Publication.objects.published().aggregate(latest=Max("content_changed_at"))["latest"]
        return ((in_each_language(url_name), latest) for url_name in self.url_names)


SECTIONS: dict[str, Section] = {
    "pages": PageSection(),
    "publications": PublicationSection("publication-detail"),
    "series": CollectionSection("series-detail", Series),
    "topics": CollectionSection("topic-detail", Topic),
    "workshops": WorkshopSection("workshop-detail"),
}


def site_root(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def sitemap_index(request):
    """/sitemap.xml: every sitemap file, a few queries (one count per section) whatever the catalogue's size."""
    root = site_root(request)
    lines = [XML_HEADER, '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    for name, section in SECTIONS.items():
        for number in range(1, section.files() + 1):
            location = root + reverse("sitemap-file", kwargs={"section": name, "number": number})
            lines.append(f"<sitemap><loc>{escape(location)}</loc></sitemap>\n")
    lines.append("</sitemapindex>\n")
    return HttpResponse("".join(lines), content_type="application/xml")


def sitemap_file(request, section: str, number: str):
    """/sitemaps/<section>-<number>.xml, streamed."""
    if section not in SECTIONS:
        raise Http404
    entries = SECTIONS[section].entries(int(number))
    if entries is None:
        raise Http404
    return StreamingHttpResponse(
        urlset(entries, site_root(request), SECTIONS[section].changefreq), content_type="application/xml"
    )


def urlset(entries: Iterator[Entry], root: str, changefreq: str) -> Iterator[str]:
    """The <urlset> of `entries`: each page in each language, with its alternates and an x-default (the default
    language's page, as in the pages' heads: the unprefixed URL only redirects). Written in chunks."""
    frequency = f"<changefreq>{changefreq}</changefreq>" if changefreq else ""
    chunk = [XML_HEADER, URLSET]
    for paths, lastmod in entries:
        links = [(code, root + path) for code, path in paths.items()]
        links.append(("x-default", root + paths[settings.LANGUAGE_CODE]))
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(href)}/>' for code, href in links
        )
        modified = f"<lastmod>{timezone.localdate(lastmod).isoformat()}</lastmod>" if lastmod else ""
        for _code, location in links[:-1]:
            chunk.append(f"<url><loc>{escape(location)}</loc>{modified}{frequency}{alternates}</url>\n")
        if len(chunk) >= 1000:
            yield "".join(chunk)
            chunk = []
    chunk.append("</urlset>\n")
    yield "".join(chunk)


class RobotsView(TemplateView):
    """robots.txt: everything public may be crawled; the sitemap index's absolute URL."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sitemap_url"] = self.request.build_absolute_uri(reverse("sitemap"))
        return context
