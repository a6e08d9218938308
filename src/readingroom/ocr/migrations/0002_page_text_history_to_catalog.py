# PageText moved to the catalogue (catalog 0012_page_text_history), keeping its table: only Django's
# state forgets it here, the table and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ocr', '0001_initial'),
        ('catalog', '0012_page_text_history'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PageText')],
            database_operations=[],
        ),
    ]
