from django.apps import AppConfig


def _badge(user):
    from qinglian.workitems.selectors import workitem_badge_count

    return workitem_badge_count(user) or None


def _on_holiday_schedule_changed(sender, year, **kwargs):
    from qinglian.workitems.services import workitems_recompute_due

    workitems_recompute_due(year=year)


class WorkitemsConfig(AppConfig):
    name = "qinglian.workitems"
    label = "workitems"
    verbose_name = "待办事项"

    def ready(self):
        from qinglian.core.navigation import NavEntry, register
        from qinglian.core.signals import holiday_schedule_changed

        register(NavEntry("工作台", "我的待办", "workitems:list", "workitems.view", 10, badge=_badge))
        holiday_schedule_changed.connect(
            _on_holiday_schedule_changed, dispatch_uid="workitems.recompute_provisional_deadlines"
        )
