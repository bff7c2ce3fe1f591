"""Model validation: each rule holds in full_clean() (with its message and code) and, where it can, in the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from catalogue.models import AgendaItem, CountPrecision, Edition, Publication, Series, SeriesIssn, TocEntry
from catalogue.tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    SeriesIssnFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Requests in other tests leave their language active in this thread; messages here are asserted in English.
    with translation.override("en"):
        yield


def errors_of(instance) -> dict[str, list[tuple[str, str]]]:
    """full_clean()'s errors as {field: [(code, message), …]}."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return {
        field: [(error.code, next(iter(error))) for error in errors]
        for field, errors in caught.value.error_dict.items()
    }


def edition(**fields) -> Edition:
    return EditionFactory.build(publication=PublicationFactory(), **fields)


def agenda_item(**fields) -> AgendaItem:
    return AgendaItemFactory.build(workshop=WorkshopFactory(), position=1, **fields)


# ISBN and ISSN


def test_edition_isbn_bad_checksum_is_rejected():
    assert errors_of(edition(isbn="978-92-9068-780-2")) == {
        "isbn": [("invalid_isbn", "“978-92-9068-780-2” is not a valid ISBN: the check digit is wrong.")]
    }


def test_edition_isbn_wrong_length_is_rejected():
    assert errors_of(edition(isbn="978-92-9068-780")) == {
        "isbn": [("invalid_isbn", "“978-92-9068-780” is not a valid ISBN: it has the wrong number of digits.")]
    }


def test_edition_isbn_with_hyphens_is_stored_compact():
    item = edition(isbn="978-92-9068-780-1")
    item.full_clean()
    item.save()
    item.refresh_from_db()

    assert item.isbn == "9789290687801"
    assert item.isbn_display == "978-92-9068-780-1"


def test_edition_isbn10_is_stored_as_canonical_isbn13():
    item = edition(isbn="92-9068-780-0")
    item.full_clean()

    assert item.isbn == "9789290687801"


def test_edition_isbn_assigned_in_code_is_normalised_on_save():
    item = EditionFactory(isbn="92-9068-780-0")
    item.refresh_from_db()

    assert item.isbn == "9789290687801"


def test_edition_isbn_duplicate_across_editions_is_rejected():
    EditionFactory(isbn="9789290687801")
    # The same ISBN typed differently (hyphens) is still the same ISBN.
    duplicate = edition(language="fr", isbn="978-92-9068-780-1")

    assert errors_of(duplicate) == {
        "isbn": [("duplicate_isbn", "Another edition already has this ISBN.")],
    }


def test_edition_isbn_duplicate_is_refused_by_the_database():
    EditionFactory(isbn="9789290687801")

    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(language="fr", isbn="9789290687801")


def test_edition_without_isbn_may_be_many():
    EditionFactory(isbn="")
    other = edition(isbn="")
    other.full_clean()
    other.save()

    assert Edition.objects.filter(isbn="").count() == 2


def test_series_issn_bad_checksum_is_rejected():
    issn = SeriesIssn(series=SeriesFactory(), language="en", issn="1726-2225")

    assert errors_of(issn) == {"issn": [("invalid_issn", "“1726-2225” is not a valid ISSN: the check digit is wrong.")]}


def test_series_issn_is_stored_hyphenated():
    issn = SeriesIssn(series=SeriesFactory(), language="en", issn="17262224")
    issn.full_clean()

    assert issn.issn == "1726-2224"


def test_series_issn_duplicate_is_rejected():
    SeriesIssnFactory(issn="1726-2224")
    duplicate = SeriesIssn(series=SeriesFactory(), language="fr", issn="1726-2224")

    assert errors_of(duplicate) == {"issn": [("unique", "Series ISSN with this ISSN already exists.")]}


def test_series_issn_medium_is_not_stated_unless_given():
    issn = SeriesIssn(series=SeriesFactory(), language="en", issn="1726-2224")
    issn.full_clean()
    issn.save()

    assert (issn.medium, issn.get_medium_display()) == ("", "")


