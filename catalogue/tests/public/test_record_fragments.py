"""Record fragments (catalogue/fragments.py): the API list's items, the OAI-PMH records and the Atom feed's entries
kept per record, so that a
page the page cache no longer holds is put together from them, making again only the records that changed."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalogue import fragments, release
from catalogue.api import serializers
from catalogue.interop.feeds import PublicationFeed
from catalogue.interop.oai import views as oai_views
from catalogue.models import Publication, Status, Workshop, catalogue_changed
from catalogue.public import caching
from catalogue.tests.factories import PublicationFactory, create_idm28

pytestmark = pytest.mark.django_db

API = "/api/publications/"
OAI = "/oai?verb=ListRecords&metadataPrefix=oai_dc"
MARC = "/oai?verb=ListRecords&metadataPrefix=marc21"
FEED = "/en/feed/"


@pytest.fixture
def kept(settings):
    """Record fragments on, the page cache off: every request puts its page together."""
    settings.FRAGMENT_CACHE = True
    settings.PAGE_CACHE = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def made(monkeypatch):
    """The slugs of the publications whose API item, OAI record or feed entry is made (not read from the cache)."""
    slugs = []
    to_representation = serializers.PublicationSerializer.to_representation
    record = oai_views.record
    entry = PublicationFeed.entry

    def serialized(self, publication):
        slugs.append(publication.slug)
        return to_representation(self, publication)

    def recorded(publication, request, prefix):
        slugs.append(publication.slug)
        return record(publication, request, prefix)

    monkeypatch.setattr(serializers.PublicationSerializer, "to_representation", serialized)

    def entered(publication, language):
        slugs.append(publication.slug)
        return entry(publication, language)

    monkeypatch.setattr(oai_views, "record", recorded)
    monkeypatch.setattr(PublicationFeed, "entry", staticmethod(entered))
    return slugs


def body(response) -> bytes:
    """A response's body without what changes from one request to the next (OAI's response date and token)."""
    assert response.status_code == 200, response.content
    content = response.content
    for start, end in ((b"<responseDate>", b"</responseDate>"), (b"<resumptionToken", b"</resumptionToken>")):
        if start in content:
            content = content[: content.index(start)] + content[content.index(end) :]
    return content


@pytest.mark.parametrize(
    ("url", "queries_made", "queries_kept"), [(API, 7, 3), (OAI, 5, 2), (MARC, 7, 2), (FEED, 3, 2)]
)
def test_a_list_made_from_kept_records_is_the_same_list_with_fewer_queries(
    client, settings, kept, made, django_assert_num_queries, url, queries_made, queries_kept
):
    create_idm28()
    PublicationFactory.create_batch(2)
    settings.FRAGMENT_CACHE = False
    unkept = body(client.get(url))
    settings.FRAGMENT_CACHE = True

    # The validators, the catalogue index or the page's rows, then the related rows of each record made.
    with django_assert_num_queries(queries_made):
        first = body(client.get(url))
    with django_assert_num_queries(queries_kept):  # the related rows of none
        again = body(client.get(url))

    assert first == again == unkept
    assert len(made) == 3 + 3  # unkept, then first; none again


def test_an_api_item_is_kept_as_plain_values(client, kept):
    """Not DRF's URLs (str subclasses holding their model instance): the cache would pickle the instances too."""
    publication = create_idm28()
    client.get(API)
    publication = Publication.objects.with_fragment_version().get(pk=publication.pk)
    item = cache.get(fragments.fragment_key("api-publication", publication, ("http", "testserver")))

    def types(value):
        if isinstance(value, dict):
            return {dict}.union(*map(types, value.values()))
        if isinstance(value, list):
            return {list}.union(*map(types, value))
        return {type(value)}

    assert item["url"] == "http://testserver/api/publications/idm-28/"
    assert types(item) <= {dict, list, str, int, type(None)}


@pytest.mark.parametrize("url", [API, OAI, FEED])
def test_a_changed_record_is_made_again_alone(client, kept, made, url):
    publication = create_idm28()
    PublicationFactory.create_batch(2)
    client.get(url)
    made.clear()

    publication.title_en = "A report renamed"
    publication.save()
    page = body(client.get(url))

    assert b"A report renamed" in page
    assert made == ["idm-28"]


@pytest.mark.parametrize("url", [API, OAI])
def test_a_record_changes_with_a_row_it_shows(client, kept, url):
    """An edition's ISBN is no field of the publication: its change moves the publication's content-changed time."""
    publication = create_idm28()
    client.get(url)
    edition = publication.editions.get(language="en")
    edition.isbn = "9780306406157"
    edition.save()

    assert b"9780306406157" in body(client.get(url))


