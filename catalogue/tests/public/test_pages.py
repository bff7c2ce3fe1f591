"""Public pages: content of each page type, drafts, fallbacks, languages, error pages and query counts."""

import datetime
import re

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from django.utils import timezone

from catalogue import search
from catalogue.models import AgendaParticipation, CountPrecision, Edition, Publication
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
    create_idm28,
)

pytestmark = pytest.mark.django_db


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status
    return lxml.html.fromstring(response.content)


def text(element) -> str:
    return " ".join(element.text_content().split())


def texts(tree, xpath: str) -> list[str]:
    return [text(element) for element in tree.xpath(xpath)]


def facts(tree, xpath: str = "//dl[@class='facts']") -> dict[str, str]:
    """A <dl> as {term: description}."""
    dl = tree.xpath(xpath)[0]
    return {text(dt): text(dd) for dt, dd in zip(dl.findall("dt"), dl.findall("dd"), strict=True)}


def draft(**kwargs) -> Publication:
    return PublicationFactory(status=Publication.Status.DRAFT, publish_date=None, **kwargs)


# Publication page ----------------------------------------------------------------------------------


def test_publication_page_french_shows_every_field_of_the_seed_record(client):
    create_idm28()

    tree = page(client, "/fr/publications/idm-28/")

    assert tree.get("lang") == "fr"
    assert text(tree.xpath("//h1")[0]) == (
        "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"
    )
    assert facts(tree) == {
        "Série": "Dialogue international sur la migration, n° 28",
        "ISSN": "1726-4030",
        "ISBN (PDF)": "978-92-9068-780-1",
        "Nombre de pages": "144",
        "Année": "2018",
        "Langue originale": "anglais",
        "Éditions": "anglais, français, espagnol",
        "Disponibilité": "Copie électronique uniquement",
        "Thèmes": "Gouvernance des migrations",
    }
    assert texts(tree, "//p[@class='also-available']/a") == ["English", "Español"]
    assert tree.xpath("//p[@class='also-available']/a/@href") == [
        "/en/publications/idm-28/",
        "/es/publications/idm-28/",
    ]
    assert texts(tree, "//div[@class='summary']") == [
        "Compte rendu du Dialogue de 2018 sur les partenariats pour la gouvernance des migrations."
    ]
    assert tree.xpath("//*[@class='fallback-note']") == []


def test_publication_page_shows_the_place_and_each_isbn_with_its_qualifier(client):
    publication = create_idm28()
    publication.place_en, publication.place_fr = "Geneva", "Genève"
    publication.save()
    EditionFactory(publication=publication, language="en", format=Edition.Format.PRINT, isbn="978-92-9068-775-7")

    english = facts(page(client, "/en/publications/idm-28/"))
    spanish = page(client, "/es/publications/idm-28/")

    assert (english["ISBN (PDF)"], english["ISBN (print)"]) == ("978-92-9068-774-0", "978-92-9068-775-7")
    assert english["Place of publication"] == "Geneva"
    # No Spanish place: the English one, marked as English.
    (place,) = spanish.xpath("//dl[@class='facts']/dd[text()='Geneva']")
    assert place.get("lang") == "en"


def test_publication_page_table_of_contents_is_a_nested_tree(client):
    create_idm28()

    tree = page(client, "/fr/publications/idm-28/")

    top = tree.xpath("//div[@class='toc']/ul/li")
    assert [text(li.xpath("span")[0]) for li in top] == ["Abréviations et acronymes", "Rapport des ateliers"]
    assert texts(top[1], "ul/li/span") == [
        "Introduction",
        "1. Les partenariats sont indispensables à une gouvernance mondiale des migrations",
    ]


