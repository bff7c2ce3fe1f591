"""POST data of the admin's change forms, shared by the admin and search-indexing tests."""

from django.utils import timezone

from catalogue.i18n import content_languages
from catalogue.models import Series


def management_form(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def publication_form(series: Series, *, editions: list[dict] = (), toc: list[dict] = (), toc_initial: int = 0) -> dict:
    """POST data of the publication admin page: the publication, its edition and contents inlines."""
    data = {
        "series": str(series.pk),
        "number": "28",
        "year": "2018",
        "title_en": "Migration and health",
        "title_fr": "Migration et santé",
        "title_es": "Migración y salud",
        "slug": "idm-28",
        "status": "published",
        "publish_date_0": "2019-03-01",
        "publish_date_1": "09:00:00",
        "original_language": "fr",
        "reference_number": "",
        **{
            f"{name}_{lang}": ""
            for name in ("subtitle", "summary", "publisher", "corporate_author", "cover_alt")
            for lang in content_languages()
        },
        **management_form("editions", len(editions)),
        **management_form("toc_entries", len(toc), toc_initial),
    }
    edition_defaults = {
        "id": "",
        "language": "fr",
        "format": "pdf",
        "order": "",
        "isbn": "",
        "issn": "",
        "pages": "",
        "date": "",
        "availability": "available",
        "price": "",
        "currency": "",
        "url": "",
    }
    for index, edition in enumerate(editions):
        data.update({f"editions-{index}-{key}": value for key, value in {**edition_defaults, **edition}.items()})
    toc_defaults = {
        "id": "",
        "order": "",
        "level": "0",
        "kind": "chapter",
        "title_fr": "",
        "title_es": "",
        "page": "",
    }
    for index, entry in enumerate(toc):
        data.update({f"toc_entries-{index}-{key}": value for key, value in {**toc_defaults, **entry}.items()})
    return data


def series_form(*, slug: str = "idm", issns: list[dict] = ()) -> dict:
    """POST data of the series admin page with new ISSN rows."""
    data = {
        **{f"{name}_{lang}": "" for name in ("name", "short_name", "description") for lang in content_languages()},
        "name_en": "International Dialogue on Migration",
        "slug": slug,
        **management_form("issns", len(issns)),
    }
    for index, row in enumerate(issns):
        data.update({f"issns-{index}-{key}": value for key, value in {"medium": "print", **row}.items()})
    return data


def workshop_form(workshop, *, agenda: list[dict] = (), agenda_initial: int = 0) -> dict:
    """POST data of the workshop admin page with its agenda rows."""
    publish_date = workshop.publish_date and timezone.localtime(workshop.publish_date)
    data = {
        **{f"{name}_{lang}": "" for name in ("title", "city", "description", "venue") for lang in content_languages()},
        "title_en": workshop.title_en,
        "city_en": "Geneva",
        "slug": workshop.slug,
        "publication": str(workshop.publication_id),
        "country": "CH",
        "start_date": "2018-10-08",
        "end_date": "2018-10-09",
        "time_zone": "Europe/Zurich",
        "participants_count": "",
        "panelists_count": "",
        # The workflow status as it is, so the save is an ordinary edit.
        "status": workshop.status,
        "publish_date_0": publish_date.strftime("%Y-%m-%d") if publish_date else "",
        "publish_date_1": publish_date.strftime("%H:%M:%S") if publish_date else "",
        **management_form("agenda_items", len(agenda), agenda_initial),
    }
    defaults = {"id": "", "order": "", "kind": "panel", "date": "2018-10-08", "start_time": "", "end_time": ""}
    defaults |= {f"{name}_{lang}": "" for name in ("title", "description") for lang in content_languages()}
    for index, row in enumerate(agenda):
        data.update({f"agenda_items-{index}-{key}": value for key, value in {**defaults, **row}.items()})
    return data
