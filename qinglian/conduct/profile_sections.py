"""The conduct app's section of the cadre page (people.profile): family-event pre-reports in the
viewer's conduct.view scope; a fixed number of queries."""

from __future__ import annotations

from qinglian.accounts.scopes import scope

SHOWN = 5


def family_events_context(viewer, cadre) -> dict | None:
    from qinglian.conduct.models import FamilyEvent

    events = list(
        FamilyEvent.objects.filter(scope(viewer, "conduct.view").units_q("unit__"), cadre=cadre).order_by(
            "-event_date", "-id"
        )[:SHOWN]
    )
    return {"events": events}


def register() -> None:
    from qinglian.people.profile import ProfileSection, register_section

    register_section(ProfileSection("family_events", "婚丧喜庆事宜报备", "conduct/_profile_events.html",
                                    "conduct.view", family_events_context, order=40))  # fmt: skip
