"""The groups app's section of the cadre page (people.profile): the supervision groups the cadre is in
now and the stays that ended; one query."""

from __future__ import annotations

SHOWN = 10


def groups_context(viewer, cadre) -> dict | None:
    from qinglian.groups.models import Membership

    stays = list(
        Membership.objects.filter(cadre=cadre).select_related("group").order_by("-since")[: SHOWN * 2]
    )
    return {"current": [m for m in stays if m.until is None][:SHOWN],
            "past": [m for m in stays if m.until is not None][:SHOWN]}  # fmt: skip


def register() -> None:
    from qinglian.people.profile import ProfileSection, register_section

    register_section(ProfileSection("groups", "分类监督分组", "groups/_profile_groups.html", "groups.view",
                                    groups_context, order=20))  # fmt: skip
