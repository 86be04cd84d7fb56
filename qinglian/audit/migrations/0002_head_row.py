from django.db import migrations

GENESIS = "0" * 64


def create_head(apps, schema_editor):
    # The head row exists before the first append, so two first writers cannot race to create it.
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, hash_ = last if last else (0, GENESIS)
    if not AuditHead.objects.filter(pk=1).exists():
        AuditHead.objects.create(pk=1, seq=seq, hash=hash_)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]
