"""Read-only API views: thin viewsets over the public querysets, so drafts never appear."""

from django.http import Http404, JsonResponse
from django.urls.converters import SlugConverter
from django.utils.translation import gettext_lazy as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, NotFound, ParseError, PermissionDenied

from catalogue.i18n import page_language
from catalogue.models import Edition, Publication, Series, Topic, Workshop
from catalogue.public.filters import LANGUAGE_RE, MAX_FACET_VALUES, SLUG_RE, YEAR_RE, PublicationFilter, Sort

from . import schema, serializers  # noqa: F401  (schema registers extensions)

ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
NOT_FOUND = OpenApiResponse(
    ERROR,
    description="No such object (drafts included), or a page past the last one. Every path under /api/ that no "
    "operation serves answers this 404 too.",
    examples=[OpenApiExample("Not found", {"detail": "Not found."})],
)
GONE = OpenApiResponse(
    ERROR,
    description="Withdrawn from the catalogue after it had been public.",
    examples=[OpenApiExample("Gone", {"detail": "This publication has been withdrawn from the catalogue."})],
)
INVALID_PARAMETERS = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "minProperties": 1,
    },
    description="A malformed query parameter (one given empty included): each key names a parameter, its value "
    "lists the reasons.",
    examples=[OpenApiExample("Invalid parameter", {"year_from": ["Enter a whole number."]})],
)


def read_only_schema(
    serializer_class, detail_serializer_class=None, *, list_parameters=(), list_description="", gone=False
):
    """Document a read-only viewset: its list (paginated) and detail responses, and their errors."""
    list_responses = {200: serializer_class(many=True), 400: INVALID_PARAMETERS, 404: NOT_FOUND}
    detail_responses = {200: detail_serializer_class or serializer_class, 404: NOT_FOUND}
    if gone:
        detail_responses[410] = GONE
    return extend_schema_view(
        list=extend_schema(description=list_description, parameters=list(list_parameters), responses=list_responses),
        retrieve=extend_schema(responses=detail_responses),
    )


def not_found(request, exception=None):
    """The 404 of a URL under /api/ that no route matches (a slug with a NUL or any other character a slug cannot
    have included): JSON like the API's other errors."""
    return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)


def bad_request(request, exception=None):
    """A request Django refuses before any view (a suspicious operation, such as a malformed Host or too many
    fields), under /api/: JSON, without the reason, as Django's own 400 page."""
    return JsonResponse({"detail": str(ParseError.default_detail)}, status=400)


def permission_denied(request, exception=None):
    return JsonResponse({"detail": str(PermissionDenied.default_detail)}, status=403)


def server_error(request):
    return JsonResponse({"detail": str(APIException.default_detail)}, status=500)


class SlugLookupMixin:
    """Detail URLs match slugs only, as the public pages' <slug:…> do: anything else (a NUL, which PostgreSQL
    refuses in a query) is a 404 before any query is made."""

    lookup_field = "slug"
    lookup_value_regex = SlugConverter.regex


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


class GoneWhenWithdrawnMixin:
    """A detail of a record withdrawn after it had been public answers 410 Gone; lists leave it out (published())."""

    gone_detail = ""

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            lookup = {self.lookup_field: self.kwargs[self.lookup_field]}
            if self.get_queryset().model.objects.withdrawn().filter(**lookup).exists():
                raise Gone(self.gone_detail) from None
            raise


class CatalogueFilterBackend(DjangoFilterBackend):
    """django-filter as in the public catalogue, searching and naming things in the request's language, but strict:
    a malformed value of any parameter is a 400 naming it (django-filter's raise_exception)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        return {**kwargs, "language": page_language(), "strict": True}


class PublicationResultsBackend(CatalogueFilterBackend):
    """The publications list as the catalogue page computes it: the filterset's results (public/results.py), keys
    in the page's order with their count, from set operations over the catalogue index and the query's match sets;
    the pagination then reads the page's rows (DeferredJoinPaginator). At 100,000 publications a search for a word
    in every record costs ~70 ms this way, against ~0.8 s as one SQL queryset ranked in SQL."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        return filterset.results


