from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qinglian.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from qinglian.core.navigation import NavEntry, register

        register(NavEntry("系统", "工作日历", "core:calendar", "calendar.manage", 50))
