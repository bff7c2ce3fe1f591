"""A stored payload reaches every output: nothing breaks, nothing runs.

Control characters, line breaks, markup and format-breaking text are written into every free-text column of
every public model (each translation column too; the columns come from the models' _meta, so a new field is
covered without being listed here) with QuerySet.update(), past the validators, as older code or a bulk fix
would. Then every output is fetched by following the site's own links from the sitemap, the searches that hit
the payload, the OAI-PMH verbs and the API root, and each response is read with a real parser: HTML (the
payload is only text: no element, attribute or link made of it), JSON-LD, Atom (feedparser, no bozo), sitemap
and OAI-PMH (lxml, OAI-PMH.xsd), MARCXML (MARC21slim.xsd, pymarc), iCalendar, BibTeX, RIS, CSL-JSON, the API's JSON and its OpenAPI schema. Every
route of the public URLconf must have been reached, so a new output is fetched or this test says it is not.

PostgreSQL text cannot hold NUL, so the payload carries a NUL on SQLite only. Lone surrogates cannot be
written from Python at all.
"""

import io
import json
import re
from collections import Counter
from urllib.parse import urlsplit

import bibtexparser
import feedparser
import lxml.html
import pytest
import rispy
import yaml
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, models
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from icalendar import Calendar
from lxml import etree
from pymarc.marcxml import parse_xml_to_array

from catalogue.search import rebuild_index
from catalogue.tests.factories import create_idm28
from catalogue.tests.interop.test_output_escaping import CALENDAR_PROPERTIES, ICAL_LINE, _content_lines
from catalogue.tests.text_columns import free_text_fields
from catalogue.tests.upload_files import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

WORD = "zqxpayload"  # a word of its own, so a search finds the payload and shows it in snippets
SCRIPT = "<script>window.__pwned=1</script>"
PAYLOAD = (
    f"{WORD} {SCRIPT}"  # first: the short columns keep the most of it
    ' "><img src=x onerror="window.__pwned=1"> '
    "]]> </script><!-- {\\}%& $x^_#~ "  # CDATA end, a script end inside JSON-LD, TeX specials
    "\r\nER  - \r\nTY  - JOUR\r\n"  # RIS records
    "END:VCALENDAR\r\nBEGIN:VEVENT\n"  # iCalendar objects
    '"; x=1 '  # header parameters
    "\x01\x0b\x0c\x1b\x7f a\rb\nc\r\nd\u2028e\u2029f\ufffeg "
    "javascript:window.__pwned=1"
)
NUL = "\x00"
JAVASCRIPT_URL = 'javascript:window.__pwned=1//"><script>window.__pwned=1</script>'
# Models with nothing public: a staff member's languages, the search index itself.
NOT_PUBLIC = {"StaffLanguage", "SearchDocument", "SearchWord"}
# What a format cannot carry: XML 1.0 (DEL is allowed there), and iCalendar, BibTeX and RIS (text formats that
# the outputs keep free of C0 controls and DEL). JSON carries any character, escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
LANGUAGES = ["en", "fr", "es"]


def payload_for(field: models.Field) -> str:
    text = JAVASCRIPT_URL if isinstance(field, models.URLField) else PAYLOAD
    if connection.vendor != "postgresql":  # PostgreSQL refuses NUL in text
        text = text.replace(" a\r", f" {NUL}a\r")
    return text[: field.max_length] if field.max_length else text


@pytest.fixture
def stored_payload(settings, tmp_path):
    """IDM No. 28 (published, with two published workshops, a cover and an edition PDF) with the payload in every
    free-text column."""
    settings.MEDIA_ROOT = tmp_path
    publication = create_idm28()
    publication.cover_image.save("cover.png", ContentFile(image_bytes()))
    publication.editions.first().file.save("edition.pdf", ContentFile(pdf_bytes()))
    written = {}
    for model in apps.get_app_config("catalogue").get_models():
        if model.__name__ in NOT_PUBLIC:
            continue
        fields = free_text_fields(model)
        if fields:
            model.objects.update(**{field.attname: payload_for(field) for field in fields})
            written[model.__name__] = {field.attname for field in fields}
    rebuild_index()  # update() sends no signal: the search index is rewritten as the rebuild command would
    return written


