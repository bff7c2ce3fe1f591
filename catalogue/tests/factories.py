"""factory_boy factories for catalogue test data."""

import datetime

import factory
from django.utils import timezone

from catalogue import models


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Series
        django_get_or_create = ("slug",)

    name_en = "International Dialogue on Migration"
    name_fr = "Dialogue international sur la migration"
    name_es = "Diálogo Internacional sobre la Migración"
    short_name_en = "IDM"
    short_name_fr = "IDM"
    short_name_es = "IDM"
    slug = "idm"


class SeriesIssnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SeriesIssn

    series = factory.SubFactory(SeriesFactory)
    language = "en"
    issn = "1726-2224"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Topic

    name_en = factory.Sequence(lambda n: f"Topic {n}")
    name_fr = factory.Sequence(lambda n: f"Thème {n}")
    name_es = factory.Sequence(lambda n: f"Tema {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Publication
        skip_postgeneration_save = True

    series = factory.SubFactory(SeriesFactory)
    number = factory.Sequence(lambda n: n + 1)
    year = 2018
    title_en = factory.Sequence(lambda n: f"Publication {n}")
    title_fr = factory.Sequence(lambda n: f"Publication fr {n}")
    title_es = factory.Sequence(lambda n: f"Publicación {n}")
    slug = factory.Sequence(lambda n: f"publication-{n}")
    status = models.Publication.Status.PUBLISHED
    publish_date = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Edition

    publication = factory.SubFactory(PublicationFactory)
    language = "en"
    format = models.Edition.Format.PDF


class TocEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TocEntry

    publication = factory.SubFactory(PublicationFactory)
    position = factory.Sequence(lambda n: n + 1)
    title_en = factory.Sequence(lambda n: f"Chapter {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Speaker

    name = factory.Sequence(lambda n: f"Speaker {n}")
    slug = factory.Sequence(lambda n: f"speaker-{n}")


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Workshop

    title_en = factory.Sequence(lambda n: f"Workshop {n}")
    slug = factory.Sequence(lambda n: f"workshop-{n}")
    city_en = "Geneva"
    country = "CH"
    start_date = datetime.date(2018, 10, 8)
    end_date = datetime.date(2018, 10, 9)
    time_zone = "Europe/Zurich"
    publication = factory.SubFactory(PublicationFactory)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AgendaItem

    workshop = factory.SubFactory(WorkshopFactory)
    position = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2018, 10, 8)
    start_time = datetime.time(10, 0)
    end_time = datetime.time(11, 0)
    title_en = factory.Sequence(lambda n: f"Session {n}")


class AgendaParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AgendaParticipation

    agenda_item = factory.SubFactory(AgendaItemFactory)
    speaker = factory.SubFactory(SpeakerFactory)
    role = models.AgendaParticipation.Role.SPEAKER
