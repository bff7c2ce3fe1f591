"""Atom feeds per language, series and topic, read back with feedparser."""

import datetime

import feedparser
import pytest
from django.utils import timezone
from lxml import etree

from catalogue.models import Publication
from catalogue.tests.factories import PublicationFactory, SeriesFactory, TopicFactory, create_idm28

pytestmark = pytest.mark.django_db

TITLE_EN = "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"
TITLE_FR = "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"atom": ATOM}


def check_rfc4287(content: bytes) -> None:
    """What RFC 4287 (section 4.1) requires of a feed and its entries, checked on the XML itself."""
    root = etree.fromstring(content)
    assert root.tag == f"{{{ATOM}}}feed"

    def one(element, name: str) -> etree._Element:
        found = element.findall(f"atom:{name}", NS)
        assert len(found) == 1, (name, len(found))
        assert (found[0].text or "").strip() or name == "author", name
        return found[0]

    def alternate_links(element) -> list[str]:
        links = [link for link in element.findall("atom:link", NS) if link.get("rel", "alternate") == "alternate"]
        assert all(link.get("href") for link in links)
        # At most one alternate per type and language; an entry without content needs one.
        assert len({(link.get("type"), link.get("hreflang")) for link in links}) == len(links)
        return [link.get("href") for link in links]

    for name in ("id", "title", "updated"):
        one(root, name)
    assert alternate_links(root) != []
    feed_authors = root.findall("atom:author", NS)
    for author in feed_authors:
        assert (author.findtext("atom:name", namespaces=NS) or "").strip() != ""
    entries = root.findall("atom:entry", NS)
    for entry in entries:
        for name in ("id", "title", "updated"):
            one(entry, name)
        if entry.find("atom:content", NS) is None:
            assert alternate_links(entry) != []
        entry_authors = entry.findall("atom:author", NS)
        for author in entry_authors:
            assert (author.findtext("atom:name", namespaces=NS) or "").strip() != ""
        # An entry without its own author takes the feed's: one of them must exist.
        assert entry_authors or feed_authors
    # A feed's author is required unless every entry has one; ours always names one.
    assert feed_authors != []


def feed(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/atom+xml; charset=utf-8")
    check_rfc4287(response.content)
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
            f"Dialogue international sur la migration n° 28\u00a0: {TITLE_FR}",
            "fr",
            "<p>Compte rendu du Dialogue de 2018 sur les partenariats pour la gouvernance des migrations.</p>",
        ),
        # No Spanish title or summary: the English ones, tagged xml:lang="en" inside the Spanish feed;
        # the series label is written in English too, so the whole title is what its tag says.
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


@pytest.mark.parametrize(
    ("language", "organisation"),
    [
        ("en", "International Organization for Migration"),
        ("fr", "Organisation internationale pour les migrations"),
        ("es", "Organización Internacional para las Migraciones"),
    ],
)
def test_feed_and_each_entry_have_an_author_in_the_feeds_language(client, language, organisation):
    series = create_idm28().series
    # Newer than IDM 28, with a corporate author of its own in English and French (Spanish falls back).
    PublicationFactory(series=series, number=29, slug="idm-29", corporate_author_en="IOM", corporate_author_fr="OIM")

    catalogue = feed(client, f"/{language}/feed/")
    topic = feed(client, f"/{language}/topics/migration-governance/feed/")

    assert (catalogue.feed.author, topic.feed.author) == (organisation, organisation)
    assert [entry.author for entry in catalogue.entries] == ["OIM" if language == "fr" else "IOM", organisation]
    assert [entry.author for entry in topic.entries] == [organisation]


def test_french_feed_titles_are_written_in_one_language_the_titles(client):
    series = create_idm28().series
    PublicationFactory(series=series, number=29, slug="idm-29", title_en="Youth and Migration", title_fr="")

    parsed = feed(client, "/fr/feed/")

    assert [(title, language) for title, language, _link in entries(parsed)] == [
        ("International Dialogue on Migration No. 29: Youth and Migration", "en"),
        (f"Dialogue international sur la migration n° 28\u00a0: {TITLE_FR}", "fr"),
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
