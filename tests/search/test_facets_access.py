"""Facet counts against the database, multi-select, and restricted records kept out of everything."""

from __future__ import annotations

from collections import Counter

from readingroom.catalog.models import Record, RecordAuthority
from readingroom.search.engine import search

from .conftest import STAFF
from .helpers import ids


def _flatten(values, into: dict[str, int]) -> dict[str, int]:
    for v in values:
        into[v.value] = v.count
        _flatten(v.children, into)
    return into


def facet_counts(results, name: str) -> dict[str, int]:
    for facet in results.facets:
        if facet.name == name:
            return _flatten(facet.values, {})
    return {}


def database_counts(records) -> dict[str, Counter]:
    records = list(records.select_related("collection", "collection__parent"))
    counts: dict[str, Counter] = {k: Counter() for k in ("type", "year", "decade", "language", "classification",
                                                         "collection", "person", "place", "subject")}
    for r in records:
        if r.document_type:
            counts["type"][r.document_type.lower()] += 1
        if r.date_start:
            counts["year"][str(r.date_start.year)] += 1
            counts["decade"][str(r.date_start.year // 10 * 10)] += 1
        for code in set(r.languages):
            counts["language"][code] += 1
        if r.classification:
            counts["classification"][r.classification.upper()] += 1
        if r.collection:
            for node in r.collection.ancestors():
                counts["collection"][node.identifier] += 1
    links = RecordAuthority.objects.filter(record__in=[r.pk for r in records]).select_related("authority")
    for kind in ("person", "place", "subject"):
        per_record = {(link.record_id, link.authority.identifier) for link in links if link.authority.kind == kind}
        counts[kind] = Counter(identifier for _pk, identifier in per_record)
    return counts


def test_facet_counts_equal_database_counts(search_corpus):
    results = search("")
    assert results.total == Record.objects.public().count()
    expected = database_counts(Record.objects.public())
    for name, counter in expected.items():
        assert facet_counts(results, name) == dict(counter), name


def test_facet_counts_follow_the_query(search_corpus):
    results = search("Warsaw")
    matching = Record.objects.public().filter(public_id__in=ids("Warsaw"))
    assert results.total == matching.count() >= 4
    expected = database_counts(matching)
    for name in ("type", "year", "collection", "person"):
        assert facet_counts(results, name) == dict(expected[name]), name


def test_staff_facets_count_everything(search_corpus):
    results = search("", user=STAFF)
    assert results.total == Record.objects.count()
    assert facet_counts(results, "type") == dict(database_counts(Record.objects.all())["type"])


def test_multi_select_within_and_across_dimensions(made_up):
    both = search("", selection={"type": ["report", "letter"]})
    assert {h.public_id for h in both.hits} == {"mu-ocr-1", "mu-ocr-2", "mu-russian"}
    # The selected dimension still counts the other values, so a reader can add one...
    assert facet_counts(both, "type")["memorandum"] == 2
    # ...while other dimensions count within the selection.
    assert facet_counts(both, "year") == {"1944": 3}
    narrowed = search("", selection={"type": ["report", "letter"], "language": ["ru"]})
    assert [h.public_id for h in narrowed.hits] == ["mu-russian"]
    assert facet_counts(narrowed, "type") == {"letter": 1, "report": 0}  # selected, kept to unselect
    junk = search("", selection={"year": ["not-a-number"], "nonsense": ["x"]})
    assert junk.total == Record.objects.public().count()


def test_restricted_records_absent_from_results_counts_and_facets(made_up):
    hidden = {"mu-staff", "mu-embargo-future"}
    for query in ("", "Shandong", '"inner defense line"', "Shantung", "secret", "embargoed", "Hidden",
                  "person:Secretagent", "subject:hidden", "classification:top", "date:1944-02"):
        results = search(query)
        assert not hidden & {h.public_id for h in results.hits}, query
        counted = sum(facet_counts(results, "type").values())
        assert counted == results.total, query  # each record has one type: counts add up to the total
        assert "TOP SECRET" not in facet_counts(results, "classification")
        assert "person-secretagent-hidden" not in facet_counts(results, "person")
        assert "subject-hidden-subject" not in facet_counts(results, "subject")
    assert search("Hidden").total == 0 and search('"embargoed text"').total == 0
    # The embargo that has ended is public; staff see everything.
    assert "mu-embargo-past" in ids("Tsingtao")
    assert hidden <= set(ids("", user=STAFF))
    assert search("classification:top", user=STAFF).total == 1
