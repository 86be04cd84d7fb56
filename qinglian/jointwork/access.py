"""Checked fetches of the jointwork app: 404 outside the user's scope.

A meeting is reached by whoever holds `jointwork.view` over its convening unit, and by the users
of a member agency that attended it (an agency's users are the members of the agency's unit, as
`workitems` defines membership) — agencies have no unit scope of their own. A joint review, a
schedule and a circular are reached only through the unit scope (candidates are personnel matters).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from qinglian.accounts.scopes import has_capability, scope
from qinglian.jointwork.models import Circular, JointReview, Meeting, MeetingSchedule
from qinglian.workitems.selectors import member_unit_ids

_AGENCY_CACHE = "_qinglian_jointwork_agency_units"


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("对象不存在") from None


def agency_unit_ids(user) -> set[int]:
    """The units of the user's own member agencies (cached on the user for the request)."""
    units = getattr(user, _AGENCY_CACHE, None)
    if units is None:
        units = set()
        if has_capability(user, "jointwork.view"):
            from qinglian.taskforce.models import Agency

            mine = member_unit_ids(user)
            if mine:
                units = set(
                    Agency.objects.filter(unit_id__in=sorted(mine), active=True).values_list(
                        "unit_id", flat=True
                    )
                )
        setattr(user, _AGENCY_CACHE, units)
    return units


def meetings_q(user, unit_q: Q | None = None) -> Q:
    """Meetings `user` may see. `unit_q` replaces the unit-scope condition (an API token's narrowing)."""
    q = unit_q if unit_q is not None else scope(user, "jointwork.view").units_q("unit__")
    agency_units = agency_unit_ids(user)
    if agency_units:
        from qinglian.taskforce.models import Agency

        attended = Meeting.agencies.through.objects.filter(
            agency__in=Agency.objects.filter(unit_id__in=sorted(agency_units))
        ).values("meeting_id")
        q |= Q(pk__in=attended)
    return q


def sees_meeting(user, meeting: Meeting) -> bool:
    if scope(user, "jointwork.view").contains(meeting.unit):
        return True
    units = agency_unit_ids(user)
    return bool(units) and meeting.agencies.filter(unit_id__in=sorted(units)).exists()


def can_manage(user, meeting: Meeting) -> bool:
    return scope(user, "jointwork.manage").contains(meeting.unit)


def access_meeting(user, meeting_id) -> Meeting:
    meeting = Meeting.objects.select_related("unit", "created_by").filter(pk=_pk(meeting_id)).first()
    if meeting is None or not sees_meeting(user, meeting):
        raise Http404("会议不存在")
    return meeting


def access_review(user, review_id) -> JointReview:
    review = (
        JointReview.objects.select_related("unit", "meeting", "opinion_request", "created_by")
        .filter(pk=_pk(review_id))
        .first()
    )
    if review is None or not scope(user, "jointwork.view").contains(review.unit):
        raise Http404("联审不存在")
    return review


def access_schedule(user, schedule_id) -> MeetingSchedule:
    schedule = MeetingSchedule.objects.select_related("unit").filter(pk=_pk(schedule_id)).first()
    if schedule is None or not scope(user, "jointwork.manage").contains(schedule.unit):
        raise Http404("会议计划不存在")
    return schedule


def access_circular(user, circular_id) -> Circular:
    circular = Circular.objects.select_related("unit", "created_by").filter(pk=_pk(circular_id)).first()
    if circular is None or not scope(user, "jointwork.view").contains(circular.unit):
        raise Http404("通报不存在")
    return circular