def test_series_issn_second_unstated_medium_in_a_language_is_rejected():
    first = SeriesIssnFactory(language="en", issn="1726-2224")
    second = SeriesIssn(series=first.series, language="en", issn="1726-4030")

    assert errors_of(second) == {
        NON_FIELD_ERRORS: [("unique_together", "Series ISSN with this Series, Language and Medium already exists.")]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_series_issn_for_a_language_prefers_online_then_print_then_unstated():
    series = SeriesFactory()
    SeriesIssnFactory(series=series, language="en", issn="0317-8471")
    SeriesIssnFactory(series=series, language="en", issn="1726-2224", medium=SeriesIssn.Medium.PRINT)
    SeriesIssnFactory(series=series, language="en", issn="2049-3630", medium=SeriesIssn.Medium.ONLINE)
    SeriesIssnFactory(series=series, language="fr", issn="1726-4030", medium=SeriesIssn.Medium.PRINT)
    SeriesIssnFactory(series=series, language="fr", issn="0378-5955")
    SeriesIssnFactory(series=series, language="es", issn="1050-124X")

    def chosen(series, language):
        row = series.issn_for(language)
        return row.issn if row else None

    series = Series.objects.prefetch_related("issns").get(pk=series.pk)
    assert [chosen(series, language) for language in ("en", "fr", "es", "ar")] == [
        "2049-3630",
        "1726-4030",
        "1050-124X",
        None,
    ]
    SeriesIssn.objects.filter(medium=SeriesIssn.Medium.ONLINE).delete()
    series = Series.objects.prefetch_related("issns").get(pk=series.pk)
    assert chosen(series, "en") == "1726-2224"


def test_edition_issn_override_bad_checksum_is_rejected():
    assert errors_of(edition(issn="1726-4031")) == {
        "issn": [("invalid_issn", "“1726-4031” is not a valid ISSN: the check digit is wrong.")]
    }


# Editions


def test_edition_language_outside_iso_639_1_is_rejected():
    assert errors_of(edition(language="xx")) == {"language": [("invalid_choice", "Value 'xx' is not a valid choice.")]}


def test_edition_language_beyond_the_interface_languages_is_accepted():
    item = edition(language="ar")
    item.full_clean()

    assert item.language_name == "Arabic"


def test_edition_availability_is_not_stated_unless_given():
    item = edition()
    item.full_clean()
    item.save()

    assert (item.availability, item.get_availability_display()) == ("", "")


def test_edition_availability_outside_the_choices_is_rejected():
    assert errors_of(edition(availability="sold-out")) == {
        "availability": [("invalid_choice", "Value 'sold-out' is not a valid choice.")]
    }


def test_edition_pages_zero_or_negative_is_rejected():
    assert errors_of(edition(pages=0)) == {"pages": [("min_value", "Ensure this value is greater than or equal to 1.")]}
    assert errors_of(edition(pages=-5)) == {
        "pages": [("min_value", "Ensure this value is greater than or equal to 1.")]
    }


def test_edition_negative_price_is_rejected():
    assert errors_of(edition(price=Decimal("-1.00"), currency="USD")) == {
        "price": [("min_value", "Ensure this value is greater than or equal to 0.")]
    }


def test_edition_price_without_currency_is_rejected():
    assert errors_of(edition(price=Decimal("10.00"))) == {
        "currency": [("price_without_currency", "A price needs a currency.")]  # beside the field to fill in
    }


def test_edition_same_language_and_format_twice_is_rejected():
    first = EditionFactory(language="fr", format=Edition.Format.PDF)
    second = EditionFactory.build(publication=first.publication, language="fr", format=Edition.Format.PDF)

    assert errors_of(second) == {
        NON_FIELD_ERRORS: [("unique_together", "Edition with this Publication, Language and Format already exists.")]
    }


# Publications


def test_publication_published_without_date_gets_one_in_clean():
    before = timezone.now()
    publication = PublicationFactory.build(
        series=SeriesFactory(), status=Publication.Status.PUBLISHED, publish_date=None
    )
    publication.full_clean()

    assert before <= publication.publish_date <= timezone.now()


def test_publication_draft_without_date_keeps_none():
    publication = PublicationFactory.build(series=SeriesFactory(), status=Publication.Status.DRAFT, publish_date=None)
    publication.full_clean()

    assert publication.publish_date is None


def test_publication_published_without_date_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicationFactory(status=Publication.Status.PUBLISHED, publish_date=None)


def test_publication_number_twice_in_a_series_is_rejected():
    first = PublicationFactory(number=28)
    second = PublicationFactory.build(series=first.series, number=28, slug="another")

    assert errors_of(second) == {
        "number": [("unique_together", "Publication with this Series and Number already exists.")]  # the typed field
    }


def test_publication_number_zero_is_rejected():
    publication = PublicationFactory.build(series=SeriesFactory(), number=0)

    assert errors_of(publication) == {"number": [("min_value", "Ensure this value is greater than or equal to 1.")]}


def test_publication_without_english_title_is_rejected():
    publication = PublicationFactory.build(series=SeriesFactory(), title_en="", title_fr="Titre")

    assert errors_of(publication) == {"title_en": [("blank", "This field cannot be blank.")]}


def test_publication_available_languages_come_from_editions():
    publication = PublicationFactory()
    EditionFactory(publication=publication, language="en", position=1)
    EditionFactory(publication=publication, language="en", format=Edition.Format.PRINT, position=2)
    EditionFactory(publication=publication, language="es", position=3)

    assert Publication.objects.get(pk=publication.pk).available_languages == ["en", "es"]


@pytest.mark.parametrize("prefix", ["participants", "panelists"])
@pytest.mark.parametrize(
    ("count", "precision"), [(600, ""), (None, CountPrecision.MORE_THAN)], ids=["count-alone", "precision-alone"]
)
def test_publication_head_count_and_its_precision_go_together(prefix, count, precision):
    fields = {f"{prefix}_count": count, f"{prefix}_precision": precision}
    publication = PublicationFactory.build(series=SeriesFactory(), **fields)

    assert errors_of(publication) == {
        NON_FIELD_ERRORS: [
            (
                "count_precision_mismatch",
                "Give a number of people together with its precision (exactly, more than or about), or neither.",
            )
        ]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        publication.save()


def test_publication_head_counts_unknown_by_default():
    publication = PublicationFactory()
    publication.full_clean()

    assert (publication.participants_display, publication.panelists_display) == ("", "")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["more than 600", "about 700", "83"]),
        ("fr", ["plus de 600", "environ 700", "83"]),
        ("es", ["más de 600", "unos 700", "83"]),
    ],
)
def test_publication_head_counts_are_shown_with_their_precision(language, expected):
    counts = [(600, CountPrecision.MORE_THAN), (700, CountPrecision.ABOUT), (83, CountPrecision.EXACT)]
    publications = [
        PublicationFactory.build(participants_count=count, participants_precision=precision)
        for count, precision in counts
    ]

    with translation.override(language):
        assert [publication.participants_display for publication in publications] == expected


