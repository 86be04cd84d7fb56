"""Supervision groups (分类施策): who belongs to which group, by rule or by hand, over time.

A membership row is one continuous stay of a cadre in a group: `since` when the rule (or a manual
addition) first put the cadre in, `until` when it stopped. The open rows are the current members;
the closed ones are the history. Rule edits are kept as versions so a past membership can be
explained with the rule that applied then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class SupervisionGroup(models.Model):
    code = models.CharField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    description = models.CharField("说明", max_length=255, blank=True)
    rule = models.JSONField("成员规则", default=dict, blank=True, help_text="为空：只有手工加入的成员")
    active = models.BooleanField("启用", default=True)
    builtin = models.BooleanField("内置", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    recomputed_at = models.DateTimeField("成员最近计算时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "监督分组"
        verbose_name_plural = "监督分组"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name


class RuleVersion(models.Model):
    """Each saved rule of a group, with who changed it, when and why."""

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="rule_versions")
    rule = models.JSONField()
    description = models.CharField("规则说明", max_length=500)
    reason = models.CharField("修改理由", max_length=255)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.group_id}@{self.changed_at:%Y-%m-%d}"


class ManualMembership(models.Model):
    """A manual addition to, or removal from, a group that overrides its rule, with the reason."""

    class Action(models.TextChoices):
        INCLUDE = "include", "手工加入"
        EXCLUDE = "exclude", "手工移出"

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="manual")
    cadre = models.ForeignKey("people.Cadre", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.CharField("理由", max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField("撤销时间", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "cadre"], condition=Q(ended_at__isnull=True), name="groups_manual_one_open"
            )
        ]

    def __str__(self):
        return f"{self.group_id}:{self.cadre_id}:{self.action}"


class Membership(models.Model):
    class Source(models.TextChoices):
        RULE = "rule", "规则"
        MANUAL = "manual", "手工加入"

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="memberships")
    cadre = models.ForeignKey("people.Cadre", on_delete=models.CASCADE, related_name="group_memberships")
    source = models.CharField(max_length=8, choices=Source.choices)
    since = models.DateTimeField("加入时间")
    until = models.DateTimeField("退出时间", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "cadre"], condition=Q(until__isnull=True), name="groups_membership_one_open"
            )
        ]
        indexes = [models.Index(fields=["cadre", "until"], name="groups_membership_cadre")]

    def __str__(self):
        return f"{self.group_id}:{self.cadre_id}"
