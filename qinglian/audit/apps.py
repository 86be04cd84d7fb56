from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "qinglian.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from qinglian.audit.db import connect_signals
        from qinglian.core.navigation import NavEntry, register

        connect_signals()
        register(NavEntry("系统", "审计日志", "audit:log", "audit.view", 50))