# Contents and topics


def test_toc_entry_parent_in_another_publication_is_rejected():
    parent = TocEntryFactory(position=1)
    child = TocEntryFactory.build(publication=PublicationFactory(), parent=parent, position=2)

    assert errors_of(child) == {"parent": [("parent_elsewhere", "The parent heading belongs to another publication.")]}


def test_toc_entry_parent_after_its_child_is_rejected():
    parent = TocEntryFactory(position=5)
    child = TocEntryFactory.build(publication=parent.publication, parent=parent, position=3)

    assert errors_of(child) == {
        "parent": [("parent_after_child", "A heading must come after the heading it belongs to.")]
    }


def test_toc_entry_position_twice_is_rejected():
    first = TocEntryFactory(position=1)
    second = TocEntry(publication=first.publication, position=1, title_en="Again")

    assert errors_of(second) == {
        NON_FIELD_ERRORS: [
            ("unique_together", "Table of contents entry with this Publication and Position already exists.")
        ]
    }


def test_topic_nested_under_its_own_subtopic_is_rejected():
    broader = TopicFactory()
    narrower = TopicFactory(parent=broader)
    broader.parent = narrower

    assert errors_of(broader) == {
        "parent": [("topic_cycle", "A topic cannot be nested under itself or its own subtopics.")]
    }


# Workshops and agenda


def test_workshop_ending_before_it_starts_is_rejected():
    workshop = WorkshopFactory.build(
        publication=None, start_date=datetime.date(2018, 10, 8), end_date=datetime.date(2018, 10, 7)
    )

    assert errors_of(workshop) == {"end_date": [("ends_before_start", "A workshop cannot end before it starts.")]}


