"""What the pages show of editions' documents: one action per edition, and the pages of PDFs a search found."""

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.safestring import SafeString

from catalogue import search
from catalogue.models import Edition, Publication


@dataclass
class EditionAction:
    """Download an edition's PDF, read it where it is published, or neither (said plainly)."""

    edition: Edition
    kind: str  # "download", "read" or "none"
    url: str = ""
    size: str = ""  # "2.3 MB", for a download whose size is known


def edition_actions(publication: Publication, language: str) -> list[EditionAction]:
    """One action per edition: those in the page language first, then downloads, links out and editions with
    neither, each in edition order."""
    actions = []
    for edition in publication.editions.all():
        if edition.file:
            size = filesizeformat(edition.file_size) if edition.file_size else ""
            actions.append(EditionAction(edition, "download", edition.file.url, size))
        elif edition.download_url:
            actions.append(EditionAction(edition, "read", edition.download_url))
        else:
            actions.append(EditionAction(edition, "none"))
    order = {"download": 0, "read": 1, "none": 2}
    return sorted(actions, key=lambda action: (action.edition.language != language, order[action.kind]))


@dataclass
class PageMatch:
    """A page of an edition's PDF holding the words searched: its number, a snippet, a link to it."""

    edition: Edition
    number: int
    url: str
    snippet: SafeString


PAGE_MATCHES_SHOWN = 3


def page_matches(hits: dict[int, list], query: str, language: str) -> dict[int, list[PageMatch]]:
    """The pages of PDFs a search found (`hits`: search.document_hits), by publication id, the page language's
    editions first, each with its snippet."""
    found = {}
    for publication_id, publication_hits in hits.items():
        shown = sorted(publication_hits, key=lambda hit: hit.edition.language != language)[:PAGE_MATCHES_SHOWN]
        found[publication_id] = [
            PageMatch(
                hit.edition, hit.number, hit.url, search.highlight(hit.text, query, language=hit.edition.language)
            )
            for hit in shown
        ]
    return found
