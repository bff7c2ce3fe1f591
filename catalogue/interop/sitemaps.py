"""What crawlers read: the sitemap (every public page in each interface language, with hreflang
alternates and lastmod) and robots.txt pointing to it.

One query per sitemap section: items are read once per request (Django's sitemap view
instantiates these classes per request) and last-modified dates come annotated.
"""

from functools import cached_property

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import F, Max
from django.urls import reverse
from django.views.generic import TemplateView

from catalogue.models import Publication, Series, Topic, Workshop, published_q


class CatalogueSitemap(Sitemap):
    """A section listed in en, fr and es, each URL with its alternates and an x-default.

    The x-default is the default language's URL (/en/...), as in the pages' heads; Django's own
    x-default would be the unprefixed URL, which only redirects.
    """

    i18n = True
    alternates = True
    x_default = False  # added by get_urls

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            default = [alt for alt in url["alternates"] if alt["lang_code"] == settings.LANGUAGE_CODE]
            url["alternates"] += [{"location": alt["location"], "lang_code": "x-default"} for alt in default]
        return urls

    def get_items(self):
        raise NotImplementedError

    @cached_property
    def _cached_items(self) -> list:
        return list(self.get_items())

    def items(self):
        return self._cached_items

    def lastmod(self, item):
        return item.lastmod


class StaticPageSitemap(CatalogueSitemap):
    """The home page and the catalogue, last modified with the newest public publication."""

    changefreq = "weekly"
    pages = ["catalogue:home", "catalogue:publication-list"]

    @cached_property
    def latest_change(self):
        return Publication.objects.published().aggregate(latest=Max("updated_at"))["latest"]

    def items(self):
        return self.pages

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return self.latest_change


class PublicationSitemap(CatalogueSitemap):
    def get_items(self):
        return Publication.objects.published().annotate(lastmod=F("updated_at")).order_by("series__slug", "number")


class CollectionSitemap(CatalogueSitemap):
    """The series or topics (`model`) that have a public publication, last modified with their newest one."""

    model: type[Series] | type[Topic]

    def get_items(self):
        return (
            self.model.objects.annotate(lastmod=Max("publications__updated_at", filter=published_q("publications__")))
            .filter(lastmod__isnull=False)
            .order_by("slug")
        )


class SeriesSitemap(CollectionSitemap):
    model = Series


class TopicSitemap(CollectionSitemap):
    model = Topic


class WorkshopSitemap(CatalogueSitemap):
    def get_items(self):
        return (
            Workshop.objects.published().annotate(lastmod=F("publication__updated_at")).order_by("start_date", "slug")
        )


SITEMAPS = {
    "pages": StaticPageSitemap,
    "publications": PublicationSitemap,
    "series": SeriesSitemap,
    "topics": TopicSitemap,
    "workshops": WorkshopSitemap,
}


class RobotsView(TemplateView):
    """robots.txt: everything public may be crawled; the sitemap's absolute URL."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sitemap_url"] = self.request.build_absolute_uri(reverse("sitemap"))
        return context