def test_publication_page_editions_grid_has_language_rows_and_format_columns(client):
    publication = create_idm28()
    EditionFactory(
        publication=publication,
        language="en",
        format=Edition.Format.PRINT,
        isbn="978-92-9068-820-4",
        availability=Edition.Availability.PRINT_ON_DEMAND,
        price="20.00",
        currency="USD",
    )

    tree = page(client, "/es/publications/idm-28/")

    assert texts(tree, "//table[@class='editions']/thead/tr/th") == ["Idioma", "PDF", "Impreso"]
    assert texts(tree, "//table[@class='editions']/tbody/tr/th") == [
        "Inglés ISSN 1726-2224",
        "Francés ISSN 1726-4030",
        "Español",
    ]
    english = tree.xpath("//tr[@id='editions-en']/td")
    assert facts(english[0], ".//dl") == {
        "ISBN": "978-92-9068-774-0",
        "Páginas": "130",
        "Disponibilidad": "Solo copia electrónica",
        "Fecha": "16 de noviembre de 2018",
    }
    assert texts(english[0], ".//a") == ["Descargar (inglés, PDF)"]
    assert english[0].xpath(".//a/@href") == ["https://publications.example.org/idm-28-en.pdf"]
    assert facts(english[1], ".//dl") == {
        "ISBN": "978-92-9068-820-4",
        "Disponibilidad": "Impresión a pedido",
        "Precio": "20,00 USD",
    }
    spanish = tree.xpath("//tr[@id='editions-es']/td")
    assert facts(spanish[0], ".//dl") == {"Disponibilidad": "Solo copia electrónica"}
    assert text(spanish[1]) == "No disponible"


def test_publication_page_missing_translation_falls_back_visibly(client):
    create_idm28()

    tree = page(client, "/es/publications/idm-28/")

    heading = tree.xpath("//h1")[0]
    assert heading.get("lang") == "en"
    assert text(heading) == "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"
    assert texts(tree, "//header[@class='publication__header']//p[@class='fallback-note']") == [
        "Aún no disponible en español: se muestra en inglés."
    ]
    assert tree.xpath("//div[@class='summary']/@lang") == ["en"]
    assert tree.xpath("//div[@class='toc']//span/@lang") == ["en", "en", "en", "en"]


@pytest.mark.parametrize(
    ("url", "issn"),
    [
        ("/fr/publications/idm-29/", "1726-2224 (anglais)"),
        ("/es/publications/idm-29/", "1726-2224 (inglés)"),
        ("/en/publications/idm-29/", "1726-2224"),
        ("/fr/publications/idm-28/", "1726-4030"),
    ],
)
def test_publication_page_shows_the_issn_of_an_edition_language(client, url, issn):
    series = create_idm28().series
    idm29 = PublicationFactory(series=series, number=29, slug="idm-29")
    EditionFactory(publication=idm29, language="en")

    tree = page(client, url)

    assert facts(tree)["ISSN"] == issn


def test_publication_page_without_page_language_edition_lists_each_edition_language_issn(client):
    series = create_idm28().series
    idm29 = PublicationFactory(series=series, number=29, slug="idm-29")
    EditionFactory(publication=idm29, language="en")
    EditionFactory(publication=idm29, language="fr")

    tree = page(client, "/es/publications/idm-29/")

    assert facts(tree)["ISSN"] == "1726-2224 (inglés), 1726-4030 (francés)"
    assert texts(tree, "//table[@class='editions']/tbody/tr/th") == ["Inglés ISSN 1726-2224", "Francés ISSN 1726-4030"]


def test_publication_page_breadcrumb_number_is_in_the_page_language(client):
    create_idm28()

    tree = page(client, "/es/publications/idm-28/")

    current = tree.xpath("//nav[@class='breadcrumbs']//*[@aria-current='page']")[0]
    assert (text(current), current.get("lang")) == ("n.º 28", None)


def test_publication_page_shows_one_fallback_note_for_title_and_subtitle_in_the_same_language(client):
    PublicationFactory(slug="idm-29", title_fr="", subtitle_en="A subtitle", subtitle_fr="")

    tree = page(client, "/fr/publications/idm-29/")

    assert texts(tree, "//header[@class='publication__header']//p[@class='fallback-note']") == [
        "Pas encore disponible en français : affiché en anglais."
    ]
    assert tree.xpath("//p[@class='publication__subtitle']/@lang") == ["en"]


def test_publication_page_lists_available_languages_in_lower_case_inside_the_sentence(client):
    create_idm28()

    spanish = page(client, "/es/publications/idm-28/")
    english = page(client, "/en/publications/idm-28/")

    assert facts(spanish)["Ediciones"] == "inglés, francés, español"
    assert facts(spanish)["Idioma original"] == "inglés"
    assert facts(english)["Editions"] == "English, French, Spanish"


def test_publication_page_sections_have_unique_accessible_names(client):
    create_idm28()

    tree = page(client, "/es/publications/idm-28/")

    names = tree.xpath("//section/@aria-labelledby | //*[@role='region']/@aria-labelledby")
    assert len(names) == len(set(names))
    assert texts(tree, "//*[@role='region']/table/caption") == ["Ediciones por idioma y formato"]


