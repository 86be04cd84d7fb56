from django.db import migrations

from qinglian.audit.db import install_triggers, remove_triggers


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_head_row")]

    operations = [migrations.RunPython(install_triggers, remove_triggers)]
