"""API routes, mounted at /api/ (outside the language prefixes: every response carries every language)."""

from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("series", views.SeriesViewSet, basename="series")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("workshops", views.WorkshopViewSet, basename="workshop")

urlpatterns = router.urls