def test_publication_page_lists_recorded_workshops_and_links_them(client):
    create_idm28()

    tree = page(client, "/fr/publications/idm-28/")

    assert tree.xpath("//section[@aria-labelledby='workshops-heading']//h3/a/@href") == [
        "/fr/workshops/idm-2018-new-york/",
        "/fr/workshops/idm-2018-geneva/",
    ]
    assert texts(tree, "//section[@aria-labelledby='workshops-heading']//p[@class='card__meta']") == [
        "New York, États-Unis d'Amérique · 26–27 mars 2018",
        "Genève, Suisse · 8–9 octobre 2018",
    ]


def test_publication_page_breadcrumbs_lead_home_through_catalogue_and_series(client):
    create_idm28()

    tree = page(client, "/en/publications/idm-28/")

    assert texts(tree, "//nav[@class='breadcrumbs']//li") == [
        "Home",
        "Publications",
        "International Dialogue on Migration",
        "No. 28",
    ]
    assert tree.xpath("//nav[@class='breadcrumbs']//a/@href") == ["/en/", "/en/publications/", "/en/series/idm/"]


def test_publication_page_cover_has_its_text_alternative(client):
    publication = PublicationFactory(
        slug="covered", cover_image="covers/idm-28.png", cover_alt_en="Cover: people around a table"
    )

    tree = page(client, f"/en/publications/{publication.slug}/")

    assert tree.xpath("//img[@class='publication__cover']/@alt") == ["Cover: people around a table"]


@pytest.mark.parametrize(
    "publication_kwargs",
    [
        {"status": Publication.Status.DRAFT, "publish_date": None},
        {"status": Publication.Status.DRAFT, "publish_date": timezone.now() - datetime.timedelta(days=1)},
        {"publish_date": timezone.now() + datetime.timedelta(days=1)},
    ],
)
def test_publication_page_not_public_gives_404(client, publication_kwargs):
    publication = PublicationFactory(**publication_kwargs)

    assert client.get(f"/en/publications/{publication.slug}/").status_code == 404


# Workshop page -------------------------------------------------------------------------------------


def test_workshop_page_shows_venue_dates_zone_counts_and_agenda_by_day(client):
    create_idm28()

    tree = page(client, "/fr/workshops/idm-2018-geneva/")

    assert facts(tree) == {
        "Dates": "8–9 octobre 2018",
        "Fuseau horaire": "Heure de Genève (UTC+02:00)",
        "Lieu": "Salle de conférence XVIII, Palais des Nations, Genève, Suisse",
        "Participants": "600",
        "Panélistes": "83",
        "Rapport": "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations",
    }
    assert tree.xpath("//dd/a/@href") == ["/fr/publications/idm-28/"]
    assert texts(tree, "//section[@class='agenda-day']/h3") == ["Lundi 8 octobre 2018"]
    items = tree.xpath("//li[contains(@class, 'agenda-item')]")
    assert [text(item.xpath(".//p[@class='agenda-item__time']")[0]) for item in items] == [
        "10 h – 11 h",
        "11 h – 11 h 30",
    ]
    assert texts(tree, "//p[@class='agenda-item__kind']") == ["Ouverture", "Présentation"]
    assert texts(tree, "//li[contains(@class, 'agenda-item')]//h4") == ["Séance d’ouverture", "Mise en contexte"]
    assert texts(items[0], ".//dl[@class='people']/dt") == ["Présidence", "Intervenant·e"]
    assert texts(items[0], ".//dl[@class='people']/dd") == [
        "Juan Eduardo Eguiguren, Chairperson of the IOM Council Bureau, Permanent Mission of Chile in Geneva",
        "António Vitorino, Directeur général, Organisation internationale pour les migrations",
    ]
    assert items[0].xpath(".//dl[@class='people']/dd[1]/span/@lang") == ["en", "en"]


