"""Work that a transaction's changes call for, done once when it commits.

`collect_on_commit(key, items, func)` gathers items (record ids, say) under `key` for the open
transaction and calls `func(items)` once at its commit; `once_on_commit(key, func)` calls `func()` once
at commit however often it is asked. Outside a transaction both act at once. An import that announces
thousands of records thus costs one callback per transaction, not one per record.

Each key has one hook per transaction, registered with Django's `on_commit`, which holds the items
gathered since it was registered. A rollback drops the hook with its items; so does the rollback of a
savepoint that was open when the hook was registered (every item it gathered since was added inside
that savepoint), and the next item registers a new hook. Items added inside a rolled-back savepoint to
a hook registered before it stay: its users re-read the database, so acting on an unchanged record is
harmless, and missing a changed one is not. Django replaces its list of callbacks whenever a
transaction or savepoint ends that way, so the hooks are looked up again only then."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction

_local = threading.local()  # Django's connections are per thread, and so is this


class _Hook:
    """One key's callback in one transaction, with what it gathered."""

    def __init__(self, key: str, func: Callable[..., None], with_items: bool) -> None:
        self.key = key
        self.func = func
        self.with_items = with_items
        self.items: set[Any] = set()
        self.__qualname__ = f"on_commit[{key}]"  # what Django names in the log when a robust one fails

    def __call__(self) -> None:
        if not self.with_items:
            self.func()
            return
        items, self.items = self.items, set()
        if items:
            self.func(items)


def _hooks(connection) -> dict[str, _Hook]:
    """This transaction's live hooks by key (found again only when Django replaced its list)."""
    known = getattr(_local, "known", None)
    if known is None:
        known = _local.known = {}
    seen = known.get(connection.alias)
    if seen is None or seen[0] is not connection.run_on_commit:
        hooks = {func.key: func for _ids, func, *_ in connection.run_on_commit if isinstance(func, _Hook)}
        seen = known[connection.alias] = (connection.run_on_commit, hooks)
    return seen[1]


def _hook(key: str, func: Callable[..., None], with_items: bool, robust: bool, using: str | None) -> _Hook | None:
    """The key's hook in the open transaction (registered now if it has none), or None outside one."""
    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    if not connection.in_atomic_block:
        return None
    hooks = _hooks(connection)
    hook = hooks.get(key)
    if hook is None:
        hook = hooks[key] = _Hook(key, func, with_items)
        connection.on_commit(hook, robust=robust)
    return hook


def collect_on_commit(key: str, items: Iterable[Any], func: Callable[[set[Any]], None], *, robust: bool = False,
                      using: str | None = None) -> None:
    """Add `items` to the open transaction's set under `key`; `func(set)` runs once when it commits (at
    once, with these items, outside a transaction). `robust`: a failure at commit is logged, not raised
    (the commit is done by then); outside a transaction it is raised."""
    hook = _hook(key, func, True, robust, using)
    if hook is not None:
        hook.items.update(items)
        return
    now = set(items)
    if now:
        func(now)


def once_on_commit(key: str, func: Callable[[], None], *, robust: bool = False, using: str | None = None) -> None:
    """`func()` once when the open transaction commits, however often this is called in it (at once
    outside a transaction)."""
    if _hook(key, func, False, robust, using) is None:
        func()


def gathered(key: str, using: str | None = None) -> set[Any]:
    """A copy of the items gathered under `key` in the open transaction (empty outside one)."""
    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    hook = _hooks(connection).get(key) if connection.in_atomic_block else None
    return set(hook.items) if hook is not None else set()


def take(key: str, using: str | None = None) -> set[Any]:
    """The items gathered under `key` in the open transaction, removed so that its commit does not act on
    them again (for a reader inside the transaction that needs them acted on now)."""
    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    if not connection.in_atomic_block:
        return set()
    hook = _hooks(connection).get(key)
    if hook is None:
        return set()
    items, hook.items = hook.items, set()
    return items
