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


# OpenAPI links: where a response names another object, the operation that fetches it (clients and schemathesis'
# stateful phase follow them). (operation, link name, target operation, runtime expression of the target's slug)
LINKS = [
    ("publications_list", "GetPublication", "publications_retrieve", "$response.body#/results/0/slug"),
    ("publications_list", "GetSeries", "series_retrieve", "$response.body#/results/0/series/slug"),
    ("series_list", "GetSeries", "series_retrieve", "$response.body#/results/0/slug"),
    ("topics_list", "GetTopic", "topics_retrieve", "$response.body#/results/0/slug"),
    ("workshops_list", "GetWorkshop", "workshops_retrieve", "$response.body#/results/0/slug"),
    ("publications_retrieve", "GetSeries", "series_retrieve", "$response.body#/series/slug"),
    ("publications_retrieve", "GetTopic", "topics_retrieve", "$response.body#/topics/0/slug"),
    ("publications_retrieve", "GetWorkshop", "workshops_retrieve", "$response.body#/workshops/0/slug"),
    ("topics_retrieve", "GetParentTopic", "topics_retrieve", "$response.body#/parent"),
    ("workshops_retrieve", "GetPublication", "publications_retrieve", "$response.body#/publication/slug"),
]


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: the LINKS on each operation's 200 response."""
    operations = {
        operation["operationId"]: operation for path in result["paths"].values() for operation in path.values()
    }
    for source, name, target, expression in LINKS:
        response = operations[source]["responses"]["200"]
        response.setdefault("links", {})[name] = {"operationId": target, "parameters": {"slug": expression}}
    return result
