from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "qinglian.declarations"
    label = "declarations"
    verbose_name = "个人有关事项报告"

    def ready(self):
        pass