def test_the_payload_is_stored_in_every_text_column_of_every_public_model(stored_payload):
    assert {"title_en", "title_fr", "title_es", "summary_es", "corporate_author_fr", "cover_alt_es"} <= set(
        stored_payload["Publication"]
    )
    assert {"url", "currency"} <= stored_payload["Edition"]
    assert {"name_en", "short_name_es", "description_fr"} <= stored_payload["Series"]
    assert {"name_es", "description_en"} <= stored_payload["Topic"]
    assert {"title_fr", "description_es", "city_es", "venue_fr"} <= stored_payload["Workshop"]
    assert {"title_es", "description_fr"} <= stored_payload["AgendaItem"]
    assert {"name", "position_fr", "affiliation_es"} <= stored_payload["Speaker"]
    assert {"title_es"} <= stored_payload["TocEntry"]
    publication = apps.get_model("catalogue", "Publication").objects.get()
    assert publication.title_fr.startswith(f"{WORD} {SCRIPT}")
    assert ("\x00" in publication.summary_en) is (connection.vendor != "postgresql")


# --- crawling -----------------------------------------------------------------------------------------------

SEEDS = [
    "/sitemap.xml",
    "/robots.txt",
    "/api/",
    "/api/schema/",
    *(f"/{code}/publications/?q={WORD}" for code in LANGUAGES),
    *(f"/{code}/workshops/?q={WORD}" for code in LANGUAGES),
    *(f"/{code}/" for code in LANGUAGES),
]
OAI_VERBS = ["Identify", "ListMetadataFormats", "ListSets"]


def public_route_names() -> set[str]:
    """Every named route of the project but the admin's and the language switch."""
    names = set()

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern) in {"admin/", "i18n/"}:
                    continue
                walk(pattern, pattern.namespace or namespace)
            elif pattern.name and not str(pattern.pattern).startswith("admin/"):
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "")
    return names


def route_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def own_path(url: str) -> str | None:
    """The path and query of a link to this site that is worth following (pages and outputs), or None."""
    parts = urlsplit(url)
    if parts.scheme not in {"", "http", "https"} or parts.netloc not in {"", "testserver"}:
        return None
    if not parts.path.startswith("/") or parts.path.startswith(("/static/", "/admin/", "/i18n/")):
        return None
    # Pages with a query string are the facets and sorts of the catalogue: the seeds cover those views.
    if parts.query and not parts.path.startswith(("/api/", "/oai")):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Crawl:
    def __init__(self, oai_schema):
        self.client = Client(raise_request_exception=False)
        self.oai_schema = oai_schema
        self.seen: dict[str, str] = {}  # path -> kind
        self.queue: list[str] = []
        self.payload_as_text = Counter()
        self.json_ld = Counter()
        self.snippets = Counter()

    def add(self, url: str, *, seed: bool = False) -> None:
        path = url if seed else own_path(url)
        if path and path not in self.seen and path not in self.queue:
            self.queue.append(path)

    def run(self) -> None:
        while self.queue:
            path = self.queue.pop(0)
            response = self.client.get(path)
            assert response.status_code == 200, f"{path} -> {response.status_code}"
            check_headers(path, response)
            kind = self.read(path, response)
            self.seen[path] = kind

    def read(self, path: str, response) -> str:
        content_type = response["Content-Type"].split(";")[0].strip()
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if content_type == "text/html":
            return self.read_html(path, content)
        if content_type == "application/atom+xml":
            read_feed(path, content)
            return "atom"
        if content_type == "text/calendar":
            read_calendar(path, content)
            return "icalendar"
        if path.endswith(".bib"):
            read_bibtex(path, content)
            return "bibtex"
        if path.endswith(".ris"):
            read_ris(path, content)
            return "ris"
        if path.endswith("cite.json"):
            read_csl_json(path, content)
            return "csl-json"
        if path.endswith("cite.marcxml"):
            self.read_marcxml(path, content)
            return "marcxml"
        if path.startswith("/oai"):
            self.read_oai(path, content)
            return "oai"
        if path.startswith("/api/schema/"):
            schema = yaml.safe_load(content)
            assert schema["openapi"].startswith("3."), path
            return "openapi"
        if path.startswith("/api/"):
            self.read_api(path, content)
            return "api"
        if path == "/sitemap.xml" or path.startswith("/sitemaps/"):  # the index, then its files
            root = etree.fromstring(content)
            for location in root.iterfind(".//{*}loc"):
                self.add(location.text)
            return "sitemap"
        if path == "/robots.txt":
            content.decode("ascii")
            return "robots"
        if path.startswith("/media/"):  # served as stored, never with anything of the payload
            assert response["Content-Security-Policy"] == "default-src 'none'; sandbox", path
            assert content_type in {"application/pdf", "image/png"}, (path, content_type)
            return "media"
        raise AssertionError(f"{path}: an output this test cannot read ({content_type}); teach it to")

    def read_html(self, path: str, content: bytes) -> str:
        text = content.decode("utf-8")
        document = lxml.html.document_fromstring(text)
        self.json_ld[path] = check_page(path, document)
        if any(SCRIPT in node for node in document.itertext()):
            self.payload_as_text[path] += 1
        for snippet in document.find_class("card__snippet"):
            self.snippets[path] += 1
            assert WORD in snippet.text_content(), (path, snippet.text_content())
            # The field's label, then the passage: its only elements the marked words.
            label, passage = snippet
            assert label.get("class") == "card__snippet-field", (path, lxml.html.tostring(snippet))
            assert [child.tag for child in passage] == ["mark"], (path, lxml.html.tostring(snippet))
        for element in document.iter("a", "link"):
            if element.get("href"):
                self.add(element.get("href"))
        return "html"

    def read_api(self, path: str, content: bytes) -> None:
        data = json.loads(content)
        for value in json_strings(data):
            if value.startswith("http://testserver/api/"):
                self.add(value)
        if path.rstrip("/").count("/") == 2 and isinstance(data, dict) and "results" in data:
            for item in data["results"]:
                if isinstance(item, dict) and item.get("slug"):
                    self.add(f"{path.split('?')[0]}{item['slug']}/")

    def read_marcxml(self, path: str, content: bytes) -> None:
        root = etree.fromstring(content)  # the OAI-PMH schema set imports MARC21slim.xsd
        assert self.oai_schema.validate(root), f"{path}: " + "\n".join(map(str, self.oai_schema.error_log))
        assert not NOT_XML.search(content.decode()), path
        assert len(parse_xml_to_array(io.BytesIO(content), strict=True)) == 1, path

    def read_oai(self, path: str, content: bytes) -> None:
        root = etree.fromstring(content)
        assert self.oai_schema.validate(root), f"{path}: " + "\n".join(map(str, self.oai_schema.error_log))
        assert not root.findall(".//{*}error"), (path, etree.tostring(root))
        assert not NOT_XML.search(content.decode()), path
        for prefix in root.iterfind(".//{*}metadataPrefix"):
            self.add(f"/oai?verb=ListRecords&metadataPrefix={prefix.text}")
            self.add(f"/oai?verb=ListIdentifiers&metadataPrefix={prefix.text}")
        if "verb=ListIdentifiers" in path:
            prefix = path.rsplit("metadataPrefix=", 1)[1]
            for identifier in root.iterfind(".//{*}header/{*}identifier"):
                self.add(f"/oai?verb=GetRecord&metadataPrefix={prefix}&identifier={identifier.text}")
                self.add(f"/oai?verb=ListMetadataFormats&identifier={identifier.text}")


