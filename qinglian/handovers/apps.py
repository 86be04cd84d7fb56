from django.apps import AppConfig


class HandoversConfig(AppConfig):
    name = "qinglian.handovers"
    label = "handovers"
    verbose_name = "离任交接"

    def ready(self):
        pass
