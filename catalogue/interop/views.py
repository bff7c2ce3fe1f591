"""Downloads for machines: citation files, MARC 21 records and iCalendar files."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.http import content_disposition_header
from django.views import View

from catalogue.models import AgendaItem, Publication, Workshop

from .calendars import agenda_item_calendar, calendar_filename, workshop_calendar
from .citation_record import citation_record
from .citations import FORMATS
from .common import header_filename
from .marc import CONTENT_TYPE as MARC_CONTENT_TYPE
from .marc import marc_filename, marc_record, marcxml_document


def _download(content: str | bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # The name comes from slugs: made a safe token anyway, so no stored text can reach the header raw.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=header_filename(filename))
    return response


class CitationDownloadMixin:
    def get_publication(self, slug: str) -> Publication:
        return get_object_or_404(Publication.objects.published().for_citation(), slug=slug)

    def citation_response(self, record, citation_format: str) -> HttpResponse:
        output = FORMATS[citation_format]
        return _download(
            output.render(record),
            content_type=output.content_type,
            filename=output.filename(record.key),
        )


class PublicationCitationView(CitationDownloadMixin, View):
    """A publication cited in the page's language: /<lang>/publications/<slug>/cite.bib|ris|json."""

    def get(self, request, slug: str, citation_format: str):
        publication = self.get_publication(slug)
        record = citation_record(publication, request=request, language=translation.get_language())
        return self.citation_response(record, citation_format)


class EditionCitationView(CitationDownloadMixin, View):
    """One edition cited: /<lang>/publications/<slug>/editions/<language>-<format>/cite.bib|ris|json."""

    def get(self, request, slug: str, language: str, edition_format: str, citation_format: str):
        publication = self.get_publication(slug)
        for edition in publication.editions.all():
            if edition.language == language and edition.format == edition_format:
                break
        else:
            raise Http404("No such edition.")
        record = citation_record(publication, request=request, language=translation.get_language(), edition=edition)
        return self.citation_response(record, citation_format)


class PublicationMarcView(View):
    """The publication's MARC 21 record, catalogued in the page's language: /<lang>/publications/<slug>/cite.marcxml."""

    def get(self, request, slug: str):
        publication = get_object_or_404(Publication.objects.published().for_detail(), slug=slug)
        record = marc_record(publication, request=request, language=translation.get_language())
        return _download(marcxml_document(record), content_type=MARC_CONTENT_TYPE, filename=marc_filename(publication))


CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


class WorkshopCalendarView(View):
    """The workshop and its agenda as iCalendar: /<lang>/workshops/<slug>/calendar.ics."""

    def get(self, request, slug: str):
        queryset = Workshop.objects.published().with_agenda()
        workshop = get_object_or_404(queryset, slug=slug)
        calendar = workshop_calendar(workshop, request=request, language=translation.get_language())
        return _download(calendar.to_ical(), content_type=CALENDAR_CONTENT_TYPE, filename=calendar_filename(workshop))


class AgendaItemCalendarView(View):
    """One session as iCalendar: /<lang>/workshops/<slug>/agenda/<position>.ics."""

    def get(self, request, slug: str, position: int):
        queryset = AgendaItem.objects.published().with_people().select_related("workshop")
        item = get_object_or_404(queryset, workshop__slug=slug, position=position)
        calendar = agenda_item_calendar(item, request=request, language=translation.get_language())
        return _download(calendar.to_ical(), content_type=CALENDAR_CONTENT_TYPE, filename=calendar_filename(item))
