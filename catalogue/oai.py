"""OAI-PMH 2.0 repository at /oai: oai_dc records of public publications, with sets for series and topics.

Responses are built as lxml trees, never by string formatting, so they stay well-formed whatever
the content; text is first stripped of the few characters XML 1.0 cannot carry at all.

Settings (all optional): OAI_REPOSITORY_IDENTIFIER (the middle part of record identifiers,
``oai:<it>:publication/<slug>``), OAI_REPOSITORY_NAME, OAI_ADMIN_EMAILS (else ADMINS),
OAI_PAGE_SIZE (records per page of a list before a resumption token).
"""

import dataclasses
import datetime
import re

from django.conf import settings
from django.core import signing
from django.db.models import Min, QuerySet
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from .models import Edition, Publication, Series, Topic

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

DEFAULT_REPOSITORY_IDENTIFIER = "idm-catalogue.example"  # .example is reserved (RFC 2606): never a real host
DEFAULT_REPOSITORY_NAME = "IDM publications catalogue"
DEFAULT_PAGE_SIZE = 50
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"

METADATA_FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS)}
FORMAT_MEDIA_TYPES = {
    Edition.Format.PDF: "application/pdf",
    Edition.Format.EPUB: "application/epub+zip",
    Edition.Format.HTML: "text/html",
}

# verb: (required arguments, optional arguments, exclusive argument)
VERBS = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_METADATA_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f]+")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_TOKEN_SALT = "catalogue.oai.resumption-token"


