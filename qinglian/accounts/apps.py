from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_role_groups(sender, **kwargs):
    """One Django group per role of the catalogue (the catalogue itself is code: roles.py)."""
    from django.contrib.auth.models import Group

    from qinglian.accounts.roles import ROLES

    existing = set(Group.objects.filter(name__in=ROLES).values_list("name", flat=True))
    Group.objects.bulk_create([Group(name=code) for code in ROLES if code not in existing])


class AccountsConfig(AppConfig):
    name = "qinglian.accounts"
    label = "accounts"
    verbose_name = "账户与权限"

    def ready(self):
        from qinglian.accounts import signals  # noqa: F401  (login/logout auditing)
        from qinglian.core.navigation import NavEntry, register

        post_migrate.connect(_sync_role_groups, sender=self)
        register(NavEntry("系统", "用户管理", "accounts:users", "users.manage", 10))
        register(NavEntry("系统", "敏感角色审批", "accounts:approvals", "grants.approve", 20))
