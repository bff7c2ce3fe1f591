"""OpenAPI schema extensions (drf-spectacular)."""

from drf_spectacular.extensions import OpenApiFilterExtension


class CatalogueFilterBackendExtension(OpenApiFilterExtension):
    """The catalogue's FilterSet parses lenient multi-valued facets that introspection cannot type;
    the views document those query parameters explicitly instead (see views.PUBLICATION_PARAMETERS)."""

    target_class = "catalogue.api.views.CatalogueFilterBackend"
    priority = 1

    def get_schema_operation_parameters(self, auto_schema, *args, **kwargs):
        return []
