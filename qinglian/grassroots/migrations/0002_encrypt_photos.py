"""Photos of integrity information are encrypted at rest from now on: encrypt the files stored before."""

from django.core.files.base import ContentFile
from django.db import migrations

PURPOSE = "grassroots-photo"  # Photo.PURPOSE


def encrypt_existing(apps, schema_editor):
    from qinglian.core import crypto

    Photo = apps.get_model("grassroots", "Photo")
    for photo in Photo.objects.iterator():
        try:
            with photo.file.open("rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            continue
        try:
            crypto.decrypt_bytes(data, purpose=PURPOSE)
            continue  # already encrypted
        except ValueError:
            pass
        old_name = photo.file.name
        photo.file.save(f"i{photo.information_id}.bin", ContentFile(crypto.encrypt_bytes(data, purpose=PURPOSE)),
                        save=True)  # fmt: skip
        photo.file.storage.delete(old_name)


class Migration(migrations.Migration):
    dependencies = [("grassroots", "0001_initial")]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
