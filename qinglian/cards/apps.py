from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_defaults(sender, **kwargs):
    from qinglian.cards.services import common_items_sync_defaults

    common_items_sync_defaults()
    from qinglian.cards.talks import triggers_sync_defaults

    triggers_sync_defaults()


class CardsConfig(AppConfig):
    name = "qinglian.cards"
    label = "cards"
    verbose_name = "主体责任提醒卡"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("日常监督", "主体责任提醒卡", "cards:batches", "cards.view", 52))
        nav_register(NavEntry("日常监督", "谈话与十必谈", "cards:talks", "cards.view", 53))
        nav_register(NavEntry("日常监督", "警示教育", "cards:education", "cards.view", 54))
        nav_register(NavEntry("工作台", "本人事项", "cards:self", "cards.own", 15))
        nav_register(NavEntry("工作台", "我的提醒卡", "cards:mine", "cards.own", 20))
        post_migrate.connect(_sync_defaults, sender=self)

        from qinglian.cards.profile_sections import register as register_profile_sections

        register_profile_sections()
