from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_defaults(sender, **kwargs):
    from qinglian.handovers.services import checklist_sync_defaults

    checklist_sync_defaults()


class HandoversConfig(AppConfig):
    name = "qinglian.handovers"
    label = "handovers"
    verbose_name = "离任交接"

    def ready(self):
        import qinglian.handovers.documents  # noqa: F401  (registers the handover record template)
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("日常监督", "离任交接", "handovers:cases", "handovers.view", 56))
        nav_register(NavEntry("日常监督", "离任审计", "handovers:audits", "handovers.record", 58))
        nav_register(NavEntry("工作台", "我的离任交接", "handovers:mine", "handovers.own", 40))
        post_migrate.connect(_sync_defaults, sender=self, dispatch_uid="qinglian.handovers.sync")
