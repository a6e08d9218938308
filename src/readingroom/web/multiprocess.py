"""Serving with several processes: gunicorn's pre-fork server with threaded workers.

One Python process serves at most one core's worth of pages (the GIL); `readingroom serve --workers N`
runs N of them behind one listening socket. Gunicorn's master replaces a worker that dies; the
supervisor (`supervisor.py`) replaces the master should it die. Each worker opens its own database connections and search
index reader after the fork, so nothing is shared between processes but the files.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, application, options: dict) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve_with_gunicorn(application, bind: str, workers: int, threads: int) -> None:
    """`bind` is gunicorn's: host:port, or fd://N for a socket the supervisor opened."""
    _Server(application, {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # Slow pages (a first IIIF render of a big scan) must not get a worker killed.
        "timeout": 120,
        # Readers pause between pages; gunicorn's default (2 s) closed their idle connections under them.
        "keepalive": 75,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "readingroom",
    }).run()
