"""Atom feeds per language, series and topic, read back with feedparser."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from catalogue.models import Publication

from .factories import PublicationFactory, SeriesFactory, TopicFactory, create_idm28

pytestmark = pytest.mark.django_db

TITLE_EN = "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"
TITLE_FR = "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"


def feed(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/atom+xml; charset=utf-8")
    parsed = feedparser.parse(response.content)
    assert (parsed.bozo, parsed.version) == (False, "atom10")
    return parsed


def entries(parsed) -> list[tuple[str, str | None, str]]:
    """(title, the title's own language, link) of each entry."""
    return [(entry.title, entry.title_detail.language, entry.link) for entry in parsed.entries]


@pytest.mark.parametrize(
    ("language", "title", "title_language", "summary"),
    [
        (
            "en",
            f"International Dialogue on Migration No. 28: {TITLE_EN}",
            "en",
            "<p>A record of the 2018 Dialogue on partnerships for migration governance.</p>",
        ),
        (
            "fr",
            f"Dialogue international sur la migration n° 28: {TITLE_FR}",
            "fr",
            "<p>Compte rendu du Dialogue de 2018 sur les partenariats pour la gouvernance des migrations.</p>",
        ),
        # No Spanish title or summary: the English ones, tagged xml:lang="en" inside the Spanish feed.
        (
            "es",
            f"International Dialogue on Migration No. 28: {TITLE_EN}",
            "en",
            "<p>A record of the 2018 Dialogue on partnerships for migration governance.</p>",
        ),
    ],
)
def test_feed_shows_idm28_in_each_language(client, language, title, title_language, summary):
    create_idm28()

    parsed = feed(client, f"/{language}/feed/")

    assert parsed.feed.language == language
    assert parsed.feed.links[0].href == f"http://testserver/{language}/publications/"
    assert entries(parsed) == [(title, title_language, f"http://testserver/{language}/publications/idm-28/")]
    (entry,) = parsed.entries
    assert (entry.summary, entry.summary_detail.language) == (summary, title_language)
    assert [tag.term for tag in entry.tags] == [
        {"en": "Migration governance", "fr": "Gouvernance des migrations", "es": "Gobernanza de la migración"}[language]
    ]


def test_feed_entry_in_spanish_with_spanish_title(client):
    publication = create_idm28()
    publication.title_es = "Asociaciones inclusivas"
    publication.save()

    parsed = feed(client, "/es/feed/")

    assert entries(parsed) == [
        (
            "Diálogo Internacional sobre la Migración n.º 28: Asociaciones inclusivas",
            "es",
            "http://testserver/es/publications/idm-28/",
        )
    ]


def test_feed_lists_newest_first_and_never_drafts(client):
    now = timezone.now()
    PublicationFactory(slug="older", title_en="Older", publish_date=now - datetime.timedelta(days=10))
    PublicationFactory(slug="newer", title_en="Newer", publish_date=now - datetime.timedelta(days=1))
    PublicationFactory(slug="draft", title_en="Draft", status=Publication.Status.DRAFT, publish_date=None)
    PublicationFactory(slug="future", title_en="Future", publish_date=now + datetime.timedelta(days=1))

    parsed = feed(client, "/en/feed/")

    assert [entry.link for entry in parsed.entries] == [
        "http://testserver/en/publications/newer/",
        "http://testserver/en/publications/older/",
    ]
    published = parsed.entries[0].published_parsed
    assert datetime.datetime(*published[:6], tzinfo=datetime.UTC) == (now - datetime.timedelta(days=1)).replace(
        microsecond=0
    )


def test_series_feed_lists_only_its_series(client):
    idm = SeriesFactory()
    other = SeriesFactory(slug="other", name_en="Other series")
    PublicationFactory(series=idm, slug="in-idm", title_en="In IDM")
    PublicationFactory(series=other, slug="in-other", title_en="In other")
    PublicationFactory(series=idm, slug="draft", status=Publication.Status.DRAFT, publish_date=None)

    parsed = feed(client, "/fr/series/idm/feed/")

    assert parsed.feed.title == "Dialogue international sur la migration : nouvelles publications"
    assert parsed.feed.links[0].href == "http://testserver/fr/series/idm/"
    assert [entry.link for entry in parsed.entries] == ["http://testserver/fr/publications/in-idm/"]


def test_topic_feed_lists_only_its_topic(client):
    topic = TopicFactory(slug="youth", name_en="Youth", name_es="Juventud")
    PublicationFactory(slug="on-youth", topics=[topic])
    PublicationFactory(slug="elsewhere")

    parsed = feed(client, "/es/topics/youth/feed/")

    assert parsed.feed.title == "Juventud: nuevas publicaciones"
    assert [entry.link for entry in parsed.entries] == ["http://testserver/es/publications/on-youth/"]


def test_feeds_of_unknown_series_or_topic_are_404(client):
    assert [client.get(url).status_code for url in ("/en/series/nope/feed/", "/en/topics/nope/feed/")] == [404, 404]


@pytest.mark.parametrize("size", [1, 6])
def test_feed_query_count_does_not_grow_with_entries(client, django_assert_num_queries, size):
    topics = [TopicFactory(), TopicFactory()]
    for _ in range(size):
        PublicationFactory(topics=topics)

    # publications, their topics
    with django_assert_num_queries(2):
        feed(client, "/en/feed/")
    # the series, its publications, their topics
    with django_assert_num_queries(3):
        feed(client, "/en/series/idm/feed/")
    with django_assert_num_queries(3):
        feed(client, f"/en/topics/{topics[0].slug}/feed/")
