from django.db import migrations

SECTOR_CODES = [
    "agriculture",
    "construction",
    "digital",
    "education",
    "energy",
    "finance",
    "health",
    "manufacturing",
    "mobility",
    "nature",
    "tourism",
    "waste",
    "water",
    "services",
]


def create_sectors(apps, schema_editor):
    Sector = apps.get_model("procurement", "Sector")
    for code in SECTOR_CODES:
        Sector.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_initial")]

    operations = [migrations.RunPython(create_sectors, migrations.RunPython.noop)]
