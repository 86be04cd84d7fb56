from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "qinglian.declarations"
    label = "declarations"
    verbose_name = "个人有关事项报告"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(
            NavEntry("日常监督", "个人有关事项报告", "declarations:reporters", "declarations.view", 56)
        )
        nav_register(NavEntry("工作台", "个人有关事项报告", "declarations:mine", "declarations.own", 35))
