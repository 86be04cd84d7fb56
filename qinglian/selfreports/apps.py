from django.apps import AppConfig


class SelfreportsConfig(AppConfig):
    name = "qinglian.selfreports"
    label = "selfreports"
    verbose_name = "述职述廉与对照检查材料"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(
            NavEntry("日常监督", "述职述廉报告雷同比对", "selfreports:reports", "inspections.reports", 76)
        )
