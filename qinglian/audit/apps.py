from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "qinglian.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from django.db.models.signals import post_migrate

        from qinglian.audit.db import connect_signals, reinstall_sqlite_triggers
        from qinglian.core.navigation import NavEntry, register

        connect_signals()
        post_migrate.connect(reinstall_sqlite_triggers, sender=self)
        register(NavEntry("系统", "审计日志", "audit:log", "audit.view", 50))
