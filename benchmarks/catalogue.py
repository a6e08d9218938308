"""The benchmarks' catalogue: N records made from the real texts in ../shared, written straight to the
catalogue in batches (bulk inserts, streamed), so 100,000 records take minutes and little memory.

Ground-truth chunks of the Overproof and ICDAR OCR sets and FRUS paragraphs as transcripts, raw-OCR
chunks as scan text (on 60% of records), dates 1842-1960, document types, languages, classifications,
a two-level collection tree and links to people, places (the gazetteer's) and subjects; 2% staff-only
and 1% embargoed. With `relations`, a share of the records also reply to or mention earlier ones (and a
few "hub" records are mentioned by many), as FRUS volumes do.

Used by benchmarks/search.py, discovery.py and web.py; it imports nothing from tests/."""

from __future__ import annotations

import random

TYPES = ["telegram", "memorandum", "letter", "report", "minutes", "despatch", "airgram", "note"]
LANGS = ["en"] * 17 + ["fr", "de", "ru"]
CLASSES = ["", "", "SECRET", "TOP SECRET", "CONFIDENTIAL", "RESTRICTED"]
HUBS = 20  # records mentioned by many others (the first ones), for pages with long "related" lists


def text_pools() -> tuple[list[str], list[str], list[str]]:
    from search_corpus import chunks, frus_paragraphs, icdar_pairs, overproof_pairs

    pairs = overproof_pairs() + icdar_pairs()
    truth = [c for p in pairs for c in chunks(p.truth)]
    ocr = [c for p in pairs for c in chunks(p.ocr)]
    frus = [text for _title, text in frus_paragraphs()]
    return truth, ocr, frus


def shared_texts_present() -> bool:
    from search_corpus import SHARED

    return (SHARED / "ocr-noise").is_dir() and (SHARED / "frus").is_dir()


def build_catalogue(n: int, relations: float = 0.0) -> dict:
    """Fill the catalogue with n records, streaming in batches; return a description. With `relations`
    (0-1), about that share of records replies to an earlier record and half as many mention a hub."""
    import datetime as dt

    from readingroom.catalog import gazetteer
    from readingroom.catalog.models import Authority, Collection, Content, Record, RecordAuthority
    from readingroom.catalog.relations import Relation

    truth, ocr, frus = text_pools()
    gazetteer.load()
    places = list(Authority.objects.filter(kind="place").values_list("pk", flat=True))
    people = [Authority.objects.create(kind="person", identifier=f"person-bench-{i}",
                                       preferred_name=f"{random.Random(i).choice(truth).split()[0].title()} "
                                                      f"Person{i}").pk for i in range(300)]
    subjects = [Authority.objects.create(kind="subject", identifier=f"subject-bench-{i}",
                                         preferred_name=f"Subject {i}").pk for i in range(60)]
    roots = [Collection.objects.create(identifier=f"bench-{i}", title=f"Benchmark collection {i}") for i in range(10)]
    series = [Collection.objects.create(identifier=f"bench-{i}-{j}", title=f"Series {j} of collection {i}",
                                        level="series", parent=roots[i]) for i in range(10) for j in range(5)]
    batch = 2000
    contents_total = links_total = relations_total = 0
    for start in range(0, n, batch):
        records, plans = [], []
        for i in range(start, min(n, start + batch)):
            rng = random.Random(i)
            day = dt.date(rng.randint(1842, 1960), rng.randint(1, 12), rng.randint(1, 28))
            access = rng.random()
            title_words = rng.choice(truth).split()[:rng.randint(5, 12)]
            records.append(Record(
                public_id=f"bench-{i}", title=" ".join(title_words), date_edtf=day.isoformat(), date_start=day,
                date_end=day, document_type=rng.choice(TYPES), classification=rng.choice(CLASSES),
                languages=[rng.choice(LANGS)], collection=rng.choice(series + roots[:2]),
                access_level="staff" if access < 0.02 else "embargoed" if access < 0.03 else "public",
                embargo_until=dt.date(2999, 1, 1) if 0.02 <= access < 0.03 else None, position=i,
            ))
            transcript = "\n\n".join(rng.sample(truth, 2) + ([rng.choice(frus)] if rng.random() < 0.3 else []))
            scan = rng.choice(ocr) if rng.random() < 0.6 else ""
            links = ([(p, "mentioned") for p in rng.sample(people, rng.randint(0, 3))]
                     + [(p, "mentioned") for p in rng.sample(places, rng.randint(0, 2))]
                     + [(s, "subject") for s in rng.sample(subjects, rng.randint(0, 1))])
            # Drawn from their own generator, so the records themselves are the same with or without relations.
            pick = random.Random(-1 - i)
            related = []
            if i > 0 and pick.random() < relations:
                related.append((f"bench-{pick.randrange(i)}", Relation.Kind.REPLIES_TO))
            if i > HUBS and pick.random() < relations / 2:
                related.append((f"bench-{pick.randrange(HUBS)}", Relation.Kind.MENTIONS))
            plans.append((transcript, scan, links, related))
        Record.objects.bulk_create(records, batch_size=500)
        targets = {t for plan in plans for t, _kind in plan[3]}
        ids = dict(Record.objects.filter(public_id__in=[r.public_id for r in records] + sorted(targets))
                   .values_list("public_id", "pk"))
        contents, links, rows = [], [], []
        for record, (transcript, scan, record_links, related) in zip(records, plans, strict=True):
            pk = ids[record.public_id]
            contents.append(Content(record_id=pk, position=0, kind="transcript", language=record.languages[0],
                                    text=transcript))
            if scan:
                contents.append(Content(record_id=pk, position=1, kind="scan", language="en", text=scan))
            links.extend(RecordAuthority(record_id=pk, authority_id=a, role=role) for a, role in record_links)
            rows.extend(Relation(source_id=pk, target_id=ids[target], kind=kind, origin=Relation.Origin.FRUS)
                        for target, kind in related)
        Content.objects.bulk_create(contents, batch_size=500)
        RecordAuthority.objects.bulk_create(links, batch_size=500)
        Relation.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
        contents_total += len(contents)
        links_total += len(links)
        relations_total += len(rows)
    chars = sum(len(c) for c in truth) + sum(len(c) for c in ocr)
    return {"records": n, "contents": contents_total, "links": links_total, "relations": relations_total,
            "truth_chunks": len(truth), "ocr_chunks": len(ocr), "frus_paragraphs": len(frus), "pool_chars": chars,
            "public": Record.objects.public().count()}
