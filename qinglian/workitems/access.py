"""The one checked fetch of a work item, and who may act on it.

Who sees an item: its assignee user, the members of its assignee unit and the members of its
escalation unit (督办单位) — "members" as defined in `selectors`. Anyone else gets a 404.
"""

from __future__ import annotations

from django.http import Http404

from qinglian.workitems.models import WorkItem
from qinglian.workitems.selectors import member_unit_ids

_CACHE = "_qinglian_member_units"


def _units(user) -> set[int]:
    units = getattr(user, _CACHE, None)
    if units is None:
        units = member_unit_ids(user)
        setattr(user, _CACHE, units)
    return units


def is_assignee(user, item: WorkItem) -> bool:
    if item.assignee_user_id:
        return item.assignee_user_id == user.pk
    return item.assignee_unit_id in _units(user)


def can_view(user, item: WorkItem) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return (
        item.assignee_user_id == user.pk
        or item.assignee_unit_id in _units(user)
        or item.escalate_to_id in _units(user)
    )


def can_complete(user, item: WorkItem) -> bool:
    """The assignee (or, for an item given to a unit, a member of that unit)."""
    return item.is_open and is_assignee(user, item)


def can_cancel(user, item: WorkItem) -> bool:
    """Whoever created the item, or a member of its escalation unit."""
    return item.is_open and (
        (item.created_by_id is not None and item.created_by_id == user.pk)
        or item.escalate_to_id in _units(user)
    )


def access_workitem(user, item_id) -> WorkItem:
    try:
        item = WorkItem.objects.select_related(
            "assignee_user", "assignee_unit", "escalate_to", "created_by", "closed_by", "content_type"
        ).get(pk=int(item_id))
    except (WorkItem.DoesNotExist, TypeError, ValueError):
        raise Http404("待办事项不存在") from None
    if not can_view(user, item):
        raise Http404("待办事项不存在")
    return item
