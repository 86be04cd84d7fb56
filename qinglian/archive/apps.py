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
        # Importing registers the archive's rules and the opinion letter's document template.
        from qinglian.archive import letters, rules  # noqa: F401
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("档案与意见", "廉洁意见", "archive:opinions", "archive.opinions", 40))
        nav_register(NavEntry("档案与意见", "廉政档案总览", "archive:overview", "archive.view", 30))
        nav_register(NavEntry("档案与意见", "待审核记录", "archive:review_queue", "archive.review", 32))
        nav_register(NavEntry("档案与意见", "作废审批", "archive:void_queue", "archive.approve", 34))
        nav_register(NavEntry("档案与意见", "档案记录导入", "archive:import", "archive.import", 36))

        post_migrate.connect(_sync_kinds, sender=self)

        from qinglian.archive.services import entry_recorded
        from qinglian.archive.warnings import on_entry_recorded

        # Each write updates that person's grade and warnings and that unit's unit rule.
        entry_recorded.connect(on_entry_recorded, dispatch_uid="qinglian.archive.warnings")
