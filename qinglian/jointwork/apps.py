from django.apps import AppConfig


class JointworkConfig(AppConfig):
    name = "qinglian.jointwork"
    label = "jointwork"
    verbose_name = "联席会议与联审"

    def ready(self):
        import qinglian.jointwork.documents  # noqa: F401  (registers the minutes and circular templates)
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(NavEntry("工作专班", "联席会议", "jointwork:meetings", "jointwork.view", 70))
        nav_register(NavEntry("工作专班", "联审", "jointwork:reviews", "jointwork.view", 71))
        nav_register(NavEntry("工作专班", "大监督通报", "jointwork:circulars", "jointwork.view", 72))
        nav_register(NavEntry("工作专班", "会议计划", "jointwork:schedules", "jointwork.manage", 73))
