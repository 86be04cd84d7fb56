from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "qinglian.people"
    label = "people"
    verbose_name = "单位与人员"

    def ready(self):
        from qinglian.core.navigation import NavEntry, register

        register(NavEntry("人员与单位", "干部名册", "people:cadres", "people.view", 5))
        register(NavEntry("人员与单位", "单位", "people:units", "units.view", 10))
        register(NavEntry("人员与单位", "Excel 导入", "people:import", "people.import", 20))
