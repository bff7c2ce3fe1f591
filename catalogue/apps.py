from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Catalogue")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here: the search package reads the models, which are only ready now.
        from django_cleanup.signals import cleanup_post_delete

        from catalogue import search
        from catalogue.models.covers import delete_renditions

        search.connect_signals()
        cleanup_post_delete.connect(delete_renditions, dispatch_uid="cover-renditions")  # a cover's sizes go with it
