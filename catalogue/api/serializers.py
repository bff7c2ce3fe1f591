"""Read-only serializers: every translation of each translated field, identifiers in canonical and display form."""

from functools import cache

from django.db import models as db_models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalogue import models
from catalogue.fragments import kept_fragments
from catalogue.identifiers import format_isbn

from .fields import PublicUrlField, TranslatedField


class ApiUrlField(serializers.HyperlinkedIdentityField):
    """The object's own API endpoint, looked up by slug."""

    def __init__(self, view_name: str, **kwargs):
        super().__init__(view_name=view_name, lookup_field="slug", **kwargs)


class EmptyAsNullMixin:
    """Shows an empty string as null: in an optional text column, "" means not stated."""

    def to_representation(self, value):
        return None if value == "" else super().to_representation(value)


@cache
def empty_as_null(field_class: type[serializers.Field]) -> type[serializers.Field]:
    return type(f"EmptyAsNull{field_class.__name__}", (EmptyAsNullMixin, field_class), {})


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose every field is read-only (and so always present in responses).

    Optional text columns (blank=True) are null when empty, like every other missing value,
    and their schema says so: nullable, and never "".
    """

    def get_extra_kwargs(self):
        extra_kwargs = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra_kwargs[name] = {**extra_kwargs.get(name, {}), "read_only": True}
        return extra_kwargs

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, db_models.CharField | db_models.TextField) and model_field.blank:
            field_class = empty_as_null(field_class)
            field_kwargs.update(allow_null=True, allow_blank=False)
        return field_class, field_kwargs


class ZonedDateTimeField(serializers.DateTimeField):
    """An aware datetime shown in its own time zone (a workshop's), not converted to the server's."""

    def enforce_timezone(self, value):
        return value


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}(\.\d+)?$", "example": "10:00:00"})
class LocalTimeField(serializers.TimeField):
    """A wall-clock time without an offset (the zone is the workshop's); OpenAPI's `time` format needs one."""


class SeriesIssnSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = models.SeriesIssn
        fields = ["language", "issn", "medium"]


class SeriesSummarySerializer(ReadOnlyModelSerializer):
    url = ApiUrlField("api:series-detail")
    name = TranslatedField()
    short_name = TranslatedField()

    class Meta:
        model = models.Series
        fields = ["slug", "url", "name", "short_name"]


class SeriesSerializer(SeriesSummarySerializer):
    description = TranslatedField()
    issns = SeriesIssnSerializer(many=True, read_only=True)
    public_url = PublicUrlField()

    class Meta(SeriesSummarySerializer.Meta):
        fields = [*SeriesSummarySerializer.Meta.fields, "description", "issns", "public_url"]


class TopicSummarySerializer(ReadOnlyModelSerializer):
    url = ApiUrlField("api:topic-detail")
    name = TranslatedField()

    class Meta:
        model = models.Topic
        fields = ["slug", "url", "name"]


class TopicSerializer(TopicSummarySerializer):
    description = TranslatedField()
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The broader topic's slug."
    )
    public_url = PublicUrlField()

    class Meta(TopicSummarySerializer.Meta):
        fields = [*TopicSummarySerializer.Meta.fields, "description", "parent", "public_url"]


class EditionSerializer(ReadOnlyModelSerializer):
    isbn = serializers.SerializerMethodField(help_text="ISBN-13, 13 digits.")
    isbn_hyphenated = serializers.SerializerMethodField(help_text="ISBN-13 with its hyphens, for display.")
    issn = serializers.SerializerMethodField(
        help_text="The edition's ISSN: its own, else the series' for its language."
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = models.Edition
        fields = [
            "language",
            "format",
            "isbn",
            "isbn_hyphenated",
            "issn",
            "pages",
            "date",
            "download_url",
            "availability",
            "price",
            "currency",
        ]
        extra_kwargs = {
            "date": {
                "help_text": "The edition's own date (its issue or upload): not the publication year every "
                "citation gives (`year`), nor the day the publication went online (`publish_date`)."
            }
        }

    @extend_schema_field(serializers.CharField(allow_null=True, min_length=13, max_length=13))
    def get_isbn(self, edition) -> str | None:
        return edition.isbn or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_isbn_hyphenated(self, edition) -> str | None:
        return format_isbn(edition.isbn) or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_issn(self, edition) -> str | None:
        return edition.publication.issn_for(edition.language) or None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, edition) -> str | None:
        url = edition.download_url
        return self.context["request"].build_absolute_uri(url) if url else None


class TocEntrySerializer(ReadOnlyModelSerializer):
    parent = serializers.SerializerMethodField(help_text="Position of the heading this one belongs to.")
    depth = serializers.SerializerMethodField(help_text="0 for a top-level heading.")
    title = TranslatedField()

    class Meta:
        model = models.TocEntry
        fields = ["position", "parent", "depth", "kind", "title", "page"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_parent(self, entry) -> int | None:
        parent = self.context["toc_by_id"].get(entry.parent_id)
        return parent.position if parent else None

    def get_depth(self, entry) -> int:
        depth, by_id, parent_id = 0, self.context["toc_by_id"], entry.parent_id
        while parent_id in by_id:
            depth += 1
            parent_id = by_id[parent_id].parent_id
        return depth


class PublicationSummarySerializer(ReadOnlyModelSerializer):
    url = ApiUrlField("api:publication-detail")
    title = TranslatedField()

    class Meta:
        model = models.Publication
        fields = ["slug", "url", "number", "year", "title"]


class WorkshopSummarySerializer(ReadOnlyModelSerializer):
    url = ApiUrlField("api:workshop-detail")
    title = TranslatedField()
    city = TranslatedField()

    class Meta:
        model = models.Workshop
        fields = ["slug", "url", "title", "city", "country", "start_date", "end_date"]


class KeptPublicationList(serializers.ListSerializer):
    """A list of publications put together from their kept items (catalogue/fragments.py): only the publications
    whose item is not kept have their related rows read (the list reads the publications alone) and are
    serialized."""

    def to_representation(self, data):
        publications = list(data.all() if isinstance(data, db_models.manager.BaseManager) else data)
        request = self.context.get("request")
        site = (request.scheme, request.get_host()) if request is not None else ()  # the items' absolute URLs

        def serialize(missing):
            db_models.prefetch_related_objects(missing, *models.api_lookups())
            return [_plain(self.child.to_representation(publication)) for publication in missing]

        return kept_fragments("api-publication", publications, serialize, context=site)


def _plain(value):
    """A representation as plain dicts, lists and strings, as it is kept: a URL is a str subclass (Hyperlink)
    holding its model instance, which the cache would otherwise pickle with it (20 KB per item, read back on
    every request)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, str) else value


class PublicationSerializer(ReadOnlyModelSerializer):
    """A publication as listed: the work, its editions, topics and workshops."""

    url = ApiUrlField("api:publication-detail")
    series = SeriesSummarySerializer(read_only=True)
    title = TranslatedField()
    subtitle = TranslatedField()
    summary = TranslatedField()
    publisher = TranslatedField()
    corporate_author = TranslatedField(help_text="The body responsible for the content, when stated.")
    place = TranslatedField(help_text="The place of publication.")
    cover_image = serializers.ImageField(read_only=True, allow_null=True, use_url=True)
    cover_alt = TranslatedField()
    available_in = serializers.ListField(
        source="available_languages",
        child=serializers.CharField(),
        read_only=True,
        help_text="ISO 639-1 codes of the languages of the editions.",
    )
    editions = EditionSerializer(many=True, read_only=True)
    topics = TopicSummarySerializer(many=True, read_only=True)
    workshops = WorkshopSummarySerializer(many=True, read_only=True)
    public_url = PublicUrlField()

    class Meta:
        model = models.Publication
        list_serializer_class = KeptPublicationList
        fields = [
            "slug",
            "url",
            "series",
            "number",
            "year",
            "title",
            "subtitle",
            "summary",
            "original_language",
            "publisher",
            "corporate_author",
            "place",
            "reference_number",
            "participants_count",
            "participants_precision",
            "panelists_count",
            "panelists_precision",
            "cover_image",
            "cover_alt",
            "publish_date",
            "available_in",
            "editions",
            "topics",
            "workshops",
            "public_url",
        ]
        extra_kwargs = {
            "year": {
                "help_text": "The catalogue publication year: the date every citation of the publication gives "
                "(BibTeX year, RIS PY, CSL issued, citation_publication_date, schema.org datePublished, dc:date)."
            },
            "publish_date": {
                "help_text": "When the publication went online in the catalogue (citation_online_date, the "
                "feeds' published date); not its publication year."
            },
        }


class PublicationDetailSerializer(PublicationSerializer):
    """A publication with its table of contents (flat, in reading order, each entry naming its parent)."""

    table_of_contents = serializers.SerializerMethodField()

    class Meta(PublicationSerializer.Meta):
        fields = [*PublicationSerializer.Meta.fields, "table_of_contents"]

    @extend_schema_field(TocEntrySerializer(many=True))
    def get_table_of_contents(self, publication):
        entries = list(publication.toc_entries.all())
        context = {**self.context, "toc_by_id": {entry.pk: entry for entry in entries}}
        return TocEntrySerializer(entries, many=True, context=context).data


class SpeakerSerializer(ReadOnlyModelSerializer):
    position = TranslatedField()
    affiliation = TranslatedField()

    class Meta:
        model = models.Speaker
        fields = ["slug", "name", "position", "affiliation"]


class AgendaParticipationSerializer(ReadOnlyModelSerializer):
    person = SpeakerSerializer(source="speaker", read_only=True)

    class Meta:
        model = models.AgendaParticipation
        fields = ["role", "person"]


class AgendaItemSerializer(ReadOnlyModelSerializer):
    title = TranslatedField()
    description = TranslatedField()
    start_time = LocalTimeField(read_only=True, allow_null=True, help_text="Local time, in the workshop's time zone.")
    end_time = LocalTimeField(read_only=True, allow_null=True, help_text="Local time, in the workshop's time zone.")
    starts_at = ZonedDateTimeField(read_only=True, allow_null=True, help_text="Start, in the workshop's time zone.")
    ends_at = ZonedDateTimeField(read_only=True, allow_null=True, help_text="End, in the workshop's time zone.")
    people = AgendaParticipationSerializer(source="participations", many=True, read_only=True)

    class Meta:
        model = models.AgendaItem
        fields = [
            "position",
            "kind",
            "date",
            "start_time",
            "end_time",
            "starts_at",
            "ends_at",
            "title",
            "description",
            "people",
        ]


class WorkshopSerializer(ReadOnlyModelSerializer):
    """A workshop with its agenda: sessions in order, each with its people and their roles."""

    url = ApiUrlField("api:workshop-detail")
    title = TranslatedField()
    description = TranslatedField()
    city = TranslatedField()
    venue = TranslatedField()
    publication = PublicationSummarySerializer(read_only=True, allow_null=True, help_text="The report on it.")
    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)
    public_url = PublicUrlField()

    class Meta:
        model = models.Workshop
        fields = [
            "slug",
            "url",
            "title",
            "description",
            "city",
            "country",
            "venue",
            "start_date",
            "end_date",
            "time_zone",
            "participants_count",
            "panelists_count",
            "publication",
            "agenda",
            "public_url",
        ]
