"""The staff admin: every page renders for staff only, loads nothing from another host, searches and filters,
saves a publication with its inlines, and speaks en, fr and es."""

import datetime

import factory
import lxml.html
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from stdnum import isbn
from stdnum import issn as stdnum_issn

from catalogue.admin import EditionLanguageFilter
from catalogue.i18n import language_codes
from catalogue.models import Edition, Publication, Series
from catalogue.tests.admin_forms import management_form, publication_form
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

REGISTERED_MODELS = [
    "auth.Group",
    "auth.User",
    "catalogue.AgendaItem",
    "catalogue.Edition",
    "catalogue.Publication",
    "catalogue.Series",
    "catalogue.Speaker",
    "catalogue.Topic",
    "catalogue.Workshop",
]
# Read-only: a list whose rows link to pages elsewhere (catalogue/tests/dataio/test_import_run_list.py tests it).
READ_ONLY_MODELS = ["catalogue.ImportRun"]
# The login throttle's records (django-axes' own admin; catalogue/tests/test_login_throttle.py tests them).
AXES_MODELS = ["axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog"]
ADMIN_PAGES = [(label, page) for label in REGISTERED_MODELS for page in ("changelist", "add", "change")]
LANGUAGES = ("en", "fr", "es")
ISBN_28_FR = "978-92-9068-780-1"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # admin_user's password would otherwise cost a slow PBKDF2 hash in every test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue_objects(admin_user) -> dict:
    """One object of every registered model, linked the way IDM No. 28 is."""
    series = SeriesFactory()
    SeriesIssnFactory(series=series, language="fr", issn="1726-4030")
    topic = TopicFactory()
    publication = PublicationFactory(series=series, number=28, topics=[topic])
    edition = EditionFactory(publication=publication, language="fr", isbn=ISBN_28_FR)
    heading = TocEntryFactory(publication=publication, position=1)
    TocEntryFactory(publication=publication, position=2, parent=heading)
    participation = AgendaParticipationFactory(
        agenda_item=AgendaItemFactory(workshop=WorkshopFactory(publication=publication))
    )
    return {
        "auth.Group": Group.objects.create(name="Editors"),
        "auth.User": admin_user,
        "catalogue.AgendaItem": participation.agenda_item,
        "catalogue.Edition": edition,
        "catalogue.Publication": publication,
        "catalogue.Series": series,
        "catalogue.Speaker": participation.speaker,
        "catalogue.Topic": topic,
        "catalogue.Workshop": participation.agenda_item.workshop,
    }


def admin_url(label: str, page: str, obj=None) -> str:
    app_label, model_name = label.lower().split(".")
    args = [obj.pk] if page == "change" else []
    return reverse(f"admin:{app_label}_{model_name}_{page}", args=args)


