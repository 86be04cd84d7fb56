from django.apps import AppConfig


class GrassrootsConfig(AppConfig):
    name = "qinglian.grassroots"
    label = "grassroots"
    verbose_name = "基层监督网络"

    def ready(self):
        pass
