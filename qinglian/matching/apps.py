from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(sender, **kwargs):
    from qinglian.matching.services import sector_mapping_seed_defaults

    sector_mapping_seed_defaults()


class MatchingConfig(AppConfig):
    name = "qinglian.matching"
    label = "matching"
    verbose_name = "大数据比对"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("大数据比对", "大数据比对线索", "matching:hits", "matching.view", 70))
        nav_register(NavEntry("大数据比对", "人员关联确认", "matching:review", "matching.review", 71))
        nav_register(NavEntry("大数据比对", "比对运行", "matching:runs", "matching.view", 72))
        nav_register(NavEntry("大数据比对", "行业与业务领域对照", "matching:sectors", "matching.manage", 73))
        nav_register(NavEntry("大数据比对", "单位管辖区域", "matching:regions", "matching.manage", 74))
        post_migrate.connect(_seed, sender=self)
