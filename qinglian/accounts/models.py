from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qinglian.accounts.roles import ROLE_CHOICES


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=64, blank=True)
    unit = models.ForeignKey(
        "people.Unit",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField("联系电话", max_length=32, blank=True)
    is_integration = models.BooleanField(
        "接口账号", default=False, help_text="供成员单位系统通过 API 令牌调用"
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A user holds a role, anchored at a unit, for a period.

    A role that reads sealed data starts `pending` and becomes `active` only when a second person
    (a security officer, not the requester) approves it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        ACTIVE = "active", "有效"
        REJECTED = "rejected", "已驳回"
        REVOKED = "revoked", "已撤销"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField("角色", max_length=32, choices=ROLE_CHOICES)
    anchor = models.ForeignKey(
        "people.Unit",
        verbose_name="范围单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateTimeField("生效时间", default=timezone.now)
    valid_until = models.DateTimeField("失效时间", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    reason = models.CharField("授权事由", max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        ordering = ["user_id", "role"]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.anchor or '—'}"

    @staticmethod
    def active_q(at=None) -> Q:
        at = at or timezone.now()
        return Q(status="active", valid_from__lte=at) & (Q(valid_until__isnull=True) | Q(valid_until__gt=at))


class ScopeGrant(models.Model):
    """A time-boxed grant of one unit (and optionally its subtree) to a user, for one role.

    Used for an inspection team's targets during its round and for zone-group cooperation.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scope_grants")
    role = models.CharField("角色", max_length=32, choices=ROLE_CHOICES)
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    include_subtree = models.BooleanField("含下级单位", default=True)
    valid_from = models.DateTimeField("生效时间")
    valid_until = models.DateTimeField("失效时间")
    reason = models.CharField("授权事由", max_length=255)
    source = models.CharField("来源", max_length=100, blank=True, help_text="如：巡察轮次编号")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "临时授权"
        verbose_name_plural = "临时授权"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="grant_period_positive"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit} · 至 {self.valid_until:%Y-%m-%d}"

    @staticmethod
    def active_q(at=None) -> Q:
        at = at or timezone.now()
        return Q(revoked_at__isnull=True, valid_from__lte=at, valid_until__gt=at)
