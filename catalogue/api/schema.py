"""OpenAPI schema extensions (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiFilterExtension
from drf_spectacular.views import SpectacularAPIView


class CatalogueFilterBackendExtension(OpenApiFilterExtension):
    """The catalogue's FilterSet parses lenient multi-valued facets that introspection cannot type;
    the views document those query parameters explicitly instead (see views.PUBLICATION_PARAMETERS)."""

    target_class = "catalogue.api.views.CatalogueFilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        return []


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema of the API's one version. drf-spectacular would copy `?version=` into the schema and
    into the Content-Disposition filename (a CR, LF or NUL gave a 500, a quote injected header parameters):
    here `?version=` is ignored and the filename is fixed, so no request value reaches the response's headers."""

    def _get_version_parameter(self, request):
        return None

    def _get_filename(self, request, version):
        return super()._get_filename(request, None)  # the title (a setting) and the format
