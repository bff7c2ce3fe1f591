"""A synthetic catalogue of any size, for benchmarks and load tests (`manage.py generate_catalogue`).

Deterministic for a given size and seed. Texts are in English, French and Spanish (accents included), drawn with
a Zipf law over a vocabulary that starts with real topical words: the commonest ("migration", "migración") occur
in nearly every record, words far down the list in a few — as in a real catalogue, which is what makes search
costs realistic. Everything is marked synthetic: it sits in series named "Synthetic series N" (slug
`synthetic-N`) and every slug starts with `syn-`, so it is never mistaken for real records.

Per publication, as in the measured catalogue: three editions (en/fr/es; PDF, print or EPUB; ISBN-13s on most),
about six table-of-contents entries on two levels, three topics, and a workshop for every second publication,
with four agenda items and their speakers. Publications are written through the import's fast path (rows in
the spreadsheet layout, a batch at a time), workshops with bulk_create, and the search index rebuilt once at
the end.
"""

import bisect
import datetime
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from stdnum import ean
from stdnum import issn as stdnum_issn

from catalogue.models import (
    AgendaItem,
    AgendaParticipation,
    Edition,
    Publication,
    Series,
    SeriesIssn,
    Speaker,
    Status,
    Topic,
    Workshop,
)
from catalogue.search import rebuild_index

from .tabular import Table, columns
from .upsert import catalogue_import

LANGUAGES = ("en", "fr", "es")
TOPICAL = {
    "en": "migration governance partnership labour mobility remittances diaspora climate health return integration "
    "border cities youth women refugees displacement development capacity dialogue",
    "fr": "migration gouvernance partenariat travail mobilité transferts diaspora climat santé retour intégration "
    "frontière villes jeunesse femmes réfugiés déplacement développement capacités dialogue",
    "es": "migración gobernanza asociación trabajo movilidad remesas diáspora clima salud retorno integración "
    "frontera ciudades juventud mujeres refugiados desplazamiento desarrollo capacidades diálogo",
}
SYLLABLES = {
    "en": "ba be bi bo cal den fi gor hu la lo mi na pe ra ri sa ta ve zo ing tion",
    "fr": "ba bé bi bo cal den fi gor hu la lo mi na pé ra ri sa ta vè zo eau ion",
    "es": "ba be bi bo cal den fi gor hu la lo mi na pe ra ri sa ta ve zo ción ñu",
}
VOCABULARY_SIZE = 20_000
CITIES = [
    ("Geneva", "Genève", "Ginebra", "CH", "Europe/Zurich"),
    ("New York", "New York", "Nueva York", "US", "America/New_York"),
    ("Bangkok", "Bangkok", "Bangkok", "TH", "Asia/Bangkok"),
    ("Dakar", "Dakar", "Dakar", "SN", "Africa/Dakar"),
    ("Lima", "Lima", "Lima", "PE", "America/Lima"),
]
SERIES_COUNT = 20
TOPIC_COUNT = 200
SPEAKER_COUNT = 5_000


class Vocabulary:
    """Words of one language with Zipf frequencies: rank r is drawn with probability ∝ 1/r."""

    def __init__(self, language: str, rng: random.Random):
        words = TOPICAL[language].split()
        syllables = SYLLABLES[language].split()
        seen = set(words)
        while len(words) < VOCABULARY_SIZE:
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = words
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))

    def text(self, rng: random.Random, length: int) -> str:
        total = self.cumulative[-1]
        picks = [bisect.bisect(self.cumulative, rng.random() * total) for _ in range(length)]
        return " ".join(self.words[min(pick, len(self.words) - 1)] for pick in picks)


def isbn13(number: int) -> str:
    """A valid ISBN-13 (compact) numbered `number`, under a prefix used by no real record in the demo."""
    digits = f"979{number + 100_000_000:09d}"
    return digits + ean.calc_check_digit(digits)


def issn(number: int) -> str:
    digits = f"{number + 9_900_000:07d}"
    return f"{digits[:4]}-{digits[4:]}{stdnum_issn.calc_check_digit(digits)}"


