"""Routes of the machine-readable outputs.

`i18n_urlpatterns`: citations, calendars and feeds, under the interface language and in the
`catalogue` namespace (the public URLconf lists them among its own). `urlpatterns`: the OAI-PMH
endpoint, the sitemap and robots.txt, at the root (included by idm/urls.py).
"""

from django.urls import path, re_path

from . import feeds, views
from .oai.views import OaiPmhView
from .sitemaps import RobotsView, sitemap_file, sitemap_index

i18n_urlpatterns = [
    re_path(
        r"^publications/(?P<slug>[-\w]+)/cite\.(?P<citation_format>bib|ris|json)$",
        views.PublicationCitationView.as_view(),
        name="publication-citation",
    ),
    re_path(
        r"^publications/(?P<slug>[-\w]+)/cite\.marcxml$", views.PublicationMarcView.as_view(), name="publication-marc"
    ),
    re_path(
        r"^publications/(?P<slug>[-\w]+)/editions/(?P<language>[a-z]{2,3})-(?P<edition_format>[a-z]+)/"
        r"cite\.(?P<citation_format>bib|ris|json)$",
        views.EditionCitationView.as_view(),
        name="edition-citation",
    ),
    path("workshops/<slug:slug>/calendar.ics", views.WorkshopCalendarView.as_view(), name="workshop-calendar"),
    path(
        "workshops/<slug:slug>/agenda/<int:position>.ics",
        views.AgendaItemCalendarView.as_view(),
        name="agenda-item-calendar",
    ),
    path("feed/", feeds.PublicationFeed(), name="feed"),
    path("series/<slug:slug>/feed/", feeds.SeriesFeed(), name="series-feed"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic-feed"),
]

urlpatterns = [
    path("oai", OaiPmhView.as_view(), name="oai"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    re_path(r"^sitemaps/(?P<section>[a-z]+)-(?P<number>[1-9][0-9]{0,5})\.xml$", sitemap_file, name="sitemap-file"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
]
