from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "qinglian.rules"
    label = "rules"
    verbose_name = "规则库"
