"""A page of a set of ids in a stored order: what the in-memory indexes (catalogue_index.py, workshop_index.py) share.

An order is an array of ids. A set with few of them is sorted by each id's place in the order (an array indexed by
id, made the first time it is needed); a set with many of them is found by walking the order until the page is full.
"""

from array import array
from collections.abc import Callable

from pyroaring import BitMap

FEW = 16  # a set this many times smaller than the order is sorted, not walked


def positions(order: array) -> array:
    """Each id's place in `order`, indexed by id (ids are dense: 8 bytes per id up to the largest)."""
    places = array("q", bytes(8 * (max(order, default=0) + 1)))
    for place, pk in enumerate(order):
        places[pk] = place
    return places


def page(
    ids: BitMap, order: array, places: Callable[[], array], start: int, stop: int, *, reverse: bool = False
) -> list[int]:
    """`ids` from `start` to `stop` in `order` (or its reverse); `places()` gives positions(order)."""
    if len(ids) * FEW < len(order):  # few: sort them by their place in the order
        return sorted(ids, key=places().__getitem__, reverse=reverse)[start:stop]
    chosen = []  # many: walk the order until the page is full
    for pk in reversed(order) if reverse else order:
        if pk in ids:
            chosen.append(pk)
            if len(chosen) == stop:
                break
    return chosen[start:stop]
