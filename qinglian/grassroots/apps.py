from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _seed(sender, **kwargs):
    from qinglian.grassroots.services import power_list_seed_defaults

    power_list_seed_defaults()


class GrassrootsConfig(AppConfig):
    name = "qinglian.grassroots"
    label = "grassroots"
    verbose_name = "基层监督网络"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("工作台", "报送廉情信息", "grassroots:submit", "grassroots.submit", 30))
        nav_register(NavEntry("工作台", "本站廉情信息", "grassroots:mine", "grassroots.submit", 31))
        nav_register(NavEntry("基层监督", "廉情信息研判", "grassroots:information", "grassroots.view", 60))
        nav_register(NavEntry("基层监督", "联络站", "grassroots:stations", "grassroots.view", 61))
        nav_register(NavEntry("基层监督", "片组协作", "grassroots:zones", "grassroots.view", 62))
        nav_register(NavEntry("基层监督", "村级权力清单", "grassroots:powers", "grassroots.view", 63))
        nav_register(NavEntry("基层监督", "“一肩挑”监督", "grassroots:dual_posts", "grassroots.view", 64))
        nav_register(NavEntry("基层监督", "任务清单（20+X）", "grassroots:tasks", "grassroots.view", 65))
        post_migrate.connect(_seed, sender=self)
