"""`python -m readingroom.backup.copy SOURCE_URL`: copy every row of SOURCE_URL's database into the default
one (DATABASE_URL), which must be empty; its schema is brought up to date first.

Run as its own process so that the target is the default database: the catalogue's signals then queue
index updates in the target, never in the source."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# Content types and permissions are made by `migrate` in the target; the rows that point at them travel
# by natural key.
EXCLUDED = ["contenttypes", "auth.permission"]


def main(source_url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    import dj_database_url
    from django.conf import settings

    settings.DATABASES["source"] = dj_database_url.parse(source_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    with tempfile.TemporaryDirectory() as scratch:
        rows = Path(scratch) / "rows.json"
        call_command("dumpdata", "--natural-foreign", database="source", exclude=EXCLUDED, output=str(rows),
                     verbosity=0)
        call_command("loaddata", str(rows), verbosity=0)


if __name__ == "__main__":
    main(sys.argv[1])
