from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "qinglian.intake"
    label = "intake"
    verbose_name = "信访举报与问题线索"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("信访与线索", "信访举报", "intake:reports", "intake.view", 10))
        nav_register(NavEntry("信访与线索", "问题线索", "intake:clues", "intake.view", 12))
