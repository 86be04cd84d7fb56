from django.apps import AppConfig


class SpotchecksConfig(AppConfig):
    name = "qinglian.spotchecks"
    label = "spotchecks"
    verbose_name = "个人有关事项抽查核实"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(
            NavEntry("监督业务", "个人有关事项抽查核实", "spotchecks:home", "declarations.check", 57)
        )
        nav_register(NavEntry("工作台", "个人有关事项核查说明", "spotchecks:mine", "declarations.own", 36))