@dataclass
class Counts:
    publications: int = 0
    editions: int = 0
    toc_entries: int = 0
    workshops: int = 0
    agenda_items: int = 0


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.vocabulary = {code: Vocabulary(code, random.Random(seed + index)) for index, code in enumerate(LANGUAGES)}
        self.now = timezone.now()

    def text(self, length: int) -> dict[str, str]:
        return {code: self.vocabulary[code].text(self.rng, length) for code in LANGUAGES}

    def translated(self, name: str, length: int) -> dict[str, str]:
        texts = self.text(length)
        return {f"{name}_{code}": text.capitalize() for code, text in texts.items()}

    def taxonomy(self) -> tuple[list[Series], list[Topic], list[Speaker]]:
        series = Series.objects.bulk_create(
            Series(
                slug=f"synthetic-{n}",
                **{f"name_{code}": f"Synthetic series {n}" for code in LANGUAGES},
                short_name=f"SYN{n}",
            )
            for n in range(1, SERIES_COUNT + 1)
        )
        SeriesIssn.objects.bulk_create(
            SeriesIssn(series=one, language=code, issn=issn(index * 3 + offset))
            for index, one in enumerate(series)
            for offset, code in enumerate(LANGUAGES)
        )
        topics = Topic.objects.bulk_create(
            Topic(slug=f"syn-topic-{n}", **self.translated("name", 2)) for n in range(1, TOPIC_COUNT + 1)
        )
        speakers = Speaker.objects.bulk_create(
            Speaker(slug=f"syn-speaker-{n}", name=f"Speaker {n}", affiliation=self.text(2)["en"].title())
            for n in range(1, SPEAKER_COUNT + 1)
        )
        return series, topics, speakers

    def rows(self, start: int, count: int, series: list[Series], topics: list[Topic]) -> list[dict[str, object]]:
        """The publications numbered from `start` in the import layout (tabular.py): a row per edition."""
        rng, rows = self.rng, []
        for n in range(start, start + count):
            status = Status.DRAFT if n % 20 == 19 else Status.PUBLISHED
            publication = {
                "series": series[n % len(series)].slug,
                "number": n // len(series) + 1,
                "year": 1995 + n % 31,
                "slug": f"syn-{n}",
                "status": status,
                "publish_date": None if status == Status.DRAFT else self.now - datetime.timedelta(days=n % 9000),
                "original_language": LANGUAGES[n % 3],
                "topics": ";".join(topic.slug for topic in rng.sample(topics, 3)),
                **self.translated("title", rng.randint(5, 12)),
                **self.translated("summary", rng.randint(40, 120)),
                **self.contents(),
            }
            for position, code in enumerate(LANGUAGES):
                edition_format = rng.choice(
                    (Edition.Format.PDF, Edition.Format.PDF, Edition.Format.PRINT, Edition.Format.EPUB)
                )
                print_price = edition_format == Edition.Format.PRINT
                rows.append(
                    {
                        **publication,
                        "edition_language": code,
                        "edition_format": edition_format,
                        "isbn": isbn13(n * 3 + position) if rng.random() < 0.8 else "",
                        "pages": rng.randint(40, 400),
                        "price": Decimal(rng.randint(10, 60)) if print_price else None,
                        "currency": "USD" if print_price else "",
                    }
                )
        return rows

    def contents(self) -> dict[str, str]:
        """Three chapters with a section each, in the layout's `contents` cells."""
        lines = [line for page in (20, 40, 60) for line in (f"chapter {page}", "> section")]
        titles = [self.translated("contents_title", self.rng.randint(3, 8)) for _line in lines]
        return {"contents": "\n".join(lines)} | {
            column: "\n".join(title[column] for title in titles) for column in titles[0]
        }

    def workshops(self, publications: list[Publication], speakers: list[Speaker], counts: Counts) -> None:
        """A workshop for every second publication, with four agenda items and two speakers each."""
        rng = self.rng
        workshops = Workshop.objects.bulk_create(
            self.workshop(publication) for publication in publications if int(publication.slug[4:]) % 2 == 0
        )
        items = AgendaItem.objects.bulk_create(
            AgendaItem(
                workshop=workshop,
                position=position,
                date=workshop.start_date,
                start_time=datetime.time(9 + position * 2),
                kind=AgendaItem.Kind.PANEL,
                **self.translated("title", rng.randint(3, 7)),
            )
            for workshop in workshops
            for position in range(1, 5)
        )
        AgendaParticipation.objects.bulk_create(
            AgendaParticipation(
                agenda_item=item, speaker=speaker, role=AgendaParticipation.Role.SPEAKER, position=position
            )
            for item in items
            for position, speaker in enumerate(rng.sample(speakers, 2), start=1)
        )
        counts.workshops += len(workshops)
        counts.agenda_items += len(items)

    def workshop(self, publication: Publication) -> Workshop:
        city_en, city_fr, city_es, country, time_zone = self.rng.choice(CITIES)
        day = datetime.date(publication.year, 1 + publication.pk % 12, 1 + publication.pk % 28)
        return Workshop(
            publication=publication,
            slug=f"syn-workshop-{publication.pk}",
            status=publication.status,
            publish_date=publication.publish_date,
            city_en=city_en,
            city_fr=city_fr,
            city_es=city_es,
            country=country,
            time_zone=time_zone,
            start_date=day,
            end_date=day + datetime.timedelta(days=1),
            participants_count=self.rng.randint(50, 800),
            **self.translated("title", self.rng.randint(5, 10)),
            **self.translated("description", self.rng.randint(20, 60)),
        )


def generate_catalogue(
    publications: int, *, seed: int = 0, batch_size: int = 1000, progress: Callable[[int], None] | None = None
) -> Counts:
    """Add `publications` synthetic publications (and their editions, contents, topics and workshops), in one
    transaction, then rebuild the search index. Only into a database without publications: synthetic records
    never mix with real ones. Publications go through the import's fast path (upsert.py), `batch_size` at a time."""
    if Publication.objects.exists():
        raise ValueError(
            "This database already holds publications: generate a synthetic catalogue into an empty database "
            "(e.g. DATABASE_URL=sqlite:///var/synthetic.sqlite3, then migrate)."
        )
    generator = Generator(seed)
    counts = Counts()
    with transaction.atomic():
        series, topics, speakers = generator.taxonomy()
        for start in range(0, publications, batch_size):
            rows = generator.rows(start, min(batch_size, publications - start), series, topics)
            result = catalogue_import(table=Table(columns(), list(enumerate(rows, start=2))), index=False)
            created = [plan.instance for plan in result.plan.publications]
            counts.publications += len(created)
            counts.editions += sum(len(plan.editions) for plan in result.plan.publications)
            counts.toc_entries += sum(len(plan.contents) for plan in result.plan.publications)
            generator.workshops(created, speakers, counts)
            if progress:
                progress(counts.publications)
    rebuild_index()
    if connection.vendor == "postgresql":
        # Planner statistics for the tables just filled, before autovacuum gets there: without them PostgreSQL
        # plans a search as a sequential scan of every document's vectors.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts
