from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "qinglian.api"
    label = "api"
    verbose_name = "接口"

    def ready(self):
        from qinglian.core.navigation import NavEntry, register

        register(NavEntry("系统", "接口令牌", "api_tokens:list", "api.tokens.manage", 30))
        register(NavEntry("系统", "接口文档", "api:docs", "home.view", 40))
