"""OCR of scanned pages: a bare Tesseract pass per page (engine), run in a local process pool or on Celery
workers, with word boxes, text history and quality figures against transcripts."""
