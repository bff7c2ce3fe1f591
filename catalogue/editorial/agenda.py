"""The people of an agenda item, read and written per role."""

from collections.abc import Mapping, Sequence

from catalogue.models import AgendaItem, AgendaParticipation, Speaker

Role = AgendaParticipation.Role


def agenda_item_people(agenda_item: AgendaItem) -> dict[str, list[Speaker]]:
    """{role: [speakers in their order]} for every role, empty lists included.

    Reads `agenda_item.participations.all()`: load many items with AgendaItem.objects.with_people().
    """
    people = {role.value: [] for role in Role}
    if agenda_item.pk is None:
        return people
    for participation in sorted(agenda_item.participations.all(), key=lambda p: (p.position, p.pk)):
        people.setdefault(participation.role, []).append(participation.speaker)
    return people


def agenda_item_set_people(*, agenda_item: AgendaItem, people: Mapping[str, Sequence[Speaker]]) -> None:
    """Make `agenda_item`'s participations exactly `people` ({role: [speakers]}, roles left out keep none).

    Positions follow the roles' order, then each role's given order (1, 2, …), so the item's people read
    chairs first, then moderators, speakers, panelists and rapporteurs. Rows that stay are kept (with their
    id and history) and only rewritten when their position moves. A speaker twice in one role is a
    ValueError: forms report it before (AgendaItemForm).
    """
    unknown = set(people) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    wanted = {}
    for role in Role.values:
        for speaker in people.get(role, ()):
            key = (speaker.pk, role)
            if key in wanted:
                raise ValueError(f"{speaker} is listed twice as {role}")
            wanted[key] = len(wanted) + 1
    existing = {(p.speaker_id, p.role): p for p in agenda_item.participations.all()}
    # Each row is saved or deleted on its own (no bulk query), so the search index hears of it.
    for key, participation in existing.items():
        if key not in wanted:
            participation.delete()
    for (speaker_id, role), position in wanted.items():
        participation = existing.get((speaker_id, role))
        if participation is None:
            AgendaParticipation.objects.create(
                agenda_item=agenda_item, speaker_id=speaker_id, role=role, position=position
            )
        elif participation.position != position:
            participation.position = position
            participation.save(update_fields=["position"])
