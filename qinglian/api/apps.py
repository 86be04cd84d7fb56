from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "qinglian.api"
    label = "api"
    verbose_name = "接口"
