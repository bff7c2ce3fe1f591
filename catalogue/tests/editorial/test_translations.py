"""Translation completeness (catalogue/editorial/translations.py), the change lists' "missing translation" filter
and the translation dashboard (catalogue/admin/translations.py)."""

import datetime

import lxml.html
import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from catalogue.admin.translations import PAGE_SIZE
from catalogue.editorial.roles import EDITOR, TRANSLATOR
from catalogue.editorial.translations import KINDS, completeness_values, record_completeness
from catalogue.models import Topic
from catalogue.tests.factories import (
    AgendaItemFactory,
    PublicationFactory,
    SeriesFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
    create_staff,
)

DASHBOARD = "/admin/translations/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def publication():
    """Title in every language, subtitle in English only, no summary; three headings: en+fr, en, fr."""
    publication = PublicationFactory(
        title_en="Migration and health", title_fr="Migration et santé", title_es="Migración y salud"
    )
    publication.subtitle_en = "Report of the workshop"
    publication.save()
    TocEntryFactory(publication=publication, position=1, title_en="Introduction", title_fr="Introduction")
    TocEntryFactory(publication=publication, position=2, title_en="Findings")
    TocEntryFactory(publication=publication, position=3, title_en="", title_fr="Annexe")
    return publication


@pytest.fixture
def workshop():
    """Title and city in English only, description in English and French; agenda: one item en+fr, one en."""
    workshop = WorkshopFactory(title_en="Health workshop", city_en="Geneva", publication=None)
    workshop.description_en = "Two days on health."
    workshop.description_fr = "Deux jours sur la santé."
    workshop.save()
    AgendaItemFactory(workshop=workshop, position=1, title_en="Opening", title_fr="Ouverture")
    AgendaItemFactory(workshop=workshop, position=2, title_en="Panel", description_en="Three speakers.")
    return workshop


@pytest.fixture
def boss(client):
    user = create_staff("boss", superuser=True)
    client.force_login(user)
    return user


def _rows(kind, record):
    if kind.rows is None:
        return []
    return list(getattr(record, kind.rows.accessor).order_by("position"))


def _summary(kind, record):
    completeness = record_completeness(kind, record, _rows(kind, record))
    return {
        language: (value.expected, value.percent, [missing.label for missing in value.missing])
        for language, value in completeness.items()
    }


def _database_ratios(kind, record):
    """Completeness per language as the database sorts by it, and as the page shows it."""
    python = record_completeness(kind, record, _rows(kind, record))
    database = {
        language: completeness_values(kind, label_language="en", sort_language=language).get(pk=record.pk)["ratio"]
        for language in python
    }
    shown = {language: value.filled / value.expected if value.expected else 1.0 for language, value in python.items()}
    return database, shown


def test_publication_completeness_names_missing_fields_and_headings(publication):
    # Expected: title, subtitle and the three headings; the summary is empty in every language, so not missing.
    assert _summary(KINDS["publication"], publication) == {
        "en": (5, 80, ["Table of contents entry 3: title"]),
        "fr": (5, 60, ["Subtitle", "Table of contents entry 2: title"]),
        "es": (
            5,
            20,
            [
                "Subtitle",
                "Table of contents entry 1: title",
                "Table of contents entry 2: title",
                "Table of contents entry 3: title",
            ],
        ),
    }


def test_publication_completeness_in_the_database_matches(publication):
    database, shown = _database_ratios(KINDS["publication"], publication)
    assert database == pytest.approx(shown)
    assert database == pytest.approx({"en": 0.8, "fr": 0.6, "es": 0.2})


def test_workshop_completeness_counts_agenda_items(workshop):
    # Expected: title, description, city, agenda 1 title, agenda 2 title and description (venue empty everywhere).
    assert _summary(KINDS["workshop"], workshop) == {
        "en": (6, 100, []),
        "fr": (6, 33, ["Title", "City", "Agenda item 2: title", "Agenda item 2: description"]),
        "es": (
            6,
            0,
            [
                "Title",
                "Description",
                "City",
                "Agenda item 1: title",
                "Agenda item 2: title",
                "Agenda item 2: description",
            ],
        ),
    }
    database, shown = _database_ratios(KINDS["workshop"], workshop)
    assert database == pytest.approx(shown)
    assert database == pytest.approx({"en": 1.0, "fr": 2 / 6, "es": 0.0})


