"""Every constraint the database would refuse, posted through the admin, is a form error beside the field that
keeps everything typed and saves nothing — never a server error."""

import pytest
from django.apps import apps
from django.core import serializers
from django.urls import reverse
from django.utils.html import escape

from catalogue.tests.admin_forms import management_form, publication_form, series_form, workshop_form
from catalogue.tests.factories import (
    AgendaItemFactory,
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
ISBN = "978-92-9068-780-1"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add_publication(**form):
    return reverse("admin:catalogue_publication_add"), publication_form(SeriesFactory(), **form)


def publication_number_taken():
    PublicationFactory(series=SeriesFactory(), number=28, slug="idm-28-other")
    return add_publication()


def edition_isbn_taken():
    EditionFactory(publication=PublicationFactory(number=29), isbn="9789290687801")
    return add_publication(editions=[{"isbn": ISBN}])


def topic_under_itself():
    topic = TopicFactory(parent=TopicFactory())
    data = {
        **{f"name_{lang}": "" for lang in ("fr", "es")},
        "name_en": "Typed name",
        "slug": topic.slug,
        "parent": str(topic.pk),
    }
    return reverse("admin:catalogue_topic_change", args=[topic.pk]), data


def series_issn_taken():
    SeriesIssnFactory(series=SeriesFactory(slug="other"), issn="1726-2224")
    return reverse("admin:catalogue_series_add"), series_form(issns=[{"language": "en", "issn": "17262224"}])


def workshop(**form):
    workshop = WorkshopFactory()
    return reverse("admin:catalogue_workshop_change", args=[workshop.pk]), workshop_form(workshop, **form)


def workshop_ending_before_it_starts():
    url, data = workshop()
    data.update(end_date="2018-10-07")
    return url, data


def participation_twice():
    item = AgendaItemFactory()
    speaker = SpeakerFactory()
    data = {
        **{f"{name}_{lang}": "" for name in ("title", "description") for lang in ("en", "fr", "es")},
        "workshop": str(item.workshop_id),
        "kind": "panel",
        "date": "2018-10-08",
        "start_time": "10:00",
        "end_time": "11:00",
        "title_en": "Typed title",
        **management_form("participations", 2),
    }
    for index in range(2):
        data |= {
            f"participations-{index}-{key}": value
            for key, value in {"speaker": str(speaker.pk), "role": "chair", "position": "0"}.items()
        }
    return reverse("admin:catalogue_agendaitem_change", args=[item.pk]), data


def orphan_subheading():
    publication = PublicationFactory(series=SeriesFactory(), number=28, slug="idm-28")
    TocEntryFactory(publication=publication, position=1)
    data = publication_form(publication.series, toc=[{"order": "1", "level": "1", "title_en": "Typed heading"}])
    return reverse("admin:catalogue_publication_change", args=[publication.pk]), data


# (make the page and its POST data, inline prefix (None: the main form), row, field, message, typed field, typed value)
VIOLATIONS = {
    "publication-number-taken": (
        publication_number_taken,
        None,
        0,
        "number",
        "Publication with this Series and Number already exists.",
        "title_en",
        "Migration and health",
    ),
    "edition-isbn-twice-in-new-rows": (
        lambda: add_publication(editions=[{"isbn": ISBN}, {"language": "en", "isbn": "9789290687801"}]),
        "editions",
        1,
        "isbn",
        "Another edition already has this ISBN.",
        "isbn",
        "9789290687801",
    ),
    "edition-isbn-of-another-publication": (
        edition_isbn_taken,
        "editions",
        0,
        "isbn",
        "Another edition already has this ISBN.",
        "isbn",
        ISBN,
    ),
    "edition-language-and-format-twice": (
        lambda: add_publication(editions=[{"pages": "10"}, {"pages": "12"}]),
        "editions",
        1,
        "language",
        "Another edition in this form has the same language and format.",
        "pages",
        "12",
    ),
    "edition-price-without-currency": (
        lambda: add_publication(editions=[{"price": "12.50"}]),
        "editions",
        0,
        "currency",
        "A price needs a currency.",
        "price",
        "12.50",
    ),
    "toc-subheading-without-heading": (
        orphan_subheading,
        "toc_entries",
        0,
        "level",
        "A subheading needs a heading above it: make a row above it a heading, or move it.",
        "title_en",
        "Typed heading",
    ),
    "series-issn-twice-typed-differently": (
        lambda: (
            reverse("admin:catalogue_series_add"),
            series_form(issns=[{"language": "en", "issn": "17262224"}, {"language": "fr", "issn": "1726-2224"}]),
        ),
        "issns",
        1,
        "issn",
        "Another series ISSN in this form has the same ISSN.",
        "issn",
        "1726-2224",
    ),
    "series-issn-language-and-medium-twice": (
        lambda: (
            reverse("admin:catalogue_series_add"),
            series_form(issns=[{"language": "en", "issn": "17262224"}, {"language": "en", "issn": "1726-4030"}]),
        ),
        "issns",
        1,
        "language",
        "Another series ISSN in this form has the same language and medium.",
        "issn",
        "1726-4030",
    ),
    "series-issn-of-another-series": (
        series_issn_taken,
        "issns",
        0,
        "issn",
        "Series ISSN with this ISSN already exists.",
        "issn",
        "17262224",
    ),
    "series-slug-taken": (
        lambda: (SeriesFactory(slug="idm"), (reverse("admin:catalogue_series_add"), series_form(slug="idm")))[1],
        None,
        0,
        "slug",
        "Series with this Slug already exists.",
        "name_en",
        "International Dialogue on Migration",
    ),
    "topic-under-itself": (
        topic_under_itself,
        None,
        0,
        "parent",
        "A topic cannot be nested under itself or its own subtopics.",
        "name_en",
        "Typed name",
    ),
    "workshop-ends-before-it-starts": (
        workshop_ending_before_it_starts,
        None,
        0,
        "end_date",
        "A workshop cannot end before it starts.",
        "end_date",
        "2018-10-07",
    ),
    "agenda-item-ends-before-it-starts": (
        lambda: workshop(agenda=[{"title_en": "Typed", "start_time": "10:00", "end_time": "09:00"}]),
        "agenda_items",
        0,
        "end_time",
        "A session must end after it starts.",
        "title_en",
        "Typed",
    ),
    "participation-twice": (
        participation_twice,
        "participations",
        1,
        "speaker",
        "Another participation in this form has the same person and role.",
        "role",
        "chair",
    ),
}


def database() -> str:
    """Every catalogue row, to show that a refused save changed nothing."""
    return serializers.serialize(
        "json",
        [
            row
            for model in apps.get_app_config("catalogue").get_models()
            for row in model._default_manager.order_by("pk")
        ],
    )


@pytest.mark.parametrize(
    ("make", "prefix", "row", "field", "message", "typed_field", "typed_value"),
    list(VIOLATIONS.values()),
    ids=list(VIOLATIONS),
)
def test_constraint_violation_is_a_form_error_beside_the_field(
    admin_client, make, prefix, row, field, message, typed_field, typed_value
):
    url, data = make()
    before = database()

    response = admin_client.post(url, data)

    assert response.status_code == 200
    if prefix is None:
        form = response.context["adminform"].form
    else:
        formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
        form = formsets[prefix].forms[row]
    assert form.errors == {field: [message]}
    assert escape(message) in response.content.decode()
    assert str(form[typed_field].value()) == typed_value
    assert database() == before