def test_workshop_ending_before_it_starts_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopFactory(start_date=datetime.date(2018, 10, 8), end_date=datetime.date(2018, 10, 7))


def test_workshop_of_one_day_is_accepted():
    workshop = WorkshopFactory.build(
        publication=None, start_date=datetime.date(2018, 10, 8), end_date=datetime.date(2018, 10, 8)
    )
    workshop.full_clean()

    assert workshop.end_date == workshop.start_date


def test_workshop_negative_counts_are_rejected():
    workshop = WorkshopFactory.build(publication=None, participants_count=-1, panelists_count=-83)

    assert errors_of(workshop) == {
        "participants_count": [("min_value", "Ensure this value is greater than or equal to 0.")],
        "panelists_count": [("min_value", "Ensure this value is greater than or equal to 0.")],
    }


def test_workshop_unknown_time_zone_is_rejected():
    workshop = WorkshopFactory.build(publication=None, time_zone="Europe/Atlantis")

    assert errors_of(workshop) == {"time_zone": [("invalid_choice", "Value 'Europe/Atlantis' is not a valid choice.")]}


def test_agenda_item_outside_its_workshop_dates_is_rejected():
    assert errors_of(agenda_item(date=datetime.date(2018, 10, 10))) == {
        "date": [("outside_workshop", "The session must take place during its workshop (2018-10-08 to 2018-10-09).")]
    }


def test_agenda_item_on_the_last_day_of_its_workshop_is_accepted():
    item = agenda_item(date=datetime.date(2018, 10, 9))
    item.full_clean()

    assert item.date == datetime.date(2018, 10, 9)


def test_agenda_item_ending_before_it_starts_is_rejected():
    assert errors_of(agenda_item(start_time=datetime.time(11, 0), end_time=datetime.time(10, 0))) == {
        "end_time": [("ends_before_start", "A session must end after it starts.")]
    }


def test_agenda_item_ending_when_it_starts_is_rejected():
    assert errors_of(agenda_item(start_time=datetime.time(11, 0), end_time=datetime.time(11, 0))) == {
        "end_time": [("ends_before_start", "A session must end after it starts.")]
    }


def test_agenda_item_ending_before_it_starts_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItemFactory(start_time=datetime.time(11, 0), end_time=datetime.time(10, 0))


def test_agenda_item_of_unknown_time_is_accepted():
    item = agenda_item(start_time=None, end_time=None)
    item.full_clean()
    item.save()

    assert item.starts_at is None
    assert item.ends_at is None


def test_agenda_item_times_are_in_the_workshop_time_zone():
    item = agenda_item(start_time=datetime.time(10, 0), end_time=datetime.time(11, 0))

    assert item.starts_at.isoformat() == "2018-10-08T10:00:00+02:00"
    assert item.ends_at.isoformat() == "2018-10-08T11:00:00+02:00"


def test_agenda_items_of_unknown_time_come_first_on_their_day():
    workshop = WorkshopFactory()
    timed = AgendaItemFactory(workshop=workshop, position=1, start_time=datetime.time(9, 0), end_time=None)
    untimed = AgendaItemFactory(workshop=workshop, position=2, start_time=None, end_time=None)
    next_day = AgendaItemFactory(
        workshop=workshop, position=3, date=datetime.date(2018, 10, 9), start_time=None, end_time=None
    )

    assert list(AgendaItem.objects.filter(workshop=workshop)) == [untimed, timed, next_day]


# The same messages in the user's language


def test_validation_messages_in_french():
    with translation.override("fr"):
        assert errors_of(edition(isbn="978-92-9068-780-2")) == {
            "isbn": [
                ("invalid_isbn", "« 978-92-9068-780-2 » n’est pas un ISBN valide : le chiffre de contrôle est faux.")
            ]
        }
        assert errors_of(WorkshopFactory.build(publication=None, end_date=datetime.date(2018, 10, 7))) == {
            "end_date": [("ends_before_start", "Un atelier ne peut pas se terminer avant d’avoir commencé.")]
        }
        assert errors_of(agenda_item(date=datetime.date(2018, 10, 10))) == {
            "date": [
                ("outside_workshop", "La séance doit avoir lieu pendant son atelier (du 2018-10-08 au 2018-10-09).")
            ]
        }
