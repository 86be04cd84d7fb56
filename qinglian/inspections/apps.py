from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "qinglian.inspections"
    label = "inspections"
    verbose_name = "巡察"

    def ready(self):
        import qinglian.inspections.documents  # noqa: F401  (registers the circular and commitment templates)
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("日常监督", "巡察", "inspections:home", "inspections.view", 60))
        nav_register(
            NavEntry("工作台", "巡察整改事项", "inspections:rectifications", "inspections.rectify", 40)
        )
