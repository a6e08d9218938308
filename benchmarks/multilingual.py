"""Search across languages and scripts: recall@10 of queries drawn from the Universal Declaration.

Each article of ../shared/multilingual/udhr (30 articles in English, French, German, Russian, Chinese
(Simplified) and Japanese) becomes a record of its own, stored through the import pipeline and indexed
by readingroom's writer; the Chinese articles are also stored converted to Traditional (OpenCC s2t), as
records of their own. Queries are drawn from the texts by one rule fixed before any run (seed 12):

- words: a word of 4 letters or more (Chinese and Japanese: two adjacent characters) that occurs in
  exactly one article of its language, so that article is the one right answer;
- phrases: 2-4 adjacent words (Chinese and Japanese: 3-6 adjacent characters) that occur in exactly one
  article of their language, searched as a quoted phrase.

A query is a hit when article N of that language is among the first 10 results of readingroom's search
(engine.search, the search page's path). Cross-script: Simplified queries must find the Traditional
article N, and the same queries converted to Traditional the Simplified article N. The floor, measured
in the same run, is a plain Tantivy index of the same texts with Tantivy's default analyzer and query
parser. Target: recall >= 0.95 for each language and for both cross-script directions.

    python benchmarks/multilingual.py [--queries 100] [--seed 12]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import REPO, setup_django  # noqa: E402

UDHR = REPO.parent / "shared" / "multilingual" / "udhr"
FILES = {"en": "udhr_eng.xml", "fr": "udhr_fra.xml", "de": "udhr_deu_1996.xml", "ru": "udhr_rus.xml",
         "zh-Hans": "udhr_cmn_hans.xml", "ja": "udhr_jpn.xml"}
CJK = {"zh-Hans", "zh-Hant", "ja"}
WORD = re.compile(r"\w+")
CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")


def articles(path: Path) -> dict[int, str]:
    from lxml import etree

    tree = etree.parse(str(path))
    ns = {"u": "http://efele.net/udhr"}
    return {int(a.get("number")): " ".join(" ".join(a.itertext()).split()) for a in tree.iterfind(".//u:article", ns)}


def units(text: str, language: str, size: int) -> list[str]:
    """Every run of `size` adjacent words (CJK: characters, within one run of them), as written."""
    if language in CJK:
        return [run[i:i + size] for run in CJK_RUN.findall(text) for i in range(len(run) - size + 1)]
    words = WORD.findall(text)
    return [" ".join(words[i:i + size]) for i in range(len(words) - size + 1)]


def draw(texts: dict[int, str], language: str, n: int, rng: random.Random) -> dict[str, list[tuple[str, int]]]:
    """Words and phrases that occur in exactly one article, with that article's number."""
    drawn: dict[str, list[tuple[str, int]]] = {}
    sizes = {"words": [2] if language in CJK else [1], "phrases": [3, 4, 5, 6] if language in CJK else [2, 3, 4]}
    for kind, lengths in sizes.items():
        candidates: list[tuple[str, int]] = []
        for size in lengths:
            where: dict[str, set[int]] = {}
            for number, text in texts.items():
                for unit in units(text, language, size):
                    if language not in CJK and size == 1 and len(unit) < 4:
                        continue
                    where.setdefault(unit.lower(), set()).add(number)
            candidates += [(u, next(iter(ns))) for u, ns in sorted(where.items()) if len(ns) == 1]
        drawn[kind] = rng.sample(candidates, min(n, len(candidates)))
    return drawn


def build_catalogue(texts: dict[str, dict[int, str]]) -> None:
    from readingroom.ingest.pipeline import store_record
    from readingroom.ingest.records import CollectionRef, ContentItem, ParsedRecord
    from readingroom.search import rebuild

    udhr = CollectionRef("udhr", "Universal Declaration of Human Rights")
    for language, by_number in texts.items():
        for number, text in by_number.items():
            store_record(ParsedRecord(
                public_id=f"udhr-{language}-{number}", title=f"Article {number}", date_edtf="1948-12-10",
                languages=[language], collection=udhr, contents=[ContentItem("transcript", language, text)]))
    rebuild()


