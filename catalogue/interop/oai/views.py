"""The OAI-PMH 2.0 repository at /oai: oai_dc and marc21 records of public publications, deleted records for withdrawn
ones, with sets for series and topics. Each verb returns the element that follows <request>; errors are answered as <error>."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from catalogue.fragments import kept_fragments
from catalogue.models import content_version, detail_lookups, oai_lookups

from .protocol import (
    GRANULARITY,
    METADATA_FORMATS,
    OAI_NS,
    OAI_SCHEMA,
    XSI_NS,
    ListQuery,
    OaiError,
    admin_emails,
    bad_resumption_token,
    check_metadata_prefix,
    datestamp_bounds,
    format_datestamp,
    id_does_not_exist,
    make_resumption_token,
    page_size,
    parse_arguments,
    read_resumption_token,
    repository_name,
    xml_text,
)
from .queries import oai_earliest_datestamp, oai_publication, oai_publications_matching, oai_sets
from .records import add_text, header, oai_child, oai_element, record, set_element


def identify(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    element = oai_element("Identify")
    add_text(element, oai_element("repositoryName"), repository_name())
    add_text(element, oai_element("baseURL"), base_url(request))
    add_text(element, oai_element("protocolVersion"), "2.0")
    for email in admin_emails():
        add_text(element, oai_element("adminEmail"), email)
    earliest = oai_earliest_datestamp() or timezone.now()
    add_text(element, oai_element("earliestDatestamp"), format_datestamp(earliest))
    # "transient", not "persistent": a withdrawn publication is kept and reported as deleted for as long as its
    # row exists, but a publisher may still delete a record outright (delete_publication), which leaves no
    # trace to report. The protocol allows exactly that with "transient".
    add_text(element, oai_element("deletedRecord"), "transient")
    add_text(element, oai_element("granularity"), GRANULARITY)
    return element


def list_metadata_formats(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    if "identifier" in arguments and not oai_publication(arguments["identifier"]).exists():
        raise id_does_not_exist()
    element = oai_element("ListMetadataFormats")
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        metadata_format = oai_child(element, "metadataFormat")
        add_text(metadata_format, oai_element("metadataPrefix"), prefix)
        add_text(metadata_format, oai_element("schema"), schema)
        add_text(metadata_format, oai_element("metadataNamespace"), namespace)
    return element


def list_sets(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    cursor = 0
    if "resumptionToken" in arguments:
        cursor = read_resumption_token("ListSets", arguments["resumptionToken"]).cursor
    sets = oai_sets()
    page = sets[cursor : cursor + page_size()]
    if not page:
        raise bad_resumption_token()
    element = oai_element("ListSets")
    for item in page:
        element.append(set_element(item))
    next_cursor = cursor + len(page)
    if cursor or next_cursor < len(sets):
        more = next_cursor < len(sets)
        token = make_resumption_token("ListSets", ListQuery({}, cursor=next_cursor)) if more else ""
        _add_resumption_token(element, token, size=len(sets), cursor=cursor)
    return element


def get_record(request: HttpRequest, arguments: dict[str, str]) -> etree._Element:
    prefix = arguments["metadataPrefix"]
    check_metadata_prefix(prefix)
    publication = _for_metadata(oai_publication(arguments["identifier"]), prefix).first()
    if publication is None:
        raise id_does_not_exist()
    element = oai_element("GetRecord")
    element.append(record(publication, request, prefix))
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
    prefix = query.arguments["metadataPrefix"]
    check_metadata_prefix(prefix)
    start, end = datestamp_bounds(query.arguments)
    matching = oai_publications_matching(set_spec=query.arguments.get("set"), start=start, end=end)
    page = matching.filter(pk__gt=query.after) if query.after else matching
    # Records are kept per publication (catalogue/fragments.py): the page reads the publications alone, and the
    # related rows of those whose record is not kept. Headers alone read their topics (the sets) for all.
    page = page.select_related("series").with_fragment_version() if with_metadata else page.for_oai(metadata=False)
    size = page_size()
    publications = list(page[: size + 1])  # one more tells whether another page follows
    more, publications = len(publications) > size, publications[:size]
    if not publications:
        raise OaiError("noRecordsMatch", _("No records match the request."))
    element = oai_element(verb)
    if with_metadata:
        for kept in _records(request, publications, prefix):
            element.append(etree.fromstring(kept))
    else:
        for publication in publications:
            element.append(header(publication))
    if more or query.cursor:
        # Keyset paging (after the last primary key) neither skips nor repeats records when others change, and
        # costs the same on every page: the list's size is counted for the first page only and carried on.
        size = query.size or _list_size(matching, set_spec=query.arguments.get("set"), start=start, end=end)
        next_query = ListQuery(
            query.arguments, after=publications[-1].pk, cursor=query.cursor + len(publications), size=size
        )
        token = make_resumption_token(verb, next_query) if more else ""
        _add_resumption_token(element, token, size=size, cursor=query.cursor)
    return element


def _list_size(matching, **bounds) -> int:
    """How many records `matching` (the list of these `bounds`) holds: counted once per content version of the
    catalogue, which moves with any change of a record a list holds (at 100,000 publications a count costs ~20 ms
    on SQLite, much of a first page)."""
    text = "|".join(map(str, (content_version().isoformat(), *sorted(bounds.items()))))
    key = f"oai-size:{hashlib.sha256(text.encode()).hexdigest()[:32]}"
    return cache.get_or_set(key, matching.count, settings.PAGE_CACHE_TIMEOUT)


def _for_metadata(publications, prefix: str):
    """`publications` with the rows their records in `prefix` read."""
    return publications.select_related("series").prefetch_related(*_lookups(prefix))


def _lookups(prefix: str) -> list:
    """The related rows (beyond the series) that a record in `prefix` reads: a MARC record reads all a page shows."""
    return detail_lookups() if prefix == "marc21" else oai_lookups()


def _records(request: HttpRequest, publications: list, prefix: str) -> list[bytes]:
    """The records of `publications` in `prefix`, as XML, from those kept (catalogue/fragments.py) or made."""

    def make(missing):
        prefetch_related_objects(missing, *_lookups(prefix))
        return [etree.tostring(record(publication, request, prefix)) for publication in missing]

    return kept_fragments(f"oai-{prefix}", publications, make, context=(base_url(request),))


def _add_resumption_token(element: etree._Element, token: str, *, size: int, cursor: int) -> None:
    token_element = add_text(element, oai_element("resumptionToken"), token)
    if size:  # positiveInteger: a list emptied while harvesting has no size to give
        token_element.set("completeListSize", str(size))
    token_element.set("cursor", str(cursor))


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
    add_text(root, oai_element("responseDate"), format_datestamp(timezone.now()))
    request_element = add_text(root, oai_element("request"), base_url(request))
    try:
        verb, arguments = parse_arguments(query)
        # Past this point the arguments are well formed, so the request element may echo them.
        request_element.set("verb", verb)
        for name, value in arguments.items():
            request_element.set(name, xml_text(value))
        root.append(VERB_RESPONSES[verb](request, arguments))
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            request_element.attrib.clear()  # the protocol: no attributes when the request itself is wrong
        error_element = add_text(root, oai_element("error"), error.message)
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
