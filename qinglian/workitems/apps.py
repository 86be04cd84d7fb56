from django.apps import AppConfig


class WorkitemsConfig(AppConfig):
    name = "qinglian.workitems"
    label = "workitems"
    verbose_name = "待办事项"
