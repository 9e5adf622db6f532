"""Load Shanxi, its 11 cities and 117 counties from the packaged reference data."""

from django.db import migrations


def load(apps, schema_editor):
    from carbonctl.web.regions.services import sync_regions

    sync_regions(apps.get_model("regions", "Region"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
