"""ISBN and ISSN model fields: checksum-validated by python-stdnum, stored in one canonical form;
and reading them from what people type in a search box.

ISBNs are stored as 13 digits (ISBN-10 input is converted), ISSNs as NNNN-NNNC.
Normalisation happens in `to_python`, so forms, `full_clean()` and fixtures
loaded with `loaddata` all store the same form.
"""

from functools import lru_cache
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import isbn, issn
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def _reason(error: StdnumError) -> str:
    if isinstance(error, InvalidChecksum):
        return _("the check digit is wrong")
    if isinstance(error, InvalidLength):
        return _("it has the wrong number of digits")
    if isinstance(error, InvalidFormat):
        return _("it contains characters that are not allowed")
    return _("it is not well formed")


def _validated(number_module, value: str, message, code: str) -> str:
    """`value` compacted and checked by a python-stdnum module, or a ValidationError saying why not."""
    try:
        return number_module.validate(value)
    except StdnumError as error:
        raise ValidationError(message, code=code, params={"value": value, "reason": _reason(error)}) from error


# Cached: an import reads each ISBN several times (its lookup, its value, the field's pre_save), and stdnum's
# checks cost ~0.1 ms each. Only results are kept; a refusal is raised again each time.
@lru_cache(maxsize=65536)
def normalize_isbn(value: str) -> str:
    """Return `value` as a canonical ISBN-13 of 13 digits, or raise ValidationError."""
    compact = _validated(isbn, value, _("“%(value)s” is not a valid ISBN: %(reason)s."), "invalid_isbn")
    return isbn.to_isbn13(compact)


@lru_cache(maxsize=65536)
def normalize_issn(value: str) -> str:
    """Return `value` as a canonical ISSN (NNNN-NNNC), or raise ValidationError."""
    compact = _validated(issn, value, _("“%(value)s” is not a valid ISSN: %(reason)s."), "invalid_issn")
    return issn.format(compact)


def format_isbn(value: str) -> str:
    """Hyphenate a stored ISBN for display (978-92-9068-780-1)."""
    return isbn.format(value) if value else ""


def compact_identifier(value: str) -> str:
    """Strip spaces and hyphens, upper-case: how identifiers are compared in searches."""
    return "".join(ch for ch in value if ch.isalnum()).upper()


class Identifier(NamedTuple):
    """An ISBN or ISSN found in user input, in the form it is stored in."""

    scheme: str  # "isbn" or "issn"
    value: str  # 13 digits, or NNNN-NNNC


def parse_identifier(text: str) -> Identifier | None:
    """The valid ISBN (10 or 13 digits) or ISSN in `text`, typed with or without hyphens, spaces or prefix."""
    value = compact_identifier(text)
    if value.startswith(("ISBN", "ISSN")):
        value = value[4:]
    if len(value) in (10, 13) and isbn.is_valid(value):
        return Identifier("isbn", isbn.to_isbn13(value))
    if len(value) == 8 and issn.is_valid(value):
        return Identifier("issn", issn.format(value))
    return None


class FieldValueError(ValidationError):
    """A field's ValidationError that names the model and field when shown as text.

    Forms and full_clean() show only its message; the DeserializationError of
    a broken fixture shows str(), which then says which field is wrong.
    """

    def __init__(self, error: ValidationError, *, field: models.Field):
        super().__init__(error)
        self.model_label = field.model._meta.label
        self.field_name = field.name

    def __str__(self):
        return f"{self.model_label}.{self.field_name}: {' '.join(self.messages)}"


class _NormalizedCharField(models.CharField):
    normalize = staticmethod(lambda value: value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in (None, ""):
            return value
        try:
            return self.normalize(value.strip())
        except ValidationError as error:
            raise FieldValueError(error, field=self) from error

    def pre_save(self, model_instance, add):
        # Values assigned in code (not through a form or fixture) are normalised too.
        value = getattr(model_instance, self.attname)
        if value:
            try:
                value = self.to_python(value)
            except ValidationError:
                return value  # left for full_clean() to report
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        # Typed values may carry hyphens and spaces: allow them, the model normalises.
        return super().formfield(**{"max_length": 24, **kwargs})


class IsbnField(_NormalizedCharField):
    """An ISBN, stored as 13 digits."""

    description = _("ISBN")
    normalize = staticmethod(normalize_isbn)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 13)
        super().__init__(*args, **kwargs)


class IssnField(_NormalizedCharField):
    """An ISSN, stored as NNNN-NNNC."""

    description = _("ISSN")
    normalize = staticmethod(normalize_issn)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 9)
        super().__init__(*args, **kwargs)
