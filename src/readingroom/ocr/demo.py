"""Reading the sample records' scanned pages after `readingroom demo` imports them, so the demo shows OCR."""

from __future__ import annotations

from rich.console import Console


def read_sample_scans(console: Console) -> None:
    from .engine import tesseract_available
    from .jobs import configured_options, make_job, select_pages
    from .pool import run_local

    if not tesseract_available():
        console.print("Sample scans not read: tesseract is not installed.")
        return
    jobs = [make_job(page, configured_options(), None) for page in select_pages()]
    if not jobs:
        return
    results = run_local(jobs)
    failed = [o for o, _ in results if o.error]
    console.print(f"Sample scans: {len(results) - len(failed)} pages read by OCR"
                  + (f", {len(failed)} failed" if failed else ""))
