"""Every page kind of the reading room, each requested alone, on an N-record catalogue, beside a SQL floor.

The catalogue is benchmarks/search.py's (N records from the real texts in ../shared, 2% staff-only and
1% embargoed, a two-level collection tree, links to people, places and subjects), written with bulk
inserts; the public counts are then counted once (`counts.rebuild`, timed and shown) and the search
index built, so every page runs as it does in a served archive. Each page is requested through
Django's test client as an anonymous reader: a warm-up request, then the median of --repeat requests.

The floor, measured in the same run: for each page one indexed SELECT of the rows the page shows (the
first 50 names of a kind in order, a person's first 50 links, the record itself...), run through the
same database connection. The page's median is printed as a multiple of its floor, so that runs on
different machines compare.

    python benchmarks/pages.py [--records 1000|10000|100000] [--repeat 7]

Target (issue 15): every page <= 50 ms median alone at 100,000 records.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

TARGET_MS = 50.0


def median_ms(fn, repeat: int) -> float:
    fn()  # warm-up: caches of compiled templates, the sitemap's files, the index searcher
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def pages(sample: dict) -> list[tuple[str, str, str, list]]:
    """(kind, address, floor SQL, its parameters) for every page kind."""
    person, place, subject, collection = sample["person"], sample["place"], sample["subject"], sample["collection"]
    names = ("SELECT id, preferred_name, identifier FROM catalog_authority WHERE kind = %s "
             "ORDER BY preferred_name, identifier LIMIT 50")
    links = "SELECT record_id, role FROM catalog_recordauthority WHERE authority_id = %s LIMIT 50"
    record = "SELECT id, title, date_edtf FROM catalog_record WHERE public_id = %s"
    in_collection = ("SELECT id, public_id, title FROM catalog_record WHERE collection_id = %s "
                     "ORDER BY position LIMIT 50")
    by_pk = "SELECT id, public_id, updated FROM catalog_record WHERE id >= %s AND id < %s ORDER BY id"
    month = ("SELECT id, public_id, title FROM catalog_record WHERE date_start >= %s AND date_start < %s "
             "ORDER BY date_start, public_id LIMIT 50")
    collections = "SELECT id, identifier, title, parent_id FROM catalog_collection ORDER BY position, title"
    located = ("SELECT id, identifier, preferred_name, latitude, longitude FROM catalog_authority "
               "WHERE kind = %s AND latitude IS NOT NULL ORDER BY preferred_name")
    first_records = "SELECT id, public_id, title, date_edtf FROM catalog_record ORDER BY id LIMIT %s"
    return [
        ("home", "/", collections, []),
        ("home .json", "/.json", collections, []),
        ("browse", "/browse/", names, ["person"]),
        ("people", "/browse/people/", names, ["person"]),
        ("people, a later page", f"/browse/people/?after={sample['later']}", names, ["person"]),
        ("places", "/browse/places/", names, ["place"]),
        ("subjects", "/browse/subjects/", names, ["subject"]),
        ("collections tree", "/browse/collections/", collections, []),
        ("dates: decades", "/browse/dates/", "SELECT key, records FROM catalog_publiccount WHERE dimension = %s",
         ["m"]),
        ("dates: a year", f"/browse/dates/?year={sample['year']}", month, sample["year_range"]),
        ("dates: a month", f"/browse/dates/?year={sample['year']}&month=3", month, sample["month_range"]),
        ("a person", person.get_absolute_url(), links, [person.pk]),
        ("a place", place.get_absolute_url(), links, [place.pk]),
        ("a subject", subject.get_absolute_url(), links, [subject.pk]),
        ("a collection", collection.get_absolute_url(), in_collection, [collection.pk]),
        ("sitemap index", "/sitemap.xml", by_pk, [0, 50]),
        ("sitemap records part", "/sitemap-records-0.xml", by_pk, [0, 10_000]),
        ("sitemap authorities part", "/sitemap-authorities-0.xml", names, ["person"]),
        ("a document", f"/document/{sample['record']}/", record, [sample["record"]]),
        ("its .json", f"/document/{sample['record']}.json", record, [sample["record"]]),
        ("a search", f"/search/?q={sample['word']}", record, [sample["record"]]),
        ("map", "/map/", located, ["place"]),
        ("map .json", "/map.json", located, ["place"]),
        # A download of up to 1,000 records (EXPORT_LIMIT), not a page: its floor reads as many rows.
        ("a search's CSV export", f"/search/export.csv?q={sample['word']}", first_records, [1000]),
    ]


def sample_rows() -> dict:
    """The busiest person, place and subject, a collection, a year and a public record to request."""
    import datetime as dt

    from django.db.models import Count

    from readingroom.catalog.models import Authority, Collection, Record

    def busiest(kind: str) -> Authority:
        return (Authority.objects.filter(kind=kind).annotate(n=Count("record_links")).order_by("-n", "pk").first())

    from readingroom.web import keyset

    record = Record.objects.public().order_by("pk")[len(Record.objects.public().values_list("pk")[:500]) // 2]
    people = Authority.objects.filter(kind="person").order_by("preferred_name", "identifier")
    later = people[min(200, people.count() - 1)]
    year = record.date_start.year
    return {
        "person": busiest("person"), "place": busiest("place"), "subject": busiest("subject"),
        "collection": Collection.objects.annotate(n=Count("records")).order_by("-n", "pk").first(),
        "later": keyset.encode((later.preferred_name, later.identifier)), "record": record.public_id, "year": year, "word": record.title.split()[0],
        "year_range": [dt.date(year, 1, 1), dt.date(year + 1, 1, 1)],
        "month_range": [dt.date(year, 3, 1), dt.date(year, 4, 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per page (after one warm-up)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()

    from search_corpus import SHARED

    from search import build_catalogue, setup_django

    if not (SHARED / "ocr-noise").is_dir() or not (SHARED / "frus").is_dir():
        sys.exit(f"skipped: {SHARED}/ocr-noise and {SHARED}/frus are needed")
    data_dir = Path(tempfile.mkdtemp(prefix="rr-pages-bench-"))
    os.environ.setdefault("READINGROOM_ALLOWED_HOSTS", "testserver")
    setup_django(data_dir)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from readingroom.catalog import counts
    from readingroom.search import writer

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    corpus = build_catalogue(args.records)
    built = time.perf_counter() - started
    started = time.perf_counter()
    counted = counts.rebuild()
    counting = time.perf_counter() - started
    started = time.perf_counter()
    writer.rebuild()
    indexing = time.perf_counter() - started
    print(f"Catalogue: {corpus['records']:,} records ({corpus['public']:,} public, {counted:,} counted), "
          f"{corpus['links']:,} authority links; written in {built:.1f} s, public counts built in {counting:.1f} s, "
          f"search index in {indexing:.1f} s")
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}; "
          f"median of {args.repeat} requests per page, each alone, anonymous reader, one process\n")

    client = Client()
    rows = pages(sample_rows())
    print(f"{'page':<26} {'address':<44} {'status':>6} {'median ms':>10} {'floor ms':>9} {'x floor':>8}")
    slow = []
    ratios = {}
    for kind, url, sql, params in rows:
        status: list[int] = []

        def fetch(url: str = url, status: list[int] = status) -> None:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            status.append(response.status_code)

        def floor(sql: str = sql, params: list = params) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        page_ms, floor_ms = median_ms(fetch, args.repeat), median_ms(floor, args.repeat)
        shown = url if len(url) <= 44 else url[:41] + "..."
        print(f"{kind:<26} {shown:<44} {status[-1]:>6} {page_ms:>10.2f} {floor_ms:>9.3f} {page_ms / floor_ms:>8.0f}",
              flush=True)
        ratios[f"{kind} median / SQL floor"] = (page_ms / floor_ms, "lower")
        if page_ms > TARGET_MS:
            slow.append(kind)
    print(f"\nTarget: every page <= {TARGET_MS:.0f} ms median alone at 100,000 records; "
          + (f"above it in this run: {', '.join(slow)}" if slow else "every page within it in this run")
          + f" ({args.records:,} records). Load average at the end: {os.getloadavg()[0]:.1f}")
    from harness import report_ratios

    report_ratios("pages", ratios)
    if not args.keep:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)
    else:
        print(f"Data directory kept: {data_dir}")


if __name__ == "__main__":
    main()
