"""The demo data, loaded only into an empty catalogue: a second `bin/serve` never touches what staff edited."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from catalogue.models import AgendaItem, Publication, Series, Speaker, Topic, Workshop

DEMO_FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CATALOGUE_MODELS = (Series, Topic, Publication, Workshop, AgendaItem, Speaker)


@dataclass(frozen=True)
class DemoResult:
    loaded: bool
    fixtures: list[Path]
    existing: dict[str, int]  # what the catalogue already held, by model's verbose name (plural), when not loaded


def existing_records(using: str = "default") -> dict[str, int]:
    """How many records of each catalogue model the database holds (only those it has)."""
    counts = {str(model._meta.verbose_name_plural): model.objects.using(using).count() for model in CATALOGUE_MODELS}
    return {name: count for name, count in counts.items() if count}


def demo_fixtures(folder: Path = DEMO_FIXTURES) -> list[Path]:
    return sorted(folder.glob("*.json"))


def load_demo(fixtures: list[Path] | None = None, *, using: str = "default") -> DemoResult:
    """Load the demo fixtures (validated, in name order) if the catalogue is empty; otherwise change nothing."""
    fixtures = demo_fixtures() if fixtures is None else fixtures
    with transaction.atomic(using=using):
        existing = existing_records(using)
        if existing:
            return DemoResult(loaded=False, fixtures=fixtures, existing=existing)
        if fixtures:
            call_command("loaddata", *map(str, fixtures), database=using, verbosity=0)
    return DemoResult(loaded=bool(fixtures), fixtures=fixtures, existing={})