def test_topic_and_series_completeness():
    topic = TopicFactory(name_en="Health", name_fr="Santé", name_es="", description_en="About health.")
    series = SeriesFactory(slug="other", name_en="Other", name_fr="Autre", name_es="Otra", short_name_en="")
    series.short_name_fr = series.short_name_es = ""
    series.save()
    assert _summary(KINDS["topic"], topic) == {
        "en": (2, 100, []),
        "fr": (2, 50, ["Description"]),
        "es": (2, 0, ["Name", "Description"]),
    }
    assert _database_ratios(KINDS["topic"], topic)[0] == pytest.approx({"en": 1.0, "fr": 0.5, "es": 0.0})
    assert _summary(KINDS["series"], series) == {"en": (1, 100, []), "fr": (1, 100, []), "es": (1, 100, [])}
    assert _database_ratios(KINDS["series"], series)[0] == pytest.approx({"en": 1.0, "fr": 1.0, "es": 1.0})


def test_record_with_nothing_to_translate_is_complete():
    topic = TopicFactory(name_en="", name_fr="", name_es="")
    assert _summary(KINDS["topic"], topic)["fr"] == (0, 100, [])
    assert completeness_values(KINDS["topic"], label_language="en", sort_language="fr").get(pk=topic.pk)["ratio"] == 1


# The change lists' filter -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "expected"), [("en", ["toc"]), ("fr", ["own"]), ("es", ["own", "toc"])])
def test_missing_translation_filter_on_publications(client, boss, language, expected):
    series = SeriesFactory()
    complete = PublicationFactory(series=series, title_en="Complete", title_fr="Complet", title_es="Completo")
    own = PublicationFactory(series=series, title_en="Own field", title_fr="", title_es="")
    toc = PublicationFactory(series=series, title_en="Heading", title_fr="Titre", title_es="Título")
    TocEntryFactory(publication=toc, position=1, title_en="", title_fr="Seulement en français")
    TocEntryFactory(publication=complete, position=1, title_en="One", title_fr="Un", title_es="Uno")
    names = {complete.pk: "complete", own.pk: "own", toc.pk: "toc"}

    response = client.get(reverse("admin:catalogue_publication_changelist"), {"missing_translation": language})

    assert response.status_code == 200
    assert sorted(names[p.pk] for p in response.context["cl"].result_list) == sorted(expected)


@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("workshop", lambda: WorkshopFactory(title_en="Only English", city_en="Geneva", publication=None)),
        ("topic", lambda: TopicFactory(name_en="Only English", name_fr="", name_es="")),
        ("series", lambda: SeriesFactory(slug="only-en", name_en="Only English", name_fr="", name_es="")),
    ],
)
def test_missing_translation_filter_on_other_models(client, boss, model, make):
    record = make()
    url = reverse(f"admin:catalogue_{model}_changelist")

    assert [r.pk for r in client.get(url, {"missing_translation": "fr"}).context["cl"].result_list] == [record.pk]
    assert list(client.get(url, {"missing_translation": "en"}).context["cl"].result_list) == []


def test_missing_translation_filter_lists_the_content_languages(client, boss):
    html = lxml.html.fromstring(client.get(reverse("admin:catalogue_topic_changelist")).content)
    choices = html.xpath("//details[@data-filter-title='missing translation']//li/a/text()")
    assert choices == ["All", "English", "French", "Spanish"]


# The dashboard ----------------------------------------------------------------------------------------------------


def _table(response):
    html = lxml.html.fromstring(response.content)
    table = html.get_element_by_id("translation-table")
    header = [
        " ".join(th.xpath(".//a/text()")).strip() or th.text_content().strip() for th in table.xpath(".//thead//th")
    ]
    rows = [
        [row.xpath("td[1]")[0].text_content().strip(), row.xpath("th/a")[0].text_content().strip()]
        + [td.xpath("span[@class='percent']")[0].text_content().strip() for td in row.xpath("td[position() > 1]")]
        for row in table.xpath(".//tbody/tr[th]")
    ]
    return header, rows


def test_dashboard_lists_every_kind_with_its_completeness(client, boss, publication, workshop):
    TopicFactory(name_en="Health", name_fr="Santé", name_es="Salud")

    response = client.get(DASHBOARD, {"o": "record"})

    assert response.status_code == 200
    assert _table(response) == (
        ["Kind", "Record", "English", "French", "Spanish"],
        [
            ["Topic", "Health", "100%", "100%", "100%"],
            ["Workshop", "Health workshop", "100%", "33%", "0%"],
            ["Series", "International Dialogue on Migration", "100%", "100%", "100%"],
            ["Publication", "Migration and health", "80%", "60%", "20%"],
        ],
    )