def json_strings(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from json_strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from json_strings(value)
    elif isinstance(data, str):
        yield data


SAFE_DISPOSITION = re.compile(
    r'^(attachment|inline); filename="[A-Za-z0-9 ._-]+"$'
)  # the schema's: the API title (a setting)


def check_headers(path: str, response) -> None:
    for name, value in response.headers.items():
        # A download's file name is made of the record's words (checked to be safe below), payload included.
        reflected = ("x=1", "__pwned") if name != "Content-Disposition" else ()
        for forbidden in ("\r", "\n", *reflected):
            assert forbidden not in value, (path, name, value)
        assert not CONTROL.search(value), (path, name, value)
    if "Content-Disposition" in response:
        assert SAFE_DISPOSITION.match(response["Content-Disposition"]), (path, response["Content-Disposition"])


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "content"}


def check_page(path: str, document) -> int:
    """The payload is only text in the page: it made no element, no attribute, no link, no script. Returns how
    many JSON-LD blocks the page has (each parsed)."""
    json_ld = 0
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (path, element.tag, name, value)
            if name.lower() in URL_ATTRIBUTES:
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (path, name, value)
        if element.tag == "img":
            assert element.get("src") != "x", (path, lxml.html.tostring(element))
        if element.tag == "script":
            if element.get("type") == "application/ld+json":
                raw = element.text or ""
                assert not re.search("[<>]", raw), (path, raw[:200])
                data = json.loads(raw)
                assert data.get("@context"), path
                json_ld += 1
            else:  # our own scripts only, from files
                assert element.get("src", "").startswith("/static/"), (path, lxml.html.tostring(element)[:300])
                assert not (element.text or "").strip(), (path, lxml.html.tostring(element)[:300])
        if element.tag in {"iframe", "object", "embed", "base"}:
            raise AssertionError((path, element.tag))
    return json_ld


def read_feed(path: str, content: bytes) -> None:
    etree.fromstring(content)  # well-formed XML 1.0
    feed = feedparser.parse(content)
    assert feed.bozo == 0, (path, feed.get("bozo_exception"))
    assert feed.entries, path
    for entry in feed.entries:
        assert WORD in entry.title, (path, entry.title)
        assert not NOT_XML.search(entry.title + entry.get("summary", "")), path


