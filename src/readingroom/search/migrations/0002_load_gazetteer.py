"""Loads the shipped gazetteer of place-name variants as authority records (editable in the admin)."""

from django.db import migrations


def load(apps, schema_editor):
    from readingroom.search.gazetteer import load_into

    load_into(apps.get_model("catalog", "Authority"), apps.get_model("catalog", "NameVariant"))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("catalog", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
