import time

from django.core.management.base import BaseCommand, CommandError

from catalogue.dataio.generate import generate_catalogue


class Command(BaseCommand):
    help = (
        "Add a synthetic catalogue of N publications (deterministic for a seed; series synthetic-*, slugs syn-*), "
        "for benchmarks and load tests, into a database without publications (it refuses any other)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--publications", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, publications, seed, **options):
        if publications < 1:
            raise CommandError("--publications must be at least 1.")
        start = time.perf_counter()

        def progress(done):
            self.stdout.write(f"\r{done:,} / {publications:,} publications", ending="")
            self.stdout.flush()

        try:
            counts = generate_catalogue(publications, seed=seed, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - start
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts.publications:,} publications, {counts.editions:,} editions, "
                f"{counts.toc_entries:,} contents entries, {counts.workshops:,} workshops, "
                f"{counts.agenda_items:,} agenda items in {seconds:.1f} s (search index included)."
            )
        )
