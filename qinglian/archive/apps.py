from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_kinds(sender, **kwargs):
    from qinglian.archive.services import kinds_sync

    kinds_sync()


class ArchiveConfig(AppConfig):
    name = "qinglian.archive"
    label = "archive"
    verbose_name = "廉政档案"

    def ready(self):
        from qinglian.archive import rules  # noqa: F401  (registers the archive's rules)

        post_migrate.connect(_sync_kinds, sender=self)
