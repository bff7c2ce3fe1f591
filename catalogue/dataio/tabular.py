"""The spreadsheet layout of the catalogue, shared by import and export: its columns, and reading and writing
CSV, XLSX (openpyxl) and JSON files in it.

One row per edition; the publication's columns are repeated on each of its rows (a publication without an
edition has one row with the edition columns empty). Translated fields have one column per content language
(`title_en`, `title_fr`, `title_es`…). The table of contents sits in the publication's `contents` column, one
heading per line (`chapter 12`: its kind and page; a `>` per level of nesting: `> section 13`), with the
headings' titles in `contents_title_<lang>`, one per line in the same order.
"""

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from catalogue.i18n import content_languages

FORMATS = ("csv", "xlsx", "json")
LIST_SEPARATOR = ";"  # between the topics' slugs
NESTING = ">"  # one per level of a heading in `contents`


def per_language(*names: str) -> list[str]:
    """One column per content language for each of `names`: title_en, title_fr…"""
    return [f"{name}_{code}" for name in names for code in content_languages()]


def publication_columns() -> list[str]:
    """The publication's columns, in the template's order: identity first, then texts per language."""
    return [
        "series",
        "number",
        "slug",
        "uuid",
        "year",
        "status",
        "publish_date",
        "original_language",
        "topics",
        *per_language("title", "subtitle", "summary", "publisher", "corporate_author", "place"),
        "reference_number",
        "participants_count",
        "participants_precision",
        "panelists_count",
        "panelists_precision",
        *per_language("cover_alt"),
        "contents",
        *per_language("contents_title"),
    ]


# Edition columns and the model field each holds.
EDITION_FIELDS = {
    "edition_language": "language",
    "edition_format": "format",
    "isbn": "isbn",
    "issn": "issn",
    "pages": "pages",
    "edition_date": "date",
    "url": "url",
    "availability": "availability",
    "price": "price",
    "currency": "currency",
}


def columns() -> list[str]:
    """Every column of the layout, in the template's order."""
    return [*publication_columns(), *EDITION_FIELDS]


@dataclass(frozen=True)
class Layout:
    """A spreadsheet layout: its columns in the template's order, those every file must have, its sheet's title."""

    columns: Callable[[], list[str]]
    required: tuple[str, ...]
    sheet_title: str


PUBLICATIONS = Layout(columns, ("series", "number"), _("Publications"))


def column_letter(index: int) -> str:
    """The spreadsheet's letter of the column at `index` (0-based): A, B… AA."""
    # openpyxl is imported where it is used: the admin's URLconf loads this module, and a web worker that reads
    # and writes no spreadsheet never loads openpyxl (~6 MB of each worker's memory).
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class FileError(Exception):
    """A file that cannot be read as the layout at all (format, header); str() says why."""


@dataclass
class Table:
    """A file read in the layout: its header and its rows, each numbered as the spreadsheet numbers it."""

    header: list[str]
    rows: list[tuple[int, dict[str, object]]]

    def letter(self, column: str) -> str:
        return column_letter(self.header.index(column)) if column in self.header else ""


def file_format(name: str) -> str:
    """The format of a file from its extension, or FileError."""
    extension = Path(name).suffix.lower().lstrip(".")
    if extension not in FORMATS:
        raise FileError(
            _("Unsupported file type “%(extension)s”: use a .csv, .xlsx or .json file.") % {"extension": extension}
        )
    return extension


def read_table(handle, name: str, layout: Layout = PUBLICATIONS) -> Table:
    """Read the binary file `handle` (named `name`, for its format) into a Table of `layout`; FileError if it
    cannot be."""
    kind = file_format(name)
    try:
        if kind == "csv":
            header, rows = _read_csv(handle)
        elif kind == "xlsx":
            header, rows = _read_xlsx(handle)
        else:
            header, rows = _read_json(handle)
    except FileError:
        raise
    except (ValueError, KeyError, OSError, csv.Error, UnicodeDecodeError, zipfile.BadZipFile) as error:
        raise FileError(
            _("The file cannot be read as %(format)s: %(error)s") % {"format": kind.upper(), "error": error}
        ) from error
    return _checked(header, rows, layout)