def changelist(client, model, **params) -> list:
    """The objects a change list shows for `params` (search `q`, filters)."""
    response = client.get(admin_url(model._meta.label, "changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


# Every page, for staff and for anonymous users


def test_admin_registers_exactly_the_tested_models():
    assert sorted(model._meta.label for model in admin.site._registry) == sorted(
        REGISTERED_MODELS + READ_ONLY_MODELS + AXES_MODELS
    )


@pytest.mark.parametrize(("label", "page"), ADMIN_PAGES)
def test_admin_page_renders_for_staff(admin_client, catalogue_objects, label, page):
    response = admin_client.get(admin_url(label, page, catalogue_objects[label]))

    assert response.status_code == 200


@pytest.mark.parametrize(("label", "page"), ADMIN_PAGES)
def test_admin_page_redirects_anonymous_to_login(client, catalogue_objects, label, page):
    url = admin_url(label, page, catalogue_objects[label])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_admin_page_refuses_non_staff_user(client, django_user_model, catalogue_objects):
    client.force_login(django_user_model.objects.create_user("reader", password="not-staff-0"))

    response = client.get(admin_url("catalogue.Publication", "changelist"))

    assert response.status_code == 302


# Nothing from another host


def asset_urls(html: bytes) -> list[str]:
    """Every src/href of the page's script, link and img elements."""
    tree = lxml.html.fromstring(html)
    return tree.xpath("//script/@src | //link/@href | //img/@src")


def test_admin_pages_load_assets_from_this_host_only(client, admin_client, catalogue_objects):
    pages = [admin_url(label, page, catalogue_objects[label]) for label, page in ADMIN_PAGES]
    pages += [reverse("admin:index"), reverse("admin:app_list", args=["catalogue"])]
    foreign = []
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200
        foreign += [
            (url, src) for src in asset_urls(response.content) if not src.startswith("/") or src.startswith("//")
        ]
    login = client.get(reverse("admin:login"))
    foreign += [("login", src) for src in asset_urls(login.content) if not src.startswith("/") or src.startswith("//")]

    assert foreign == []


def test_publication_change_page_loads_jquery_ui_and_tab_assets_locally(admin_client, catalogue_objects):
    response = admin_client.get(
        admin_url("catalogue.Publication", "change", catalogue_objects["catalogue.Publication"])
    )

    urls = asset_urls(response.content)
    assert "/static/jquery-ui/jquery-ui.min.js" in urls
    assert "/static/modeltranslation/js/tabbed_translation_fields.js" in urls
    assert "/static/modeltranslation/css/tabbed_translation_fields.css" in urls
    # jQuery UI must load after Django's jQuery and before the script that builds the tabs.
    assert urls.index("/static/admin/js/vendor/jquery/jquery.min.js") < urls.index("/static/jquery-ui/jquery-ui.min.js")
    assert urls.index("/static/jquery-ui/jquery-ui.min.js") < urls.index(
        "/static/modeltranslation/js/tabbed_translation_fields.js"
    )


def test_jquery_ui_is_served_from_the_installed_package(client):
    response = client.get("/static/jquery-ui/jquery-ui.min.js")
    body = b"".join(response.streaming_content)
    response.close()

    assert response.status_code == 200
    assert b"jQuery UI - v1.13.0" in body[:200]
    assert b".tabs" in body or b'"tabs"' in body


# Search: three languages, ISBN and ISSN with or without hyphens


@pytest.mark.parametrize(
    "query",
    [ISBN_28_FR, "9789290687801", "978 92 9068 780 1", isbn.to_isbn10("9789290687801"), "92-9068-780-0"],
)
def test_publication_search_finds_isbn_with_or_without_hyphens(admin_client, catalogue_objects, query):
    PublicationFactory(number=29)

    assert changelist(admin_client, Publication, q=query) == [catalogue_objects["catalogue.Publication"]]


@pytest.mark.parametrize("query", ["17264030", "1726-4030", "1726 4030"])
def test_series_search_finds_issn_with_or_without_hyphen(admin_client, catalogue_objects, query):
    SeriesFactory(slug="other", name_en="Other series")

    assert changelist(admin_client, Series, q=query) == [catalogue_objects["catalogue.Series"]]


def test_publication_search_by_series_issn_finds_its_publications(admin_client, catalogue_objects):
    other_series = SeriesFactory(slug="other", name_en="Other series")
    PublicationFactory(series=other_series, number=1)

    assert changelist(admin_client, Publication, q="17264030") == [catalogue_objects["catalogue.Publication"]]


def test_edition_search_finds_isbn_without_hyphens(admin_client, catalogue_objects):
    EditionFactory(publication=catalogue_objects["catalogue.Publication"], language="en", isbn="978-92-9068-781-8")

    assert changelist(admin_client, Edition, q="9789290687801") == [catalogue_objects["catalogue.Edition"]]


@pytest.mark.parametrize("query", ["health", "santé", "salud"])
def test_publication_search_covers_every_language(admin_client, query):
    wanted = PublicationFactory(
        title_en="Migration and health", title_fr="Migration et santé", title_es="Migración y salud"
    )
    PublicationFactory(title_en="Diasporas", title_fr="Diasporas", title_es="Diásporas")

    assert changelist(admin_client, Publication, q=query) == [wanted]


def test_publication_search_with_an_invalid_isbn_finds_nothing(admin_client, catalogue_objects):
    assert changelist(admin_client, Publication, q="978-92-9068-780-2") == []


def test_publication_search_by_number(admin_client, catalogue_objects):
    # No "28" in its texts: factory sequences (titles, slugs) grow with the number of tests run before.
    PublicationFactory(number=29, slug="other", title_en="Other", title_fr="Autre", title_es="Otra")

    assert changelist(admin_client, Publication, q="28") == [catalogue_objects["catalogue.Publication"]]


# Change list filters


def test_publication_changelist_filters_by_series(admin_client, catalogue_objects):
    other_series = SeriesFactory(slug="other", name_en="Other series")
    other = PublicationFactory(series=other_series, number=1)

    assert changelist(admin_client, Publication, series__id__exact=other_series.pk) == [other]


def test_publication_changelist_filters_by_year(admin_client, catalogue_objects):
    later = PublicationFactory(number=29, year=2019)

    assert changelist(admin_client, Publication, year=2019) == [later]


def test_publication_changelist_filters_by_status(admin_client, catalogue_objects):
    draft = PublicationFactory(number=29, status=Publication.Status.DRAFT, publish_date=None)

    assert changelist(admin_client, Publication, state="draft") == [draft]


def test_publication_changelist_filters_by_edition_language_once_per_publication(admin_client, catalogue_objects):
    publication = catalogue_objects["catalogue.Publication"]
    EditionFactory(publication=publication, language="fr", format=Edition.Format.PRINT)
    EditionFactory(publication=PublicationFactory(number=29), language="es")

    assert changelist(admin_client, Publication, language="fr") == [publication]


def test_publication_changelist_language_filter_offers_only_edition_languages(admin_client, catalogue_objects):
    EditionFactory(publication=catalogue_objects["catalogue.Publication"], language="es")

    response = admin_client.get(admin_url("catalogue.Publication", "changelist"))

    language_filter = next(
        spec for spec in response.context["cl"].filter_specs if isinstance(spec, EditionLanguageFilter)
    )
    assert language_filter.lookup_choices == [("fr", "French"), ("es", "Spanish")]


def test_publication_changelist_filters_by_topic(admin_client, catalogue_objects):
    topic = TopicFactory()
    tagged = PublicationFactory(number=29, topics=[topic])

    assert changelist(admin_client, Publication, topics__id__exact=topic.pk) == [tagged]


def test_publication_changelist_offers_only_topics_some_publication_has(admin_client, catalogue_objects):
    used, _unused = TopicFactory(slug="used", name_en="Used"), TopicFactory(slug="unused", name_en="Unused")
    PublicationFactory(number=29, topics=[used])
    PublicationFactory(number=30, topics=[used], status=Publication.Status.DRAFT, publish_date=None)

    response = admin_client.get(admin_url("catalogue.Publication", "changelist"))

    specs = response.context["cl"].filter_specs
    topic_filter = next(spec for spec in specs if getattr(spec, "field_path", None) == "topics")
    names = [name for _pk, name in topic_filter.lookup_choices]
    expected = {str(topic) for topic in catalogue_objects["catalogue.Publication"].topics.all()} | {"Used"}
    assert sorted(names) == sorted(expected)


def test_publication_changelist_lists_the_newest_first(admin_client, catalogue_objects):
    PublicationFactory(number=29, year=2019)
    PublicationFactory(number=30, year=2019)
    PublicationFactory(number=40, year=2004)  # a higher number, an older year: by year first

    rows = changelist(admin_client, Publication)

    assert [(row.year, row.number) for row in rows] == [(2019, 30), (2019, 29), (2018, 28), (2004, 40)]


def test_publication_changelist_dates_list_the_years_holding_publications(admin_client, catalogue_objects):
    for number, year in [(29, 2012), (30, 2012), (31, 2015)]:
        PublicationFactory(number=number, publish_date=datetime.datetime(year, 6, 1, tzinfo=datetime.UTC))
    url = admin_url("catalogue.Publication", "changelist")

    def years(**params) -> list[tuple[str, str]]:
        tree = lxml.html.fromstring(admin_client.get(url, params).content)
        return [(link.text_content(), link.get("href")) for link in tree.xpath("//nav[@class='toplinks']//a")]

    stored = catalogue_objects["catalogue.Publication"].publish_date.year
    assert years() == [(str(year), f"?publish_date__year={year}") for year in sorted({2012, 2015, stored})]
    # A search leaving one publication: Django's own levels, down to its day.
    assert [text for text, _href in years(q="30")] == ["‹ 2012", "June 1"]
    # A year chosen: Django's months of that year, with the way back.
    assert [text for text, _href in years(publish_date__year=2012)] == ["‹ All dates", "June 2012"]


def test_publication_changelist_dates_over_centuries_are_listed_by_django(admin_client, catalogue_objects):
    PublicationFactory(number=29, publish_date=datetime.datetime(1508, 6, 1, tzinfo=datetime.UTC))  # a typo

    response = admin_client.get(admin_url("catalogue.Publication", "changelist"))

    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content)
    stored = catalogue_objects["catalogue.Publication"].publish_date.year
    assert [link.text_content() for link in tree.xpath("//nav[@class='toplinks']//a")] == ["1508", str(stored)]


def test_an_isbn_searched_in_the_admin_finds_exactly_its_publication(admin_client, catalogue_objects):
    publication = catalogue_objects["catalogue.Publication"]
    edition = publication.editions.first()
    PublicationFactory(number=29, title_en=f"Notes on {edition.isbn}")  # the ISBN in a title: not a holder

    assert changelist(admin_client, Publication, q=edition.isbn) == [publication]


def test_the_edition_list_names_languages_and_the_workshop_list_countries_in_the_admin_language(admin_client):
    EditionFactory(language="es")
    WorkshopFactory(country="CH")

    with translation.override("fr"):
        editions = admin_client.get(admin_url("catalogue.Edition", "changelist"), HTTP_ACCEPT_LANGUAGE="fr")
        workshops = admin_client.get(admin_url("catalogue.Workshop", "changelist"), HTTP_ACCEPT_LANGUAGE="fr")

    assert b'<td class="field-language_name">Espagnol</td>' in editions.content
    assert b'<td class="field-country_name">Suisse</td>' in workshops.content


def test_workshop_changelist_filters_by_country_among_those_used(admin_client):
    WorkshopFactory()  # in Geneva, Switzerland
    new_york = WorkshopFactory(city_en="New York", country="US")

    response = admin_client.get(admin_url("catalogue.Workshop", "changelist"), {"country": "US"})

    country_filter = response.context["cl"].filter_specs[0]
    assert [choice["display"] for choice in country_filter.choices(response.context["cl"])] == [
        "All",
        "Switzerland",
        "United States of America",
    ]
    assert list(response.context["cl"].result_list) == [new_york]


def test_publication_changelist_shows_available_languages(admin_client, catalogue_objects):
    EditionFactory(publication=catalogue_objects["catalogue.Publication"], language="en", position=1)

    response = admin_client.get(admin_url("catalogue.Publication", "changelist"))

    assert b'<td class="field-languages">fr, en</td>' in response.content


# Query counts


@pytest.mark.parametrize("size", [3, 12])
def test_publication_changelist_query_count_is_constant(admin_client, django_assert_num_queries, size):
    topic = TopicFactory()
    for publication in PublicationFactory.create_batch(size, topics=[topic]):
        EditionFactory(publication=publication, language="en")
        EditionFactory(publication=publication, language="fr")
    url = admin_url("catalogue.Publication", "changelist")
    admin_client.get(url)  # process-wide caches (content types) are warm, as in production

    with django_assert_num_queries(QUERIES_PUBLICATION_CHANGELIST):
        response = admin_client.get(url)

    assert response.context["cl"].result_count == size


# With every publication in one year the date hierarchy asks for the dates' bounds twice: its years
# (admin/templatetags.py), then Django's months.
QUERIES_PUBLICATION_CHANGELIST = 13


def _series_with_issn(n: int):
    digits = f"{2000000 + n:07d}"
    return SeriesIssnFactory(
        series=SeriesFactory(slug=f"series-{n}"), issn=digits + stdnum_issn.calc_check_digit(digits)
    )


CHANGELIST_ROWS = {
    "catalogue.AgendaItem": lambda n: AgendaParticipationFactory(),
    "catalogue.Edition": lambda n: EditionFactory(),
    "catalogue.Series": _series_with_issn,
    "catalogue.Speaker": lambda n: SpeakerFactory(),
    "catalogue.Topic": lambda n: TopicFactory(parent=TopicFactory()),
    "catalogue.Workshop": lambda n: AgendaItemFactory(),
}


@pytest.mark.parametrize("label", sorted(CHANGELIST_ROWS))
def test_changelist_query_count_does_not_grow_with_rows(admin_client, label):
    make_row = CHANGELIST_ROWS[label]
    url = admin_url(label, "changelist")
    for n in range(2):
        make_row(n)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    for n in range(2, 8):
        make_row(n)

    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(url)

    assert response.context["cl"].result_count == (16 if label == "catalogue.Topic" else 8)  # topics have parents
    assert len(large.captured_queries) == len(small.captured_queries)


# One page for a publication: editions and contents inline


def test_publication_add_saves_editions_and_contents_inline_with_canonical_isbn(admin_client, catalogue_objects):
    series = catalogue_objects["catalogue.Series"]
    catalogue_objects["catalogue.Publication"].delete()
    data = publication_form(
        series,
        editions=[
            {
                "language": "fr",
                "isbn": "978-92-9068-780-1",
                "pages": "144",
                "availability": "electronic-only",
                "order": "1",
            },
            {"language": "en", "isbn": "92-9068-781-9", "order": "2"},
        ],
        toc=[
            {"order": "1", "kind": "part", "title_en": "Part one", "title_fr": "Première partie"},
            {"order": "2", "title_en": "Opening remarks"},
        ],
    )

    response = admin_client.post(admin_url("catalogue.Publication", "add"), data)

    assert response.status_code == 302
    publication = Publication.objects.get(slug="idm-28")
    assert [(e.language, e.isbn, e.pages, e.availability) for e in publication.editions.all()] == [
        ("fr", "9789290687801", 144, "electronic-only"),
        ("en", "9789290687818", None, "available"),
    ]
    assert [(t.position, t.kind, t.title_en, t.title_fr) for t in publication.toc_entries.order_by("position")] == [
        (1, "part", "Part one", "Première partie"),
        (2, "chapter", "Opening remarks", None),  # modeltranslation stores a missing translation as NULL
    ]
    assert publication.title_fr == "Migration et santé"


def test_publication_inline_with_invalid_isbn_shows_the_error_and_saves_nothing(admin_client, catalogue_objects):
    catalogue_objects["catalogue.Publication"].delete()
    data = publication_form(catalogue_objects["catalogue.Series"], editions=[{"isbn": "978-92-9068-780-2"}])

    response = admin_client.post(admin_url("catalogue.Publication", "add"), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [{"isbn": ["“978-92-9068-780-2” is not a valid ISBN: the check digit is wrong."]}]
    assert "is not a valid ISBN: the check digit is wrong." in response.content.decode()
    assert Publication.objects.count() == 0


def test_publication_inline_with_an_isbn_another_edition_has_shows_the_error(admin_client, catalogue_objects):
    other = PublicationFactory(number=29)
    data = publication_form(catalogue_objects["catalogue.Series"], editions=[{"isbn": "92-9068-780-0"}])
    data.update(number="29", slug=other.slug)

    response = admin_client.post(admin_url("catalogue.Publication", "change", other), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [{"isbn": ["Another edition already has this ISBN."]}]
    assert other.editions.count() == 0


def test_toc_rows_show_their_level_from_the_saved_parents(admin_client, catalogue_objects):
    publication = catalogue_objects["catalogue.Publication"]

    response = admin_client.get(admin_url("catalogue.Publication", "change", publication))

    toc_formset = response.context["inline_admin_formsets"][1].formset
    assert [(form.instance.position, form["order"].value(), form["level"].value()) for form in toc_formset] == [
        (1, 1, 0),
        (2, 2, 1),
    ]


def test_toc_parent_follows_the_levels_and_ignores_a_posted_parent(admin_client, catalogue_objects):
    publication = catalogue_objects["catalogue.Publication"]
    foreign_heading = TocEntryFactory(publication=PublicationFactory(number=29), position=1)
    publication.toc_entries.all().delete()
    publication.editions.all().delete()
    data = publication_form(
        publication.series,
        toc=[{"order": "2", "title_en": "Chapter", "parent": str(foreign_heading.pk)}],
    )
    data.update(slug=publication.slug)

    response = admin_client.post(admin_url("catalogue.Publication", "change", publication), data)

    assert response.status_code == 302
    assert [(t.position, t.title_en, t.parent) for t in publication.toc_entries.all()] == [(1, "Chapter", None)]


def test_toc_row_at_level_one_goes_under_the_heading_above(admin_client, catalogue_objects):
    publication = catalogue_objects["catalogue.Publication"]
    publication.editions.all().delete()
    publication.toc_entries.filter(position=2).delete()
    heading = publication.toc_entries.get(position=1)
    data = publication_form(
        publication.series,
        toc=[
            {"id": str(heading.pk), "order": "1", "title_en": heading.title_en},
            {"order": "2", "level": "1", "title_en": "Opening remarks"},
        ],
        toc_initial=1,
    )
    data.update(slug=publication.slug)

    response = admin_client.post(admin_url("catalogue.Publication", "change", publication), data)

    assert response.status_code == 302
    assert publication.toc_entries.get(position=2).parent == heading


@pytest.mark.parametrize("size", [3, 20])
def test_publication_change_page_query_count_does_not_grow_with_contents(admin_client, django_assert_num_queries, size):
    publication = PublicationFactory()
    EditionFactory.create_batch(size, publication=publication, language=factory.Iterator(language_codes()))
    TocEntryFactory.create_batch(size, publication=publication)
    url = admin_url("catalogue.Publication", "change", publication)
    admin_client.get(url)  # process-wide caches (content types) are warm, as in production

    with django_assert_num_queries(QUERIES_PUBLICATION_CHANGE_PAGE):
        response = admin_client.get(url)

    assert len(response.context["inline_admin_formsets"][1].formset.forms) == size


QUERIES_PUBLICATION_CHANGE_PAGE = 9  # the table of contents no longer loads parent choices


# Series, workshop and agenda item pages


def test_series_issn_inline_saves_a_canonical_issn(admin_client):
    data = {
        "name_en": "International Dialogue on Migration",
        "name_fr": "",
        "name_es": "",
        "short_name_en": "IDM",
        "short_name_fr": "",
        "short_name_es": "",
        "description_en": "",
        "description_fr": "",
        "description_es": "",
        "slug": "idm",
        **management_form("issns", 2),
        "issns-0-language": "en",
        "issns-0-issn": "17262224",
        "issns-0-medium": "print",
        "issns-1-language": "fr",
        "issns-1-issn": "1726-4030",
        "issns-1-medium": "print",
    }

    response = admin_client.post(admin_url("catalogue.Series", "add"), data)

    assert response.status_code == 302
    assert list(Series.objects.get(slug="idm").issns.values_list("language", "issn")) == [
        ("en", "1726-2224"),
        ("fr", "1726-4030"),
    ]


def workshop_form(workshop, *, agenda: list[dict]) -> dict:
    """POST data of the workshop admin page with new agenda items."""
    data = {
        "title_en": workshop.title_en,
        "title_fr": "",
        "title_es": "",
        "slug": workshop.slug,
        "publication": str(workshop.publication_id),
        "city_en": "Geneva",
        "city_fr": "Genève",
        "city_es": "Ginebra",
        "country": "CH",
        "start_date": "2018-10-08",
        "end_date": "2018-10-09",
        "time_zone": "Europe/Zurich",
        "participants_count": "",
        "panelists_count": "",
        # The workflow status (issue 8): as it is, so the save is an ordinary edit.
        "status": workshop.status,
        "publish_date_0": timezone.localtime(workshop.publish_date).strftime("%Y-%m-%d"),
        "publish_date_1": timezone.localtime(workshop.publish_date).strftime("%H:%M:%S"),
        **{f"{name}_{lang}": "" for name in ("description", "venue") for lang in LANGUAGES},
        **management_form("agenda_items", len(agenda)),
    }
    defaults = {"id": "", "order": "", "kind": "panel", "date": "", "start_time": "", "end_time": ""}
    defaults |= {f"{name}_{lang}": "" for name in ("title", "description") for lang in LANGUAGES}
    for index, item in enumerate(agenda):
        data.update({f"agenda_items-{index}-{key}": value for key, value in {**defaults, **item}.items()})
    return data


def test_workshop_page_saves_agenda_items_inline(admin_client):
    workshop = WorkshopFactory()
    data = workshop_form(
        workshop,
        agenda=[
            {"order": "1", "kind": "opening", "date": "2018-10-08", "start_time": "10:00", "title_en": "Opening"},
            {"order": "2", "date": "2018-10-09", "start_time": "15:00", "end_time": "16:30", "title_en": "Panel"},
        ],
    )

    response = admin_client.post(admin_url("catalogue.Workshop", "change", workshop), data)

    assert response.status_code == 302
    assert [(i.position, i.kind, str(i.date), i.title_en) for i in workshop.agenda_items.all()] == [
        (1, "opening", "2018-10-08", "Opening"),
        (2, "panel", "2018-10-09", "Panel"),
    ]
    workshop.refresh_from_db()
    assert workshop.city_fr == "Genève"


def test_workshop_page_refuses_an_agenda_item_outside_the_workshop(admin_client):
    workshop = WorkshopFactory()
    data = workshop_form(workshop, agenda=[{"order": "1", "date": "2018-10-10", "title_en": "Too late"}])

    response = admin_client.post(admin_url("catalogue.Workshop", "change", workshop), data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"date": ["The session must take place during its workshop (2018-10-08 to 2018-10-09)."]}
    ]
    assert workshop.agenda_items.count() == 0


def test_workshop_page_has_agenda_items_inline(admin_client, catalogue_objects):
    workshop = catalogue_objects["catalogue.Workshop"]

    response = admin_client.get(admin_url("catalogue.Workshop", "change", workshop))

    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.queryset) == [catalogue_objects["catalogue.AgendaItem"]]


def test_agenda_item_page_has_people_inline_with_autocomplete(admin_client, catalogue_objects):
    item = catalogue_objects["catalogue.AgendaItem"]

    response = admin_client.get(admin_url("catalogue.AgendaItem", "change", item))

    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.instance for form in formset.initial_forms] == list(item.participations.all())
    assert formset.forms[0].fields["speaker"].widget.widget.__class__.__name__ == "AutocompleteSelect"