def test_workshop_page_groups_agenda_by_day_with_unknown_times_first(client):
    workshop = WorkshopFactory(
        slug="two-days", start_date=datetime.date(2018, 10, 8), end_date=datetime.date(2018, 10, 9)
    )
    AgendaItemFactory(
        workshop=workshop, date=datetime.date(2018, 10, 9), start_time=datetime.time(9), end_time=None, title_en="B"
    )
    AgendaItemFactory(
        workshop=workshop,
        date=datetime.date(2018, 10, 8),
        start_time=datetime.time(14),
        end_time=datetime.time(15),
        title_en="A2",
    )
    AgendaItemFactory(workshop=workshop, date=datetime.date(2018, 10, 8), start_time=None, end_time=None, title_en="A0")

    tree = page(client, "/en/workshops/two-days/")

    days = tree.xpath("//section[@class='agenda-day']")
    assert [text(day.xpath("h3")[0]) for day in days] == ["Monday, 8 October 2018", "Tuesday, 9 October 2018"]
    assert [texts(day, ".//h4") for day in days] == [["A0", "A2"], ["B"]]
    assert texts(days[0], ".//p[@class='agenda-item__time']") == ["Time not recorded", "14:00 – 15:00"]


def test_workshop_page_marks_its_english_report_title_as_a_fallback(client):
    create_idm28()

    tree = page(client, "/es/workshops/idm-2018-new-york/")

    assert texts(tree, "//nav[@class='breadcrumbs']//li") == [
        "Inicio",
        "Talleres",
        "Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración a escala mundial",
    ]
    assert tree.xpath("//nav[@class='breadcrumbs']//a/@href") == ["/es/", "/es/workshops/"]
    assert facts(tree)["Informe"] == (
        "Inclusive and Innovative Partnerships for Effective Global Governance of Migration (en inglés)"
    )
    assert tree.xpath("//dl[@class='facts']/dd/a/@lang") == ["en"]
    assert facts(tree)["Zona horaria"] == "Hora de Nueva York (UTC-04:00)"


@pytest.mark.parametrize(
    ("language", "speakers", "headings"),
    [
        ("en", 1, ["Speaker"]),
        ("en", 3, ["Speakers"]),
        ("fr", 3, ["Intervenant·e·s"]),
        ("es", 2, ["Oradores/as"]),
    ],
)
def test_workshop_page_role_headings_agree_with_the_number_of_people(client, language, speakers, headings):
    item = AgendaItemFactory(workshop=WorkshopFactory(slug="w"))
    for _ in range(speakers):
        AgendaParticipationFactory(agenda_item=item, speaker=SpeakerFactory(), role=AgendaParticipation.Role.SPEAKER)

    tree = page(client, f"/{language}/workshops/w/")

    assert texts(tree, "//dl[@class='people']/dt") == headings
    assert len(tree.xpath("//dl[@class='people']/dd")) == speakers


@pytest.mark.parametrize(
    ("language", "start", "end", "shown"),
    [
        ("en", (2018, 10, 8), (2018, 10, 9), "8–9 October 2018"),
        ("fr", (2018, 10, 8), (2018, 10, 9), "8–9 octobre 2018"),
        ("es", (2018, 10, 8), (2018, 10, 9), "8–9 de octubre de 2018"),
        ("en", (2018, 10, 30), (2018, 11, 2), "30 October – 2 November 2018"),
        ("fr", (2018, 10, 30), (2018, 11, 2), "30 octobre – 2 novembre 2018"),
        ("es", (2018, 10, 30), (2018, 11, 2), "30 de octubre – 2 de noviembre de 2018"),
        ("en", (2018, 12, 31), (2019, 1, 2), "31 December 2018 – 2 January 2019"),
        ("fr", (2018, 10, 1), (2018, 10, 2), "1er–2 octobre 2018"),
        ("fr", (2018, 12, 31), (2019, 1, 2), "31 décembre 2018 – 2 janvier 2019"),
        ("es", (2018, 12, 31), (2019, 1, 2), "31 de diciembre de 2018 – 2 de enero de 2019"),
        ("fr", (2018, 10, 8), (2018, 10, 8), "8 octobre 2018"),
    ],
)
def test_workshop_dates_do_not_repeat_month_and_year(client, language, start, end, shown):
    WorkshopFactory(slug="w", start_date=datetime.date(*start), end_date=datetime.date(*end))

    tree = page(client, f"/{language}/workshops/w/")

    dates = tree.xpath("//dl[@class='facts']/dd")[0]
    assert text(dates) == shown
    assert dates.xpath("time/@datetime") == sorted({datetime.date(*start).isoformat(), datetime.date(*end).isoformat()})


