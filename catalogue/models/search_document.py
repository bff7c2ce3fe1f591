"""The search index's documents: the text of one publication or workshop, per content language, and the vocabulary
of the public ones.

What goes into them, and the full-text tables beside them, belong to catalogue/search/.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.i18n import content_languages


class SearchDocument(models.Model):
    """The text of one publication or workshop and its related rows, per language, for catalogue/search's index."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        WORKSHOP = "workshop", _("Workshop")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    # title_<lang> and body_<lang> for each content language: added below, from catalogue.i18n.
    # Compact ISBN-13s and ISSNs, space-separated with a space at each end.
    identifiers = models.TextField(blank=True)
    # Whether its record was public when it was indexed: only such documents' words count in SearchWord.
    public = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


# Title-like text (weighted high) and everything else, in each content language.
for _code in content_languages():
    SearchDocument.add_to_class(f"title_{_code}", models.TextField(blank=True))
    SearchDocument.add_to_class(f"body_{_code}", models.TextField(blank=True))


class SearchWord(models.Model):
    """A word of the public publications' search documents in one content language, and how many documents hold it.

    "Did you mean" (catalogue/search/suggest.py) looks misspelt query words up here; catalogue/search/ keeps it in
    step with the documents. A word is folded (lower case, no accents) as the index compares words; `spelling` is one
    way the documents write it, shown in the suggested query.
    """

    word = models.CharField(max_length=64)
    language = models.CharField(max_length=8)
    spelling = models.CharField(max_length=64)
    # An IntegerField, not a positive one: the writer adds signed changes in SQL, then drops rows at zero or below.
    document_count = models.IntegerField()

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        # (word, language): also the index of the lookups by word and by a range of words.
        constraints = [models.UniqueConstraint(fields=["word", "language"], name="unique_search_word")]

    def __str__(self):
        return f"{self.word} ({self.language})"
