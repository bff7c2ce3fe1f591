import datetime

import pytest
from django.utils import timezone

from catalogue.models import Publication
from catalogue.tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_publish_dates():
    public = PublicationFactory()
    PublicationFactory(status=Publication.Status.DRAFT, publish_date=None)
    PublicationFactory(status=Publication.Status.DRAFT, publish_date=timezone.now() - datetime.timedelta(days=3))
    PublicationFactory(publish_date=timezone.now() + datetime.timedelta(hours=1))

    assert list(Publication.objects.published()) == [public]