@pytest.mark.parametrize(
    ("zone", "city", "day", "shown"),
    [
        # Named by the workshop's city, not by the zone's ("Europe/Zurich" is Geneva's zone).
        ("Europe/Zurich", "Geneva", (2018, 10, 8), "Geneva time (UTC+02:00)"),
        ("Europe/Zurich", "Geneva", (2018, 12, 3), "Geneva time (UTC+01:00)"),
        ("America/New_York", "New York", (2018, 3, 26), "New York time (UTC-04:00)"),
        ("UTC", "Geneva", (2018, 3, 26), "UTC"),
    ],
)
def test_workshop_time_zone_reads_as_its_city_with_the_offset_on_the_day(client, zone, city, day, shown):
    WorkshopFactory(
        slug="w", time_zone=zone, city_en=city, start_date=datetime.date(*day), end_date=datetime.date(*day)
    )

    tree = page(client, "/en/workshops/w/")

    assert facts(tree)["Time zone"] == shown


def test_workshop_list_shows_public_workshops_newest_first_paginated(client):
    for day in range(1, 23):
        WorkshopFactory(
            title_en=f"Workshop {day:02}", start_date=datetime.date(2018, 1, day), end_date=datetime.date(2018, 1, day)
        )
    WorkshopFactory(title_en="Hidden", publication=draft())

    first = page(client, "/en/workshops/")
    second = page(client, "/en/workshops/?page=2")

    assert texts(first, "//h2")[0] == "22 past workshops"
    assert texts(first, "//ol[@class='card-list']//h3")[:3] == ["Workshop 22", "Workshop 21", "Workshop 20"]
    assert len(first.xpath("//ol[@class='card-list']/li")) == 20
    assert texts(second, "//ol[@class='card-list']//h3") == ["Workshop 02", "Workshop 01"]
    assert first.xpath("//nav[@class='site-nav']//a[@aria-current='page']/@href") == ["/en/workshops/"]
    assert page(client, "/fr/").xpath("//a[text()='Parcourir tous les ateliers']/@href") == ["/fr/workshops/"]


def test_every_page_links_its_favicon_which_exists(client):
    tree = page(client, "/en/nope/", status=404)

    assert tree.xpath("//head/link[@rel='icon']/@href") == [static("catalogue/favicon.svg")]
    assert tree.xpath("//head/link[@rel='icon']/@type") == ["image/svg+xml"]
    assert finders.find("catalogue/favicon.svg") is not None


def test_workshop_page_of_draft_report_gives_404(client):
    workshop = WorkshopFactory(publication=draft())

    assert client.get(f"/en/workshops/{workshop.slug}/").status_code == 404


# Home, series and topic pages ------------------------------------------------------------------------


def test_home_shows_search_latest_public_publications_series_and_workshops(client):
    create_idm28()
    draft(title_en="Secret draft")

    tree = page(client, "/en/")

    assert tree.xpath("//form[@role='search']/@action") == ["/en/publications/"]
    assert texts(tree, "//section[@aria-labelledby='latest-heading']//h3") == [
        "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"
    ]
    assert texts(tree, "//section[@aria-labelledby='series-heading']//li") == [
        "International Dialogue on Migration 1 publication"
    ]
    assert texts(tree, "//section[@aria-labelledby='workshops-heading']//h3") == [
        "Towards effective migration governance: partnerships for capacity development",
        "Inclusive and innovative partnerships for effective global governance of migration",
    ]


def test_series_page_lists_only_its_public_publications_newest_number_first(client):
    series = SeriesFactory()
    PublicationFactory(series=series, number=27, title_en="Twenty-seven")
    PublicationFactory(series=series, number=29, title_en="Twenty-nine")
    draft(series=series, number=30, title_en="Thirty")
    PublicationFactory(series=SeriesFactory(slug="other", name_en="Other"), number=1, title_en="Elsewhere")

    tree = page(client, "/en/series/idm/")

    assert text(tree.xpath("//h1")[0]) == "International Dialogue on Migration"
    assert texts(tree, "//ul[@class='card-list']//h3") == ["Twenty-nine", "Twenty-seven"]


def test_topic_page_lists_only_its_public_publications_and_subtopics(client):
    topic = TopicFactory(slug="governance", name_en="Governance", name_fr="Gouvernance")
    TopicFactory(slug="cities", name_en="Cities", name_fr=None, parent=topic)
    PublicationFactory(topics=[topic], title_en="On governance", title_fr="Sur la gouvernance")
    draft(topics=[topic], title_en="Draft on governance")
    PublicationFactory(title_en="Unrelated")

    tree = page(client, "/fr/topics/governance/")

    assert text(tree.xpath("//h1")[0]) == "Gouvernance"
    assert texts(tree, "//section[@aria-labelledby='topic-publications']//h3") == ["Sur la gouvernance"]
    assert texts(tree, "//section[@aria-labelledby='subtopics-heading']//a") == ["Cities"]
    assert tree.xpath("//section[@aria-labelledby='subtopics-heading']//a/@lang") == ["en"]