class OaiError(Exception):
    """An OAI-PMH protocol error, answered as <error code="…">."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


# Settings


def repository_identifier() -> str:
    return getattr(settings, "OAI_REPOSITORY_IDENTIFIER", DEFAULT_REPOSITORY_IDENTIFIER)


def page_size() -> int:
    return max(1, int(getattr(settings, "OAI_PAGE_SIZE", DEFAULT_PAGE_SIZE)))


def admin_emails() -> list[str]:
    emails = getattr(settings, "OAI_ADMIN_EMAILS", None) or [email for _name, email in settings.ADMINS]
    return list(emails) or [f"oai@{repository_identifier()}"]


def content_languages() -> list[str]:
    return list(getattr(settings, "MODELTRANSLATION_LANGUAGES", [code for code, _name in settings.LANGUAGES]))


# Query functions


def oai_publications() -> QuerySet:
    """Public publications with their datestamp: the later of their last change and their publish date."""
    # A publication whose publish date arrives after its last edit becomes visible then, so harvesters
    # asking "from" their previous harvest must see it as new.
    return Publication.objects.published().annotate(oai_datestamp=Greatest("updated_at", "publish_date"))


def oai_publications_matching(
    *, set_spec: str | None, start: datetime.datetime | None, end: datetime.datetime | None
) -> QuerySet:
    """Public publications in set `set_spec` with a datestamp in [start, end), ordered by primary key."""
    publications = oai_publications()
    if set_spec is not None:
        kind, _colon, slug = set_spec.partition(":")
        if kind == "series":
            publications = publications.filter(series__slug=slug) if slug else publications
        elif kind == "topic" and slug:
            publications = publications.filter(topics__slug=slug)
        elif kind == "topic":
            publications = publications.filter(pk__in=Publication.topics.through.objects.values("publication_id"))
        else:
            publications = publications.none()
    if start is not None:
        publications = publications.filter(oai_datestamp__gte=start)
    if end is not None:
        publications = publications.filter(oai_datestamp__lt=end)
    return publications.order_by("pk")


def oai_publication(identifier: str) -> QuerySet:
    """The public publication that `identifier` names (an empty queryset when none does)."""
    prefix = f"oai:{repository_identifier()}:publication/"
    if not identifier.startswith(prefix):
        return Publication.objects.none()
    return oai_publications().filter(slug=identifier.removeprefix(prefix))


def oai_earliest_datestamp() -> datetime.datetime | None:
    return oai_publications().aggregate(earliest=Min("oai_datestamp"))["earliest"]


@dataclasses.dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str
    titles: dict[str, str] = dataclasses.field(default_factory=dict)
    descriptions: dict[str, str] = dataclasses.field(default_factory=dict)


def oai_sets() -> list[OaiSet]:
    """Every set: "series" and "topic", then each series and topic that has a public publication."""
    public = Publication.objects.published().values("pk")
    series = Series.objects.filter(publications__in=public).distinct().order_by("slug")
    topics = Topic.objects.with_published_publications().order_by("slug")
    sets = [OaiSet("series", _("Series"))]
    sets += [_set_of("series", item) for item in series]
    sets.append(OaiSet("topic", _("Topics")))
    sets += [_set_of("topic", item) for item in topics]
    return sets


def _set_of(kind: str, item: Series | Topic) -> OaiSet:
    return OaiSet(
        spec=f"{kind}:{item.slug}",
        name=item.name,
        titles=_translations(item, "name"),
        descriptions=_translations(item, "description"),
    )


def _translations(instance, field: str) -> dict[str, str]:
    values = {
        language: _xml(getattr(instance, f"{field}_{language}", None) or "").strip() for language in content_languages()
    }
    return {language: value for language, value in values.items() if value}


# Arguments, datestamps and resumption tokens


@dataclasses.dataclass(frozen=True)
class ListQuery:
    """The arguments of a list request (ListSets, ListIdentifiers, ListRecords) and where its page starts."""

    arguments: dict[str, str]
    after: int = 0
    cursor: int = 0


def parse_arguments(query: QueryDict) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, checked against the protocol; raises OaiError."""
    verbs = query.getlist("verb")
    if len(verbs) != 1:
        raise OaiError("badVerb", _("The verb argument is missing or repeated."))
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", _("The verb is not an OAI-PMH verb."))
    required, optional, exclusive = VERBS[verb]
    allowed = required | optional | ({exclusive} if exclusive else set())
    arguments = {}
    for key in query:
        if key == "verb":
            continue
        values = query.getlist(key)
        if key not in allowed:
            raise OaiError("badArgument", _("The argument “%(name)s” is not allowed here.") % {"name": _xml(key)})
        if len(values) != 1:
            raise OaiError("badArgument", _("The argument “%(name)s” is repeated.") % {"name": key})
        if not values[0]:
            raise OaiError("badArgument", _("The argument “%(name)s” is empty.") % {"name": key})
        arguments[key] = values[0]
    if exclusive in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", _("A resumption token cannot be combined with other arguments."))
        return verb, arguments
    missing = sorted(required - arguments.keys())
    if missing:
        raise OaiError("badArgument", _("Required argument missing: %(names)s.") % {"names": ", ".join(missing)})
    check_syntax(arguments)
    return verb, arguments


def check_syntax(arguments: dict[str, str]) -> None:
    """Raise badArgument unless every argument is well formed (the request echoes them into the schema)."""
    checks = {"metadataPrefix": _METADATA_PREFIX, "set": _SET_SPEC, "identifier": _IDENTIFIER}
    for name, pattern in checks.items():
        if name in arguments and not pattern.fullmatch(arguments[name]):
            raise OaiError("badArgument", _("The argument “%(name)s” is not well formed.") % {"name": name})
    start, end = datestamp_bounds(arguments)
    if "from" in arguments and "until" in arguments:
        if len(arguments["from"]) != len(arguments["until"]):
            raise OaiError("badArgument", _("The from and until arguments have different granularities."))
        if end is not None and start >= end:
            raise OaiError("badArgument", _("The from argument is later than the until argument."))


def datestamp_bounds(arguments: dict[str, str]) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """[start, end) from the from and until arguments; until covers its whole day or second."""
    start = end = None
    if "from" in arguments:
        start, _step = _parse_datestamp(arguments["from"], "from")
    if "until" in arguments:
        until, step = _parse_datestamp(arguments["until"], "until")
        try:
            end = until + step
        except OverflowError:
            end = None  # the end of the calendar: no upper bound
    return start, end


