import datetime
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone
from openapi_spec_validator import validate

from catalogue.models import AgendaParticipation, Edition, Publication
from catalogue.public.filters import PublicationFilter
from catalogue.tests.factories import (
    AgendaItemFactory,
    AgendaParticipationFactory,
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    SeriesIssnFactory,
    SpeakerFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def draft(**kwargs) -> Publication:
    return PublicationFactory(status=Publication.Status.DRAFT, publish_date=None, **kwargs)


TITLE_EN = "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"
TITLE_FR = "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"


def idm28() -> Publication:
    """IDM No. 28 as the seed record and FACTS.md give it: three editions, a topic, a two-level table of contents."""
    series = SeriesFactory()
    SeriesIssnFactory(series=series, language="en", issn="1726-2224")
    SeriesIssnFactory(series=series, language="fr", issn="1726-4030")
    publication = PublicationFactory(
        series=series,
        number=28,
        year=2018,
        slug="idm-28",
        title_en=TITLE_EN,
        title_fr=TITLE_FR,
        title_es="",
        subtitle_en="",
        original_language="en",
        topics=[
            TopicFactory(slug="partnerships", name_en="Partnerships", name_fr="Partenariats", name_es="Asociaciones")
        ],
    )
    EditionFactory(
        publication=publication,
        language="en",
        isbn="9789290687740",
        pages=130,
        date=datetime.date(2018, 11, 16),
        url="https://example.org/idm-28-en.pdf",
        position=1,
    )
    EditionFactory(
        publication=publication,
        language="fr",
        isbn="978-92-9068-780-1",
        pages=144,
        availability=Edition.Availability.ELECTRONIC_ONLY,
        position=2,
    )
    EditionFactory(publication=publication, language="es", position=3)
    report = TocEntryFactory(
        publication=publication,
        position=1,
        kind="part",
        title_en="Report of the workshops",
        title_fr="Rapport des ateliers",
    )
    TocEntryFactory(
        publication=publication, position=2, parent=report, title_en="Introduction", title_fr="Introduction"
    )
    return publication


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


# Publications ------------------------------------------------------------------------------------


def test_api_publication_detail_shows_every_translation_with_nulls_for_empty_ones(client):
    idm28()

    data = get_json(client, "/api/publications/idm-28/")

    assert data["title"] == {"en": TITLE_EN, "fr": TITLE_FR, "es": None}
    assert data["subtitle"] == {"en": None, "fr": None, "es": None}
    assert data["series"] == {
        "slug": "idm",
        "url": f"{BASE}/api/series/idm/",
        "name": {
            "en": "International Dialogue on Migration",
            "fr": "Dialogue international sur la migration",
            "es": "Diálogo Internacional sobre la Migración",
        },
        "short_name": {"en": "IDM", "fr": "IDM", "es": "IDM"},
    }
    assert (data["slug"], data["number"], data["year"], data["original_language"]) == ("idm-28", 28, 2018, "en")
    assert data["topics"] == [
        {
            "slug": "partnerships",
            "url": f"{BASE}/api/topics/partnerships/",
            "name": {"en": "Partnerships", "fr": "Partenariats", "es": "Asociaciones"},
        }
    ]


def test_api_publication_detail_gives_canonical_identifiers_and_derived_languages(client):
    idm28()

    data = get_json(client, "/api/publications/idm-28/")

    assert data["available_in"] == ["en", "fr", "es"]
    assert data["editions"] == [
        {
            "language": "en",
            "format": "pdf",
            "isbn": "9789290687740",
            "isbn_hyphenated": "978-92-9068-774-0",
            "issn": "1726-2224",
            "pages": 130,
            "date": "2018-11-16",
            "download_url": "https://example.org/idm-28-en.pdf",
            "availability": None,
            "price": None,
            "currency": None,
        },
        {
            "language": "fr",
            "format": "pdf",
            "isbn": "9789290687801",
            "isbn_hyphenated": "978-92-9068-780-1",
            "issn": "1726-4030",
            "pages": 144,
            "date": None,
            "download_url": None,
            "availability": "electronic-only",
            "price": None,
            "currency": None,
        },
        {
            "language": "es",
            "format": "pdf",
            "isbn": None,
            "isbn_hyphenated": None,
            "issn": None,
            "pages": None,
            "date": None,
            "download_url": None,
            "availability": None,
            "price": None,
            "currency": None,
        },
    ]


def test_api_shows_idm_28_from_the_demo_fixtures_in_every_language(client):
    call_command(
        "loaddata", *sorted(str(path) for path in (settings.BASE_DIR / "fixtures").glob("*.json")), verbosity=0
    )

    data = get_json(client, "/api/publications/idm-28/")

    assert (data["title"]["en"], data["title"]["fr"], data["title"]["es"]) == (TITLE_EN, TITLE_FR, None)
    assert all(data["summary"][language] for language in ("en", "fr", "es"))
    assert data["available_in"] == ["en", "fr", "es"]
    assert [
        (edition["language"], edition["isbn_hyphenated"], edition["issn"], edition["pages"], edition["availability"])
        for edition in data["editions"]
    ] == [
        ("en", "978-92-9068-774-0", "1726-2224", 130, None),
        ("fr", "978-92-9068-780-1", "1726-4030", 144, "electronic-only"),
        ("es", None, None, None, None),
    ]
    assert (
        data["participants_count"],
        data["participants_precision"],
        data["panelists_count"],
        data["panelists_precision"],
    ) == (600, "more-than", 83, "exact")
    assert [(entry["kind"], entry["parent"], entry["depth"]) for entry in data["table_of_contents"][:3]] == [
        ("front-matter", None, 0),
        ("part", None, 0),
        ("chapter", 2, 1),
    ]
    assert data["table_of_contents"][1]["title"] == {
        "en": "REPORT OF THE WORKSHOPS",
        "fr": "RAPPORT DES ATELIERS",
        "es": "INFORME DE LOS TALLERES",
    }
    assert [workshop["slug"] for workshop in data["workshops"]] == ["idm-2018-new-york", "idm-2018-geneva"]
    assert data["public_url"]["es"] == f"{BASE}/es/publications/idm-28/"


def test_api_optional_text_is_null_when_empty_like_every_other_missing_value(client):
    publication = PublicationFactory(slug="idm-28", reference_number="")
    EditionFactory(publication=publication, language="en", availability="", currency="")

    data = get_json(client, "/api/publications/idm-28/")

    assert (data["reference_number"], data["participants_count"], data["participants_precision"]) == (
        None,
        None,
        None,
    )
    assert (data["panelists_count"], data["panelists_precision"]) == (None, None)
    assert [(edition["availability"], edition["price"], edition["currency"]) for edition in data["editions"]] == [
        (None, None, None)
    ]


def test_api_optional_text_is_given_when_stated(client):
    publication = PublicationFactory(
        slug="idm-29",
        reference_number="PUB2019/046/L",
        participants_count=700,
        participants_precision="about",
    )
    EditionFactory(
        publication=publication,
        language="en",
        format=Edition.Format.PRINT,
        availability=Edition.Availability.PRINT_ON_DEMAND,
        price="30.00",
        currency="USD",
    )

    data = get_json(client, "/api/publications/idm-29/")

    assert (data["reference_number"], data["participants_count"], data["participants_precision"]) == (
        "PUB2019/046/L",
        700,
        "about",
    )
    assert [(edition["availability"], edition["price"], edition["currency"]) for edition in data["editions"]] == [
        ("print-on-demand", "30.00", "USD")
    ]


def test_api_publication_detail_links_public_pages_in_every_language(client):
    idm28()

    data = get_json(client, "/api/publications/idm-28/")

    assert data["url"] == f"{BASE}/api/publications/idm-28/"
    assert data["public_url"] == {
        "en": f"{BASE}/en/publications/idm-28/",
        "fr": f"{BASE}/fr/publications/idm-28/",
        "es": f"{BASE}/es/publications/idm-28/",
    }


def test_api_publication_detail_gives_the_table_of_contents_flat_with_parents(client):
    idm28()

    data = get_json(client, "/api/publications/idm-28/")

    assert data["table_of_contents"] == [
        {
            "position": 1,
            "parent": None,
            "depth": 0,
            "kind": "part",
            "title": {"en": "Report of the workshops", "fr": "Rapport des ateliers", "es": None},
            "page": None,
        },
        {
            "position": 2,
            "parent": 1,
            "depth": 1,
            "kind": "chapter",
            "title": {"en": "Introduction", "fr": "Introduction", "es": None},
            "page": None,
        },
    ]


def test_api_publication_detail_lists_its_workshops(client):
    publication = idm28()
    WorkshopFactory(
        publication=publication, slug="idm-2018-geneva", title_en="Geneva workshop", title_fr="Atelier de Genève"
    )

    data = get_json(client, "/api/publications/idm-28/")

    assert data["workshops"] == [
        {
            "slug": "idm-2018-geneva",
            "url": f"{BASE}/api/workshops/idm-2018-geneva/",
            "title": {"en": "Geneva workshop", "fr": "Atelier de Genève", "es": None},
            "city": {"en": "Geneva", "fr": None, "es": None},
            "country": "CH",
            "start_date": "2018-10-08",
            "end_date": "2018-10-09",
        }
    ]


def test_api_publication_list_and_detail_hide_drafts_and_future_publications(client):
    public = PublicationFactory(slug="public")
    draft(slug="draft")
    PublicationFactory(slug="future", publish_date=timezone.now() + datetime.timedelta(hours=1))

    data = get_json(client, "/api/publications/")

    assert [item["slug"] for item in data["results"]] == [public.slug]
    assert client.get("/api/publications/draft/").status_code == 404
    assert client.get("/api/publications/future/").status_code == 404


def test_api_publication_list_is_paginated_with_count_and_links(client):
    for number in range(1, 6):
        PublicationFactory(number=number, slug=f"p{number}")

    first = get_json(client, "/api/publications/", page_size=2)
    last = get_json(client, "/api/publications/", page_size=2, page=3)

    assert (first["count"], first["previous"], first["next"]) == (
        5,
        None,
        f"{BASE}/api/publications/?page=2&page_size=2",
    )
    assert [item["slug"] for item in first["results"]] == ["p5", "p4"]
    assert (last["next"], [item["slug"] for item in last["results"]]) == (None, ["p1"])


def test_api_publication_list_bounds_the_page_size(client):
    PublicationFactory.create_batch(101)

    data = get_json(client, "/api/publications/", page_size=100)
    too_large = client.get("/api/publications/", {"page_size": 101})

    assert (data["count"], len(data["results"])) == (101, 100)
    assert (too_large.status_code, too_large.json()) == (400, {"page_size": ["Enter a whole number from 1 to 100."]})


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"page": "abc"}, {"page": ["Enter a whole number of at least 1."]}),
        ({"page": "0"}, {"page": ["Enter a whole number of at least 1."]}),
        ({"page": "-1"}, {"page": ["Enter a whole number of at least 1."]}),
        ({"page": "last"}, {"page": ["Enter a whole number of at least 1."]}),
        ({"page": "１"}, {"page": ["Enter a whole number of at least 1."]}),
        ({"page": "9" * 40}, {"page": ["Enter a whole number of at least 1."]}),
        ({"page_size": "abc"}, {"page_size": ["Enter a whole number from 1 to 100."]}),
        ({"page_size": "null"}, {"page_size": ["Enter a whole number from 1 to 100."]}),
        ({"page_size": "-5"}, {"page_size": ["Enter a whole number from 1 to 100."]}),
        ({"page_size": "0"}, {"page_size": ["Enter a whole number from 1 to 100."]}),
        ({"page_size": ""}, {"page_size": ["Enter a whole number from 1 to 100."]}),
        ({"year_from": "notanumber"}, {"year_from": ["Enter a whole number."]}),
        ({"year_to": "99999999999999999999"}, {"year_to": ["Ensure this value is less than or equal to 9999."]}),
        ({"sort": "nonsense"}, {"sort": ["Select a valid choice. nonsense is not one of the available choices."]}),
        ({"year": "abc"}, {"year": ["Not a valid value: 'abc'."]}),
        ({"year": ["2018", "18"]}, {"year": ["Not a valid value: '18'."]}),
        ({"format": "vinyl"}, {"format": ["Not a valid value: 'vinyl'."]}),
        ({"language": "\x00"}, {"language": ["Not a valid value: ''."]}),
        ({"language": "French"}, {"language": ["Not a valid value: 'French'."]}),
        ({"series": "no such series"}, {"series": ["Not a valid value: 'no such series'."]}),
        ({"topic": ["a", "b?", "c!", "d.", "e,"]}, {"topic": ["Not a valid value: 'b?', 'c!', 'd.'."]}),
        ({"topic": [f"t{n}" for n in range(31)]}, {"topic": ["At most 30 values."]}),
    ],
)
def test_api_publication_list_refuses_each_malformed_parameter_with_a_400_naming_it(client, params, error):
    PublicationFactory()

    response = client.get("/api/publications/", params)

    assert (response.status_code, response["Content-Type"], response.json()) == (400, "application/json", error)