def test_dashboard_links_each_missing_field_to_its_input(client, boss, publication, workshop):
    html = lxml.html.fromstring(client.get(DASHBOARD, {"language": "fr"}).content)
    links = {a.text_content(): a.get("href") for a in html.xpath("//td[@data-language='fr']//a")}
    publication_url = reverse("admin:catalogue_publication_change", args=[publication.pk])
    workshop_url = reverse("admin:catalogue_workshop_change", args=[workshop.pk])

    assert links == {
        "Subtitle": f"{publication_url}#id_subtitle_fr",
        "Table of contents entry 2: title": f"{publication_url}#id_toc_entries-1-title_fr",
        "Title": f"{workshop_url}#id_title_fr",
        "City": f"{workshop_url}#id_city_fr",
        "Agenda item 2: title": f"{workshop_url}#id_agenda_items-1-title_fr",
        "Agenda item 2: description": f"{workshop_url}#id_agenda_items-1-description_fr",
    }
    # Every anchor is the id of an input on the record's admin page (the real inline prefixes and row indexes).
    for url in links.values():
        path, anchor = url.split("#")
        page = lxml.html.fromstring(client.get(path).content)
        assert page.xpath(f"//*[@id='{anchor}']/@name") == [anchor.removeprefix("id_")]


def test_dashboard_row_indexes_follow_the_admin_order_not_dates_or_ids(client, boss):
    """The admin lists agenda items in the order staff arranged them (their positions), which here is neither the
    order of their dates nor of their ids: the link points at the form of that row."""
    workshop = WorkshopFactory(
        title_en="W",
        title_fr="W",
        title_es="W",
        city_en="Geneva",
        city_fr="Genève",
        city_es="Ginebra",
        publication=None,
    )
    AgendaItemFactory(
        workshop=workshop,
        position=2,
        date=datetime.date(2018, 10, 8),
        title_en="First day",
        title_fr="",
        title_es="Primer día",
    )
    AgendaItemFactory(
        workshop=workshop,
        position=1,
        date=datetime.date(2018, 10, 9),
        title_en="Second day",
        title_fr="Deuxième jour",
        title_es="Segundo día",
    )
    url = reverse("admin:catalogue_workshop_change", args=[workshop.pk])

    html = lxml.html.fromstring(client.get(DASHBOARD, {"language": "fr"}).content)

    assert html.xpath("//td[@data-language='fr']//a/@href") == [url + "#id_agenda_items-1-title_fr"]
    page = lxml.html.fromstring(client.get(url).content)
    assert page.xpath("//input[@name='agenda_items-1-title_en']/@value") == ["First day"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("fr", ["Health workshop", "Migration and health", "Health", "International Dialogue on Migration"]),
        ("-fr", ["Health", "International Dialogue on Migration", "Migration and health", "Health workshop"]),
        ("es", ["Health workshop", "Migration and health", "Health", "International Dialogue on Migration"]),
        ("record", ["Health", "Health workshop", "International Dialogue on Migration", "Migration and health"]),
        ("-record", ["Migration and health", "International Dialogue on Migration", "Health workshop", "Health"]),
    ],
)
def test_dashboard_sorts_by_record_or_completeness(client, boss, publication, workshop, order, expected):
    # French: workshop 33%, publication 60%, topic and series 100%; ties by record.
    TopicFactory(name_en="Health", name_fr="Santé", name_es="Salud")

    _header, rows = _table(client.get(DASHBOARD, {"o": order}))

    assert [row[1] for row in rows] == expected


def test_dashboard_filters_by_kind_language_and_incomplete(client, boss, publication, workshop):
    TopicFactory(name_en="Health", name_fr="Santé", name_es="")

    assert _table(client.get(DASHBOARD, {"kind": "topic"}))[1] == [["Topic", "Health", "100%", "100%", "0%"]]
    header, rows = _table(client.get(DASHBOARD, {"language": "es", "incomplete": "on", "o": "record"}))
    assert header == ["Kind", "Record", "Spanish"]
    assert rows == [
        ["Topic", "Health", "0%"],
        ["Workshop", "Health workshop", "0%"],
        ["Publication", "Migration and health", "20%"],
    ]
    # Incomplete in any language shown: the series is complete everywhere.
    assert [row[1] for row in _table(client.get(DASHBOARD, {"incomplete": "on", "o": "record"}))[1]] == [
        "Health",
        "Health workshop",
        "Migration and health",
    ]


