"""The document page's cached parts (previous/next, related, same day, more like this): served from the cache
on a second visit, and never stale or leaking after an edit, a restriction, a delete, a new relation or an
index update (day two, with the real index and its incremental writer)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from readingroom.catalog.models import AccessLevel, Authority, Content, Record, RecordAuthority
from readingroom.catalog.relations import Relation
from readingroom.search import writer
from readingroom.web import document_parts

from .conftest import forget_cached_pages
from .test_relations_page import section

DAY = "1944-01-01"  # frus[0]'s date in the sample archive


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return [q["sql"] for q in captured.captured_queries]


@pytest.fixture
def linked(archive):
    """frus[1]'s page shows frus[0] in every computed part: previous record, "replies to", same day and
    (their texts are alike) more like this. The index is built."""
    first, second = archive.frus[0], archive.frus[1]
    second.date_edtf = DAY
    second.save()
    Relation.objects.create(source=second, target=first, kind=Relation.Kind.REPLIES_TO, note="Ante, No. 1.")
    writer.rebuild()
    return archive


def _page(client, record: Record) -> str:
    return client.get(record.get_absolute_url()).content.decode()


def _shows(html: str, record: Record) -> dict[str, bool]:
    href = f'href="{record.get_absolute_url()}"'
    nav = html[html.find('<nav class="record-nav"'):]
    return {"previous": href in nav[:nav.find("</nav>")], "related": href in section(html, "related-records"),
            "same day": href in section(html, "same-day"), "more like this": href in section(html, "more-like-this")}


def _json_mentions(client, record: Record, other: Record) -> list[str]:
    data = client.get(f"/document/{record.public_id}.json").json()
    found = []
    if data["previous"] == other.public_id:
        found.append("previous")
    if other.public_id in [r["id"] for g in data["related"] for r in g["records"]]:
        found.append("related")
    if data["same_day"] and other.public_id in [r["id"] for r in data["same_day"]["records"]]:
        found.append("same day")
    return found


@pytest.mark.django_db
def test_a_second_visit_takes_the_parts_from_the_cache(client, linked):
    url = linked.frus[1].get_absolute_url()
    first = _queries(client, url)
    second = _queries(client, url)
    assert len(second) < len(first)
    computed = ("catalog_relation", "search_indextask", "ORDER BY \"catalog_record\".\"position\" DESC")
    assert [q for q in first if any(c in q for c in computed)]
    assert not [q for q in second if any(c in q for c in computed)], second
    assert _shows(_page(client, linked.frus[1]), linked.frus[0]) == dict.fromkeys(
        ("previous", "related", "same day", "more like this"), True)


@pytest.mark.django_db
def test_a_record_restricted_after_being_cached_leaves_every_part_at_once(client, admin_client, linked):
    first, second = linked.frus[0], linked.frus[1]
    admin_client.get(second.get_absolute_url())  # staff fill their own entries first
    assert all(_shows(_page(client, second), first).values())
    assert _json_mentions(client, second, first) == ["previous", "related", "same day"]
    first.access_level = AccessLevel.STAFF
    first.save()  # the index writer has not run: it still holds the record as public
    html = _page(client, second)
    assert f'href="{first.get_absolute_url()}"' not in html and first.title not in html
    assert _json_mentions(client, second, first) == []
    # staff still see it: the two sides never share an entry
    assert all(_shows(_page(admin_client, second), first).values())
    writer.drain()  # and once the index has it
    assert not any(_shows(_page(client, second), first).values())
    assert first.title not in _page(client, second)


@pytest.mark.django_db
def test_staff_entries_never_reach_the_public(client, admin_client, linked):
    first, second = linked.frus[0], linked.frus[1]
    first.access_level = AccessLevel.STAFF
    first.save()
    writer.drain()
    staff = _shows(_page(admin_client, second), first)
    assert staff["previous"] and staff["related"] and staff["same day"]
    assert not any(_shows(_page(client, second), first).values())
    assert _json_mentions(client, second, first) == []


@pytest.mark.django_db
def test_an_edit_a_delete_and_a_new_relation_show_at_once(client, linked):
    first, second, third = linked.frus[0], linked.frus[1], linked.frus[2]
    _page(client, second)
    first.title = "A corrected title of the first telegram"
    first.save()
    html = _page(client, second)
    assert html.count("A corrected title of the first telegram") >= 3  # previous, related, same day
    Relation.objects.create(source=third, target=second, kind=Relation.Kind.MENTIONS)
    assert f'href="{third.get_absolute_url()}"' in section(_page(client, second), "related-records")
    Relation.objects.filter(source=third).delete()
    assert f'href="{third.get_absolute_url()}"' not in section(_page(client, second), "related-records")
    first.delete()
    html = _page(client, second)
    assert f'href="{first.get_absolute_url()}"' not in html and "corrected title" not in html


@pytest.mark.django_db
def test_a_collection_renamed_reorders_the_same_day_at_once(client, linked):
    """The same-day list is ordered by collection title: a renamed collection is a change of the cached part."""
    memo = Record.objects.create(public_id="memo-1", title="Memorandum of that day", date_edtf=DAY,
                                 collection=linked.collections["harriman"])

    def order() -> list[str]:
        data = client.get(f"/document/{linked.frus[1].public_id}.json").json()
        return [r["id"] for r in data["same_day"]["records"]]

    assert order() == [linked.frus[0].public_id, memo.public_id]  # "The Soviet Union" < "W. Averell ..."
    linked.collections["chapter"].title = "Zhou's chapter"
    linked.collections["chapter"].save()
    assert order() == [memo.public_id, linked.frus[0].public_id]


@pytest.mark.django_db
def test_an_index_update_refreshes_more_like_this(client, linked):
    second = linked.frus[1]
    twin = Record.objects.create(public_id="twin-1", title="A telegram like the others", date_edtf="1950-05-05")
    Content.objects.create(record=twin, kind=Content.Kind.TRANSCRIPT, language="en",
                           text=Content.objects.filter(record=second).first().text * 3)
    before = _page(client, second)  # cached while the new record waits in the queue
    assert 'href="/document/twin-1/"' not in section(before, "more-like-this")
    generation = document_parts.generation()
    writer.drain()  # a commit of the index and nothing else: no catalogue change
    assert document_parts.generation() == generation
    assert 'href="/document/twin-1/"' in section(_page(client, second), "more-like-this")


@pytest.mark.django_db(transaction=True)
def test_other_processes_learn_of_a_change_when_it_commits(linked):
    """The file every process reads changes once per transaction, at its commit: an import writes it once,
    and no process caches what it read before the commit under the new generation."""
    record = linked.frus[0]
    before = document_parts.generation()
    with transaction.atomic():
        for n in range(5):
            record.title = f"Edited {n}"
            record.save()
        Relation.objects.create(source=linked.frus[2], target=record, kind=Relation.Kind.MENTIONS)
        assert document_parts.generation() == before
        with pytest.raises(RuntimeError), transaction.atomic():  # a rolled-back savepoint keeps the callback
            record.save()
            raise RuntimeError
    after = document_parts.generation()
    assert after != before
    with transaction.atomic():
        pass
    assert document_parts.generation() == after


def _grow_around(record: Record, count: int) -> None:
    """`count` more records related to `record`, dated its day, in its collection, and linked authorities."""
    for n in range(count):
        other = Record.objects.create(public_id=f"around-{record.pk}-{n}", title=f"Around {n}", date_edtf=DAY,
                                      collection=record.collection, position=100 + n)
        Relation.objects.create(source=other, target=record, kind=Relation.Kind.MENTIONS, note=f"note {n}")
        Relation.objects.create(source=record, target=other, kind=Relation.Kind.ENCLOSES)
        person = Authority.objects.create(kind="person", identifier=f"around-p-{n}", preferred_name=f"Person {n}")
        RecordAuthority.objects.create(record=record, authority=person, role="mentioned")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_relations_and_links(client, linked):
    record = linked.frus[1]
    url = record.get_absolute_url()
    forget_cached_pages()
    cold_small, warm_small = len(_queries(client, url)), len(_queries(client, url))
    _grow_around(record, 30)
    writer.drain()  # an empty queue, as before (a waiting one costs the search one query more)
    forget_cached_pages()
    cold_large, warm_large = len(_queries(client, url)), len(_queries(client, url))
    assert section(_page(client, record), "related-records").count("<li>") >= 60
    assert cold_large <= cold_small and warm_large <= warm_small
    assert cold_large <= 12, cold_large  # the record and its parts, and the parts computed
    assert warm_large <= 6, warm_large  # the record and its parts alone


@pytest.mark.django_db
def test_embargo_ending_at_midnight_is_a_new_key(client, linked, monkeypatch):
    first, second = linked.frus[0], linked.frus[1]
    first.access_level, first.embargo_until = AccessLevel.EMBARGOED, dt.date.today() + dt.timedelta(days=1)
    first.save()
    writer.drain()
    assert not any(_shows(_page(client, second), first).values())
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: tomorrow)
    assert _shows(_page(client, second), first)["related"]
