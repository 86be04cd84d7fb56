from django.apps import AppConfig


class SpotchecksConfig(AppConfig):
    name = "qinglian.spotchecks"
    label = "spotchecks"
    verbose_name = "个人有关事项抽查核实"

    def ready(self):
        pass
