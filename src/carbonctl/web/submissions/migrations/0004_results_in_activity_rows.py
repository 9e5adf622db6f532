"""Each activity row carries its own result: the emission results move into the activity table
(one row written per input row; a second table doubled the cost of an import), and the result
table goes. Existing results are copied over in one statement before it is dropped."""

from django.db import migrations, models

RESULT_COLUMNS = {
    "item_id": "item_id",
    "activity_amount": "activity_amount",
    "activity_unit": "activity_unit",
    "emission_factor": "emission_factor",
    "ef_unit": "ef_unit",
    "tco2": "tco2",
    "tco2_market": "tco2_market",
    "tce": "tce",
    "parameter_basis": "parameters",
    "factor_id": "factor_id",
    "factor_status": "factor_status",
    "provisional": "provisional",
    "note": "note",
}


def copy_results(apps, schema_editor):
    activity = apps.get_model("submissions", "ActivityRecord")._meta.db_table
    result = apps.get_model("submissions", "EmissionResult")._meta.db_table
    quote = schema_editor.quote_name
    assignments = ", ".join(
        f"{quote(to)} = r.{quote(source)}" for to, source in RESULT_COLUMNS.items()
    )
    schema_editor.execute(
        f"UPDATE {quote(activity)} SET {assignments} FROM {quote(result)} AS r "
        f"WHERE r.{quote('activity_id')} = {quote(activity)}.{quote('id')}"
    )


def _text(name: str, max_length: int, verbose: str | None = None):
    """A text column, '' in the rows that exist until their results are copied in."""
    return migrations.AddField(
        "activityrecord",
        name,
        models.CharField(verbose, max_length=max_length, blank=True, default=""),
        preserve_default=False,
    )


class Migration(migrations.Migration):
    dependencies = [("submissions", "0003_submission_warnings")]

    operations = [
        _text("item_id", 100),
        migrations.AddField("activityrecord", "activity_amount", models.FloatField(null=True)),
        _text("activity_unit", 50),
        migrations.AddField("activityrecord", "emission_factor", models.FloatField(null=True)),
        _text("ef_unit", 50),
        migrations.AddField(
            "activityrecord",
            "tco2",
            models.FloatField(verbose_name="排放量 (tCO2)", default=0.0),
            preserve_default=False,
        ),
        migrations.AddField(
            "activityrecord",
            "tco2_market",
            models.FloatField(verbose_name="市场法排放量 (tCO2)", default=0.0),
            preserve_default=False,
        ),
        migrations.AddField(
            "activityrecord", "tce", models.FloatField(verbose_name="标准煤 (tce)", null=True)
        ),
        _text("parameter_basis", 100),
        _text("factor_id", 100, "因子"),
        _text("factor_status", 200, "因子状态"),
        migrations.AddField("activityrecord", "provisional", models.BooleanField(default=False)),
        _text("note", 300),
        migrations.RunPython(copy_results, migrations.RunPython.noop),
        migrations.DeleteModel("EmissionResult"),
    ]
