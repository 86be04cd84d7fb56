"""Checked fetches of the grassroots app: 404 outside the user's scope.

An item of integrity information, a station or a task list is reached by whoever holds
`grassroots.view` over its unit (the township commission, the discipline commission, leadership)
or `grassroots.submit` over it (the station's own people: their village only).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from qinglian.accounts.scopes import scope
from qinglian.grassroots.models import DualPost, Information, Photo, Station, TaskList, Zone, ZoneGroup


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def visible_q(user, prefix: str = "unit__") -> Q:
    return scope(user, "grassroots.view").units_q(prefix) | scope(user, "grassroots.submit").units_q(prefix)


def sees(user, unit) -> bool:
    return scope(user, "grassroots.view").contains(unit) or scope(user, "grassroots.submit").contains(unit)


def access_station(user, station_id) -> Station:
    station = Station.objects.select_related("unit").filter(pk=_pk(station_id)).first()
    if station is None or not sees(user, station.unit):
        raise Http404("联络站不存在")
    return station


def access_information(user, info_id) -> Information:
    info = (
        Information.objects.select_related("station", "unit", "submitted_by", "triaged_by", "cadre", "subject_unit",
                                           "report", "clue", "referral", "entry")
        .filter(pk=_pk(info_id)).first()
    )  # fmt: skip
    if info is None or not sees(user, info.unit):
        raise Http404("廉情信息不存在")
    return info


def access_photo(user, info_id, photo_id) -> Photo:
    info = access_information(user, info_id)
    photo = Photo.objects.filter(pk=_pk(photo_id), information=info).first()
    if photo is None:
        raise Http404("照片不存在")
    return photo


def access_tasklist(user, list_id) -> TaskList:
    tl = TaskList.objects.select_related("unit").filter(pk=_pk(list_id)).first()
    if tl is None or not sees(user, tl.unit):
        raise Http404("任务清单不存在")
    return tl


def access_group(user, group_id) -> ZoneGroup:
    group = ZoneGroup.objects.select_related("zone", "zone__office").filter(pk=_pk(group_id)).first()
    if (
        group is None
        or not scope(user, "grassroots.view").contains(group.zone.office)
        and not any(scope(user, "grassroots.view").contains(t) for t in group.townships.all())
    ):
        raise Http404("协作组不存在")
    return group


def access_zone(user, zone_id) -> Zone:
    zone = Zone.objects.select_related("office").filter(pk=_pk(zone_id)).first()
    if zone is None or not scope(user, "grassroots.view").contains(zone.office):
        raise Http404("协作区不存在")
    return zone


def access_dual_post(user, holder_id) -> DualPost:
    holder = DualPost.objects.select_related("cadre", "village").filter(pk=_pk(holder_id)).first()
    if holder is None or not scope(user, "grassroots.view").contains(holder.village):
        raise Http404("记录不存在")
    return holder
