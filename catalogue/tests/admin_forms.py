"""POST data of the admin's change forms, shared by the admin and search-indexing tests."""

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