def read_calendar(path: str, content: bytes) -> None:
    lines = [line for line in _content_lines(content) if line]
    names = {ICAL_LINE.match(line).group(1) for line in lines}
    assert names <= CALENDAR_PROPERTIES, (path, names - CALENDAR_PROPERTIES)
    assert not CONTROL.search(content.decode()), path
    begins = [line for line in lines if line.startswith(("BEGIN:", "END:"))]
    assert begins[0] == "BEGIN:VCALENDAR", (path, begins)
    assert begins[-1] == "END:VCALENDAR", (path, begins)
    assert begins.count("END:VCALENDAR") == 1, (path, begins)
    calendar = Calendar.from_ical(content)
    events = calendar.walk("VEVENT")
    assert events, path
    assert all(WORD in str(event["SUMMARY"]) for event in events), path


def read_bibtex(path: str, content: bytes) -> None:
    text = content.decode()
    assert not CONTROL.search(text), path
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == [], (path, library.failed_blocks)
    (entry,) = library.entries
    assert WORD in entry.fields_dict["title"].value, path


def read_ris(path: str, content: bytes) -> None:
    text = content.decode()
    assert not CONTROL.search(text), path
    lines = [line for line in text.split("\r\n") if line]
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines), (path, lines)
    assert [line[:2] for line in lines].count("TY") == 1, (path, lines)
    assert [line[:2] for line in lines].count("ER") == 1, (path, lines)
    assert lines[-1].startswith("ER  -"), (path, lines)
    (record,) = rispy.loads(text)
    assert WORD in record["title"], path


def read_csl_json(path: str, content: bytes) -> None:
    (item,) = json.loads(content)
    assert WORD in item["title"], path


def test_every_output_with_the_stored_payload_answers_parses_and_runs_nothing(stored_payload, oai_schema):
    crawl = Crawl(oai_schema)
    for seed in SEEDS:
        crawl.add(seed, seed=True)
    for verb in OAI_VERBS:
        crawl.add(f"/oai?verb={verb}", seed=True)
    crawl.run()

    reached = {route_name(path.split("?")[0]) for path in crawl.seen}
    missing = public_route_names() - reached
    assert not missing, f"routes no link led to (add a seed): {sorted(missing)}"
    kinds = Counter(crawl.seen.values())
    assert set(kinds) == {
        "html", "atom", "icalendar", "bibtex", "ris", "csl-json", "marcxml", "oai", "openapi", "api", "sitemap",
        "robots", "media",
    }, kinds  # fmt: skip
    oai = [path for path in crawl.seen if path.startswith("/oai")]
    assert any("verb=GetRecord" in path for path in oai)
    assert any("verb=ListRecords" in path for path in oai)
    # The payload was shown, as text, on the pages of every language and in the search snippets.
    for code in LANGUAGES:
        for page in ("", f"publications/?q={WORD}", "publications/idm-28/", "workshops/idm-2018-geneva/"):
            assert crawl.payload_as_text[f"/{code}/{page}"], f"/{code}/{page} does not show the payload"
        # IDM No. 28's and its two workshops' (matching workshops say why they matched too).
        assert crawl.snippets[f"/{code}/publications/?q={WORD}"] == 3, "no search snippet"
        for page in ("publications/idm-28/", "workshops/idm-2018-geneva/", "workshops/idm-2018-new-york/"):
            assert crawl.json_ld[f"/{code}/{page}"] == 1, f"/{code}/{page} has no JSON-LD"
    print(f"{len(crawl.seen)} responses read: {dict(kinds)}")


def test_an_edition_url_written_past_its_validator_is_no_download_link(client, stored_payload):
    """The fix this test found: a `javascript:` URL stored in Edition.url reached the download link's href, the
    citation_pdf_url meta tag, JSON-LD and the API. Only web addresses are handed on now."""
    edition_model = apps.get_model("catalogue", "Edition")
    assert {edition.download_url for edition in edition_model.objects.filter(file="")} == {""}
    edition_model.objects.update(url="https://publications.example.org/idm-28.pdf")
    assert {edition.download_url for edition in edition_model.objects.filter(file="")} == {
        "https://publications.example.org/idm-28.pdf"
    }
    edition_model.objects.update(url=" JavaScript:alert(1)")
    assert {edition.download_url for edition in edition_model.objects.filter(file="")} == {""}
    page = client.get("/en/publications/idm-28/").content.decode()
    assert "alert(1)" not in page
