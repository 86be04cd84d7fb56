from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_defaults(sender, **kwargs):
    from qinglian.cards.services import common_items_sync_defaults

    common_items_sync_defaults()


class CardsConfig(AppConfig):
    name = "qinglian.cards"
    label = "cards"
    verbose_name = "主体责任提醒卡"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("监督业务", "主体责任提醒卡", "cards:batches", "cards.view", 52))
        post_migrate.connect(_sync_defaults, sender=self)