def _parse_datestamp(value: str, name: str) -> tuple[datetime.datetime, datetime.timedelta]:
    formats = (
        (_DAY, "%Y-%m-%d", datetime.timedelta(days=1)),
        (_SECOND, "%Y-%m-%dT%H:%M:%SZ", datetime.timedelta(seconds=1)),
    )
    for pattern, date_format, step in formats:
        if pattern.fullmatch(value):
            try:
                parsed = datetime.datetime.strptime(value, date_format)
            except ValueError:
                break
            return parsed.replace(tzinfo=datetime.UTC), step
    raise OaiError(
        "badArgument",
        _("The %(name)s argument is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDThh:mm:ssZ).") % {"name": name},
    )


def format_datestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_resumption_token(verb: str, query: ListQuery) -> str:
    """An opaque, signed token carrying the list's arguments and where the next page starts."""
    payload = {"verb": verb, "arguments": query.arguments, "after": query.after, "cursor": query.cursor}
    return signing.dumps(payload, salt=_TOKEN_SALT, compress=True)


def read_resumption_token(verb: str, token: str) -> ListQuery:
    """The list query a token carries; raises badResumptionToken unless this repository issued it for `verb`."""
    invalid = OaiError(
        "badResumptionToken", _("This resumption token was not issued by this repository for this request.")
    )
    try:
        payload = signing.loads(token, salt=_TOKEN_SALT)
    except signing.BadSignature as error:
        raise invalid from error
    if not isinstance(payload, dict) or payload.get("verb") != verb:
        raise invalid
    arguments, after, cursor = payload.get("arguments"), payload.get("after"), payload.get("cursor")
    if not (isinstance(arguments, dict) and isinstance(after, int) and isinstance(cursor, int) and cursor >= 0):
        raise invalid
    required, optional, _exclusive = VERBS[verb]
    if not (required <= arguments.keys() <= required | optional):
        raise invalid
    if not all(isinstance(value, str) and value for value in arguments.values()):
        raise invalid
    try:
        check_syntax(arguments)
    except OaiError as error:
        raise invalid from error
    return ListQuery(arguments=arguments, after=after, cursor=cursor)


# Verbs: each returns the element that follows <request>.