def test_speaker_autocomplete_finds_people_by_name(admin_client, catalogue_objects):
    speaker = catalogue_objects["catalogue.Speaker"]
    params = {
        "app_label": "catalogue",
        "model_name": "agendaparticipation",
        "field_name": "speaker",
        "term": speaker.name,
    }

    response = admin_client.get(reverse("admin:autocomplete"), params)

    assert response.json()["results"] == [{"id": str(speaker.pk), "text": speaker.name}]


def test_publication_autocomplete_finds_publication_by_isbn(admin_client, catalogue_objects):
    publication = catalogue_objects["catalogue.Publication"]
    params = {"app_label": "catalogue", "model_name": "workshop", "field_name": "publication", "term": "9789290687801"}

    response = admin_client.get(reverse("admin:autocomplete"), params)

    assert response.json()["results"] == [{"id": str(publication.pk), "text": str(publication)}]


def test_view_on_site_redirects_to_the_public_publication_page(admin_client, catalogue_objects):
    publication = catalogue_objects["catalogue.Publication"]
    content_type = ContentType.objects.get_for_model(Publication)
    shortcut = reverse("admin:view_on_site", args=[content_type.pk, publication.pk])

    change_page = admin_client.get(admin_url("catalogue.Publication", "change", publication))
    response = admin_client.get(shortcut)

    assert f'href="{shortcut}"' in change_page.content.decode()
    with translation.override("en"):
        assert response["Location"] == f"http://testserver{publication.get_absolute_url()}"