def test_unknown_slugs_give_404(client):
    for url in ("/en/publications/nope/", "/en/series/nope/", "/en/topics/nope/", "/en/workshops/nope/"):
        assert client.get(url).status_code == 404


# Languages -------------------------------------------------------------------------------------------


def test_every_page_type_has_html_lang_and_hreflang_alternates(client):
    create_idm28()
    urls = [
        "/es/",
        "/es/publications/",
        "/es/publications/idm-28/",
        "/es/series/idm/",
        "/es/topics/migration-governance/",
        "/es/workshops/idm-2018-geneva/",
    ]
    for url in urls:
        tree = page(client, url)
        path = url.removeprefix("/es")
        assert tree.get("lang") == "es"
        assert tree.xpath("//head/link[@rel='alternate'][@hreflang]/@hreflang") == ["en", "fr", "es", "x-default"]
        assert tree.xpath("//head/link[@rel='alternate'][@hreflang]/@href") == [
            f"http://testserver/en{path}",
            f"http://testserver/fr{path}",
            f"http://testserver/es{path}",
            f"http://testserver/en{path}",
        ]


def test_language_switcher_stays_on_the_page_and_keeps_the_query(client):
    create_idm28()

    tree = page(client, "/fr/publications/?q=partenariat&language=fr&language=es&sort=title")

    links = tree.xpath("//nav[@class='language-switcher']//a")
    assert [link.get("href") for link in links] == [
        "/en/publications/?q=partenariat&language=fr&language=es&sort=title",
        "/fr/publications/?q=partenariat&language=fr&language=es&sort=title",
        "/es/publications/?q=partenariat&language=fr&language=es&sort=title",
    ]
    assert [link.get("lang") for link in links] == ["en", "fr", "es"]
    assert [text(link) for link in links] == ["English", "Français", "Español"]
    assert [link.get("aria-current") for link in links] == [None, "true", None]


# Machine outputs linked from the pages they describe -----------------------------------------------


@pytest.mark.parametrize(
    ("url", "json_links", "feed_links"),
    [
        ("/fr/", [], ["/fr/feed/"]),
        (
            "/fr/publications/?q=partenariat&language=fr&language=es&sort=title",
            ["/api/publications/?q=partenariat&language=fr&language=es&sort=title"],
            [],
        ),
        ("/fr/publications/", ["/api/publications/"], []),
        ("/fr/publications/idm-28/", ["/api/publications/idm-28/"], ["/fr/feed/", "/fr/series/idm/feed/"]),
        ("/fr/series/idm/", ["/api/series/idm/"], ["/fr/series/idm/feed/"]),
        (
            "/fr/topics/migration-governance/",
            ["/api/topics/migration-governance/"],
            ["/fr/topics/migration-governance/feed/"],
        ),
        ("/fr/workshops/idm-2018-geneva/", ["/api/workshops/idm-2018-geneva/"], []),
    ],
)
def test_page_head_links_its_json_and_atom_alternates_which_respond(client, url, json_links, feed_links):
    create_idm28()

    tree = page(client, url)

    assert tree.xpath("//head/link[@rel='alternate'][@type='application/json']/@href") == json_links
    assert tree.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href") == feed_links
    for href, content_type in [(href, "application/json") for href in json_links] + [
        (href, "application/atom+xml; charset=utf-8") for href in feed_links
    ]:
        response = client.get(href)
        assert (href, response.status_code, response["Content-Type"]) == (href, 200, content_type)


def test_publication_list_json_alternate_returns_the_same_publications(client):
    create_idm28()
    PublicationFactory(number=29, title_en="Unrelated", title_fr="Sans rapport")

    tree = page(client, "/fr/publications/?q=partenariat")
    api = client.get(tree.xpath("//head/link[@type='application/json']/@href")[0]).json()

    assert [item["slug"] for item in api["results"]] == ["idm-28"]
    assert texts(tree, "//ol[contains(@class, 'results__list')]//h3") == [
        "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"
    ]