def identify(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    element = _oai("Identify")
    _add(element, _oai("repositoryName"), getattr(settings, "OAI_REPOSITORY_NAME", DEFAULT_REPOSITORY_NAME))
    _add(element, _oai("baseURL"), base_url(request))
    _add(element, _oai("protocolVersion"), "2.0")
    for email in admin_emails():
        _add(element, _oai("adminEmail"), email)
    earliest = oai_earliest_datestamp() or timezone.now()
    _add(element, _oai("earliestDatestamp"), format_datestamp(earliest))
    _add(element, _oai("deletedRecord"), "no")
    _add(element, _oai("granularity"), GRANULARITY)
    return element


def list_metadata_formats(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    if "identifier" in arguments and not oai_publication(arguments["identifier"]).exists():
        raise _id_does_not_exist()
    element = _oai("ListMetadataFormats")
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        metadata_format = _child(element, "metadataFormat")
        _add(metadata_format, _oai("metadataPrefix"), prefix)
        _add(metadata_format, _oai("schema"), schema)
        _add(metadata_format, _oai("metadataNamespace"), namespace)
    return element


def list_sets(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    cursor = 0
    if "resumptionToken" in arguments:
        cursor = read_resumption_token("ListSets", arguments["resumptionToken"]).cursor
    sets = oai_sets()
    page = sets[cursor : cursor + page_size()]
    if not page:
        raise OaiError(
            "badResumptionToken", _("This resumption token was not issued by this repository for this request.")
        )
    element = _oai("ListSets")
    for item in page:
        set_element = _child(element, "set")
        _add(set_element, _oai("setSpec"), item.spec)
        _add(set_element, _oai("setName"), item.name)
        if item.titles or item.descriptions:
            dc = _oai_dc_root()
            for language, title in item.titles.items():
                _add(dc, _dc("title"), title, language)
            for language, description in item.descriptions.items():
                _add(dc, _dc("description"), description, language)
            _child(set_element, "setDescription").append(dc)
    next_cursor = cursor + len(page)
    if cursor or next_cursor < len(sets):
        more = next_cursor < len(sets)
        token = make_resumption_token("ListSets", ListQuery({}, cursor=next_cursor)) if more else ""
        _add_resumption_token(element, token, size=len(sets), cursor=cursor)
    return element


def get_record(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    _check_metadata_prefix(arguments["metadataPrefix"])
    publication = _with_record_data(oai_publication(arguments["identifier"])).first()
    if publication is None:
        raise _id_does_not_exist()
    element = _oai("GetRecord")
    element.append(record(publication, request))
    return element


def list_identifiers(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    return _list(request, "ListIdentifiers", arguments, with_metadata=False)


def list_records(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    return _list(request, "ListRecords", arguments, with_metadata=True)


def _list(request: HttpRequest, verb: str, arguments: dict[str, str], *, with_metadata: bool) -> etree._Element:
    if "resumptionToken" in arguments:
        query = read_resumption_token(verb, arguments["resumptionToken"])
    else:
        query = ListQuery(arguments=arguments)
    _check_metadata_prefix(query.arguments["metadataPrefix"])
    start, end = datestamp_bounds(query.arguments)
    matching = oai_publications_matching(set_spec=query.arguments.get("set"), start=start, end=end)
    page = matching.filter(pk__gt=query.after) if query.after else matching
    page = page.select_related("series")
    page = _with_record_data(page) if with_metadata else page.prefetch_related("topics")
    size = page_size()
    publications = list(page[: size + 1])  # one more tells whether another page follows
    more, publications = len(publications) > size, publications[:size]
    if not publications:
        raise OaiError("noRecordsMatch", _("No records match the request."))
    element = _oai(verb)
    for publication in publications:
        element.append(record(publication, request) if with_metadata else header(publication))
    if more or query.cursor:
        # Keyset paging (after the last primary key) neither skips nor repeats records when others change.
        next_query = ListQuery(query.arguments, after=publications[-1].pk, cursor=query.cursor + len(publications))
        token = make_resumption_token(verb, next_query) if more else ""
        _add_resumption_token(element, token, size=matching.count(), cursor=query.cursor)
    return element


def _with_record_data(publications: QuerySet) -> QuerySet:
    return publications.select_related("series").prefetch_related("series__issns", "editions", "topics")


def _check_metadata_prefix(prefix: str) -> None:
    if prefix not in METADATA_FORMATS:
        raise OaiError("cannotDisseminateFormat", _("This repository disseminates oai_dc only."))


def _id_does_not_exist() -> OaiError:
    return OaiError("idDoesNotExist", _("No public record has this identifier."))


def _add_resumption_token(element: etree._Element, token: str, *, size: int, cursor: int) -> None:
    token_element = _add(element, _oai("resumptionToken"), token)
    if size:  # positiveInteger: a list emptied while harvesting has no size to give
        token_element.set("completeListSize", str(size))
    token_element.set("cursor", str(cursor))


# Records


def record_identifier(publication: Publication) -> str:
    return f"oai:{repository_identifier()}:publication/{publication.slug}"


def header(publication: Publication) -> etree._Element:
    """A record's header: identifier, datestamp and the sets it belongs to (topics prefetched)."""
    element = _oai("header")
    _add(element, _oai("identifier"), record_identifier(publication))
    _add(element, _oai("datestamp"), format_datestamp(publication.oai_datestamp))
    _add(element, _oai("setSpec"), f"series:{publication.series.slug}")
    for slug in sorted(topic.slug for topic in publication.topics.all()):
        _add(element, _oai("setSpec"), f"topic:{slug}")
    return element


def record(publication: Publication, request: HttpRequest) -> etree._Element:
    element = _oai("record")
    element.append(header(publication))
    _child(element, "metadata").append(oai_dc(publication, request))
    return element


def oai_dc(publication: Publication, request: HttpRequest) -> etree._Element:
    """The publication as simple Dublin Core, every translation tagged with its xml:lang."""
    dc = _oai_dc_root()
    editions = list(publication.editions.all())
    for language in content_languages():
        if title := _full_title(publication, language):
            _add(dc, _dc("title"), title, language)
    for language, author in _translations(publication, "corporate_author").items():
        _add(dc, _dc("creator"), author, language)
    for topic in sorted(publication.topics.all(), key=lambda topic: topic.slug):
        for language, name in _translations(topic, "name").items():
            _add(dc, _dc("subject"), name, language)
    for language, summary in _translations(publication, "summary").items():
        _add(dc, _dc("description"), summary, language)
    for language, publisher in _translations(publication, "publisher").items():
        _add(dc, _dc("publisher"), publisher, language)
    _add(dc, _dc("date"), str(publication.year))
    _add(dc, _dc("type"), "Text")
    for media_type in dict.fromkeys(FORMAT_MEDIA_TYPES[e.format] for e in editions if e.format in FORMAT_MEDIA_TYPES):
        _add(dc, _dc("format"), media_type)
    for isbn in dict.fromkeys(edition.isbn for edition in editions if edition.isbn):
        _add(dc, _dc("identifier"), f"urn:isbn:{isbn}")
    languages = list(dict.fromkeys(edition.language for edition in editions)) or [publication.original_language]
    for issn in dict.fromkeys(publication.issn_for(language) for language in languages):
        if issn:
            _add(dc, _dc("identifier"), f"urn:issn:{issn}")
    for url in public_urls(publication, request):
        _add(dc, _dc("identifier"), url)
    for language in languages:
        _add(dc, _dc("language"), language)
    return dc


def _full_title(publication: Publication, language: str) -> str:
    title = _xml(getattr(publication, f"title_{language}") or "").strip()
    subtitle = _xml(getattr(publication, f"subtitle_{language}") or "").strip()
    if not (title and subtitle):
        return title
    return f"{title} : {subtitle}" if language == "fr" else f"{title}: {subtitle}"


def public_urls(publication: Publication, request: HttpRequest) -> list[str]:
    """The publication's page in each interface language."""
    urls = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            urls.append(request.build_absolute_uri(publication.get_absolute_url()))
    return urls


# XML


def _xml(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def _oai(name: str) -> etree._Element:
    return etree.Element(f"{{{OAI_NS}}}{name}")


def _child(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{OAI_NS}}}{name}")


def _dc(name: str) -> etree._Element:
    return etree.Element(f"{{{DC_NS}}}{name}")


def _add(parent: etree._Element, element: etree._Element, text: str, language: str | None = None):
    """Append `element` with `text` (made safe for XML) to `parent`, with an xml:lang when given."""
    element.text = _xml(text)
    if language:
        element.set(XML_LANG, language)
    parent.append(element)
    return element


def _oai_dc_root() -> etree._Element:
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    return dc


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("oai"))


VERB_RESPONSES = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


def oai_response(request: HttpRequest, query: QueryDict) -> bytes:
    """The OAI-PMH response document to `query`, as UTF-8 XML."""
    root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    _add(root, _oai("responseDate"), format_datestamp(timezone.now()))
    request_element = _add(root, _oai("request"), base_url(request))
    try:
        verb, arguments = parse_arguments(query)
        # Past this point the arguments are well formed, so the request element may echo them.
        request_element.set("verb", verb)
        for name, value in arguments.items():
            request_element.set(name, _xml(value))
        root.append(VERB_RESPONSES[verb](request, arguments))
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            request_element.attrib.clear()  # the protocol: no attributes when the request itself is wrong
        error_element = _add(root, _oai("error"), error.message)
        error_element.set("code", error.code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@method_decorator(csrf_exempt, name="dispatch")  # harvesters POST without a CSRF token; nothing is written
class OaiPmhView(View):
    """OAI-PMH 2.0 over GET and POST (application/x-www-form-urlencoded)."""

    http_method_names = ["get", "post", "head", "options"]

    def get(self, request):
        return self._respond(request, request.GET)

    def post(self, request):
        return self._respond(request, request.POST)

    def _respond(self, request, query):
        # Protocol messages read the same whatever the visitor's language.
        with translation.override(settings.LANGUAGE_CODE):
            return HttpResponse(oai_response(request, query), content_type="text/xml; charset=utf-8")
