# The page-text history model (PageText) belongs to the catalogue now; its table stays "ocr_pagetext".
# Only Django's state moves (ocr's 0002 drops it from the ocr app); no table is created or altered.

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="catalog", model="pagetext").exists():
        ContentType.objects.filter(app_label="ocr", model="pagetext").update(app_label="catalog")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0011_public_counts'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('ocr', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PageText',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('proposed', 'Proposed (not yet shown)'), ('accepted', 'Accepted (shown)'), ('superseded', 'Superseded')], db_index=True, max_length=20)),
                        ('image_name', models.CharField(blank=True, max_length=500)),
                        ('checksum', models.CharField(blank=True, max_length=64)),
                        ('text', models.TextField(blank=True)),
                        ('words', models.JSONField(blank=True, default=list)),
                        ('confidence', models.FloatField(blank=True, null=True)),
                        ('dpi', models.PositiveIntegerField(blank=True, null=True)),
                        ('source', models.CharField(default='ocr', help_text="ocr, or text_layer (the PDF's own text)", max_length=20)),
                        ('engine', models.CharField(blank=True, max_length=100)),
                        ('settings', models.JSONField(blank=True, default=dict)),
                        ('note', models.TextField(blank=True)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='text_versions', to='catalog.page')),
                    ],
                    options={
                        'db_table': 'ocr_pagetext',
                        'ordering': ['page', '-created', '-pk'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