def test_api_page_past_the_last_is_a_json_404(client):
    PublicationFactory()

    response = client.get("/api/publications/", {"page": "2"})

    assert (response.status_code, response.json()) == (404, {"detail": "Invalid page."})


@pytest.mark.parametrize("path", ["/api/series/", "/api/topics/", "/api/workshops/"])
@pytest.mark.parametrize("params", [{"page": "abc"}, {"page_size": "0"}, {"page_size": "1000"}])
def test_api_every_list_refuses_a_malformed_page_with_a_400(client, path, params):
    response = client.get(path, params)

    assert (response.status_code, list(response.json())) == (400, list(params))


@pytest.mark.parametrize(
    ("params", "slugs"),
    [
        ({"series": "unknown"}, []),
        ({"topic": "unknown"}, []),
        ({"language": "xx"}, []),
        ({"year": "1999"}, []),
        ({"q": "\x00"}, ["only"]),
        ({"q": "x" * 1000}, []),
        ({"unknown_parameter": "\x00"}, ["only"]),
    ],
)
def test_api_publication_list_matches_nothing_for_well_formed_unknown_values(client, params, slugs):
    PublicationFactory(slug="only", year=2018)

    response = client.get("/api/publications/", params)

    assert (response.status_code, [item["slug"] for item in response.json()["results"]]) == (200, slugs)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"series": "idm"},
        {"series": ["idm", "other"]},
        {"series": "unknown"},
        {"topic": "partnerships"},
        {"year": "2018"},
        {"year": ["2017", "2019"]},
        {"year_from": "2018"},
        {"year_to": "2018"},
        {"year_from": "2017", "year_to": "2018", "language": "es"},
        {"language": ["fr", "es"]},
        {"format": "print"},
        {"format": "pdf", "language": "en"},
        {"sort": "oldest"},
        {"sort": "title"},
        {"sort": "number"},
        {"q": "partnerships"},
        {"q": "partenariats", "language": "fr"},
        {"q": "9789290687801"},
        {"q": "governance", "sort": "oldest"},
        {"q": "AND OR NOT"},
    ],
)
def test_api_publication_list_filters_like_the_catalogue(client, params):
    idm28()
    other = SeriesFactory(slug="other", name_en="Other series")
    PublicationFactory(series=other, number=1, year=2019, slug="other-1")
    english = PublicationFactory(number=27, year=2017, slug="idm-27")
    EditionFactory(publication=english, language="en", format=Edition.Format.PDF)
    EditionFactory(publication=english, language="es", format=Edition.Format.PRINT)
    draft(number=29, year=2019, slug="idm-29")
    catalogue = PublicationFilter(querydict(params), queryset=Publication.objects.published(), language="en")

    data = get_json(client, "/api/publications/", **params)

    # The catalogue page's results (set operations), and the same search as one SQL queryset, agree.
    slugs = dict(Publication.objects.values_list("pk", "slug"))
    page = [slugs[key] for key in catalogue.results[0:20]]
    assert [item["slug"] for item in data["results"]] == page == [publication.slug for publication in catalogue.qs]


