"""To-dos: anything with an owner and a deadline, about any object of any app.

A work item keeps how its due date was computed (N working or calendar days from the start), so a
deadline counted through a year whose holiday schedule was not yet published (provisional) can be
recomputed when the schedule is entered.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


class WorkItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        DONE = "done", "已办结"
        CANCELLED = "cancelled", "已撤销"

    class DueMode(models.TextChoices):
        WORKING_DAYS = "working", "工作日"
        CALENDAR_DAYS = "calendar", "自然日"
        FIXED = "fixed", "指定日期"

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField("类型", max_length=64, help_text="如 intake.acknowledge")
    title = models.CharField("事项", max_length=200)
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workitems",
    )
    assignee_unit = models.ForeignKey(
        "people.Unit",
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workitems",
    )
    escalate_to = models.ForeignKey(
        "people.Unit",
        verbose_name="督办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_workitems",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    start_date = models.DateField("起算日期")
    due_date = models.DateField("办理期限", db_index=True)
    due_mode = models.CharField("期限计算方式", max_length=16, choices=DueMode.choices)
    due_days = models.PositiveIntegerField("期限天数", null=True, blank=True)
    due_provisional = models.BooleanField("期限为暂定", default=False)
    due_basis = models.CharField("期限依据", max_length=255, blank=True)
    remind_days = models.JSONField("提前提醒天数", default=list, blank=True)
    # The earliest day a reminder may be due (due date minus the largest reminder offset), so the
    # scan selects candidates with one indexed range condition.
    remind_from = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    close_note = models.TextField("办结说明/撤销理由", blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "待办事项"
        verbose_name_plural = "待办事项"
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="workitem_subject_idx"),
            models.Index(fields=["status", "due_date"], name="workitem_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_user__isnull=False) | Q(assignee_unit__isnull=False),
                name="workitem_has_assignee",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date < today

    @property
    def due_rule_text(self) -> str:
        if self.due_mode == self.DueMode.FIXED:
            return "指定日期"
        return f"{self.due_days}个{self.get_due_mode_display()}"


class Notification(models.Model):
    """An in-app notice about a work item. At most one per (item, user, kind, days before due)."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "新待办"
        REMINDER = "reminder", "到期提醒"
        OVERDUE = "overdue", "已逾期"
        ESCALATION = "escalation", "逾期督办"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    days_before = models.SmallIntegerField("提前天数", default=0)
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "user", "kind", "days_before"], name="notification_once_per_item_kind"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.message
