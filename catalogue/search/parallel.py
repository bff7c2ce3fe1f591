"""Worker processes for a rebuild of the index (index.rebuild_index, `rebuild_search_index --jobs`).

Forked from the command's process before its transaction begins, with none of its database connections: each
worker opens its own, reads committed catalogue rows, and closes it after each batch. Results come back in the
order the batches were given, at most `window` batches ahead of the writer, so that memory stays bounded however
fast the workers build.
"""

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from django.db import connections


def worker_pool(jobs: int):
    """A pool of `jobs` forked worker processes that share no database connection with this one."""
    connections.close_all()  # a forked child must not write to its parent's sockets or files
    return multiprocessing.get_context("fork").Pool(jobs, initializer=_own_connections)


_inherited = []  # in a worker: its parent's connections that were still open, kept so that nothing closes them


def _own_connections() -> None:
    """In a new worker: connections of its own. A connection the parent still had open (one another thread or
    context opened, which close_all() does not reach) is set aside untouched: closing it, even by letting it be
    collected, would end the parent's session, and using it would mix two processes' messages on one socket (a test
    run on PostgreSQL saw both). The worker exits without running finalizers."""
    for alias in connections:
        wrapper = connections[alias]
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None
        del connections[alias]  # the next query makes a new wrapper, and opens a new connection


def in_order(pool, function: Callable, tasks: Iterable, *, window: int) -> Iterator:
    """function(task) for each of `tasks`, computed by `pool`, yielded in the order of `tasks`."""
    pending = deque()
    for task in tasks:
        pending.append(pool.apply_async(_run, (function, task)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _run(function: Callable, task):
    """function(task) in a worker, its database connections closed after it."""
    try:
        return function(task)
    finally:
        connections.close_all()