def querydict(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def test_api_publication_search_finds_an_isbn_typed_with_hyphens_first(client):
    idm28()
    PublicationFactory(slug="mentions-isbn", title_en="About 978-92-9068-780-1")

    data = get_json(client, "/api/publications/", q="978-92-9068-780-1")

    assert data["results"][0]["slug"] == "idm-28"


def test_api_publication_search_finds_every_language(client):
    idm28()
    PublicationFactory(slug="unrelated", title_en="Health", title_fr="Santé", title_es="Salud")

    found = {
        q: [item["slug"] for item in get_json(client, "/api/publications/", q=q)["results"]]
        for q in ("partenariats", "partnerships")
    }

    assert found == {"partenariats": ["idm-28"], "partnerships": ["idm-28"]}


# Series, topics, workshops ----------------------------------------------------------------------


def test_api_series_detail_lists_its_issns_per_language(client):
    series = SeriesFactory(description_fr="Une série")
    SeriesIssnFactory(series=series, language="fr", issn="1726-4030")
    SeriesIssnFactory(series=series, language="en", issn="1726-2224")

    data = get_json(client, "/api/series/idm/")

    assert data["issns"] == [
        {"language": "en", "issn": "1726-2224", "medium": None},
        {"language": "fr", "issn": "1726-4030", "medium": None},
    ]
    assert data["description"] == {"en": None, "fr": "Une série", "es": None}
    assert data["public_url"] == {
        "en": f"{BASE}/en/series/idm/",
        "fr": f"{BASE}/fr/series/idm/",
        "es": f"{BASE}/es/series/idm/",
    }


def test_api_topic_list_names_the_broader_topic(client):
    broader = TopicFactory(slug="migration", name_en="Migration")
    TopicFactory(slug="youth", name_en="Youth", parent=broader, description_es="Jóvenes migrantes")

    data = get_json(client, "/api/topics/")

    assert [(item["slug"], item["parent"]) for item in data["results"]] == [("migration", None), ("youth", "migration")]
    assert data["results"][1]["description"] == {"en": None, "fr": None, "es": "Jóvenes migrantes"}
    assert data["results"][1]["public_url"]["fr"] == f"{BASE}/fr/topics/youth/"


def test_api_workshop_detail_gives_the_agenda_with_people_and_roles(client):
    workshop = WorkshopFactory(
        slug="idm-2018-geneva",
        publication=idm28(),
        title_en="Geneva workshop",
        title_fr="Atelier de Genève",
        participants_count=600,
    )
    opening = AgendaItemFactory(
        workshop=workshop,
        position=1,
        kind="opening",
        start_time=datetime.time(10, 0),
        end_time=datetime.time(10, 30),
        title_en="Opening remarks",
        title_es="Palabras de apertura",
    )
    AgendaItemFactory(
        workshop=workshop,
        position=2,
        date=datetime.date(2018, 10, 9),
        start_time=None,
        end_time=None,
        title_en="Wrap-up",
    )
    chair = SpeakerFactory(
        name="A. Chair", slug="a-chair", position_en="Director General", position_fr="Directeur général"
    )
    AgendaParticipationFactory(agenda_item=opening, speaker=chair, role=AgendaParticipation.Role.CHAIR)

    data = get_json(client, "/api/workshops/idm-2018-geneva/")

    assert data["title"] == {"en": "Geneva workshop", "fr": "Atelier de Genève", "es": None}
    assert (data["time_zone"], data["participants_count"], data["country"]) == ("Europe/Zurich", 600, "CH")
    assert data["publication"] == {
        "slug": "idm-28",
        "url": f"{BASE}/api/publications/idm-28/",
        "number": 28,
        "year": 2018,
        "title": {"en": TITLE_EN, "fr": TITLE_FR, "es": None},
    }
    assert data["agenda"] == [
        {
            "position": 1,
            "kind": "opening",
            "date": "2018-10-08",
            "start_time": "10:00:00",
            "end_time": "10:30:00",
            "starts_at": "2018-10-08T10:00:00+02:00",
            "ends_at": "2018-10-08T10:30:00+02:00",
            "title": {"en": "Opening remarks", "fr": None, "es": "Palabras de apertura"},
            "description": {"en": None, "fr": None, "es": None},
            "people": [
                {
                    "role": "chair",
                    "person": {
                        "slug": "a-chair",
                        "name": "A. Chair",
                        "position": {"en": "Director General", "fr": "Directeur général", "es": None},
                        "affiliation": {"en": None, "fr": None, "es": None},
                    },
                }
            ],
        },
        {
            "position": 2,
            "kind": "panel",
            "date": "2018-10-09",
            "start_time": None,
            "end_time": None,
            "starts_at": None,
            "ends_at": None,
            "title": {"en": "Wrap-up", "fr": None, "es": None},
            "description": {"en": None, "fr": None, "es": None},
            "people": [],
        },
    ]


def test_api_workshops_of_draft_reports_are_hidden(client):
    WorkshopFactory(slug="reported", publication=PublicationFactory())
    WorkshopFactory(
        slug="unreported", publication=None, start_date=datetime.date(2017, 1, 1), end_date=datetime.date(2017, 1, 2)
    )
    WorkshopFactory(slug="secret", publication=draft())

    data = get_json(client, "/api/workshops/")

    assert [item["slug"] for item in data["results"]] == ["reported", "unreported"]
    assert client.get("/api/workshops/secret/").status_code == 404


def test_api_root_lists_the_endpoints(client):
    assert get_json(client, "/api/") == {
        "publications": f"{BASE}/api/publications/",
        "series": f"{BASE}/api/series/",
        "topics": f"{BASE}/api/topics/",
        "workshops": f"{BASE}/api/workshops/",
    }


# Query counts ------------------------------------------------------------------------------------


def make_publications(count: int) -> None:
    series = SeriesFactory()
    SeriesIssnFactory(series=series, language="en", issn="1726-2224")
    for _ in range(count):
        publication = PublicationFactory(series=series, topics=[TopicFactory(), TopicFactory()])
        EditionFactory(publication=publication, language="en")
        EditionFactory(publication=publication, language="fr")
        TocEntryFactory(publication=publication)
        WorkshopFactory(publication=publication)


def make_workshops(count: int) -> None:
    for _ in range(count):
        item = AgendaItemFactory()
        AgendaParticipationFactory(agenda_item=item)
        AgendaParticipationFactory(agenda_item=item, role=AgendaParticipation.Role.CHAIR)
        AgendaItemFactory(workshop=item.workshop)


def make_series(count: int) -> None:
    for number in range(count):
        series = SeriesFactory(slug=f"series-{number}")
        SeriesIssnFactory(series=series, issn=["1726-2224", "1726-4030", "0251-1479", "1020-7163"][number])


def make_topics(count: int) -> None:
    parent = TopicFactory()
    TopicFactory.create_batch(count - 1, parent=parent)


@pytest.mark.parametrize("size", [1, 4])
@pytest.mark.parametrize(
    ("url", "make", "queries"),
    [
        # the catalogue index's content version (count and keys come from the index), the page's rows, then
        # prefetches: series ISSNs, editions, topics, workshops
        ("/api/publications/", make_publications, 6),
        # count, the page's keys, its rows, ISSNs
        ("/api/series/", make_series, 4),
        # count, the page's keys, its rows (parents joined)
        ("/api/topics/", make_topics, 3),
        # count, the page's keys, its rows (reports joined), agenda items, participations (people joined)
        ("/api/workshops/", make_workshops, 5),
    ],
)
def test_api_list_query_count_does_not_grow_with_results(client, django_assert_num_queries, url, make, queries, size):
    make(size)
    get_json(client, url)  # the catalogue index of this content version built, as by any earlier request

    with django_assert_num_queries(queries + 1):  # + 1: the HTTP validators (idm/caching.py)
        data = get_json(client, url)

    assert data["count"] == size


@pytest.mark.parametrize("size", [1, 4])
def test_api_publication_search_query_count_does_not_grow_with_results(client, django_assert_num_queries, size):
    make_publications(size)
    get_json(client, "/api/publications/")  # the catalogue index of this content version built
    # The catalogue index's content version, the match set, the ranking of the matches (bm25(): none for a single
    # match, its own ranking), the page's rows, then prefetches: series ISSNs, editions, topics, workshops.
    queries = 8 if size > 1 else 7
    with django_assert_num_queries(queries + 1):  # + 1: the HTTP validators (idm/caching.py)
        data = get_json(client, "/api/publications/", q="publication", language="en")

    assert data["count"] == size


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # publication, then series ISSNs, editions, topics, workshops, table of contents
        ("/api/publications/{publication}/", 6),
        ("/api/workshops/{workshop}/", 3),
    ],
)
def test_api_detail_query_count_is_fixed(client, django_assert_num_queries, url, queries):
    make_publications(2)
    make_workshops(1)
    publication = Publication.objects.first()
    workshop = AgendaItemFactory().workshop

    with django_assert_num_queries(queries + 1):  # + 1: the HTTP validators (idm/caching.py)
        get_json(client, url.format(publication=publication.slug, workshop=workshop.slug))


