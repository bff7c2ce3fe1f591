"""Exporting the catalogue as a fixture that the catalogue's `loaddata` reads back."""

from django.core.management import call_command

# Derived data: the search index is rebuilt from the catalogue when the fixture is loaded.
EXCLUDED_MODELS = ["catalogue.SearchDocument", "catalogue.CatalogueChange"]  # derived: rebuilt, stamped on load


def catalogue_export_json(*, output: str | None, stdout, verbosity: int = 1) -> None:
    """Write every catalogue record as pretty-printed JSON with natural keys to `output` (or `stdout`)."""
    call_command(
        "dumpdata",
        "catalogue",
        exclude=EXCLUDED_MODELS,
        natural_foreign=True,
        natural_primary=True,
        indent=2,
        output=output,
        stdout=stdout,
        verbosity=verbosity,
    )
