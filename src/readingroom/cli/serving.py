"""`readingroom serve` and `worker`: the web server and the background index writer (and Celery OCR
workers), each under a supervisor that replaces a process that dies."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from .app import app, fail, open_archive, out


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    threads: Annotated[int, typer.Option(help="Worker threads (per process)")] = 8,
    workers: Annotated[int | None, typer.Option(
        help="Server processes (default: one per core this process may use): 1 serves with waitress, more "
             "with gunicorn (a single Python process tops out at one core's worth of pages). Platforms "
             "without fork always serve with waitress")] = None,
    index_writer: Annotated[bool, typer.Option(
        "--index-writer/--no-index-writer",
        help="Also run the background index writer (leave it out where `readingroom worker` runs it)")] = True,
) -> None:
    """Serve the reading room (waitress, or gunicorn for several processes) with the background index
    writer beside it, under a supervisor that replaces any process that dies."""
    if workers is None:
        workers = default_workers()
    if threads < 1 or workers < 1:
        fail("--threads and --workers must be at least 1")
    if workers > 1 and not hasattr(os, "fork"):
        out.print("This platform cannot fork: serving with one waitress process")
        workers = 1
    open_archive()
    _refuse_a_weak_secret_key()
    listener = _listen(host, port)
    from django.db import connections

    from readingroom.web.supervisor import Child, Supervisor

    connections.close_all()  # opened by the migration check; the children open their own
    children = [Child("web server", [sys.executable, "-m", "readingroom.web.server", str(listener.fileno()),
                                     str(threads), str(workers)], grace=15)]
    if index_writer:
        children.append(_index_writer())
    out.print(f"Serving the reading room at http://{host}:{port}/ with {workers} process"
              f"{'es' if workers > 1 else ''} of {threads} threads"
              f"{' and the background index writer' if index_writer else ''} (Ctrl-C to stop)")
    Supervisor(children, pass_fds=[listener.fileno()]).run()
    listener.close()
    out.print("Stopped.")


def default_workers() -> int:
    """One server process per core this process may run on (a container's CPU set, not the host's count);
    one where processes cannot fork, so waitress serves there."""
    if not hasattr(os, "fork"):
        return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS has no sched_getaffinity
        return max(1, os.cpu_count() or 1)


def _refuse_a_weak_secret_key() -> None:
    from django.conf import settings

    from readingroom import secret_key

    problem = secret_key.weakness(settings.SECRET_KEY)
    if problem and not settings.DEBUG:
        fail(f"{problem}: unset READINGROOM_SECRET_KEY to use the one in {secret_key.key_file(settings.DATA_DIR)}, "
             "or set it to a long random string (READINGROOM_DEBUG=1 allows it for development)")


def _index_writer():
    from readingroom.web.supervisor import Child

    return Child("index writer", [sys.executable, "-m", "readingroom.search.follower"], grace=20)


@app.command()
def worker(
    concurrency: Annotated[int | None, typer.Option(
        help="Celery OCR processes, when READINGROOM_BROKER_URL is set (default: the cores)")] = None,
) -> None:
    """Run the background index writer, and a Celery worker for OCR jobs when READINGROOM_BROKER_URL is
    set: for deployments that serve with `readingroom serve --no-index-writer`."""
    if concurrency is not None and concurrency < 1:
        fail("--concurrency must be at least 1")
    open_archive()
    from django.conf import settings
    from django.db import connections

    from readingroom.web.supervisor import Child, Supervisor

    connections.close_all()
    children = [_index_writer()]
    broker = settings.READINGROOM_BROKER_URL
    if broker:
        children.append(Child("OCR worker", [
            sys.executable, "-m", "celery", "-A", "readingroom.ocr.tasks", "worker", "--loglevel", "INFO",
            "--concurrency", str(concurrency or os.cpu_count() or 1), "--without-gossip", "--without-mingle",
            "-n", f"readingroom-{os.getpid()}@%h"], grace=60))  # a page in progress may finish
    out.print("Running the background index writer" + (f" and a Celery OCR worker ({broker})" if broker else "")
              + " (Ctrl-C to stop)")
    Supervisor(children).run()
    out.print("Stopped.")


def _listen(host: str, port: int):
    """The listening socket, opened here so that one line reports a busy port, and so that it outlives
    the server processes the supervisor replaces."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    family, kind, proto, _name, address = infos[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(address)
        listener.listen(1024)
    except OSError as exc:
        listener.close()
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    listener.set_inheritable(True)
    return listener