def _checked(header: list, rows: Iterable[tuple[int, list]], layout: Layout) -> Table:
    header = [str(name).strip() if name is not None else "" for name in header]
    known = set(layout.columns())
    for index, name in enumerate(header):
        if name and name not in known:
            raise FileError(
                _("Unknown column “%(column)s” (%(letter)s1): the template's header row names the columns.")
                % {"column": name, "letter": column_letter(index)}
            )
    seen = set()
    for name in header:
        if name in seen and name:
            raise FileError(_("The column “%(column)s” appears twice in the header row.") % {"column": name})
        seen.add(name)
    for required in layout.required:
        if required not in seen:
            raise FileError(_("The header row has no “%(column)s” column.") % {"column": required})
    table = Table(header, [])
    for number, values in rows:
        row = {name: value for name, value in zip(header, values, strict=False) if name}
        if any(value not in (None, "") for value in row.values()):
            table.rows.append((number, row))
    return table


def _read_csv(handle) -> tuple[list, Iterator]:
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(text)
        header = next(reader, None)
        rows = list(_csv_rows(reader))
    finally:
        text.detach()  # the caller closes its file
    if header is None:
        raise FileError(_("The file is empty."))
    return header, rows


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    # Numbered by record, not by line: a spreadsheet shows a cell of several lines in one row.
    number = 1
    for values in reader:
        number += 1
        yield number, values


def _read_xlsx(handle) -> tuple[list, Iterator]:
    from openpyxl import load_workbook

    workbook = load_workbook(handle, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise FileError(_("The file is empty."))
    return list(header), ((number, list(values)) for number, values in enumerate(rows, start=2))


def _read_json(handle) -> tuple[list, Iterator]:
    records = json.load(handle)
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise FileError(_("A JSON file to import is a list of objects, one per row, keyed by column."))
    if records and {"model", "fields"} <= set(records[0]):
        raise FileError(_("This JSON file is a fixture (natural keys): load it with “manage.py loaddata”."))
    header = list(dict.fromkeys(key for record in records for key in record))
    # Row numbers as if the list were a sheet under a header row: the first object is row 2.
    return header, ((number, [record.get(key) for key in header]) for number, record in enumerate(records, 2))


# Writing ------------------------------------------------------------------------------------


def cell_value(value) -> object:
    """A value as a file's cell holds it: text, a number, or "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return value
    return str(value)  # a date, a Decimal, a UUID


def _xlsx_cell(sheet, value, cell_class) -> object:
    value = cell_value(value)
    if not isinstance(value, str) or not value:
        return value
    # Text, always: a title starting with "=" is not a formula.
    cell = cell_class(sheet, value)
    cell.data_type = "s"
    return cell


def write_table(rows: Iterable[dict[str, object]], kind: str, handle, layout: Layout = PUBLICATIONS) -> None:
    """Write `rows` (dicts keyed by column) under the header row of `layout` to the binary file `handle`."""
    header = layout.columns()
    if kind == "csv":
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            # Text as it is (most cells): a call per cell is a large share of an export's time.
            writer.writerow([value if type(value) is str else cell_value(value) for value in map(row.get, header)])
        text.detach()
    elif kind == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(layout.sheet_title))
        sheet.append(header)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, row.get(name), WriteOnlyCell) for name in header])
        workbook.save(handle)
    elif kind == "json":
        records = [{name: cell_value(row.get(name)) for name in header} for row in rows]
        handle.write(json.dumps(records, ensure_ascii=False, indent=1).encode())
    else:
        raise FileError(
            _("Unsupported file type “%(extension)s”: use a .csv, .xlsx or .json file.") % {"extension": kind}
        )
