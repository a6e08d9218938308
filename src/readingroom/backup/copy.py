"""`python -m readingroom.backup.copy SOURCE_URL`: copy every row of SOURCE_URL's database into the default
one (DATABASE_URL), which must be empty; its schema is brought up to date first.

Run as its own process so that the target is the default database: the catalogue's signals then queue
index updates in the target, never in the source. Rows travel as Django's "python" serialization (native
values: timestamps keep their microseconds, which dumpdata's JSON would cut to milliseconds), model by
model in dependency order, in one transaction."""

from __future__ import annotations

import os
import sys

CHUNK = 1000


def main(source_url: str) -> None:
    # The settings module to load: what makes the settings readable at all, so not itself a setting.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "readingroom.settings")
    import dj_database_url
    from django.conf import settings

    settings.DATABASES["source"] = dj_database_url.parse(source_url)
    import django

    django.setup()
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, transaction

    call_command("migrate", interactive=False, verbosity=0)
    # Content types and permissions are made by `migrate` in the target; rows pointing at them travel by
    # natural key.
    models = [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy and m not in (ContentType, Permission)]
    ordered = serializers.sort_dependencies([(None, models)], allow_cycles=True)
    with transaction.atomic():
        for model in ordered:
            rows = model._default_manager.using("source").order_by("pk")
            batch: list = []
            for row in rows.iterator(chunk_size=CHUNK):
                batch.append(row)
                if len(batch) >= CHUNK:
                    _store(serializers, batch)
                    batch = []
            _store(serializers, batch)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), ordered):
                cursor.execute(sql)


def _store(serializers, rows: list) -> None:
    if not rows:
        return
    data = serializers.serialize("python", rows, use_natural_foreign_keys=True)
    for item in serializers.deserialize("python", data, handle_forward_references=True):
        item.save()


if __name__ == "__main__":
    main(sys.argv[1])
