"""The pure comparison behind optimistic concurrency (catalogue/editorial/concurrency.py)."""

import datetime
import decimal
import zoneinfo

import pytest

from catalogue.editorial.concurrency import Conflict, Reconciliation, acknowledged, plain, reconcile, sign, unsign


def state(fields: dict, rows: dict | None = None) -> dict:
    return {"fields": fields, "rows": rows or {}, "issued": "2026-12-03T12:00:00+00:00"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  Line one\r\nLine two ", "Line one\nLine two"),
        (7, 7),
        (True, True),
        (decimal.Decimal("12.50"), "12.5"),
        (decimal.Decimal("120"), "120"),
        (datetime.date(2018, 10, 8), "2018-10-08"),
        (datetime.time(9, 30, 15, 123456), "09:30:15"),
        (
            datetime.datetime(2018, 10, 8, 11, 30, 15, 999, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich")),
            "2018-10-08T09:30:15+00:00",
        ),
        ([3, 1, 2], [1, 2, 3]),
    ],
)
def test_plain_compares_what_a_form_sends_back_with_the_database(value, expected):
    assert plain(value) == expected


def test_token_round_trips_for_its_record_only():
    snapshot = state({"title_fr": "Titre"})

    token = sign(snapshot, key="catalogue.publication:1")

    assert unsign(token, key="catalogue.publication:1") == snapshot
    assert unsign(token, key="catalogue.publication:2") is None
    assert unsign(token[:-2] + "xx", key="catalogue.publication:1") is None
    assert unsign("not a token", key="catalogue.publication:1") is None


def test_nothing_changed_by_others_is_no_merge():
    base = state({"title_en": "A"})

    assert reconcile(base, base, state({"title_en": "B"})) == Reconciliation()


def test_different_languages_are_merged_keeping_theirs():
    base = state({"title_fr": "Titre", "title_es": "Título"})
    current = state({"title_fr": "Titre", "title_es": "Título nuevo"})
    mine = state({"title_fr": "Nouveau titre", "title_es": "Título"})

    outcome = reconcile(base, current, mine)

    assert outcome == Reconciliation(keep_theirs=[("title_es",)], changed_by_others=True)
    assert outcome.merged


def test_same_field_changed_by_both_is_a_conflict():
    outcome = reconcile(state({"title_en": "A"}), state({"title_en": "Theirs"}), state({"title_en": "Mine"}))

    assert outcome.conflicts == [Conflict(("title_en",), "Theirs", "Mine")]
    assert not outcome.merged


def test_same_new_value_is_no_conflict():
    outcome = reconcile(state({"title_en": "A"}), state({"title_en": "B"}), state({"title_en": "B"}))

    assert outcome == Reconciliation(changed_by_others=True)


def test_invalid_field_of_mine_is_not_compared():
    outcome = reconcile(state({"pages": 1}), state({"pages": 2}), state({}))

    assert outcome == Reconciliation(changed_by_others=True)


def test_rows_compare_field_by_field():
    base = state({}, {"toc": {"1": {"title_en": "A", "page": 1}, "2": {"title_en": "B", "page": 2}}})
    current = state({}, {"toc": {"1": {"title_en": "Theirs", "page": 1}, "2": {"title_en": "B", "page": 9}}})
    mine = state({}, {"toc": {"1": {"title_en": "Mine", "page": 1}, "2": {"title_en": "Bee", "page": 2}}})

    outcome = reconcile(base, current, mine)

    assert outcome.conflicts == [Conflict(("toc", "1", "title_en"), "Theirs", "Mine")]
    assert outcome.keep_theirs == [("toc", "2", "page")]


def test_row_they_deleted_conflicts_only_if_you_changed_it():
    base = state({}, {"toc": {"1": {"title_en": "A"}, "2": {"title_en": "B"}}})
    current = state({}, {"toc": {}})
    mine = state({}, {"toc": {"1": {"title_en": "A"}, "2": {"title_en": "Mine"}}})

    outcome = reconcile(base, current, mine)

    assert outcome.conflicts == [Conflict(("toc", "2"), None, {"title_en": "Mine"})]


def test_row_you_deleted_conflicts_if_they_changed_it():
    base = state({}, {"toc": {"1": {"title_en": "A"}, "2": {"title_en": "B"}}})
    current = state({}, {"toc": {"1": {"title_en": "Theirs"}, "2": {"title_en": "B"}}})
    mine = state({}, {"toc": {"1": None, "2": None}})

    outcome = reconcile(base, current, mine)

    assert outcome.conflicts == [Conflict(("toc", "1"), {"title_en": "Theirs"}, None)]
    assert outcome.changed_by_others


def test_rows_they_added_are_a_change_but_no_conflict():
    base = state({}, {"toc": {"1": {"title_en": "A"}}})
    current = state({}, {"toc": {"1": {"title_en": "A"}, "2": {"title_en": "Theirs"}}})
    mine = state({}, {"toc": {"1": {"title_en": "Mine"}}})

    assert reconcile(base, current, mine) == Reconciliation(changed_by_others=True)


def test_positions_renumbered_by_them_are_kept_when_you_did_not_move_the_row():
    base = state({}, {"toc": {"1": {"position": 1, "title_en": "A"}}})
    current = state({}, {"toc": {"1": {"position": 2, "title_en": "A"}}})
    mine = state({}, {"toc": {"1": {"position": 1, "title_en": "Mine"}}})

    assert reconcile(base, current, mine).keep_theirs == [("toc", "1", "position")]


def test_acknowledged_state_lets_your_values_win_where_you_collided_and_theirs_elsewhere():
    base = state({"title_en": "A", "subtitle_en": ""}, {"toc": {"1": {"page": 1}}})
    current = state({"title_en": "Theirs", "subtitle_en": "Their subtitle"}, {"toc": {"1": {"page": 2}}})
    mine = state({"title_en": "Mine", "subtitle_en": ""}, {"toc": {"1": {"page": 1}}})
    outcome = reconcile(base, current, mine)

    ack = acknowledged(base, current, outcome)

    assert ack == state({"title_en": "Theirs", "subtitle_en": ""}, {"toc": {"1": {"page": 1}}})
    again = reconcile(ack, current, mine)
    assert again.conflicts == []
    assert again.keep_theirs == [("subtitle_en",), ("toc", "1", "page")]
