"""The text columns people type into, for the tests that fill them with hostile text."""

from django.db import models

from catalogue.identifiers import IsbnField, IssnField


def free_text_fields(model) -> list[models.Field]:
    """Every CharField and TextField of `model` (URLs and language columns included), but slugs, codes from a list
    of choices and ISBN/ISSN columns: their own rules admit no control character, and the outputs compute with
    them."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not isinstance(field, models.SlugField | IsbnField | IssnField)
    ]