@pytest.mark.parametrize(
    ("url", "feed_links"),
    [
        ("/es/", [("/es/feed/", "Nuevas publicaciones (canal Atom)")]),
        ("/es/series/idm/", [("/es/series/idm/feed/", "Nuevas publicaciones de esta serie (canal Atom)")]),
        (
            "/es/topics/migration-governance/",
            [("/es/topics/migration-governance/feed/", "Nuevas publicaciones sobre este tema (canal Atom)")],
        ),
    ],
)
def test_page_shows_a_visible_link_to_its_atom_feed(client, url, feed_links):
    create_idm28()

    tree = page(client, url)

    links = tree.xpath("//main//a[@type='application/atom+xml']")
    assert [(link.get("href"), text(link)) for link in links] == feed_links


@pytest.mark.parametrize(
    ("language", "label", "sitemap"), [("en", "Open data:", "Sitemap"), ("fr", "Données ouvertes :", "Plan du site")]
)
def test_footer_links_the_api_oai_pmh_and_sitemap_on_every_page(client, language, label, sitemap):
    create_idm28()

    for url in (f"/{language}/", f"/{language}/publications/idm-28/", f"/{language}/workshops/idm-2018-geneva/"):
        tree = page(client, url)
        footer = tree.xpath("//footer//nav")[0]
        assert text(footer) == f"{label} API · OAI-PMH · {sitemap}"
        assert footer.xpath(".//a/@href") == ["/api/", "/oai?verb=Identify", "/sitemap.xml"]
    for href in ("/api/", "/oai?verb=Identify", "/sitemap.xml"):
        assert client.get(href).status_code == 200


# Markup rules ----------------------------------------------------------------------------------------


def test_pages_have_no_inline_script_or_style_and_nothing_from_another_host(client):
    create_idm28()
    urls = [
        "/en/",
        "/en/publications/?q=migration",
        "/en/publications/idm-28/",
        "/en/series/idm/",
        "/en/topics/migration-governance/",
        "/en/workshops/idm-2018-geneva/",
        "/en/nope/",
    ]
    for url in urls:
        response = client.get(url)
        tree = lxml.html.fromstring(response.content)
        assert [s for s in tree.xpath("//script") if not s.get("src") and s.get("type") != "application/ld+json"] == []
        assert tree.xpath("//style | //*[@style] | //*[@*[starts-with(name(), 'on')]]") == []
        loaded = tree.xpath("//script/@src | //link[@rel='stylesheet']/@href | //img/@src")
        assert [url for url in loaded if re.match(r"^(https?:)?//", url)] == []


# Error pages -----------------------------------------------------------------------------------------


def test_404_page_is_translated(client, settings):
    settings.DEBUG = False

    tree = page(client, "/fr/publications/does-not-exist/", status=404)

    assert tree.get("lang") == "fr"
    assert text(tree.xpath("//h1")[0]) == "Page introuvable"
    assert tree.xpath("//head/link[@rel='alternate'][@hreflang]") == []
    assert tree.xpath("//nav[@class='language-switcher']//a/@href") == [
        "/en/publications/does-not-exist/",
        "/fr/publications/does-not-exist/",
        "/es/publications/does-not-exist/",
    ]


@pytest.mark.urls("catalogue.tests.error_urls")
@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Server error"), ("fr", "Erreur du serveur"), ("es", "Error del servidor")]
)
def test_500_page_is_translated(settings, language, heading):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.get(f"/{language}/boom/")

    assert response.status_code == 500
    tree = lxml.html.fromstring(response.content)
    assert tree.get("lang") == language
    assert text(tree.xpath("//h1")[0]) == heading


# Query counts ----------------------------------------------------------------------------------------


def populate(size: int) -> None:
    """`size` public publications with editions, topics, contents and workshops with agendas; plus a draft."""
    series = SeriesFactory()
    topic = TopicFactory(slug="governance")
    for index in range(size):
        publication = PublicationFactory(series=series, topics=[topic, TopicFactory()], slug=f"pub-{index}")
        EditionFactory(publication=publication, language="en")
        EditionFactory(publication=publication, language="fr", format=Edition.Format.PRINT)
        parent = TocEntryFactory(publication=publication)
        TocEntryFactory(publication=publication, parent=parent)
        workshop = WorkshopFactory(publication=publication, slug=f"workshop-{index}")
        item = AgendaItemFactory(workshop=workshop)
        AgendaParticipationFactory(agenda_item=item, speaker=SpeakerFactory())
        AgendaParticipationFactory(agenda_item=item, speaker=SpeakerFactory(), role=AgendaParticipation.Role.CHAIR)
        AgendaItemFactory(workshop=workshop)
    draft(series=series, topics=[topic])


