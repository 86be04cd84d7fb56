from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "qinglian.intake"
    label = "intake"
    verbose_name = "信访举报与问题线索"
