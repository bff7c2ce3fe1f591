"""The site's URLs plus a view that fails, to test the 500 page."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from idm.urls import handler500  # noqa: F401  (handler500 is looked up here)
from idm.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("Deliberate failure for the 500 page test")


urlpatterns = [*site_urlpatterns, *i18n_patterns(path("boom/", fail))]
