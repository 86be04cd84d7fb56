from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "qinglian.inspections"
    label = "inspections"
    verbose_name = "巡察"

    def ready(self):
        pass
