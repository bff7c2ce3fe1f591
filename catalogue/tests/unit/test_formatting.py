"""Each page language's typography and its publishing style for dates and times (catalogue/public/formatting.py)."""

import datetime

import pytest
from django.utils import translation
from django.utils.safestring import mark_safe

from catalogue.public.formatting import date_range_parts, format_date, format_time, typography

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Données ouvertes : API", f"Données ouvertes{NBSP}: API"),
        ("Quoi ? Vraiment ! Oui ; non", f"Quoi{NNBSP}? Vraiment{NNBSP}! Oui{NNBSP}; non"),
        ("« migration »", f"«{NNBSP}migration{NNBSP}»"),
        ("«migration»", f"«{NNBSP}migration{NNBSP}»"),
        ("IDM n° 28", f"IDM n°{NBSP}28"),
        # Spaces already no-break are made the right one; no space is added where French writes none.
        (f"Note{NBSP}; fin", f"Note{NNBSP}; fin"),
        ("10:00, https://example.org/?q=1", "10:00, https://example.org/?q=1"),
        # Text is escaped before it is spaced.
        ("<b>Titre</b> : x", f"&lt;b&gt;Titre&lt;/b&gt;{NBSP}: x"),
    ],
)
def test_french_typography_of_text(text, shown):
    assert typography(text, "fr") == shown


def test_french_typography_of_html_leaves_tags_attributes_and_code_alone():
    html = mark_safe(
        '<p title="a : b">Thème <span>Villes</span> : <mark>jeunes</mark> ?</p><code>x : y</code><p>z : w</p>'
    )

    assert typography(html, "fr") == (
        f'<p title="a : b">Thème <span>Villes</span>{NBSP}: <mark>jeunes</mark>{NNBSP}?</p>'
        f"<code>x : y</code><p>z{NBSP}: w</p>"
    )


@pytest.mark.parametrize(
    ("language", "text", "shown"),
    [
        ("en", "IDM No. 28: report ?", f"IDM No.{NBSP}28: report ?"),
        ("es", "DIM n.º 28: ¿qué?", f"DIM n.º{NBSP}28: ¿qué?"),
        ("es", "núm. 5", f"núm.{NBSP}5"),
    ],
)
def test_other_languages_keep_their_punctuation_and_their_numbers_on_one_line(language, text, shown):
    assert typography(text, language) == shown


@pytest.mark.parametrize(
    ("language", "day", "shown"),
    [
        ("en", (2018, 10, 8), "8 October 2018"),
        ("fr", (2018, 10, 8), "8 octobre 2018"),
        ("fr", (2018, 10, 1), "1er octobre 2018"),
        ("es", (2018, 10, 8), "8 de octubre de 2018"),
    ],
)
def test_dates_in_each_languages_publishing_style(language, day, shown):
    with translation.override(language):
        assert format_date(datetime.date(*day), language) == shown


@pytest.mark.parametrize(
    ("language", "start", "end", "shown"),
    [
        ("en", (2018, 10, 8), (2018, 10, 9), "8–9 October 2018"),
        ("fr", (2018, 10, 8), (2018, 10, 9), "8–9 octobre 2018"),
        ("es", (2018, 10, 8), (2018, 10, 9), "8–9 de octubre de 2018"),
        ("en", (2018, 10, 30), (2018, 11, 2), "30 October – 2 November 2018"),
        ("es", (2018, 10, 30), (2018, 11, 2), "30 de octubre – 2 de noviembre de 2018"),
        ("fr", (2018, 12, 31), (2019, 1, 1), "31 décembre 2018 – 1er janvier 2019"),
        ("en", (2018, 10, 8), (2018, 10, 8), "8 October 2018"),
    ],
)
def test_date_ranges_do_not_repeat_month_and_year(language, start, end, shown):
    with translation.override(language):
        parts = date_range_parts(datetime.date(*start), datetime.date(*end), language)

    assert "".join(part if isinstance(part, str) else part[1] for part in parts) == shown


@pytest.mark.parametrize(
    ("language", "time", "shown"),
    [
        ("fr", (10, 0), f"10{NBSP}h"),
        ("fr", (9, 30), f"9{NBSP}h{NBSP}30"),
        ("en", (9, 30), "09:30"),
        ("es", (14, 0), "14:00"),
    ],
)
def test_times_as_each_language_writes_them(language, time, shown):
    assert format_time(datetime.time(*time), language) == shown
