"""Rows written past validation (older code, QuerySet.update()) with control characters, newlines and
format-breaking text: every machine output still answers 200 and parses with a real parser."""

import json
import re

import bibtexparser
import feedparser
import pytest
import rispy
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Left
from icalendar import Calendar
from lxml import etree

from catalogue import models as catalogue_models
from catalogue.interop.common import header_filename, ical_text, xml_text
from catalogue.tests.factories import create_idm28
from catalogue.tests.interop.test_sitemap import SITEMAP_NS, sitemap
from catalogue.tests.text_columns import free_text_fields

pytestmark = pytest.mark.django_db

# Word's soft line break and page break, a unit separator, DEL, newlines, a lone CR, markup and the
# characters with a meaning in TeX, RIS and iCalendar. (No NUL: PostgreSQL text cannot hold one.)
PAYLOAD = 'x\x0by\x0cz\x01\x1b\x1f\x7f\nTY  - JOUR\rX-INJECTED:1\r\n<b>&amp;</b> "q" {\\} %;,'
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _poisoned(field: models.Field):
    """The payload followed by the column's text, cut to the column's length."""
    value = Concat(Value(PAYLOAD), F(field.attname))
    return Left(value, field.max_length) if isinstance(field, models.CharField) else value


@pytest.fixture
def poisoned():
    """IDM No. 28 with the payload added to every free-text column of every catalogue row."""
    create_idm28()
    for model in (
        catalogue_models.Topic,
        catalogue_models.Series,
        catalogue_models.Publication,
        catalogue_models.TocEntry,
        catalogue_models.Speaker,
        catalogue_models.Workshop,
        catalogue_models.AgendaItem,
    ):
        fields = free_text_fields(model)
        assert fields, model
        model.objects.update(**{field.attname: _poisoned(field) for field in fields})
    return catalogue_models.Publication.objects.get()


def _get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_feeds_with_control_characters_answer_and_parse(client, poisoned, language):
    topic = poisoned.topics.get()
    for url in (
        f"/{language}/feed/",
        f"/{language}/series/{poisoned.series.slug}/feed/",
        f"/{language}/topics/{topic.slug}/feed/",
    ):
        content = _get(client, url)
        etree.fromstring(content)  # well-formed XML 1.0
        feed = feedparser.parse(content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        (entry,) = feed.entries
        assert "xyz" in entry.title
        assert not CONTROL.search(entry.title)


def _content_lines(content: bytes) -> list[str]:
    text = content.decode()
    assert "\r" not in text.replace("\r\n", ""), "a lone CR"
    assert "\n" not in text.replace("\r\n", ""), "a lone LF"
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")


ICAL_LINE = re.compile(r"^(BEGIN|END|[A-Z-]+)([;:])")
CALENDAR_PROPERTIES = {
    "BEGIN", "END", "PRODID", "VERSION", "CALSCALE", "METHOD", "X-WR-CALNAME", "UID", "DTSTAMP", "DTSTART",
    "DTEND", "SUMMARY", "LOCATION", "DESCRIPTION", "URL", "CATEGORIES", "RELATED-TO", "TZID", "TZNAME",
    "TZOFFSETFROM", "TZOFFSETTO", "RDATE", "RRULE", "X-LIC-LOCATION", "COMMENT",
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "path", ["idm-2018-geneva/calendar.ics", "idm-2018-new-york/calendar.ics", "idm-2018-geneva/agenda/1.ics"]
)
def test_calendars_with_newlines_answer_parse_and_inject_no_line(client, poisoned, language, path):
    content = _get(client, f"/{language}/workshops/{path}")
    lines = [line for line in _content_lines(content) if line]
    names = {ICAL_LINE.match(line).group(1) for line in lines}
    assert names <= CALENDAR_PROPERTIES, names - CALENDAR_PROPERTIES
    assert not CONTROL.search(content.decode())
    calendar = Calendar.from_ical(content)
    assert "X-INJECTED" not in calendar
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert summaries
    # The text survives, its line breaks kept as escaped newlines (a lone CR and CRLF become one each).
    assert all("xyz\nTY  - JOUR\nX-INJECTED:1\n<b>&amp;</b>" in summary for summary in summaries)
    # An X- property is read back raw: its newlines are still the escaped "\\n" of RFC 5545.
    assert "xyz\\nTY  - JOUR\\nX-INJECTED:1\\n" in str(calendar["X-WR-CALNAME"])
    assert all(not event.get("X-INJECTED") for event in calendar.walk("VEVENT"))


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_citations_with_control_characters_answer_and_parse(client, poisoned, language):
    urls = [f"/{language}/publications/idm-28/cite.{{}}"] + [
        f"/{language}/publications/idm-28/editions/{edition.language}-{edition.format}/cite.{{}}"
        for edition in poisoned.editions.all()
    ]
    for url in urls:
        bibtex = _get(client, url.format("bib")).decode()
        assert not CONTROL.search(bibtex)
        library = bibtexparser.parse_string(bibtex)
        assert library.failed_blocks == []
        (entry,) = library.entries
        assert "X-INJECTED" in entry.fields_dict["title"].value

        ris = _get(client, url.format("ris")).decode()
        assert not CONTROL.search(ris)
        (record,) = rispy.loads(ris)
        assert record["type_of_reference"] == "BOOK"
        assert "JOUR" not in {line[:2] for line in ris.splitlines()}
        assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in ris.split("\r\n") if line)

        (item,) = json.loads(_get(client, url.format("json")))
        assert item["type"] == "book"


def test_oai_with_control_characters_is_schema_valid(client, poisoned, oai_schema):
    for query in (
        "verb=ListRecords&metadataPrefix=oai_dc",
        "verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:idm-catalogue.example:publication/idm-28",
        "verb=ListSets",
    ):
        root = etree.fromstring(_get(client, f"/oai?{query}"))
        assert oai_schema.validate(root), "\n".join(str(error) for error in oai_schema.error_log)
        assert not CONTROL.search(etree.tostring(root, encoding="unicode"))


def test_sitemap_and_pages_with_control_characters_answer(client, poisoned):
    assert len(sitemap(client).findall(f"{{{SITEMAP_NS}}}url")) == 3 * (
        5 + 1 + 1 + 1 + 2
    )  # pages (home, catalogue, series and topic indexes, workshops), publication, series, topic, workshops
    for language in ("en", "fr", "es"):
        _get(client, f"/{language}/publications/idm-28/")
        _get(client, f"/{language}/workshops/idm-2018-geneva/")


def test_xml_text_drops_what_xml_cannot_carry():
    assert xml_text("a\x00b\x0bc\x0cd\x1fe\ud800f\ufffeg\th\ni\rj") == "abcdefg\th\ni\rj"


def test_ical_text_makes_every_line_break_an_escaped_newline_and_drops_controls():
    assert ical_text("a\r\nb\rc\nd\x0be\x00f\tg") == "a\nb\nc\ndef\tg"


def test_header_filename_keeps_one_safe_token():
    assert header_filename('idm\r\n28"; x=1\x00.ics') == "idm-28-x-1-.ics"
