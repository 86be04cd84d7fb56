"""Search tokens carry their cadre's name, unit path and status (see CadreSearchToken), and the
prefix index includes them so that the search is answered from the index alone."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Cadre = apps.get_model("people", "Cadre")
    Token = apps.get_model("people", "CadreSearchToken")
    cadre = Cadre.objects.filter(pk=OuterRef("cadre_id"))
    Token.objects.update(
        name=Subquery(cadre.values("name")[:1]),
        unit_path=Subquery(cadre.values("unit__path")[:1]),
        status=Subquery(cadre.values("status")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_lean_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="cadresearchtoken", name="people_token_prefix"),
        migrations.AddField(
            model_name="cadresearchtoken", name="name", field=models.CharField(default="", max_length=32)
        ),
        migrations.AddField(
            model_name="cadresearchtoken", name="status", field=models.CharField(default="", max_length=16)
        ),
        migrations.AddField(
            model_name="cadresearchtoken",
            name="unit_path",
            field=models.CharField(default="", max_length=255),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="cadresearchtoken",
            index=models.Index(
                fields=["token"],
                include=("unit_path", "status", "name", "cadre"),
                name="people_token_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
