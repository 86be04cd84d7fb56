from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "qinglian.inspections"
    label = "inspections"
    verbose_name = "巡察"

    def ready(self):
        import qinglian.inspections.documents  # noqa: F401  (registers the circular and commitment templates)
