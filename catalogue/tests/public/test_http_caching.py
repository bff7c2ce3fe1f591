"""Conditional requests on every public surface (idm/caching.py, catalogue/public/caching.py): ETag, Last-Modified,
304 for a matching If-None-Match or If-Modified-Since, 200 again after a change; Cache-Control public for
anonymous visitors, private and no-store for staff; the content version moves on deletes, series edits and a
scheduled publication's time coming."""

import datetime

import pytest
from django.utils import timezone
from django.utils.http import http_date

from catalogue.editorial.roles import EDITOR
from catalogue.models import Publication, Series, Workshop, content_version
from catalogue.tests.factories import PublicationFactory, create_idm28, create_staff

pytestmark = pytest.mark.django_db

SURFACES = [
    "/en/",
    "/fr/publications/",
    "/en/publications/?q=migration",
    "/en/publications/idm-28/",
    "/es/publications/idm-28/cite.bib",
    "/en/series/idm/",
    "/en/topics/migration-governance/",
    "/en/workshops/",
    "/fr/workshops/idm-2018-geneva/",
    "/en/workshops/idm-2018-geneva/calendar.ics",
    "/en/feed/",
    "/en/series/idm/feed/",
    "/sitemap.xml",
    "/sitemaps/publications-1.xml",
    "/robots.txt",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    "/api/publications/",
    "/api/publications/idm-28/",
    "/api/workshops/",
]


@pytest.fixture
def catalogue(settings):
    settings.PUBLIC_CACHE_MAX_AGE = 60
    return create_idm28()


def get(client, url, **headers):
    return client.get(url, headers=headers)


@pytest.mark.parametrize("url", SURFACES)
def test_every_public_surface_answers_conditional_requests_and_changes_after_an_edit(client, catalogue, url):
    first = get(client, url)
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=60"

    by_tag = get(client, url, if_none_match=etag)
    by_date = get(client, url, if_modified_since=last_modified)
    by_older_date = get(client, url, if_modified_since=http_date(0))
    assert [by_tag.status_code, by_date.status_code, by_older_date.status_code] == [304, 304, 200]
    assert (by_tag.content, by_tag["ETag"], by_tag["Last-Modified"]) == (b"", etag, last_modified)

    catalogue.title_en = "Renamed"
    catalogue.save()

    after = get(client, url, if_none_match=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag
    assert get(client, url, if_none_match=after["ETag"]).status_code == 304


@pytest.mark.parametrize("url", ["/en/publications/idm-28/", "/en/", "/oai?verb=Identify", "/api/publications/"])
def test_staff_get_private_uncached_responses_without_validators(client, catalogue, url):
    client.force_login(create_staff("editor", EDITOR))
    etag = get(client.__class__(), url)["ETag"]  # what an anonymous visitor was given

    response = get(client, url, if_none_match=etag)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert not response.has_header("ETag")
    assert not response.has_header("Last-Modified")


def test_a_record_page_keeps_its_tag_when_another_record_changes(client, catalogue):
    etag = get(client, "/en/publications/idm-28/")["ETag"]
    list_etag = get(client, "/en/publications/")["ETag"]

    PublicationFactory(slug="another", number=99)

    assert get(client, "/en/publications/idm-28/", if_none_match=etag).status_code == 304
    assert get(client, "/en/publications/", if_none_match=list_etag).status_code == 200


def test_staff_previews_and_missing_records_carry_no_validators(client, catalogue):
    Publication.objects.filter(pk=catalogue.pk).update(status=Publication.Status.DRAFT)
    anonymous = get(client, "/en/publications/idm-28/")
    client.force_login(create_staff("editor", EDITOR))
    preview = get(client, "/en/publications/idm-28/")

    assert [anonymous.status_code, anonymous.has_header("ETag")] == [404, False]
    assert [preview.status_code, preview.has_header("ETag")] == [200, False]
    assert "private" in preview["Cache-Control"]


def test_the_content_version_moves_on_a_delete_a_series_edit_and_a_scheduled_time_coming(catalogue):
    versions = [content_version()]
    PublicationFactory(slug="doomed", number=77).delete()
    versions.append(content_version())
    series = Series.objects.get(slug="idm")
    series.name_fr = "Dialogue"
    series.save()
    versions.append(content_version())
    soon = PublicationFactory(slug="scheduled", number=78, publish_date=timezone.now() + datetime.timedelta(days=1))
    versions.append(content_version())
    # Time passes (no write goes through the models): the publication's date has come.
    arrived = timezone.now() - datetime.timedelta(microseconds=1)
    Publication.objects.filter(pk=soon.pk).update(publish_date=arrived)
    versions.append(content_version())

    assert versions == sorted(set(versions))  # each step moved it forward
    assert versions[-1] == arrived
    # The series is part of its publications' records: their pages' validators move too.
    assert Publication.objects.get(pk=catalogue.pk).content_changed_at > versions[1]


@pytest.mark.parametrize("url", ["/en/workshops/", "/en/", "/api/workshops/"])
def test_pages_of_many_records_change_with_the_day_without_any_write(client, catalogue, monkeypatch, url):
    # The workshop list splits upcoming from past by today's date: yesterday's copy must not be confirmed today.
    first = get(client, url)
    later = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    again = get(client, url, if_none_match=first["ETag"], if_modified_since=first["Last-Modified"])

    assert [first.status_code, again.status_code] == [200, 200]
    assert again["ETag"] != first["ETag"]
    assert get(client, url, if_none_match=again["ETag"]).status_code == 304


def test_a_scheduled_workshop_coming_public_moves_the_version(catalogue):
    workshop = Workshop.objects.get(slug="idm-2018-geneva")
    Workshop.objects.filter(pk=workshop.pk).update(publish_date=timezone.now() + datetime.timedelta(days=1))
    before = content_version()
    arrived = timezone.now()
    Workshop.objects.filter(pk=workshop.pk).update(publish_date=arrived)

    assert (before < arrived, content_version()) == (True, arrived)


def test_a_report_page_is_not_confirmed_once_a_scheduled_workshop_it_lists_is_public(client, catalogue):
    workshop = Workshop.objects.get(slug="idm-2018-geneva")
    Workshop.objects.filter(pk=workshop.pk).update(publish_date=timezone.now() + datetime.timedelta(days=1))
    first = get(client, "/en/publications/idm-28/")
    arrived = timezone.now()
    Workshop.objects.filter(pk=workshop.pk).update(publish_date=arrived)  # its date comes, with no write

    again = get(client, "/en/publications/idm-28/", if_none_match=first["ETag"])

    assert again.status_code == 200
    assert again["Last-Modified"] == http_date(arrived.timestamp())
    assert f'href="{workshop.get_absolute_url()}"'.encode() in again.content
