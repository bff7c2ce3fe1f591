"""The public pages, under each interface language's prefix (namespace `catalogue`)."""

from django.urls import path, re_path

from catalogue import export_views, feeds

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("publications/", views.PublicationListView.as_view(), name="publication-list"),
    path("publications/<slug:slug>/", views.PublicationDetailView.as_view(), name="publication-detail"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("workshops/", views.WorkshopListView.as_view(), name="workshop-list"),
    path("workshops/<slug:slug>/", views.WorkshopDetailView.as_view(), name="workshop-detail"),
    # Machine-readable exports (citations, calendars, feeds): catalogue/export_views.py, catalogue/feeds.py.
    re_path(
        r"^publications/(?P<slug>[-\w]+)/cite\.(?P<citation_format>bib|ris|json)$",
        export_views.PublicationCitationView.as_view(),
        name="publication-citation",
    ),
    re_path(
        r"^publications/(?P<slug>[-\w]+)/editions/(?P<language>[a-z]{2,3})-(?P<edition_format>[a-z]+)/"
        r"cite\.(?P<citation_format>bib|ris|json)$",
        export_views.EditionCitationView.as_view(),
        name="edition-citation",
    ),
    path("workshops/<slug:slug>/calendar.ics", export_views.WorkshopCalendarView.as_view(), name="workshop-calendar"),
    path(
        "workshops/<slug:slug>/agenda/<int:position>.ics",
        export_views.AgendaItemCalendarView.as_view(),
        name="agenda-item-calendar",
    ),
    path("feed/", feeds.PublicationFeed(), name="feed"),
    path("series/<slug:slug>/feed/", feeds.SeriesFeed(), name="series-feed"),
    path("topics/<slug:slug>/feed/", feeds.TopicFeed(), name="topic-feed"),
]
