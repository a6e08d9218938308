from django.db import migrations


def count_place_decades(apps, schema_editor):
    # The public map's decades per place are a new kind of kept count: an existing catalogue is counted
    # again once here (an empty one costs nothing).
    from readingroom.catalog import counts
    counts.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0012_page_text_history"),
    ]
    operations = [migrations.RunPython(count_place_decades, migrations.RunPython.noop)]
