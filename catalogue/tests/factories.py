"""factory_boy factories for catalogue test data."""

import datetime

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from catalogue import models
from catalogue.editorial import roles


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
    status = models.Workshop.Status.PUBLISHED
    publish_date = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


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


IDM28_TITLE_EN = "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"
IDM28_TITLE_FR = "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"
IOM = {
    "en": "International Organization for Migration",
    "fr": "Organisation internationale pour les migrations",
    "es": "Organización Internacional para las Migraciones",
}


def create_idm28_by_iom() -> models.Publication:
    """IDM No. 28 (create_idm28) with the IOM as its corporate author and publisher, in three languages."""
    publication = create_idm28()
    for code, name in IOM.items():
        setattr(publication, f"corporate_author_{code}", name)
        setattr(publication, f"publisher_{code}", name)
    publication.save()
    return publication


def create_idm28() -> models.Publication:
    """IDM No. 28 as the seed record describes it (French edition, electronic copy only), with its two
    2018 workshops; the Spanish title is left empty so pages show the visible fallback."""
    series = SeriesFactory()
    SeriesIssnFactory(series=series, language="en", issn="1726-2224")
    SeriesIssnFactory(series=series, language="fr", issn="1726-4030")
    governance = TopicFactory(
        slug="migration-governance",
        name_en="Migration governance",
        name_fr="Gouvernance des migrations",
        name_es="Gobernanza de la migración",
    )
    publication = PublicationFactory(
        series=series,
        number=28,
        year=2018,
        slug="idm-28",
        title_en=IDM28_TITLE_EN,
        title_fr=IDM28_TITLE_FR,
        title_es=None,
        summary_en="A record of the 2018 Dialogue on partnerships for migration governance.",
        summary_fr="Compte rendu du Dialogue de 2018 sur les partenariats pour la gouvernance des migrations.",
        original_language="en",
        topics=[governance],
    )
    EditionFactory(
        publication=publication,
        language="en",
        format=models.Edition.Format.PDF,
        isbn="9789290687740",
        pages=130,
        date=datetime.date(2018, 11, 16),
        url="https://publications.example.org/idm-28-en.pdf",
        availability=models.Edition.Availability.ELECTRONIC_ONLY,
        position=1,
    )
    EditionFactory(
        publication=publication,
        language="fr",
        format=models.Edition.Format.PDF,
        isbn="9789290687801",
        pages=144,
        url="https://publications.example.org/idm-28-fr.pdf",
        availability=models.Edition.Availability.ELECTRONIC_ONLY,
        position=2,
    )
    EditionFactory(
        publication=publication,
        language="es",
        format=models.Edition.Format.PDF,
        availability=models.Edition.Availability.ELECTRONIC_ONLY,
        position=3,
    )
    TocEntryFactory(
        publication=publication,
        position=1,
        title_en="Abbreviations and acronyms",
        title_fr="Abréviations et acronymes",
        kind=models.TocEntry.Kind.FRONT_MATTER,
    )
    report = TocEntryFactory(
        publication=publication,
        position=2,
        title_en="Report of the workshops",
        title_fr="Rapport des ateliers",
        kind=models.TocEntry.Kind.PART,
    )
    TocEntryFactory(
        publication=publication, position=3, parent=report, title_en="Introduction", title_fr="Introduction"
    )
    TocEntryFactory(
        publication=publication,
        position=4,
        parent=report,
        title_en="1. Partnerships are essential to global migration governance",
        title_fr="1. Les partenariats sont indispensables à une gouvernance mondiale des migrations",
    )
    WorkshopFactory(
        publication=publication,
        slug="idm-2018-new-york",
        title_en="Inclusive and innovative partnerships for effective global governance of migration",
        title_es="Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración a escala mundial",
        city_en="New York",
        city_fr="New York",
        city_es="Nueva York",
        country="US",
        venue_en="Conference Room 2, United Nations Headquarters",
        start_date=datetime.date(2018, 3, 26),
        end_date=datetime.date(2018, 3, 27),
        time_zone="America/New_York",
    )
    geneva = WorkshopFactory(
        publication=publication,
        slug="idm-2018-geneva",
        title_en="Towards effective migration governance: partnerships for capacity development",
        title_fr="Vers une bonne gouvernance des migrations : des partenariats pour développer les capacités",
        city_en="Geneva",
        city_fr="Genève",
        city_es="Ginebra",
        venue_en="Conference Room XVIII, Palais des Nations",
        venue_fr="Salle de conférence XVIII, Palais des Nations",
        start_date=datetime.date(2018, 10, 8),
        end_date=datetime.date(2018, 10, 9),
        participants_count=600,
        panelists_count=83,
    )
    opening = AgendaItemFactory(
        workshop=geneva,
        position=1,
        date=datetime.date(2018, 10, 8),
        start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 0),
        kind=models.AgendaItem.Kind.OPENING,
        title_en="Opening session",
        title_fr="Séance d’ouverture",
        title_es="Sesión de apertura",
    )
    AgendaItemFactory(
        workshop=geneva,
        position=2,
        date=datetime.date(2018, 10, 8),
        start_time=datetime.time(11, 0),
        end_time=datetime.time(11, 30),
        kind=models.AgendaItem.Kind.PRESENTATION,
        title_en="Setting the scene",
        title_fr="Mise en contexte",
    )
    vitorino = SpeakerFactory(
        name="António Vitorino",
        slug="antonio-vitorino",
        position_en="Director General",
        position_fr="Directeur général",
        position_es="Director General",
        affiliation_en="International Organization for Migration",
        affiliation_fr="Organisation internationale pour les migrations",
        affiliation_es="Organización Internacional para las Migraciones",
    )
    eguiguren = SpeakerFactory(
        name="Juan Eduardo Eguiguren",
        slug="juan-eduardo-eguiguren",
        position_en="Chairperson of the IOM Council Bureau",
        affiliation_en="Permanent Mission of Chile in Geneva",
    )
    AgendaParticipationFactory(agenda_item=opening, speaker=eguiguren, role=models.AgendaParticipation.Role.CHAIR)
    AgendaParticipationFactory(agenda_item=opening, speaker=vitorino, role=models.AgendaParticipation.Role.SPEAKER)
    return publication


def create_staff(username: str, role: str | None = None, *, languages=(), superuser: bool = False) -> User:
    """A staff member in one of the roles of catalogue/editorial/roles.py (or a superuser), with working languages;
    the password is the username."""
    roles.ensure_groups()
    user = User.objects.create_user(username, password=username, is_staff=True, is_superuser=superuser)
    if role:
        user.groups.add(Group.objects.get(name=role))
    for language in languages:
        models.StaffLanguage.objects.create(user=user, language=language)
    return user
