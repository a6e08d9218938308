"""How long does /sitemap.xml (the index) and one of its parts take at 100,000 records?

Fills a temporary data directory with N records (one in ten restricted), N/5 authorities linked to them and
a few collections, with bulk inserts, then asks the real views through Django's test client (no server, so
the figures are the view's own): each request cold (just after a change, so built), then warm (kept
files). The baseline is the cold build in the same process. Target: warm requests under 200 ms.

    PYTHONPATH=src python benchmarks/sitemap.py [--records 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from harness import setup_django


def prepare(data_dir: Path, records: int) -> None:
    (data_dir / "media").mkdir(parents=True)
    setup_django(data_dir)
    from readingroom.catalog.models import AccessLevel, Authority, Collection, Record, RecordAuthority

    volumes = [Collection.objects.create(identifier=f"volume-{n}", title=f"Volume {n}") for n in range(20)]
    Record.objects.bulk_create(
        [Record(public_id=f"bench/d{n}", title=f"Telegram {n}", date_edtf="1944-02-02",
                access_level=AccessLevel.STAFF if n % 10 == 0 else AccessLevel.PUBLIC,
                collection=volumes[n % len(volumes)]) for n in range(records)],
        batch_size=5000)
    Authority.objects.bulk_create(
        [Authority(kind="person", identifier=f"person-{n}", preferred_name=f"Person {n}") for n in range(records // 5)],
        batch_size=5000)
    record_pks = list(Record.objects.order_by("pk").values_list("pk", flat=True))
    authority_pks = list(Authority.objects.order_by("pk").values_list("pk", flat=True))
    RecordAuthority.objects.bulk_create(
        [RecordAuthority(record_id=record_pks[(n * 5) % len(record_pks)], authority_id=pk, role="mentioned")
         for n, pk in enumerate(authority_pks)], batch_size=5000)


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200 and body, url
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        prepare(Path(tmp) / "data", args.records)
        print(f"{args.records:,} records prepared in {time.perf_counter() - started:.1f} s")
        from django.test import Client

        from readingroom.catalog.models import Record
        from readingroom.catalog.signals import announce

        client = Client()
        middle = Record.objects.public().order_by("pk")[args.records // 2]
        part = f"/sitemap-records-{middle.pk // 10_000}.xml"
        rows: dict[str, dict[str, list[float]]] = {}
        for _ in range(args.repeat):
            Record.objects.filter(pk=middle.pk).update(title=middle.title + ".")
            announce([middle.pk])  # a change: the next requests build afresh
            for url in ("/sitemap.xml", part):
                rows.setdefault(url, {"cold": [], "warm": []})["cold"].append(timed(client, url))
            for url in ("/sitemap.xml", part):
                rows[url]["warm"] += [timed(client, url) for _ in range(5)]
        print(f"{'request':32} {'cold p50 ms':>12} {'cold max':>9} {'warm p50 ms':>12} {'warm max':>9}")
        for url, times in rows.items():
            print(f"{url:32} {statistics.median(times['cold']):12.1f} {max(times['cold']):9.1f} "
                  f"{statistics.median(times['warm']):12.1f} {max(times['warm']):9.1f}")


if __name__ == "__main__":
    main()