QUERY_COUNTS = [
    # the content version the catalogue index was built for (the series' counts and the latest workshops' keys come
    # from it: public/catalogue_index.py), the latest publications, their editions, the series, the workshops' rows
    ("/en/", 5),
    # the content version the catalogue index was built for (public/catalogue_index.py: the count, the facets'
    # counts and the page's keys come from it), the page's rows, their editions, the names of the series and
    # topics counted
    ("/en/publications/", 5),
    ("/en/publications/?language=en&topic=governance&year=2018&format=pdf&sort=title", 5),
    # with a query: its matches (search/sets.py), the page's keys ranked by bm25() (few matches), the rows that
    # say why each result matched (contents headings, topics, workshops, agendas, speakers: search/passages.py),
    # the matching workshops' ids (none match here, so no rows to rank)
    ("/en/publications/?q=publication&language=en", 9),
    # with matching workshops: their rows ranked by bm25() (few), the agenda rows that say why each of them matched
    ("/en/publications/?q=workshop", 11),
    ("/en/publications/pub-0/", 6),
    ("/en/series/idm/", 6),
    ("/en/topics/governance/", 6),
    ("/en/workshops/workshop-0/", 3),
    # the content version its index was built for (public/catalogue_index.py: the years and cities to filter by,
    # the count and the page's keys come from its workshops, workshop_index.py), the past workshops' rows on the
    # page (each with its report and the report's series); and the upcoming ones' rows, when there are some
    ("/en/workshops/", 2),
    ("/en/workshops/?year=2018&city=Geneva", 2),
    # the content version of the catalogue index (which counts their public publications), the series, their ISSNs
    ("/en/series/", 3),
    # the content version of the catalogue index, the topics
    ("/en/topics/", 2),
]


@pytest.mark.parametrize(("url", "queries"), QUERY_COUNTS)
@pytest.mark.parametrize("size", [1, 7])
def test_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries, url, queries, size):
    populate(size)
    if "q=" in url and size <= search.FEW_RESULTS:
        # A search finding very few publications also looks for a correction ("Did you mean"): the query's known
        # words, then the candidates of its rare ones (here none is close), whatever the size of the catalogue.
        queries += 2
    if "q=" in url and size == 1:
        queries -= 1  # one publication matches: it is its own ranking, without a bm25() statement (public/results.py)

    # The catalogue index of this content version is built by the first catalogue page that needs it, then kept
    # (public/catalogue_index.py), and each sort order the first time a page asks for it: built here by pages the
    # page cache does not hold.
    for sort in ("newest", "oldest", "title", "number"):
        assert client.get(f"/en/publications/?sort={sort}&warm=1").status_code == 200
    assert client.get("/en/workshops/?warm=1").status_code == 200  # its workshops' index
    assert client.get("/en/?warm=1").status_code == 200  # the latest workshops' order
    with django_assert_num_queries(queries + 1):  # + 1: the HTTP validators (idm/caching.py)
        assert client.get(url).status_code == 200


def test_publication_page_shows_attendance_with_its_precision_and_only_stated_availability(client):
    publication = PublicationFactory(
        slug="idm-28",
        participants_count=600,
        participants_precision=CountPrecision.MORE_THAN,
        panelists_count=83,
        panelists_precision=CountPrecision.EXACT,
    )
    EditionFactory(publication=publication, language="fr", availability=Edition.Availability.ELECTRONIC_ONLY)
    EditionFactory(publication=publication, language="en", availability="")

    french = facts(page(client, "/fr/publications/idm-28/"))
    english = facts(page(client, "/en/publications/idm-28/"))

    assert (french["Participants"], french["Panélistes"]) == ("Plus de 600", "83")
    assert french["Disponibilité"] == "Copie électronique uniquement"
    assert (english["Participants"], english["Panelists"]) == ("More than 600", "83")
    assert "Availability" not in english  # not stated for the English edition: nothing is claimed


def test_series_page_names_the_medium_of_an_issn_only_when_it_is_stated(client):
    series = SeriesFactory()
    SeriesIssnFactory(series=series, language="en", issn="1726-2224", medium="online")
    SeriesIssnFactory(series=series, language="fr", issn="1726-4030", medium="")

    assert facts(page(client, "/en/series/idm/")) == {
        "ISSN (English, Online)": "1726-2224",
        "ISSN (French)": "1726-4030",
    }