# Schema -----------------------------------------------------------------------------------------


def test_api_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})

    schema = json.loads(response.content)
    validate(schema)
    assert (response.status_code, schema["openapi"]) == (200, "3.0.3")
    assert sorted(schema["paths"]) == [
        "/api/publications/",
        "/api/publications/{slug}/",
        "/api/series/",
        "/api/series/{slug}/",
        "/api/topics/",
        "/api/topics/{slug}/",
        "/api/workshops/",
        "/api/workshops/{slug}/",
    ]


def test_api_schema_says_optional_text_is_nullable_and_never_blank(client):
    response = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})

    components = json.loads(response.content)["components"]["schemas"]
    nullable = {
        (component, name): (prop.get("nullable"), prop.get("type"), prop.get("oneOf"))
        for component, name in [
            ("Publication", "reference_number"),
            ("Publication", "participants_precision"),
            ("Publication", "panelists_precision"),
            ("Edition", "availability"),
            ("Edition", "currency"),
            ("SeriesIssn", "medium"),
        ]
        for prop in [components[component]["properties"][name]]
    }
    null = [{"$ref": "#/components/schemas/NullEnum"}]

    def enum(name):
        return (True, None, [{"$ref": f"#/components/schemas/{name}"}, *null])

    assert nullable == {
        ("Publication", "reference_number"): (True, "string", None),
        ("Publication", "participants_precision"): enum("CountPrecisionEnum"),
        ("Publication", "panelists_precision"): enum("CountPrecisionEnum"),
        ("Edition", "availability"): enum("AvailabilityEnum"),
        ("Edition", "currency"): (True, "string", None),
        ("SeriesIssn", "medium"): enum("MediumEnum"),
    }
    assert [components[name]["enum"] for name in ["CountPrecisionEnum", "AvailabilityEnum", "MediumEnum"]] == [
        ["exact", "more-than", "about"],
        ["available", "electronic-only", "print-on-demand", "out-of-print"],
        ["print", "online"],
    ]
    assert ("BlankEnum" in components, components["NullEnum"]) == (False, {"enum": [None]})


def test_api_schema_is_generated_without_reading_the_database(client, django_assert_num_queries):
    # test_api_fuzz.py loads it while collecting, before any test database exists.
    with django_assert_num_queries(0):
        response = client.get("/api/schema/")

    assert response.status_code == 200


def test_api_schema_is_served_as_json_on_request(client):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})

    assert (response.status_code, json.loads(response.content)["info"]["title"]) == (
        200,
        "IDM publications catalogue API",
    )
