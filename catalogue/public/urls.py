"""The public pages, under each interface language's prefix (namespace `catalogue`), with the machine outputs
that live beside them (catalogue/interop/urls.py)."""

from django.urls import path

from catalogue.interop import urls as interop_urls

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("publications/", views.PublicationListView.as_view(), name="publication-list"),
    path("publications/<slug:slug>/", views.PublicationDetailView.as_view(), name="publication-detail"),
    path("series/", views.SeriesListView.as_view(), name="series-list"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("workshops/", views.WorkshopListView.as_view(), name="workshop-list"),
    path("workshops/<slug:slug>/", views.WorkshopDetailView.as_view(), name="workshop-detail"),
    # Machine-readable exports (citations, calendars, feeds).
    *interop_urls.i18n_urlpatterns,
]
