"""Atom feeds of newly published publications: the whole catalogue, one series, one topic.

Feeds live under the interface language (/fr/feed/); entries are written in that
language, and a title or summary that falls back to another language says so with
its own xml:lang.
"""

from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext, pgettext

from catalogue.fragments import kept_fragments
from catalogue.i18n import translated
from catalogue.models import Publication, Series, Topic

from .common import corporate_author, organisation_name, series_number_label, xml_text

FEED_LENGTH = 50


class _LanguageTaggingHandler:
    """Wraps the XML writer so an entry's title and summary carry xml:lang when it differs from the feed's."""

    def __init__(self, handler, languages: dict[str, str]):
        self._handler = handler
        self._languages = languages

    def addQuickElement(self, name, contents=None, attrs=None):
        attrs = dict(attrs or {})
        if name in self._languages:
            attrs["xml:lang"] = self._languages[name]
        return self._handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self._handler, name)


def _xml_safe(value):
    """A feed or entry value without what XML 1.0 cannot carry (a string, or each string of a list)."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return [_xml_safe(part) for part in value]
    return value


class LanguageTaggedAtomFeed(Atom1Feed):
    """Atom 1.0 whose entries mark fallback-language titles and summaries with xml:lang.

    (An entry title is "<series> No. N: <title>", all of it in the title's language: when the title
    falls back, the series label is written in the title's language too and the element tagged with it.)
    Every text is stripped of the characters XML 1.0 cannot carry (a control character pasted into a
    title must not make the feed unwritable).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{name: _xml_safe(value) for name, value in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **{name: _xml_safe(value) for name, value in kwargs.items()})

    def add_item_elements(self, handler, item):
        feed_language = self.feed["language"]
        languages = {
            element: item[key]
            for element, key in (("title", "title_language"), ("summary", "summary_language"))
            if item.get(key) and item[key] != feed_language
        }
        super().add_item_elements(_LanguageTaggingHandler(handler, languages), item)


class PublicationFeed(Feed):
    """The newest public publications, in the request's interface language."""

    feed_type = LanguageTaggedAtomFeed

    def language_code(self) -> str:
        return translation.get_language()

    def publications(self, obj):
        return Publication.objects.published()

    def items(self, obj):
        """The newest publications, each with its entry (`feed_entry`) from those kept (catalogue/fragments.py) or
        made: the feed reads the publications alone, and the topics of those whose entry is not kept."""
        newest = self.publications(obj).select_related("series").with_fragment_version()
        publications = list(newest.order_by("-publish_date", "-pk")[:FEED_LENGTH])
        for publication, entry in zip(
            publications, kept_fragments("feed-entry", publications, self.entries), strict=True
        ):
            publication.feed_entry = entry
        return publications

    def entries(self, publications) -> list[dict]:
        """The entries of `publications` (what the item_* methods give) in the feed's language."""
        prefetch_related_objects(publications, "topics")
        return [self.entry(publication, self.language_code()) for publication in publications]

    def title(self, obj):
        return gettext("IDM publications catalogue: new publications")

    def subtitle(self, obj):
        return gettext("Publications newly added to the catalogue.")

    def link(self, obj):
        return reverse("catalogue:publication-list")

    def feed_url(self, obj):
        return reverse("catalogue:feed")

    def author_name(self, obj):
        # RFC 4287 wants an author on the feed unless every entry has one: the catalogue's organisation.
        return organisation_name(self.language_code())

    @staticmethod
    def entry(item, language: str) -> dict:
        """An entry's values: title, summary, dates, author, categories and the languages of title and summary."""
        # One language for the whole title: the series label is written in the title's (its fallback's).
        title, title_language = translated(item, "title", language)
        with translation.override(title_language):
            template = pgettext("feed entry title: series and number, then the title", "%(series)s: %(title)s")
        summary, summary_language = translated(item, "summary", language)
        return {
            "title": template
            % {"series": series_number_label(item.series, item.number, title_language), "title": title},
            "description": linebreaks(summary, autoescape=True) if summary else None,
            "pubdate": item.publish_date,
            # When any part of the record last changed, or when it became public if that came later.
            "updateddate": max(item.content_changed_at, item.publish_date),
            "author_name": corporate_author(item, language)[0],
            "categories": [translated(topic, "name", language).value for topic in item.topics.all()],
            "extra_kwargs": {
                "title_language": title_language,
                "summary_language": summary_language if summary else None,
            },
        }

    def item_title(self, item):
        return item.feed_entry["title"]

    def item_description(self, item):
        return item.feed_entry["description"]

    def item_pubdate(self, item):
        return item.feed_entry["pubdate"]

    def item_updateddate(self, item):
        return item.feed_entry["updateddate"]

    def item_author_name(self, item):
        return item.feed_entry["author_name"]

    def item_categories(self, item):
        return item.feed_entry["categories"]

    def item_extra_kwargs(self, item):
        return item.feed_entry["extra_kwargs"]


class CollectionFeed(PublicationFeed):
    """The newest public publications of one series or topic: a `model` whose rows have `publications`."""

    model: type[Series] | type[Topic]
    url_name: str

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def publications(self, obj):
        return obj.publications.published()

    def collection_name(self, obj) -> str:
        return translated(obj, "name", self.language_code()).value

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse(self.url_name, kwargs={"slug": obj.slug})


class SeriesFeed(CollectionFeed):
    model = Series
    url_name = "catalogue:series-feed"

    def title(self, obj):
        return gettext("%(series)s: new publications") % {"series": self.collection_name(obj)}


class TopicFeed(CollectionFeed):
    model = Topic
    url_name = "catalogue:topic-feed"

    def title(self, obj):
        return gettext("%(topic)s: new publications") % {"topic": self.collection_name(obj)}
