"""Indexes for the directory's filters: a city's SMEs by name, verified SMEs by size, and a
sector's SMEs (the links' own index led by the SME, which answers "this SME's sectors" only)."""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0005_criterion_order_is_called_order'),
        ('smes', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='sme',
            index=models.Index(models.F('city'), django.db.models.functions.text.Lower(django.db.models.functions.comparison.Coalesce(django.db.models.functions.comparison.NullIf('trading_name', models.Value('')), 'legal_name')), models.F('id'), name='sme_city_display_name_idx'),
        ),
        migrations.AddIndex(
            model_name='sme',
            index=models.Index(fields=['verification', 'employees', 'id'], name='sme_verified_size_idx'),
        ),
        # The links table is the sectors field's own (no model to declare an index on). Its
        # (sme_id, sector_id) index serves one SME; this one the SMEs of a sector, read from
        # the index alone.
        migrations.RunSQL(
            'CREATE INDEX "sme_sectors_sector_sme_idx" ON "procurement_sme_sectors" ("sector_id", "sme_id")',
            'DROP INDEX "sme_sectors_sector_sme_idx"',
        ),
    ]
