"""The `catalogue_metadata` template library (registered in settings TEMPLATES): hands the head-meta
and export-link includes their data, built in Python by the interop modules."""

from django import template

from catalogue.i18n import page_language
from catalogue.models import Publication, Workshop

from .exports import PublicationExports, WorkshopExports, publication_exports, workshop_exports
from .meta_tags import PageMetadata, publication_metadata, workshop_metadata

register = template.Library()


def _language(context) -> str:
    return page_language(context.get("LANGUAGE_CODE"))


@register.simple_tag(takes_context=True)
def publication_page_metadata(context, publication: Publication) -> PageMetadata:
    """`{% publication_page_metadata publication as meta %}`."""
    return publication_metadata(publication, request=context["request"], language=_language(context))


@register.simple_tag(takes_context=True)
def workshop_page_metadata(context, workshop: Workshop) -> PageMetadata:
    """`{% workshop_page_metadata workshop as meta %}`."""
    return workshop_metadata(workshop, request=context["request"], language=_language(context))


@register.simple_tag(name="publication_exports", takes_context=True)
def publication_exports_tag(context, publication: Publication) -> PublicationExports:
    """`{% publication_exports publication as exports %}`: formatted citation and citation downloads."""
    return publication_exports(publication, request=context["request"], language=_language(context))


@register.simple_tag(name="workshop_exports", takes_context=True)
def workshop_exports_tag(context, workshop: Workshop) -> WorkshopExports:
    """`{% workshop_exports workshop as exports %}`: the workshop's and each session's iCalendar file."""
    return workshop_exports(workshop, language=_language(context))
