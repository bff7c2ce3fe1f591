"""OAI-PMH 2.0, the protocol: namespaces, verbs and their arguments, errors, datestamps, resumption
tokens, and text made safe for XML 1.0 (stripped of the few characters it cannot carry at all).

Settings (all optional): OAI_REPOSITORY_IDENTIFIER (the middle part of record identifiers,
``oai:<it>:publication/<slug>``), OAI_REPOSITORY_NAME, OAI_ADMIN_EMAILS (else ADMINS),
OAI_PAGE_SIZE (records per page of a list before a resumption token).
"""

import dataclasses
import datetime
import re

from django.conf import settings
from django.core import signing
from django.http import QueryDict
from django.utils.translation import gettext as _

from catalogue.i18n import translations

from ..common import xml_text
from ..marc import MARC_NS, MARC_SCHEMA

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

METADATA_FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS), "marc21": (MARC_SCHEMA, MARC_NS)}
# verb: (required arguments, optional arguments, exclusive argument)
VERBS = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}

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


def repository_name() -> str:
    return getattr(settings, "OAI_REPOSITORY_NAME", DEFAULT_REPOSITORY_NAME)


def publication_identifier_prefix() -> str:
    """What every publication's record identifier starts with; its slug follows."""
    return f"oai:{repository_identifier()}:publication/"


def page_size() -> int:
    return max(1, int(getattr(settings, "OAI_PAGE_SIZE", DEFAULT_PAGE_SIZE)))


def admin_emails() -> list[str]:
    emails = getattr(settings, "OAI_ADMIN_EMAILS", None) or [email for _name, email in settings.ADMINS]
    return list(emails) or [f"oai@{repository_identifier()}"]


# Arguments, datestamps and resumption tokens


@dataclasses.dataclass(frozen=True)
class ListQuery:
    """The arguments of a list request (ListSets, ListIdentifiers, ListRecords) and where its page starts."""

    arguments: dict[str, str]
    after: int = 0
    cursor: int = 0
    size: int = 0  # the complete list's size, counted once for the first page (0: not counted yet)


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
            raise OaiError("badArgument", _("The argument “%(name)s” is not allowed here.") % {"name": xml_text(key)})
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
                # The formats end in "Z" or carry no time: both are UTC.
                parsed = datetime.datetime.strptime(value, date_format).replace(tzinfo=datetime.UTC)
            except ValueError:
                break
            return parsed, step
    raise OaiError(
        "badArgument",
        _("The %(name)s argument is not a date (YYYY-MM-DD) or a UTC time (YYYY-MM-DDThh:mm:ssZ).") % {"name": name},
    )


def format_datestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_resumption_token(verb: str, query: ListQuery) -> str:
    """An opaque, signed token carrying the list's arguments and where the next page starts."""
    payload = {
        "verb": verb,
        "arguments": query.arguments,
        "after": query.after,
        "cursor": query.cursor,
        "size": query.size,
    }
    return signing.dumps(payload, salt=_TOKEN_SALT, compress=True)


def read_resumption_token(verb: str, token: str) -> ListQuery:
    """The list query a token carries; raises badResumptionToken unless this repository issued it for `verb`."""
    invalid = bad_resumption_token()
    try:
        payload = signing.loads(token, salt=_TOKEN_SALT)
    except signing.BadSignature as error:
        raise invalid from error
    if not isinstance(payload, dict) or payload.get("verb") != verb:
        raise invalid
    arguments, after, cursor = payload.get("arguments"), payload.get("after"), payload.get("cursor")
    size = payload.get("size", 0)  # tokens issued before the size was carried have none
    if not (isinstance(arguments, dict) and isinstance(after, int) and isinstance(cursor, int) and cursor >= 0):
        raise invalid
    if not (isinstance(size, int) and size >= 0):
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
    return ListQuery(arguments=arguments, after=after, cursor=cursor, size=size)


# Errors a verb raises


def bad_resumption_token() -> OaiError:
    return OaiError(
        "badResumptionToken", _("This resumption token was not issued by this repository for this request.")
    )


def check_metadata_prefix(prefix: str) -> None:
    if prefix not in METADATA_FORMATS:
        raise OaiError("cannotDisseminateFormat", _("This repository disseminates oai_dc and marc21 only."))


def id_does_not_exist() -> OaiError:
    return OaiError("idDoesNotExist", _("No public record has this identifier."))


# Text for XML


def xml_translations(instance, field: str) -> dict[str, str]:
    """Every translation of `instance.<field>` with some text left once made safe for XML, stripped."""
    values = {language: xml_text(value).strip() for language, value in translations(instance, field).items()}
    return {language: value for language, value in values.items() if value}
