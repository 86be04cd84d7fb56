"""Indexes that a bulk load rebuilds faster and the lists use (bench/people_load.py, people_list.py):
varchar_pattern_ops for the hash and name indexes (byte-wise comparison on PostgreSQL; nothing
changes on SQLite), no single-column index on Cadre.unit (two composite indexes lead with it), and
(unit, post_level, birth_date) for the unit list narrowed by level and age."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_token_sort_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="cadre",
            name="people_cadre_id_hash_unique",
        ),
        migrations.RemoveIndex(
            model_name="cadre",
            name="people_cadre_name_idx",
        ),
        migrations.RemoveIndex(
            model_name="cadre",
            name="people_cadre_tail5_idx",
        ),
        migrations.RemoveIndex(
            model_name="cadre",
            name="people_cadre_tail6_idx",
        ),
        migrations.RemoveIndex(
            model_name="relative",
            name="people_rel_id_hash_idx",
        ),
        migrations.RemoveIndex(
            model_name="relative",
            name="people_rel_credit_idx",
        ),
        migrations.AlterField(
            model_name="cadre",
            name="unit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cadres",
                to="people.unit",
                verbose_name="单位",
            ),
        ),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(
                fields=["unit", "post_level", "birth_date"], name="people_cadre_unit_level_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(
                fields=["name"], name="people_cadre_name_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(
                fields=["id_tail5_hash"], name="people_cadre_tail5_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="cadre",
            index=models.Index(
                fields=["id_tail6_hash"], name="people_cadre_tail6_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="relative",
            index=models.Index(
                fields=["id_number_hash"], name="people_rel_id_hash_idx", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="relative",
            index=models.Index(
                fields=["employer_credit_code"],
                name="people_rel_credit_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
        migrations.AddConstraint(
            model_name="cadre",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number_hash__isnull", False)),
                fields=("id_number_hash",),
                name="people_cadre_id_hash_unique",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
