from django.apps import AppConfig


class SelfreportsConfig(AppConfig):
    name = "qinglian.selfreports"
    label = "selfreports"
    verbose_name = "述职述廉与对照检查材料"

    def ready(self):
        pass
