"""The public counts kept by catalog/counts.py follow the catalogue through every kind of change, and a
restricted or embargoed record never counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from readingroom.catalog import counts
from readingroom.catalog.merging import merge
from readingroom.catalog.models import AccessLevel, Authority, AuthorityCount, Record, RecordAuthority


def _authority(authority: Authority) -> int:
    return AuthorityCount.objects.filter(authority=authority).values_list("records", flat=True).first() or 0


def _in_step() -> None:
    assert counts.drift() == []


def test_counts_match_a_recount_and_leave_out_restricted_records(live_archive):
    _in_step()
    assert counts.total() == Record.objects.public().count() == Record.objects.count() - 2
    secret = Authority.objects.get(identifier="person-only-in-restricted")
    assert _authority(secret) == 0
    stalin_public = Record.objects.public().filter(authority_links__authority=live_archive.stalin).distinct().count()
    assert _authority(live_archive.stalin) == stalin_public > 0
    months = counts.dimension("m")
    assert "1951-06" not in months and "1962-10" not in months  # the restricted and the embargoed record


def test_day_two_restrict_redate_delete_merge_reimport(live_archive):
    seed = live_archive.seed
    before = _authority(live_archive.stalin)
    month = f"{seed.date_start:%Y-%m}"
    seed.access_level = AccessLevel.STAFF
    seed.save()
    _in_step()
    assert _authority(live_archive.stalin) == before - 1
    seed.access_level = AccessLevel.PUBLIC
    seed.date_edtf = "1930-01-05"
    seed.save()
    _in_step()
    assert counts.dimension("m").get("1930-01") == 1
    assert counts.dimension("m").get(month, 0) == Record.objects.public().filter(
        date_start__year=int(month[:4]), date_start__month=int(month[5:])).count()
    # merge: the merged one's links move to the kept one, and its count goes with them
    other = Authority.objects.create(kind="person", identifier="person-stalin-dup", preferred_name="Stalin, J.")
    RecordAuthority.objects.create(record=live_archive.frus[0], authority=other, role="mentioned")
    _in_step()
    assert _authority(other) == 1
    merge(live_archive.stalin.pk, other.pk)
    _in_step()
    assert _authority(other) == 0
    # a delete, and links deleted in bulk inside one transaction
    with transaction.atomic():
        live_archive.frus[1].delete()
        RecordAuthority.objects.filter(record=live_archive.frus[2]).delete()
    _in_step()
    # an embargo that has ended counts; a future one does not
    Record.objects.filter(pk=live_archive.embargoed.pk).update(embargo_until=dt.date(2000, 1, 1))
    counts.recount([live_archive.embargoed.pk])  # an `update` is announced by whoever makes it; here by hand
    _in_step()
    assert counts.dimension("m").get("1962-10") == 1


def test_a_rolled_back_change_counts_nothing(live_archive):
    total = counts.total()
    with pytest.raises(RuntimeError), transaction.atomic():
        Record.objects.create(public_id="rolled-back", title="Never there", date_edtf="1944")
        raise RuntimeError
    Record.objects.create(public_id="kept-1", title="There", date_edtf="1944")
    assert counts.total() == total + 1
    _in_step()


def test_a_rolled_back_savepoint_counts_only_what_stayed(live_archive):
    total = counts.total()
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            Record.objects.create(public_id="savepoint-gone", title="Never there", date_edtf="1944")
            raise RuntimeError
        Record.objects.create(public_id="savepoint-kept", title="There", date_edtf="1944")
        with pytest.raises(RuntimeError), transaction.atomic():
            live_archive.frus[0].delete()
            raise RuntimeError
    assert counts.total() == total + 1
    _in_step()


def test_an_embargo_that_ends_is_counted_the_next_day(live_archive):
    today = dt.date.today()
    Record.objects.filter(pk=live_archive.embargoed.pk).update(embargo_until=today + dt.timedelta(days=1))
    counts.rebuild(today)
    assert "1962-10" not in counts.dimension("m")
    counts.ensure_current(today + dt.timedelta(days=1))
    assert counts.dimension("m").get("1962-10") == 1
    assert counts.drift(today + dt.timedelta(days=1)) == []
