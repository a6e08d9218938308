"""catalog/on_commit.py acts once per committed transaction, with what that transaction gathered: nothing
for a rollback, nothing twice after a savepoint's rollback, and nothing of another thread's transaction.
Real transactions on the test database (transactional_db: the test itself is not wrapped in one)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from readingroom.catalog.on_commit import collect_on_commit, once_on_commit, take

pytestmark = pytest.mark.django_db(transaction=True)


class Calls:
    def __init__(self) -> None:
        self.items: list[set] = []
        self.times = 0

    def with_items(self, items: set) -> None:
        self.items.append(set(items))

    def once(self) -> None:
        self.times += 1


def test_outside_a_transaction_it_acts_at_once():
    calls = Calls()
    collect_on_commit("t", [1, 2], calls.with_items)
    collect_on_commit("t", [], calls.with_items)  # nothing gathered: nothing to do
    once_on_commit("t-once", calls.once)
    assert calls.items == [{1, 2}] and calls.times == 1


def test_one_call_at_commit_with_everything_gathered():
    calls = Calls()
    with transaction.atomic():
        for n in range(1000):
            collect_on_commit("t", [n, n + 1], calls.with_items)
            once_on_commit("t-once", calls.once)
        assert calls.items == [] and calls.times == 0  # nothing before the commit
        assert sum(1 for _ids, func, *_ in connection.run_on_commit) == 2  # one hook per key, not 2000
    assert calls.items == [set(range(1001))] and calls.times == 1
    with transaction.atomic():
        collect_on_commit("t", [5], calls.with_items)
        once_on_commit("t-once", calls.once)
    assert calls.items[1:] == [{5}] and calls.times == 2  # the next transaction has hooks of its own


def test_a_rollback_acts_on_nothing_and_forgets_what_it_gathered():
    calls = Calls()
    with pytest.raises(RuntimeError), transaction.atomic():
        collect_on_commit("t", [1], calls.with_items)
        once_on_commit("t-once", calls.once)
        raise RuntimeError
    assert calls.items == [] and calls.times == 0
    with transaction.atomic():
        collect_on_commit("t", [2], calls.with_items)
    assert calls.items == [{2}] and calls.times == 0


def test_a_hook_made_in_a_rolled_back_savepoint_goes_with_it():
    calls = Calls()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            collect_on_commit("t", [1], calls.with_items)
            once_on_commit("t-once", calls.once)
            raise RuntimeError
        collect_on_commit("t", [2], calls.with_items)  # registers again: the first hook is gone
        once_on_commit("t-once", calls.once)
    assert calls.items == [{2}] and calls.times == 1


def test_a_savepoint_rolled_back_after_the_hook_is_made_does_not_make_it_twice():
    calls = Calls()
    with transaction.atomic():
        collect_on_commit("t", [1], calls.with_items)
        once_on_commit("t-once", calls.once)
        with pytest.raises(RuntimeError), transaction.atomic():
            collect_on_commit("t", [2], calls.with_items)
            raise RuntimeError
        # Django made a new list of callbacks without the savepoint's; the hooks from before are in it.
        collect_on_commit("t", [3], calls.with_items)
        once_on_commit("t-once", calls.once)
    assert len(calls.items) == 1 and {1, 3} <= calls.items[0] and calls.times == 1


def test_a_released_savepoint_keeps_its_items_for_the_outer_commit():
    calls = Calls()
    with transaction.atomic():
        with transaction.atomic():
            collect_on_commit("t", [1], calls.with_items)
        with pytest.raises(RuntimeError), transaction.atomic():
            raise RuntimeError  # another savepoint's rollback leaves the first one's hook alone
        collect_on_commit("t", [2], calls.with_items)
        assert calls.items == []
    assert calls.items == [{1, 2}]


def test_take_acts_now_and_the_commit_does_not_repeat_it():
    calls = Calls()
    with transaction.atomic():
        collect_on_commit("t", [1, 2], calls.with_items)
        assert take("t") == {1, 2}
        assert take("t") == set()
        collect_on_commit("t", [3], calls.with_items)
    assert calls.items == [{3}]
    assert take("t") == set()  # outside a transaction nothing waits


def _in_threads(*works) -> None:
    errors: list[BaseException] = []

    def run(work) -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported by the test's thread
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.skipif("connection.vendor == 'sqlite'",
                    reason="SQLite transactions begin IMMEDIATE here: a second one waits for the first")
def test_two_threads_in_two_transactions_keep_their_own_items():
    calls = Calls()
    lock = threading.Lock()
    both_open = threading.Barrier(2, timeout=30)

    def gathered(items: set) -> None:
        with lock:
            calls.items.append(set(items))

    def work(first: int):
        def transaction_of_its_own() -> None:
            with transaction.atomic():
                connection.ensure_connection()
                for n in range(first, first + 50):
                    collect_on_commit("t", [n], gathered)
                    if n == first:
                        both_open.wait()  # the other thread's transaction is open too
        return transaction_of_its_own

    _in_threads(work(0), work(1000))
    assert sorted(calls.items, key=min) == [set(range(50)), set(range(1000, 1050))]


def test_a_thread_outside_a_transaction_acts_at_once_on_its_own_items_only():
    calls = Calls()
    lock = threading.Lock()
    opened, other_done = threading.Event(), threading.Event()

    def gathered(items: set) -> None:
        with lock:
            calls.items.append(set(items))

    def in_transaction() -> None:
        with transaction.atomic():
            collect_on_commit("t", [1, 2], gathered)
            opened.set()
            assert other_done.wait(30)
            collect_on_commit("t", [3], gathered)

    def autocommit() -> None:
        assert opened.wait(30)
        collect_on_commit("t", [10], gathered)
        collect_on_commit("t", [11], gathered)
        other_done.set()

    _in_threads(in_transaction, autocommit)
    assert calls.items == [{10}, {11}, {1, 2, 3}]