# The admin in three languages


@pytest.mark.parametrize(("language", "log_out"), [("en", "Log out"), ("fr", "Déconnexion"), ("es", "Cerrar sesión")])
def test_admin_speaks_the_browsers_language(admin_client, language, log_out):
    response = admin_client.get(reverse("admin:index"), headers={"accept-language": language})

    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert log_out in html


def test_admin_speaks_the_language_of_the_cookie(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = admin_client.get(reverse("admin:index"), headers={"accept-language": "es"})

    assert "Déconnexion" in response.content.decode()


def test_admin_language_switcher_posts_to_set_language(admin_client):
    response = admin_client.get(reverse("admin:index"))

    form = lxml.html.fromstring(response.content).xpath('//form[@class="language-switcher"]')[0]
    assert form.get("action") == "/i18n/setlang/"
    assert form.xpath('.//input[@name="next"]/@value') == ["/admin/"]
    assert form.xpath(".//select/option/@value") == ["en", "fr", "es"]
    assert form.xpath(".//select/option[@selected]/@value") == ["en"]


def test_admin_language_switcher_changes_the_admin_language(admin_client):
    response = admin_client.post("/i18n/setlang/", {"language": "fr", "next": "/admin/"})
    french = admin_client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "Déconnexion" in french.content.decode()


def test_admin_login_page_has_the_language_switcher(client):
    response = client.get(reverse("admin:login"), headers={"accept-language": "es"})

    html = response.content.decode()
    assert 'class="language-switcher"' in html
    assert "Iniciar sesión" in html


def test_language_switcher_has_no_inline_script_or_style(admin_client):
    response = admin_client.get(reverse("admin:index"))

    tree = lxml.html.fromstring(response.content)
    assert tree.xpath("//form[@class='language-switcher']//@style") == []
    assert tree.xpath("//form[@class='language-switcher']//script") == []


# In a real browser: the translation tabs are built from the locally served jQuery UI


def test_publication_change_page_shows_translation_tabs_in_chromium(
    transactional_db, page, live_server, external_requests, screenshot
):
    user = get_user_model().objects.create_superuser("editor", "editor@example.org", "editor-password-1")
    publication = PublicationFactory()
    TocEntryFactory(publication=publication)

    page.goto(f"/admin/login/?next={admin_url('catalogue.Publication', 'change', publication)}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "editor-password-1")
    page.click("#login-form [type=submit]")
    page.wait_for_selector(".ui-tabs-nav")

    assert page.locator("#publication_form .ui-tabs-nav").first.locator("li").all_inner_texts() == ["EN", "FR", "ES"]
    assert page.locator("#id_title_en").is_visible()
    assert not page.locator("#id_title_fr").is_visible()
    page.locator("#publication_form .ui-tabs-nav").first.get_by_text("FR").click()
    assert page.locator("#id_title_fr").is_visible()
    screenshot(page, "admin-publication-tabs")
    assert external_requests == []
    # Leave no request in flight: a live-server thread still holding a connection blocks PostgreSQL's teardown.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
