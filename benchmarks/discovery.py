"""How do the discovery pages (issue 13) hold up at archive scale?

Fills a temporary data directory with N records (default 100,000; 3% restricted) as benchmarks/search.py
does (its catalogue builder: people, subjects and the gazetteer's places linked to records, dates 1842-1960),
gives the places their gazetteer coordinates, builds the search index, adds a theme of 50 records and 2,000
relations, then asks the real views through Django's test client as an anonymous reader (no server: the
figures are the views' own). Each page is asked `--repeat` times; the table gives the median and the worst.

Floors, measured in the same run on the same database with Python's sqlite3 (what the page cannot beat):
the map's place counts as one GROUP BY over the record-place links, and the date histogram's year counts as
one GROUP BY over the records. The ratio column is page / floor.

    PYTHONPATH=src:benchmarks python benchmarks/discovery.py [--records 100000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import search as corpus

MAP_FLOOR = """
SELECT ra.authority_id, COUNT(DISTINCT ra.record_id) FROM catalog_recordauthority ra
JOIN catalog_record r ON r.id = ra.record_id JOIN catalog_authority a ON a.id = ra.authority_id
WHERE a.kind = 'place' AND (r.access_level = 'public' OR (r.access_level = 'embargoed' AND r.embargo_until <= date('now')))
GROUP BY ra.authority_id"""
DATES_FLOOR = """
SELECT strftime('%Y', date_start), COUNT(*) FROM catalog_record
WHERE date_start IS NOT NULL AND (access_level = 'public' OR (access_level = 'embargoed' AND embargo_until <= date('now')))
GROUP BY 1"""


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm: the first request loads templates, the index reader, the country table
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def prepare(records: int) -> dict:
    from readingroom.catalog.models import Record
    from readingroom.catalog.relations import Relation
    from readingroom.catalog.themes import Theme, ThemeEntry
    from readingroom.search import writer

    built = corpus.build_catalogue(records)
    public = list(Record.objects.public().order_by("pk").values_list("pk", flat=True))
    rng = random.Random(13)
    theme = Theme.objects.create(title="Benchmark theme", slug="bench-theme", published=True, overview="Fifty records.")
    ThemeEntry.objects.bulk_create(ThemeEntry(theme=theme, record_id=pk, position=i)
                                   for i, pk in enumerate(rng.sample(public, 50)))
    pairs = {(a, b) for a, b in (rng.sample(public, 2) for _ in range(2000))}
    Relation.objects.bulk_create([Relation(source_id=a, target_id=b, kind="mentions", origin="staff")
                                  for a, b in pairs], ignore_conflicts=True)
    start = time.perf_counter()
    writer.rebuild()
    built["index_s"] = time.perf_counter() - start
    related = Relation.objects.values_list("source__public_id", flat=True).first()
    built["document"] = f"/document/{related}/"
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="rr-discovery-"))
    corpus.setup_django(data)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    built = prepare(args.records)
    print(f"Corpus: {built['records']:,} records ({built['public']:,} public), {built['links']:,} authority links, "
          f"a theme of 50 records, 2,000 relations; built in {time.perf_counter() - start:.0f} s "
          f"(index {built['index_s']:.0f} s)")
    print(f"Machine: {os.cpu_count()} cores; load average at the start {os.getloadavg()[0]:.1f}")

    from django.db import connection
    from django.test import Client

    client = Client()
    database = connection.settings_dict["NAME"]
    raw = sqlite3.connect(database)

    def get(url: str):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return fetch

    floors = {"map": timed(lambda: raw.execute(MAP_FLOOR).fetchall(), args.repeat)[0],
              "dates": timed(lambda: raw.execute(DATES_FLOOR).fetchall(), args.repeat)[0]}
    rows = [
        ("floor: place counts, one SQL GROUP BY", None, "map"),
        ("/map.json", "/map.json", "map"),
        ("/map/ (map and the list by region)", "/map/", "map"),
        ("floor: year counts, one SQL GROUP BY", None, "dates"),
        ("/browse/dates/ (decades)", "/browse/dates/", "dates"),
        ("/browse/dates/?decade=1940", "/browse/dates/?decade=1940", "dates"),
        ("/browse/dates/?year=1944 (months, records)", "/browse/dates/?year=1944", "dates"),
        ("/themes/", "/themes/", None),
        ("/themes/bench-theme/ (50 records, map)", "/themes/bench-theme/", None),
        ("document page with relations and same day", built["document"], None),
        ("/search/advanced/ (pick lists)", "/search/advanced/", None),
        ("/search/?q=… with the histogram", "/search/?q=army", None),
        ("/search/?all=…&from=…&to=… (form fields)", "/search/?all=army&from=1900&to=1950", None),
        ("/search/export.csv (first 1,000 records)", "/search/export.csv?q=army", None),
    ]
    print(f"\n{'request':<48} {'median ms':>10} {'max ms':>9} {'x floor':>8}")
    ratios = {}
    for label, url, floor in rows:
        median, worst = (floors[floor], floors[floor]) if url is None else timed(get(url), args.repeat)
        ratio = f"{median / floors[floor]:8.1f}" if floor and url else " " * 8
        if floor and url:
            ratios[f"{url} median / SQL floor"] = (median / floors[floor], "lower")
        print(f"{label:<48} {median:10.1f} {worst:9.1f} {ratio}")
    from harness import report_ratios

    report_ratios("discovery", ratios)
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
