"""The staff roles, as groups of permissions. Behaviour follows permissions, never group names.

- **Editor**: creates and edits every record and its rows, submits for review.
- **Publisher**: an editor who also publishes, schedules, withdraws and deletes.
- **Translator**: reads everything and edits translated text only, in the working languages assigned to them
  (catalogue.StaffLanguage); never a status, an identifier, the structure or another language.

Migration 0008 created these groups with these permissions; a test keeps the two in step.
"""

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db import models
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from catalogue.i18n import content_languages

EDITOR = "Editor"
PUBLISHER = "Publisher"
TRANSLATOR = "Translator"

# Models with a workflow status, and the permission that publishes, schedules and withdraws them.
PUBLISH_PERMISSIONS = {
    "publication": "catalogue.publish_publication",
    "workshop": "catalogue.publish_workshop",
}
TRANSLATE_PERMISSION = "catalogue.translate"

CATALOGUE_MODELS = [
    "publication",
    "edition",
    "tocentry",
    "series",
    "seriesissn",
    "topic",
    "workshop",
    "agendaitem",
    "agendaparticipation",
    "speaker",
]
# Rows that only exist inside a record: editing the record's structure means adding and removing them.
ROW_MODELS = ["edition", "tocentry", "seriesissn", "agendaitem", "agendaparticipation"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: sorted(
        [f"{action}_{model}" for model in CATALOGUE_MODELS for action in ("add", "change", "view")]
        + [f"delete_{model}" for model in ROW_MODELS]
    ),
    PUBLISHER: sorted(
        [f"{action}_{model}" for model in CATALOGUE_MODELS for action in ("add", "change", "delete", "view")]
        + ["publish_publication", "publish_workshop"]
    ),
    TRANSLATOR: sorted([f"view_{model}" for model in CATALOGUE_MODELS] + ["translate"]),
}


def is_translator(user: User | AnonymousUser, model_name: str) -> bool:
    """Whether `user` edits `model_name` records as a translator: may translate, may not change them outright."""
    return user.has_perm(TRANSLATE_PERMISSION) and not user.has_perm(f"catalogue.change_{model_name}")


def working_languages(user: User | AnonymousUser) -> list[str]:
    """The content languages assigned to `user`, in settings order; read once per user object (one request), as
    Django caches permissions, since every form, inline and permission check of an admin page asks."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_working_languages_cache"):
        assigned = set(user.content_languages.values_list("language", flat=True))
        user._working_languages_cache = [code for code in content_languages() if code in assigned]
    return list(user._working_languages_cache)


def translated_fields(model: type[models.Model]) -> list[str]:
    """The fields of `model` that catalogue/translation.py translates (their original names); [] if none."""
    try:
        return list(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []


def editable_translations(user: User | AnonymousUser, model: type[models.Model]) -> list[str]:
    """The language columns (title_fr, …) of `model` a translator edits: its translated fields in their working
    languages."""
    languages = working_languages(user)
    return [build_localized_fieldname(name, code) for name in translated_fields(model) for code in languages]


def ensure_groups() -> None:
    """Create or update the role groups with exactly their permissions (migration 0008 did this first; a test
    database flushed between tests loses them)."""
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="catalogue", codename__in=codenames))