def readingroom_recall(queries: list[tuple[str, int]], language: str, phrase: bool) -> tuple[float, float]:
    from readingroom.search import search

    found, started = 0, time.perf_counter()
    for text, number in queries:
        q = f'"{text}"' if phrase else text
        top = [h.public_id for h in search(q, per_page=10, with_facets=False, with_snippets=False).hits]
        found += f"udhr-{language}-{number}" in top
    return found / max(1, len(queries)), (time.perf_counter() - started) / max(1, len(queries)) * 1000


def plain_index(texts: dict[str, dict[int, str]]):
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_text_field("body", stored=False)
    index = tantivy.Index(sb.build())
    writer = index.writer(50_000_000, 1)
    for language, by_number in texts.items():
        for number, text in by_number.items():
            writer.add_document(tantivy.Document(id=f"udhr-{language}-{number}", body=text))
    writer.commit()
    index.reload()
    return index


def plain_recall(index, queries: list[tuple[str, int]], language: str, phrase: bool) -> float:
    searcher, found = index.searcher(), 0
    for text, number in queries:
        escaped = re.sub(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)', r"\\\1", text)
        try:
            q = index.parse_query(f'"{escaped}"' if phrase else escaped, ["body"])
        except ValueError:
            continue
        top = [searcher.doc(a).get_first("id") for _s, a in searcher.search(q, limit=10).hits]
        found += f"udhr-{language}-{number}" in top
    return found / max(1, len(queries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=100, help="words and phrases drawn per language, each")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    if not UDHR.is_dir():
        sys.exit(f"skipped: {UDHR} is absent (the UDHR texts of ../shared/multilingual)")
    setup_django(Path(tempfile.mkdtemp(prefix="rr-multilingual-")))
    import opencc

    to_traditional = opencc.OpenCC("s2t.json")
    texts = {language: articles(UDHR / name) for language, name in FILES.items()}
    texts["zh-Hant"] = {n: to_traditional.convert(t) for n, t in texts["zh-Hans"].items()}
    started = time.perf_counter()
    build_catalogue(texts)
    print(f"Index: {sum(map(len, texts.values()))} records (30 articles x {len(texts)} language versions), "
          f"built in {time.perf_counter() - started:.1f} s; seed {args.seed}, up to {args.queries} queries of each kind\n")
    plain = plain_index(texts)
    rng = random.Random(args.seed)
    rows = []
    for language in FILES:
        for kind, queries in draw(texts[language], language, args.queries, rng).items():
            phrase = kind == "phrases"
            r, ms = readingroom_recall(queries, language, phrase)
            rows.append((language, kind, len(queries), r, plain_recall(plain, queries, language, phrase), ms))
    # Cross-script: the same Simplified queries against the Traditional articles, and back.
    simplified = draw(texts["zh-Hans"], "zh-Hans", args.queries, random.Random(args.seed + 1))
    for kind, queries in simplified.items():
        phrase = kind == "phrases"
        r, ms = readingroom_recall(queries, "zh-Hant", phrase)
        rows.append(("Hans -> Hant", kind, len(queries), r, plain_recall(plain, queries, "zh-Hant", phrase), ms))
        back = [(to_traditional.convert(q), n) for q, n in queries]
        r, ms = readingroom_recall(back, "zh-Hans", phrase)
        rows.append(("Hant -> Hans", kind, len(back), r, plain_recall(plain, back, "zh-Hans", phrase), ms))
    print(f"{'language':<13} {'queries':<8} {'n':>4} {'recall@10':>9} {'plain':>7} {'ratio':>7} {'ms/query':>9}")
    for language, kind, n, r, floor, ms in rows:
        ratio = f"{r / floor:>7.2f}" if floor else f"{'-':>7}"
        flag = "" if r >= 0.95 else "  below target"
        print(f"{language:<13} {kind:<8} {n:>4} {r:>9.3f} {floor:>7.3f} {ratio} {ms:>9.1f}{flag}")
    print("\nTarget: recall@10 >= 0.95 per language and direction. plain: Tantivy's default analyzer and "
          "query parser on the same texts (the floor); ratio: readingroom / plain.")
    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average "
          f"{os.getloadavg()[0]:.1f} at the end of the run.")
    from harness import report_ratios

    # Recall is not a speed: it holds on every machine, and any fall is a regression.
    recalls = [r for _, _, _, r, _, _ in rows]
    report_ratios("multilingual", {"lowest recall@10 of any language and direction": (min(recalls), "higher"),
                                   "mean recall@10": (sum(recalls) / len(recalls), "higher")})


if __name__ == "__main__":
    main()
