"""Each page language's typography and its publishing style for dates and times.

- typography(): French spacing (a no-break space before ":", a narrow one before ";", "!", "?" and inside « »)
  and numbers that never leave their sign ("n° 28", "No. 28"), applied to a rendered page's text (base.html),
  so interface strings and content alike follow it.
- Dates as the organisation writes them ("8–9 October 2018", "8–9 octobre 2018", "8–9 de octubre de 2018") and
  French times as French writes them ("10 h", "10 h 30").
"""

import datetime
import re
from dataclasses import dataclass

from django.template.defaultfilters import date as date_filter
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

NBSP = "\u00a0"  # no-break space
NNBSP = "\u202f"  # narrow no-break space

_SPACES = " \u00a0\u202f"
# The elements whose text is not prose: left as they are.
_RAW_RE = re.compile(r"(<(script|style|textarea|pre|code)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_PUNCTUATION_RE = re.compile("[:;!?«»]")
# "No. 28", "n° 28", "n.º 28", "núm. 28": the sign and the number stay on one line.
_NUMBER_SIGN_RE = re.compile(r"([Nn](?:o\.|°|º|\.º|úm\.)) +(?=\d)")


def _inside_tag(html: str, index: int) -> bool:
    return html.rfind("<", 0, index) > html.rfind(">", 0, index)  # text escapes ">" and "<"


def _french(html: str) -> str:
    """A no-break space before ":", a narrow one before ";", "!", "?" and inside « », where French writes a
    space (none is added before ":;!?" where none was typed: addresses, times)."""
    pieces, last = [], 0
    for match in _PUNCTUATION_RE.finditer(html):
        mark, index = match.group(), match.start()
        if index < last or _inside_tag(html, index):
            continue
        if mark == "«":
            after = index + 1
            while after < len(html) and html[after] in _SPACES:
                after += 1
            pieces += [html[last:index], "«" + NNBSP]
            last = after
            continue
        before = index
        while before > last and html[before - 1] in _SPACES:
            before -= 1
        if before == index and mark != "»":
            continue
        pieces += [html[last:before], (NBSP if mark == ":" else NNBSP) + mark]
        last = index + 1
    pieces.append(html[last:])
    return "".join(pieces)


def _prose(html: str, language: str) -> str:
    html = _NUMBER_SIGN_RE.sub(
        lambda match: match.group() if _inside_tag(html, match.start()) else match.group(1) + NBSP, html
    )
    return _french(html) if language == "fr" else html


def typography(value, language: str) -> SafeString:
    """`value` (text, or HTML when marked safe) with the spacing `language` writes; tags, attributes and the text
    of script, style, textarea, pre and code elements are left as they are."""
    html = str(value) if isinstance(value, SafeString) else escape(value)
    parts = _RAW_RE.split(html) if "<" in html else [html]
    # split() gives [prose, raw element, its tag name, prose, …]
    for index in range(0, len(parts), 3):
        parts[index] = _prose(parts[index], language)
    return mark_safe("".join(part for index, part in enumerate(parts) if index % 3 != 2))


# Dates and times ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateStyle:
    """Django "date" formats of a language's publishing style."""

    date: str  # a full date: "8 October 2018"
    day: str  # the first day of a range within one month: "8"
    day_month: str  # the first day of a range within one year: "8 October"


DATE_STYLES = {
    "en": DateStyle(date="j F Y", day="j", day_month="j F"),
    "fr": DateStyle(date="j F Y", day="j", day_month="j F"),
    "es": DateStyle(date=r"j \d\e F \d\e Y", day="j", day_month=r"j \d\e F"),
}
RANGE_DASH = "–"  # between two days of a month: "8–9"
SPACED_RANGE_DASH = " – "  # between dates or times with spaces in them


def date_style(language: str) -> DateStyle:
    return DATE_STYLES.get(language, DATE_STYLES["en"])


def format_date(day: datetime.date, language: str, part: str = "date") -> str:
    """`day` in `language`'s publishing style: "8 October 2018"; French writes the first of a month "1er"."""
    text = date_filter(day, getattr(date_style(language), part))
    if language == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text


def date_range_parts(start: datetime.date, end: datetime.date | None, language: str) -> list[tuple]:
    """A date range as [(date, text), separator, (date, text)] without repeating its month and year:
    "8–9 October 2018", "30 October – 2 November 2018", "31 December 2018 – 2 January 2019"; one date alone."""
    if end is None or end == start:
        return [(start, format_date(start, language))]
    if (start.year, start.month) == (end.year, end.month):
        return [(start, format_date(start, language, "day")), RANGE_DASH, (end, format_date(end, language))]
    first = "day_month" if start.year == end.year else "date"
    return [(start, format_date(start, language, first)), SPACED_RANGE_DASH, (end, format_date(end, language))]


def format_time(time: datetime.time, language: str) -> str:
    """A time of day as `language` writes it: "10:00", "14:30"; French "10 h", "14 h 30"."""
    if language == "fr":
        return f"{time.hour}{NBSP}h" + (f"{NBSP}{time.minute:02}" if time.minute else "")
    return f"{time.hour:02}:{time.minute:02}"
