"""The anonymous page cache (idm/caching.py): a whole public page kept per validators (language included) and URL,
served with one query; a page of many records gone with any public change, a record's own page with any change of
what it shows; never for staff."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalogue.editorial.roles import EDITOR
from catalogue.models import Publication, Workshop
from catalogue.tests.factories import PublicationFactory, TopicFactory, create_idm28, create_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "url",
    [
        "/en/publications/idm-28/",
        "/fr/publications/",
        "/en/feed/",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/api/publications/",
    ],
)
def test_a_kept_page_is_served_with_one_query_until_a_public_change(client, page_cache, django_assert_num_queries, url):
    publication = create_idm28()
    first = client.get(url)
    with django_assert_num_queries(1):  # the content version
        again = client.get(url)
    with django_assert_num_queries(1):
        not_modified = client.get(url, headers={"if-none-match": first["ETag"]})

    assert (again.status_code, again.content, again["ETag"], again["Content-Type"]) == (
        200,
        first.content,
        first["ETag"],
        first["Content-Type"],
    )
    assert not_modified.status_code == 304
    publication.title_en = publication.title_fr = "A new title for the report"
    publication.save()
    changed = client.get(url)
    assert b"A new title for the report" in changed.content
    assert changed["ETag"] != first["ETag"]


def test_the_key_holds_the_language_and_the_query(client, page_cache):
    create_idm28()
    pages = [client.get(url).content for url in ("/en/publications/", "/fr/publications/", "/en/publications/?q=x")]

    assert len(set(pages)) == 3
    assert [client.get(url).content for url in ("/en/publications/", "/fr/publications/")] == pages[:2]


def test_a_change_behind_the_models_back_shows_only_with_the_next_version(client, page_cache):
    # What proves the page came from the cache: a row updated without the models' signals does not show.
    publication = create_idm28()
    client.get("/en/publications/idm-28/")
    Publication.objects.filter(pk=publication.pk).update(title_en="Changed behind the back")
    assert b"Changed behind the back" not in client.get("/en/publications/idm-28/").content

    publication.refresh_from_db()
    publication.save()  # any change through the models moves the version

    assert b"Changed behind the back" in client.get("/en/publications/idm-28/").content


@pytest.mark.parametrize("record_url", ["/en/publications/idm-28/", "/en/publications/idm-28/cite.ris"])
def test_a_record_page_stays_kept_while_staff_change_other_records(
    client, page_cache, django_assert_num_queries, record_url
):
    publication = create_idm28()
    other = PublicationFactory(slug="other", title_en="Another report")
    first = client.get(record_url)
    Publication.objects.filter(pk=publication.pk).update(title_en="Changed behind the back")

    other.title_en = "Another report, edited"
    other.save()  # a public change: the catalogue's content version moves
    TopicFactory(slug="new-topic")
    with django_assert_num_queries(1):  # the record's own times
        kept = client.get(record_url)

    assert (kept.status_code, kept.content, kept["ETag"]) == (200, first.content, first["ETag"])
    assert b"Changed behind the back" in client.get("/en/publications/").content  # the list is made again
    assert b"Another report, edited" in client.get("/en/publications/").content


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ("edition", b"978-0-306-40615-7"),
        ("topic", b"Migration governance, renamed"),
        ("workshop", b"A workshop renamed"),
    ],
)
def test_a_record_page_is_made_again_when_a_row_it_shows_changes(client, page_cache, change, shown):
    publication = create_idm28()
    client.get("/en/publications/idm-28/")
    Publication.objects.filter(pk=publication.pk).update(title_en="Changed behind the back")
    if change == "edition":
        edition = publication.editions.get(language="en")
        edition.isbn = "9780306406157"
        edition.save()
    elif change == "topic":
        topic = publication.topics.get()
        topic.name_en = "Migration governance, renamed"
        topic.save()
    else:
        workshop = publication.workshops.order_by("pk").first()
        workshop.title_en = "A workshop renamed"
        workshop.save()

    page = client.get("/en/publications/idm-28/").content

    assert shown in page
    assert b"Changed behind the back" in page


def test_a_record_page_lists_a_scheduled_workshop_once_its_date_has_come(client, page_cache):
    publication = create_idm28()
    workshop = publication.workshops.order_by("pk").first()
    Workshop.objects.filter(pk=workshop.pk).update(publish_date=timezone.now() + datetime.timedelta(hours=1))
    link = f'href="{workshop.get_absolute_url()}"'.encode()
    assert link not in client.get("/en/publications/idm-28/").content

    # Its date comes, with no write: as if an hour had passed.
    Workshop.objects.filter(pk=workshop.pk).update(publish_date=timezone.now())

    assert link in client.get("/en/publications/idm-28/").content


def test_staff_are_never_served_nor_fill_the_page_cache(client, page_cache):
    publication = create_idm28()
    client.get("/en/publications/idm-28/")  # an anonymous visitor fills it
    Publication.objects.filter(pk=publication.pk).update(title_en="Only staff see this yet")
    staff = client.__class__()
    staff.force_login(create_staff("editor", EDITOR))

    seen_by_staff = staff.get("/en/publications/idm-28/")
    seen_by_visitor = client.get("/en/publications/idm-28/")

    assert b"Only staff see this yet" in seen_by_staff.content
    assert b"Only staff see this yet" not in seen_by_visitor.content
    assert seen_by_staff["Cache-Control"] == "private, no-store"
