from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_defaults(sender, **kwargs):
    from qinglian.conduct.services import lists_sync_defaults

    lists_sync_defaults()


class ConductConfig(AppConfig):
    name = "qinglian.conduct"
    label = "conduct"
    verbose_name = "八小时外监督"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("日常监督", "八小时外监督", "conduct:home", "conduct.view", 54))
        nav_register(NavEntry("工作台", "婚丧喜庆报备", "conduct:my_events", "conduct.own", 30))
        post_migrate.connect(_sync_defaults, sender=self)

        from qinglian.conduct.profile_sections import register as register_profile_sections

        register_profile_sections()
