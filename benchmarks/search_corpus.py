"""Texts for the search benchmarks, read in place from ../shared (never copied into the project).

- OCR pairs: Overproof dataset 2 (Sydney Morning Herald articles, raw OCR against human correction) and
  ICDAR 2017/2019 English (raw OCR against the aligned gold standard, '@' padding removed, '#' (no gold) dropped,
  files whose gold standard is mostly missing skipped).
- FRUS paragraphs: the TEI excerpts in ../shared/frus.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@dataclass
class Pair:
    source: str
    ocr: str
    truth: str


def overproof_pairs(shared: Path = SHARED) -> list[Pair]:
    path = shared / "ocr-noise/overproof/dataset2/rawTextAndHumanCorrectionAndOverproofCorrectionTriples/allArticles.txt"
    pairs: list[Pair] = []
    ocr: list[str] = []
    truth: list[str] = []
    name = ""

    def flush() -> None:
        if ocr and truth:
            pairs.append(Pair(f"overproof:{name}", " ".join(ocr), " ".join(truth)))

    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("*$*OVERPROOF*$*"):
            flush()
            ocr, truth = [], []
            name = line.split()[1] if len(line.split()) > 1 else str(len(pairs))
            continue
        cols = line.split("||@@||")
        if len(cols) >= 2:
            ocr.append(cols[0])
            truth.append(cols[1])
    flush()
    return pairs


def icdar_pairs(shared: Path = SHARED) -> list[Pair]:
    pairs: list[Pair] = []
    folders = [shared / "ocr-noise/icdar2017/eng_monograph", shared / "ocr-noise/icdar2017/eng_periodical",
               shared / "ocr-noise/icdar2019/EN1"]
    for folder in folders:
        for path in sorted(folder.rglob("*.txt")):
            fields: dict[str, str] = {}
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                for key in ("[OCR_toInput]", "[OCR_aligned]", "[ GS_aligned]"):
                    if line.startswith(key):
                        fields[key] = line[len(key):].strip()
            ocr, gold = fields.get("[OCR_toInput]", ""), fields.get("[ GS_aligned]", "")
            if not ocr or not gold or gold.count("#") > len(gold) / 5:
                continue  # no gold standard for most of the file
            pairs.append(Pair(f"icdar:{path.parent.name}/{path.name}", ocr, gold.replace("@", "").replace("#", "")))
    return pairs


def noise_sets(shared: Path = SHARED) -> dict[str, list[Pair]]:
    """The three OCR-noise sets apart, for cross-validation: Overproof, ICDAR 2017, ICDAR 2019."""
    icdar = icdar_pairs(shared)
    return {
        "Overproof": overproof_pairs(shared),
        "ICDAR2017": [p for p in icdar if p.source.split(":")[1].split("/")[0] in {"eng_monograph", "eng_periodical"}],
        "ICDAR2019": [p for p in icdar if p.source.split(":")[1].split("/")[0] == "EN1"],
    }


def frus_paragraphs(shared: Path = SHARED) -> list[tuple[str, str]]:
    """(title, paragraph) pairs from every FRUS excerpt."""
    from lxml import etree

    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    out: list[tuple[str, str]] = []
    for path in sorted((shared / "frus").glob("*.xml")):
        for div in etree.parse(str(path)).iterfind(".//t:div[@type='document']", ns):
            head = div.find("t:head", ns)
            title = " ".join("".join(head.itertext()).split()) if head is not None else path.stem
            for p in div.iterfind(".//t:p", ns):
                text = " ".join("".join(p.itertext()).split())
                if len(text) > 40:
                    out.append((title, text))
    return out


def chunks(text: str, words: int = 120) -> list[str]:
    parts = text.split()
    return [" ".join(parts[i:i + words]) for i in range(0, len(parts), words) if len(parts[i:i + words]) >= 20]
