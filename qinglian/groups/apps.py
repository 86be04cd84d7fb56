from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_defaults(sender, **kwargs):
    from qinglian.groups.services import groups_sync_defaults

    groups_sync_defaults()


def _on_cadres_changed(sender, cadre_ids=None, **kwargs):
    """The registry changed: recompute these cadres' groups at once (all cadres when not listed)."""
    from qinglian.groups.services import memberships_recompute_all

    memberships_recompute_all(cadre_ids=cadre_ids)


class GroupsConfig(AppConfig):
    name = "qinglian.groups"
    label = "groups"
    verbose_name = "分类监督"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("档案与意见", "分类监督分组", "groups:list", "groups.view", 50))
        post_migrate.connect(_sync_defaults, sender=self)

        from qinglian.groups.profile_sections import register as register_profile_sections

        register_profile_sections()

        from qinglian.people.signals import cadres_changed

        cadres_changed.connect(_on_cadres_changed, dispatch_uid="qinglian.groups.membership")
