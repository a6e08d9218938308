"""OCR: accuracy and speed of readingroom's pipeline against bare Tesseract on the same pages, same run.

    PYTHONPATH=src python benchmarks/ocr.py [--rounds 3]

Pages: ../shared/ocr-gt/tesseract-test (two UNLV-ISRI business pages, OCR'd inside the zones of their
`.uzn` files as their ground truth covers only those, plus Tesseract's phototest and eurotext) and the
UW-III test lines of ../shared/ocr-gt/calamari-uw3-lines. Reports CER/WER per page and overall, pages/min
with 1 and 2 processes (readingroom's process pool with database saves, against a loop of bare
`tesseract IMG OUT -l eng txt hocr` calls), the effect of each clean-up option, and the archival PDF/A
step on its own. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
PAGES = ["8071_093.3B", "8087_054.3B", "phototest", "eurotext"]


def setup(data: Path) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["READINGROOM_DATA_DIR"] = str(data)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    import django

    django.setup()
    from django.core.management import call_command

    (data / "media").mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)


def zones(page: str) -> list[tuple[int, int, int, int]] | None:
    uzn = SHARED / "ocr-gt" / "tesseract-test" / f"{page}.uzn"
    if not uzn.exists():
        return None
    boxes = []
    for line in uzn.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4:
            boxes.append(tuple(int(v) for v in parts[:4]))
    return boxes


def text_in_zones(words: list[list], boxes: list[tuple[int, int, int, int]] | None, full_text: str) -> str:
    """The words whose centre lies in a zone, zone by zone in the file's order (the ground truth's order)."""
    if boxes is None:
        return full_text
    per_zone: list[list[str]] = [[] for _ in boxes]
    for x, y, w, h, _conf, word in words:
        cx, cy = x + w / 2, y + h / 2
        for i, (zx, zy, zw, zh) in enumerate(boxes):
            if zx <= cx <= zx + zw and zy <= cy <= zy + zh:
                per_zone[i].append(word)
                break
    return "\n".join(" ".join(z) for z in per_zone)


def bare_tesseract(image: Path, outbase: Path, extra: list[str] | None = None) -> tuple[str, list[list]]:
    from readingroom.ocr.hocr import parse_hocr

    subprocess.run(["tesseract", str(image), str(outbase), "-l", "eng", *(extra or []), "txt", "hocr"],
                   env={**os.environ, "OMP_THREAD_LIMIT": "1"}, capture_output=True, check=True)
    text = Path(f"{outbase}.txt").read_text(errors="replace")
    return text, [w.as_row() for w in parse_hocr(Path(f"{outbase}.hocr").read_bytes()).words]


def totals(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """Overall CER and WER: edits summed over pages / reference length summed."""
    import jiwer
    from rapidfuzz.distance import Levenshtein

    from readingroom.ocr.quality import normalise

    edits = chars = 0
    for hyp, ref in pairs:
        r, h = normalise(ref), normalise(hyp)
        edits += Levenshtein.distance(r, h)
        chars += len(r)
    refs = [normalise(r) for _, r in pairs]
    hyps = [normalise(h) or "<empty>" for h, _ in pairs]
    return edits / chars, jiwer.wer(refs, hyps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="batches of the pages per throughput configuration")
    args = parser.parse_args()
    folder = SHARED / "ocr-gt" / "tesseract-test"
    if not folder.exists():
        sys.exit(f"benchmarks/ocr.py needs {folder} (../shared beside the clone)")
    work = Path(tempfile.mkdtemp(prefix="readingroom-bench-ocr-"))
    try:
        run(folder, work, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(folder: Path, work: Path, rounds: int) -> None:
    setup(work / "data")
    from readingroom.catalog.models import Content, Page
    from readingroom.ingest.runner import run_import
    from readingroom.ocr.archival import build_archival_pdf
    from readingroom.ocr.engine import OcrOptions, engine_version
    from readingroom.ocr.jobs import make_job
    from readingroom.ocr.pool import run_local
    from readingroom.ocr.quality import cer, wer

    scans = work / "scans"
    scans.mkdir()
    for page in PAGES:
        shutil.copy(folder / f"{page}.tif", scans / f"{page}.tif")
    (scans / "sidecar.csv").write_text("id,title,languages,files\nbench,OCR benchmark pages,English,"
                                       + ";".join(f"{p}.tif" for p in PAGES) + "\n")
    summary = run_import([str(scans)])
    assert summary.ok, [str(p) for p in summary.problems]
    pages = list(Page.objects.filter(content__record__public_id="bench").order_by("position"))
    truth = {p: (folder / f"{p}.gt.txt").read_text() for p in PAGES}
    print("# OCR benchmark (benchmarks/ocr.py)\n")
    print(f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}, {engine_version()}.")
    print(f"Load average at the start: {os.getloadavg()[0]:.1f}; the comparisons are within one run.\n")

    # --- accuracy: one pass each, same pages -----------------------------------------------------
    from django.core.files.storage import default_storage

    from readingroom.cli import sample_data_dir

    sample_folder = sample_data_dir() / "scans"
    assert run_import([str(sample_folder)]).ok
    samples = list(Page.objects.filter(content__record__public_id="209771-typed-scan").order_by("position"))
    paragraphs = [p for p in (sample_folder / "transcript.txt").read_text().split("\n\n") if p.strip()]
    # The sample pages were typed from the transcript: heading and first paragraph, then the rest.
    sample_truth = {samples[0].pk: "\n".join(paragraphs[:2]), samples[1].pk: "\n".join(paragraphs[2:])}
    ours = {o.page_id: o for o, _ in run_local([make_job(p, OcrOptions(), "eng") for p in pages], workers=1)}
    rows, bare_pairs, our_pairs = [], [], []
    for name, page in zip(PAGES, pages, strict=True):
        text, words = bare_tesseract(scans / f"{name}.tif", work / f"acc-{name.replace('.', '_')}")
        bare_text = text_in_zones(words, zones(name), text)
        outcome = ours[page.pk]
        our_text = text_in_zones(outcome.words, zones(name), outcome.text)
        bare_pairs.append((bare_text, truth[name]))
        our_pairs.append((our_text, truth[name]))
        rows.append((name, cer(bare_text, truth[name]), wer(bare_text, truth[name]), cer(our_text, truth[name]),
                     wer(our_text, truth[name]), outcome.confidence, outcome.settings.get("steps")))
    print("## Accuracy per page (UNLV pages: words inside the .uzn zones)\n")
    print("| page | bare CER | bare WER | readingroom CER | readingroom WER | mean conf. | extra steps |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, bc, bw, oc, ow, conf, steps in rows:
        print(f"| {name} | {bc:.2%} | {bw:.2%} | {oc:.2%} | {ow:.2%} | {conf:.1f} | {', '.join(steps) or '-'} |")
    (bc, bw), (oc, ow) = totals(bare_pairs), totals(our_pairs)
    print(f"| **overall (the 4 pages above)** | **{bc:.2%}** | **{bw:.2%}** | **{oc:.2%}** | **{ow:.2%}** | | |")
    sample_ours = {o.page_id: o for o, _ in run_local([make_job(p, OcrOptions(), "eng") for p in samples], workers=1)}
    for page in samples:
        text, _ = bare_tesseract(Path(default_storage.path(page.image.name)), work / f"acc-sample-{page.pk}")
        ref, outcome = sample_truth[page.pk], sample_ours[page.pk]
        print(f"| sample {page.original_name} (typed seed telegram; file says {page.dpi or 'no'} dpi) | "
              f"{cer(text, ref):.2%} | {wer(text, ref):.2%} | {cer(outcome.text, ref):.2%} | {wer(outcome.text, ref):.2%} "
              f"| {outcome.confidence:.1f} | dpi {outcome.dpi} ({outcome.settings['dpi_source']})"
              f"{', ' + ', '.join(outcome.settings['steps']) if outcome.settings['steps'] else ''} |")
    print()

    lines_dir = SHARED / "ocr-gt" / "calamari-uw3-lines" / "test"
    if lines_dir.exists():
        images = sorted(lines_dir.glob("*.png"))
        line_pairs_bare, line_pairs_ours = [], []
        from readingroom.ocr.engine import ocr_image

        for image in images:
            ref = image.with_name(image.name.replace(".bin.png", ".gt.txt")).read_text()
            text, _ = bare_tesseract(image, work / "line", ["--psm", "7"])
            line_pairs_bare.append((text, ref))
            line_pairs_ours.append((ocr_image(image, OcrOptions(psm=7)).text, ref))
        (lbc, lbw), (loc, low) = totals(line_pairs_bare), totals(line_pairs_ours)
        print(f"## UW-III test lines ({len(images)} single lines, --psm 7)\n")
        print("| | CER | WER |\n|---|---:|---:|")
        print(f"| bare tesseract | {lbc:.2%} | {lbw:.2%} |\n| readingroom | {loc:.2%} | {low:.2%} |\n")

    # --- throughput: same pages, batches interleaved, 1 and 2 processes ---------------------------------
    # The machine is shared: load changes from minute to minute. Short batches of the same pages, bare and
    # readingroom alternating (and which goes first alternating too), keep both under the same conditions.
    # Besides the four bilevel pages, the two greyscale sample scans (a JPEG and a PNG stating 96 dpi):
    # readingroom looks at those before reading them (contrast, resolution), which is work bare Tesseract skips.
    timed = pages + samples

    def bare_batch(processes: int) -> float:
        items = [(Path(default_storage.path(p.image.name)), work / f"t-{p.pk}") for p in timed]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=processes) as pool:
            list(pool.map(lambda item: bare_tesseract(*item), items))
        return time.perf_counter() - started

    def our_batch(processes: int) -> float:
        jobs = [make_job(p, OcrOptions(), "eng") for p in timed]
        started = time.perf_counter()
        run_local(jobs, workers=processes)
        return time.perf_counter() - started

    seconds: dict[tuple[str, int], list[float]] = {}
    for repeat in range(rounds):
        for processes in (1, 2):
            order = [("bare", bare_batch), ("ours", our_batch)]
            for kind, batch in order if repeat % 2 == 0 else reversed(order):
                seconds.setdefault((kind, processes), []).append(batch(processes))
    batch_pages = len(timed)
    rate = {key: batch_pages * len(v) / sum(v) * 60 for key, v in seconds.items()}
    best = {key: batch_pages / min(v) * 60 for key, v in seconds.items()}
    print(f"## Throughput (pages/min; batches of {batch_pages} pages: the 4 above and the 2 greyscale sample scans; {rounds} per configuration, interleaved)\n")
    print("| processes | bare tesseract: overall (best batch) | readingroom pool + saves: overall (best batch) "
          "| readingroom / bare overall | readingroom best / bare best |")
    print("|---:|---|---|---:|---:|")
    for processes in (1, 2):
        b, o = ("bare", processes), ("ours", processes)
        print(f"| {processes} | {rate[b]:.1f} ({best[b]:.1f}) | {rate[o]:.1f} ({best[o]:.1f}) | "
              f"{rate[o] / rate[b]:.2f} | {best[o] / best[b]:.2f} |")
    from harness import report_ratios

    report_ratios("ocr", {
        "best readingroom batch / best bare batch, pages/min": (
            max(best[("ours", 1)], best[("ours", 2)]) / max(best[("bare", 1)], best[("bare", 2)]), "higher"),
        "readingroom WER / bare WER (4 UNLV pages)": (ow / bw if bw else 1.0, "lower"),
    })
    print(f"\nTwo processes against one (overall): bare {rate[('bare', 2)] / rate[('bare', 1)]:.2f}x, "
          f"readingroom {rate[('ours', 2)] / rate[('ours', 1)]:.2f}x. Best bare rate of any configuration: "
          f"{max(best[('bare', 1)], best[('bare', 2)]):.1f} pages/min; readingroom's best: "
          f"{max(best[('ours', 1)], best[('ours', 2)]):.1f}.\n")

    # --- clean-up options -----------------------------------------------------------------------
    print("## Clean-up options (readingroom, 1 process; CER/WER overall on the four pages)\n")
    print("| option | CER | WER | s/page |\n|---|---:|---:|---:|")
    for label, options in [("none (default)", OcrOptions()), ("deskew", OcrOptions(deskew=True)),
                           ("rotate", OcrOptions(rotate=True)), ("clean (unpaper)", OcrOptions(clean=True))]:
        started = time.perf_counter()
        results = {o.page_id: o for o, _ in run_local([make_job(p, options, "eng") for p in pages], workers=1)}
        seconds = (time.perf_counter() - started) / len(pages)
        pairs = [(text_in_zones(results[p.pk].words, zones(n), results[p.pk].text), truth[n])
                 for n, p in zip(PAGES, pages, strict=True)]
        errors = [results[p.pk].error for p in pages if results[p.pk].error]
        c, w = totals(pairs)
        print(f"| {label} | {c:.2%} | {w:.2%} | {seconds:.2f} |" + (f" errors: {errors}" if errors else ""))

    # --- archival PDF/A on its own, between two timings of the text pipeline on the same pages ------------
    def text_pipeline_seconds() -> float:
        started = time.perf_counter()
        run_local([make_job(p, OcrOptions(), "eng") for p in pages], workers=1)
        return time.perf_counter() - started

    content = Content.objects.get(record__public_id="bench", kind="scan")
    before = text_pipeline_seconds()
    started = time.perf_counter()
    name = build_archival_pdf(content, "eng", jobs=1)
    seconds = time.perf_counter() - started
    after = text_pipeline_seconds()
    size = (work / "data" / "media" / name).stat().st_size
    text_rate = 2 * len(pages) / (before + after) * 60
    print("\n## Archival PDF/A (OCRmyPDF, output_type=pdfa, 1 job), a separate step\n")
    print(f"The {len(pages)} pages above: {seconds:.1f} s = {len(pages) / seconds * 60:.1f} pages/min "
          f"({size / 1024:.0f} KiB); readingroom's text pipeline on the same pages just before and after, "
          f"1 process: {before:.1f} s and {after:.1f} s = {text_rate:.1f} pages/min "
          f"(archival / text: {len(pages) / seconds * 60 / text_rate:.2f}).")


if __name__ == "__main__":
    main()
