from django.apps import AppConfig


def _check_promotion_candidates(sender, opinion_request=None, actor=None, **kwargs):
    """凡提必核: an opinion request for a promotion (or heavier use, or the reserve list) opens a
    targeted check for each found candidate the requester may check; other purposes need none."""
    from qinglian.archive.opinions import PURPOSE_RESTRICTION
    from qinglian.spotchecks.services import targeted_checks_from_opinion

    if actor is None or PURPOSE_RESTRICTION.get(opinion_request.purpose) not in (
        "promotion",
        "heavier_use",
        "reserve",
    ):
        return
    targeted_checks_from_opinion(actor=actor, opinion_request=opinion_request)


class SpotchecksConfig(AppConfig):
    name = "qinglian.spotchecks"
    label = "spotchecks"
    verbose_name = "个人有关事项抽查核实"

    def ready(self):
        from qinglian.core.navigation import NavEntry
        from qinglian.core.navigation import register as nav_register

        nav_register(
            NavEntry("日常监督", "个人有关事项抽查核实", "spotchecks:home", "declarations.check", 57)
        )
        nav_register(NavEntry("工作台", "个人有关事项核查说明", "spotchecks:mine", "declarations.own", 36))

        from qinglian.archive.opinions import opinion_requested

        opinion_requested.connect(_check_promotion_candidates, dispatch_uid="spotchecks.promotion_candidates")
