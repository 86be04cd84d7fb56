from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "qinglian.registries"
    label = "registries"
    verbose_name = "外部数据登记"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("大数据比对", "外部数据源", "registries:sources", "matching.view", 74))