def _facet_parameter(name: str, items: dict, description: str) -> OpenApiParameter:
    array = {"type": "array", "items": items, "maxItems": MAX_FACET_VALUES}
    return OpenApiParameter(name, array, explode=True, description=description)


def _pattern(regex) -> dict:
    return {"type": "string", "pattern": f"^(?:{regex.pattern})$"}


YEAR = {"type": "integer", "minimum": 1000, "maximum": 9999}
PUBLICATION_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description="Full-text search, accent-insensitive and stemmed, over every language (en, fr, es) of "
        "titles, summaries, contents and workshops; an ISBN or ISSN, with or without hyphens, finds its publication "
        "first. The request's Accept-Language only weighs in the ranking.",
    ),
    _facet_parameter("series", _pattern(SLUG_RE), "Series slug; repeat for any of several."),
    _facet_parameter("topic", _pattern(SLUG_RE), "Topic slug; repeat for any of several."),
    _facet_parameter("year", _pattern(YEAR_RE), "Year of publication (four digits); repeat for any of several."),
    OpenApiParameter("year_from", YEAR, description="Published in this year or later."),
    OpenApiParameter("year_to", YEAR, description="Published in this year or earlier."),
    _facet_parameter(
        "language", _pattern(LANGUAGE_RE), "ISO 639-1 code of an edition's language; repeat for any of several."
    ),
    _facet_parameter(
        "format", {"type": "string", "enum": Edition.Format.values}, "Format of an edition; repeat for any of several."
    ),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=[value for value, _label in Sort.choices],
        description="Order of the results: relevance (the default with `q`), newest (the default without), "
        "oldest, title or number.",
    ),
]


@read_only_schema(
    serializers.PublicationSerializer,
    serializers.PublicationDetailSerializer,
    list_parameters=PUBLICATION_PARAMETERS,
    list_description="Published publications, filtered and searched as in the public catalogue. "
    "A malformed value of any parameter is a 400 naming it; a well-formed value that names nothing "
    "(an unknown series or topic) matches nothing.",
    gone=True,
)
class PublicationViewSet(SlugLookupMixin, GoneWhenWithdrawnMixin, viewsets.ReadOnlyModelViewSet):
    gone_detail = _("This publication has been withdrawn from the catalogue.")
    filter_backends = [PublicationResultsBackend]
    filterset_class = PublicationFilter

    def get_queryset(self):
        publications = Publication.objects.published()
        if self.action == "retrieve":
            return publications.for_api(detail=True)
        # A list reads the publications alone: their items are kept per record, and the serializer reads the
        # related rows of those whose item is not kept (serializers.KeptPublicationList).
        return publications.select_related("series").with_fragment_version()

    def filter_queryset(self, queryset):
        # Filters, search and sorting apply to the list; a publication's own URL finds it whatever the query string.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.PublicationDetailSerializer
        return serializers.PublicationSerializer


@read_only_schema(serializers.SeriesSerializer)
class SeriesViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.SeriesSerializer
    queryset = Series.objects.prefetch_related("issns").order_by("name_en", "slug")


@read_only_schema(serializers.TopicSerializer)
class TopicViewSet(SlugLookupMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.TopicSerializer
    queryset = Topic.objects.select_related("parent").order_by("name_en", "slug")


@read_only_schema(
    serializers.WorkshopSerializer,
    list_description="Workshops, latest first; those whose report is not yet public are left out.",
    gone=True,
)
class WorkshopViewSet(SlugLookupMixin, GoneWhenWithdrawnMixin, viewsets.ReadOnlyModelViewSet):
    gone_detail = _("This workshop has been withdrawn from the catalogue.")
    serializer_class = serializers.WorkshopSerializer

    def get_queryset(self):
        return Workshop.objects.published().select_related("publication").with_agenda().order_by("-start_date", "slug")