def test_a_feed_entry_changes_with_a_topic_renamed(client, kept):
    publication = create_idm28()
    client.get(FEED)
    topic = publication.topics.get()
    topic.name_en = "Migration governance, renamed"
    topic.save()

    assert b"Migration governance, renamed" in body(client.get(FEED))


def test_a_record_withdrawn_behind_the_models_back_is_a_deleted_record(client, kept):
    publication = create_idm28()
    assert b'status="deleted"' not in body(client.get(OAI))

    Publication.objects.filter(pk=publication.pk).update(status=Status.WITHDRAWN)  # its times as they were
    catalogue_changed()

    assert b'status="deleted"' in body(client.get(OAI))


def test_an_api_item_lists_a_scheduled_workshop_once_its_date_has_come(client, kept):
    publication = create_idm28()
    workshop = publication.workshops.order_by("pk").first()
    Workshop.objects.filter(pk=workshop.pk).update(publish_date=timezone.now() + datetime.timedelta(hours=1))
    [item] = client.get(API).json()["results"]
    assert workshop.slug not in [listed["slug"] for listed in item["workshops"]]

    # Its date comes, with no write: as if an hour had passed.
    Workshop.objects.filter(pk=workshop.pk).update(publish_date=timezone.now())

    [item] = client.get(API).json()["results"]
    assert workshop.slug in [listed["slug"] for listed in item["workshops"]]


def test_records_are_kept_per_site_and_language(client, kept, made):
    create_idm28()
    plain = client.get(API).json()["results"][0]["url"]
    secure = client.get(API, secure=True).json()["results"][0]["url"]
    client.get(API, headers={"accept-language": "fr"})

    assert (plain, secure) == (
        "http://testserver/api/publications/idm-28/",
        "https://testserver/api/publications/idm-28/",
    )
    assert made == ["idm-28", "idm-28", "idm-28"]


def test_a_new_release_makes_records_and_etags_anew(client, kept, made, monkeypatch):
    create_idm28()
    first = client.get(API)
    client.get(API)
    assert made == ["idm-28"]

    monkeypatch.setattr(fragments, "release", lambda: "next")
    monkeypatch.setattr(caching, "release", lambda: "next")
    deployed = client.get(API)

    assert made == ["idm-28", "idm-28"]
    assert deployed["ETag"] != first["ETag"]


def test_with_the_fragment_cache_off_nothing_is_kept(client, settings, kept, made):
    settings.FRAGMENT_CACHE = False
    create_idm28()
    client.get(API)
    client.get(OAI)
    client.get(FEED)
    client.get(API)

    assert made == ["idm-28"] * 4


# The release --------------------------------------------------------------------------------------


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """A project tree of its own for release.release(), computed afresh."""

    def tree(root):
        for path, text in {
            "idm/settings.py": "DEBUG = False\n",
            "catalogue/views.py": "VIEW = 1\n",
            "catalogue/tests/test_views.py": "TEST = 1\n",
            "templates/base.html": "<title>IDM</title>\n",
            "locale/fr/LC_MESSAGES/django.po": 'msgid "a"\nmsgstr "b"\n',
            "static/css/site.css": "body{}\n",
            "requirements.txt": "Django==5.2\n",
        }.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        return root

    def digest(root):
        monkeypatch.setattr(release, "ROOT", root)
        release.release.cache_clear()
        try:
            return release.release()
        finally:
            release.release.cache_clear()

    monkeypatch.delenv("DJANGO_RELEASE", raising=False)
    return tree, digest


def test_the_release_is_a_digest_of_the_files_that_make_pages(tmp_path, sources, monkeypatch):
    tree, digest = sources
    here, there = tree(tmp_path / "here"), tree(tmp_path / "there")
    before = digest(here)
    assert digest(there) == before  # the same files checked out elsewhere: the same release

    (here / "catalogue/tests/test_views.py").write_text("TEST = 2\n")  # tests make no page
    assert digest(here) == before
    for path in ("templates/base.html", "catalogue/views.py", "locale/fr/LC_MESSAGES/django.po", "requirements.txt"):
        (there / path).write_text((there / path).read_text() + "\n")
        changed = digest(there)
        assert changed != before, path
        before = changed

    monkeypatch.setenv("DJANGO_RELEASE", "v2026.12.1")
    assert digest(here) == "v2026.12.1"