def test_dashboard_ignores_an_unknown_parameter_but_keeps_the_others(client, boss, publication):
    TopicFactory(name_en="Health", name_fr="Santé", name_es="Salud")

    header, rows = _table(client.get(DASHBOARD, {"kind": "topic", "o": "de", "language": "xx"}))

    assert header == ["Kind", "Record", "English", "French", "Spanish"]
    assert rows == [["Topic", "Health", "100%", "100%", "100%"]]


def test_dashboard_paginates(client, boss):
    Topic.objects.bulk_create(
        Topic(name_en=f"Topic {n:03}", name_fr="", name_es="", slug=f"topic-{n}") for n in range(PAGE_SIZE + 3)
    )

    first = client.get(DASHBOARD, {"o": "record"})
    second = client.get(DASHBOARD, {"o": "record", "p": "2"})

    assert [row[1] for row in _table(first)[1]] == [f"Topic {n:03}" for n in range(PAGE_SIZE)]
    assert [row[1] for row in _table(second)[1]] == [f"Topic {n:03}" for n in range(PAGE_SIZE, PAGE_SIZE + 3)]
    assert second.context["page"].paginator.count == PAGE_SIZE + 3
    html = lxml.html.fromstring(first.content)
    assert html.xpath("//nav[@class='paginator']/a/@href") == ["?o=record&p=2"]


@pytest.mark.parametrize(("languages", "expected"), [(["es"], ["es", "en", "fr"]), (["fr", "es"], ["fr", "es", "en"])])
def test_dashboard_shows_a_translators_languages_first(client, languages, expected):
    TopicFactory(name_en="Health", name_fr="", name_es="")
    client.force_login(create_staff("tina", TRANSLATOR, languages=languages))

    response = client.get(DASHBOARD)

    assert [column["key"] for column in response.context["columns"]] == expected
    # Least complete first in the first working language.
    assert [column["aria_sort"] for column in response.context["columns"]] == ["ascending", None, None]


def test_dashboard_lists_only_what_the_user_may_view(client, publication):
    TopicFactory(name_en="Health", name_fr="Santé", name_es="Salud")
    user = create_staff("viewer")
    user.user_permissions.add(Permission.objects.get(codename="view_topic"))
    client.force_login(user)

    assert _table(client.get(DASHBOARD))[1] == [["Topic", "Health", "100%", "100%", "100%"]]


def _mixed_records(size):
    """`size` records, publications, workshops and topics in turn, each missing some French (and a series)."""
    series = SeriesFactory()
    for n in range(size):
        if n % 3 == 0:
            publication = PublicationFactory(series=series, title_fr="")
            TocEntryFactory(publication=publication, position=1)
            TocEntryFactory(publication=publication, position=2, title_fr="Chapitre")
        elif n % 3 == 1:
            AgendaItemFactory(workshop=WorkshopFactory(publication=None), position=1)
        else:
            TopicFactory(name_fr="")


@pytest.mark.parametrize("size", [5, 50])
def test_dashboard_query_count_does_not_grow_with_records(client, django_assert_num_queries, size):
    _mixed_records(size)
    client.force_login(create_staff("ed", EDITOR, languages=["fr"]))

    # Session, user, permissions (user's and groups'), working languages, the count, the page of records, then for
    # each kind on the page its records and rows: publications + headings, workshops + agenda, topics, series.
    with django_assert_num_queries(13):
        response = client.get(DASHBOARD, {"o": "record"})  # every kind on the first page

    assert response.status_code == 200
    assert len(response.context["rows"]) == min(PAGE_SIZE, size + 1)


@pytest.mark.parametrize("user", [None, "member"])
def test_dashboard_is_for_staff_only(client, user):
    if user:
        client.force_login(User.objects.create_user(user, password=user))

    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={DASHBOARD}"


def test_admin_index_links_to_the_dashboard(client, boss):
    html = lxml.html.fromstring(client.get(reverse("admin:index")).content)
    assert html.xpath("//a[text()='Translation dashboard']/@href") == [DASHBOARD]
