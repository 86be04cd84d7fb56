"""Reads of work items shared by views, the navigation badge and other apps.

"Members of a unit" are the active users whose `unit` is that unit, plus the users holding an
active role assignment anchored at it (e.g. a stationed group's officers, whatever their own unit).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from qinglian.accounts.models import RoleAssignment, User
from qinglian.workitems.models import Notification, WorkItem

DUE_SOON_DAYS = 3
FILTERS = {"open": "办理中", "overdue": "已逾期", "done": "已办结", "escalated": "督办"}


def _anchored_units(user):
    return RoleAssignment.objects.filter(RoleAssignment.active_q(), user=user, anchor__isnull=False).values(
        "anchor_id"
    )


def member_units_q(user, field: str) -> Q:
    """Condition: `field` (a unit foreign key) is one of the units `user` is a member of."""
    q = Q(**{f"{field}__in": _anchored_units(user)})
    if user.unit_id:
        q |= Q(**{field: user.unit_id})
    return q


def member_unit_ids(user) -> set[int]:
    ids = set(_anchored_units(user).values_list("anchor_id", flat=True))
    if user.unit_id:
        ids.add(user.unit_id)
    return ids


def unit_members(unit_ids) -> dict[int, set[int]]:
    """unit id -> ids of its active member users (two queries whatever the number of units)."""
    unit_ids = {u for u in unit_ids if u}
    members: dict[int, set[int]] = {u: set() for u in unit_ids}
    if not unit_ids:
        return members
    for user_id, unit_id in User.objects.filter(unit_id__in=unit_ids, is_active=True).values_list(
        "pk", "unit_id"
    ):
        members[unit_id].add(user_id)
    for user_id, unit_id in RoleAssignment.objects.filter(
        RoleAssignment.active_q(), anchor_id__in=unit_ids, user__is_active=True
    ).values_list("user_id", "anchor_id"):
        members[unit_id].add(user_id)
    return members


def mine_q(user) -> Q:
    return Q(assignee_user=user) | member_units_q(user, "assignee_unit")


def workitem_list(*, viewer, show: str = "open", today: date | None = None) -> QuerySet[WorkItem]:
    """The viewer's to-dos: assigned to the viewer or to one of the viewer's units; `escalated`
    lists instead the overdue items escalated to the viewer's units (督办)."""
    today = today or timezone.localdate()
    items = WorkItem.objects.select_related("assignee_user", "assignee_unit", "escalate_to")
    if show == "escalated":
        return items.filter(
            member_units_q(viewer, "escalate_to"), status=WorkItem.Status.OPEN, escalated_at__isnull=False
        ).order_by("due_date", "id")
    items = items.filter(mine_q(viewer))
    if show == "done":
        return items.exclude(status=WorkItem.Status.OPEN).order_by("-completed_at", "-cancelled_at", "-id")
    items = items.filter(status=WorkItem.Status.OPEN)
    if show == "overdue":
        items = items.filter(due_date__lt=today)
    return items.order_by("due_date", "id")


def workitem_badge_count(user) -> int:
    """Open to-dos of the user (or the user's units) overdue or due within three days: one query."""
    soon = timezone.localdate() + timedelta(days=DUE_SOON_DAYS)
    return WorkItem.objects.filter(mine_q(user), status=WorkItem.Status.OPEN, due_date__lte=soon).count()


def open_items_for(subject, kind: str | None = None) -> QuerySet[WorkItem]:
    """Open work items about `subject` (any model instance), optionally of one kind."""
    items = WorkItem.objects.filter(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        status=WorkItem.Status.OPEN,
    )
    return items.filter(kind=kind) if kind else items


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("item").order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
