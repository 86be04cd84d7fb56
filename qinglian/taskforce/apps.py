from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(sender, **kwargs):
    from qinglian.taskforce.services import seed_defaults

    seed_defaults()


class TaskforceConfig(AppConfig):
    name = "qinglian.taskforce"
    label = "taskforce"
    verbose_name = "“8+X”工作专班"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("工作台", "报送月报表", "taskforce:upload", "taskforce.report", 40))
        nav_register(NavEntry("工作台", "专班共享信息", "taskforce:shared", "taskforce.report", 41))
        nav_register(NavEntry("工作专班", "专班月报表", "taskforce:reports", "taskforce.view", 70))
        nav_register(NavEntry("工作专班", "专班成员单位", "taskforce:agencies", "taskforce.manage", 71))
        nav_register(NavEntry("工作专班", "月报表信息类型", "taskforce:row_types", "taskforce.manage", 72))
        post_migrate.connect(_seed, sender=self)
