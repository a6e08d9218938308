"""Scale-out: the same page job on Celery workers, on as many machines as share the Redis broker.

    READINGROOM_BROKER_URL=redis://host:6379/0 celery -A readingroom.ocr.tasks worker --concurrency 2

A worker reads the page and saves the result itself, in one transaction at the end, so a worker killed
mid-page writes nothing. Messages are acknowledged only after the task finishes (acks_late) and a task
whose worker process died is put back on the queue (reject_on_worker_lost), so the page is read again.
"""

from __future__ import annotations

import os

import django
from celery import Celery

# The settings module to load: what makes the settings readable at all, so not itself a setting.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
django.setup()

from django.conf import settings  # noqa: E402

from .jobs import PageJob, run_job, save_outcome, worker_image_path  # noqa: E402

broker = settings.READINGROOM_BROKER_URL or "redis://127.0.0.1:6379/0"
app = Celery("readingroom", broker=broker, backend=broker)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,  # a page takes seconds: do not hoard messages another worker could take
    result_expires=24 * 3600,
    # An unacknowledged message goes back to the queue after this long (a whole worker machine lost).
    broker_transport_options={"visibility_timeout": settings.READINGROOM_CELERY_VISIBILITY_TIMEOUT},
    broker_connection_retry_on_startup=True,
)


@app.task(name="readingroom.ocr.page")
def ocr_page(job: dict) -> dict:
    # The page image as this worker sees it (its own MEDIA_ROOT, e.g. a shared mount), not the sender's path.
    job = {**job, "image_path": worker_image_path(job["page_id"], job["image_path"])}
    outcome = run_job(PageJob(**job))
    saved = save_outcome(outcome)
    return {"page_id": outcome.page_id, "saved": saved, "error": outcome.error, "seconds": round(outcome.seconds, 3)}
