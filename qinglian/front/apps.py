from django.apps import AppConfig
from django.conf import settings


class FrontConfig(AppConfig):
    name = "qinglian.front"
    label = "front"
    verbose_name = "网上举报（外网前置）"

    def ready(self):
        if settings.MODE != "core":
            return  # a public front has no staff pages
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("信访与线索", "码上举报二维码", "front:poster_list", "intake.register", 14))
