from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "qinglian.front"
    label = "front"
    verbose_name = "网上举报（外网前置）"
