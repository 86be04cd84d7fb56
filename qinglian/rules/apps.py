from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_after_migrate(sender, app_config=None, using="default", apps=None, **kwargs):
    # Skip when the rules tables are not part of the migrated state (e.g. `migrate rules zero`).
    if apps is not None:
        try:
            apps.get_model("rules", "RuleParameter")
        except LookupError:
            return
    from qinglian.rules.services import rules_sync

    rules_sync()


class RulesConfig(AppConfig):
    name = "qinglian.rules"
    label = "rules"
    verbose_name = "规则库"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Every app declares its rules in its own `rules.py`; the foundation's first set is here.
        import qinglian.rules.catalog  # noqa: F401
        from qinglian.core.navigation import NavEntry, register

        autodiscover_modules("rules")
        post_migrate.connect(_sync_after_migrate, sender=self, dispatch_uid="qinglian.rules.sync")
        register(NavEntry("系统", "规则库", "rules:list", "rules.view", 20))
