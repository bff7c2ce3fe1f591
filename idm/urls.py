"""Root URLs: language-prefixed public pages, the admin, and machine-facing endpoints."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from catalogue.admin.translations import translation_dashboard

urlpatterns = [
    # Before the admin's own URLs, which would answer any other /admin/… path.
    path("admin/translations/", translation_dashboard, name="admin-translation-dashboard"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/", include("catalogue.api.urls")),
    path("", include("catalogue.interop.urls")),  # OAI-PMH, sitemap.xml, robots.txt
]

urlpatterns += i18n_patterns(
    path("", include("catalogue.public.urls")),
    prefix_default_language=True,
)

# The 500 page renders in the visitor's language without touching the database (the 404 page is Django's default
# handler with templates/404.html).
handler500 = "catalogue.public.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
