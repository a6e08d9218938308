"""The web server process that `readingroom serve` supervises: waitress for one process, gunicorn for
several, on the listening socket the supervisor opened and passed down as a file descriptor.

    python -m readingroom.web.server FD THREADS WORKERS
"""

from __future__ import annotations

import os
import signal
import socket
import sys


def serve_waitress(fd: int, threads: int) -> None:
    from django.conf import settings
    from waitress import create_server

    from readingroom.wsgi import application

    # Waitress drops X-Forwarded-* headers by default; behind the proxy the settings name, Django's
    # settings interpret them (the scheme, the client's address), as they do under gunicorn.
    behind_proxy = bool(settings.SECURE_PROXY_SSL_HEADER or settings.READINGROOM_TRUSTED_PROXIES)
    listener = socket.socket(fileno=fd)
    server = create_server(application, sockets=[listener], threads=threads, ident="readingroom",
                           clear_untrusted_proxy_headers=not behind_proxy)
    # SIGTERM ends the serving loop like Ctrl-C would, so the process exits without a traceback.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    try:
        server.run()
    finally:
        server.close()


def main(argv: list[str]) -> int:
    # The settings module to load: what makes the settings readable at all, so not itself a setting.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    fd, threads, workers = (int(a) for a in argv)
    if workers == 1:
        serve_waitress(fd, threads)
    else:
        from readingroom.web.multiprocess import serve_with_gunicorn
        from readingroom.wsgi import application

        serve_with_gunicorn(application, f"fd://{fd}", workers, threads)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
