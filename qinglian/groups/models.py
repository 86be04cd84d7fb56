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


class Stage(models.TextChoices):
    """Career stage a measure applies to (任前/任中/任后/退休后)."""

    PRE = "pre", "任前（新进入本组时）"
    IN_OFFICE = "in_office", "任中"
    AFTER = "after", "任后/离任"
    RETIRED = "retired", "退休后"


class Frequency(models.TextChoices):
    ON_ENTRY = "on_entry", "进入本组时一次"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    YEARLY = "yearly", "每年"


class Measure(models.Model):
    """One measure of a group's plan (e.g. 三廉工程·廉课 for young cadres, quarterly)."""

    class Target(models.TextChoices):
        MEMBER = "member", "每名成员"
        UNIT = "unit", "成员所在单位（集体开展）"

    class Responsible(models.TextChoices):
        MEMBER_UNIT = "member_unit", "成员所在单位党组织"
        SUPERVISOR = "supervisor", "监督主体（派驻纪检监察组/乡镇纪委）"
        FIXED = "fixed", "指定单位"

    group = models.ForeignKey(SupervisionGroup, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField("措施", max_length=64)
    description = models.CharField("内容", max_length=255, blank=True)
    stage = models.CharField("阶段", max_length=16, choices=Stage.choices, default=Stage.IN_OFFICE)
    frequency = models.CharField("频次", max_length=16, choices=Frequency.choices)
    target = models.CharField("对象", max_length=8, choices=Target.choices, default=Target.MEMBER)
    responsible = models.CharField("责任主体", max_length=16, choices=Responsible.choices,
                                   default=Responsible.MEMBER_UNIT)  # fmt: skip
    responsible_unit = models.ForeignKey(
        "people.Unit",
        verbose_name="指定的责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.CharField("须提供的佐证", max_length=255)
    due_days = models.PositiveSmallIntegerField(
        "办理期限（天）", default=30, help_text="进入本组后或周期开始后的天数"
    )
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group__sort_order", "stage", "id"]

    def __str__(self):
        return f"{self.group.name}·{self.name}"


class MeasureBatch(models.Model):
    """What one responsible unit has to do for one measure in one period: the subject of its to-do."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="batches")
    unit = models.ForeignKey(
        "people.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(
        "周期", max_length=16, help_text="2026-11、2026Q4、2026，或 E+日期（当日新进入）"
    )
    due_date = models.DateField("期限")
    workitem = models.ForeignKey("workitems.WorkItem", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")  # fmt: skip
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "unit", "period"], name="groups_batch_unique"),
        ]

    def __str__(self):
        return f"{self.measure_id}:{self.unit_id}:{self.period}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("groups:batch", args=[self.pk])


class MeasureTask(models.Model):
    """One member (or, for unit measures, one unit) that the measure must reach in a period."""

    class Status(models.TextChoices):
        OPEN = "open", "待落实"
        DONE = "done", "已落实"

    batch = models.ForeignKey(MeasureBatch, on_delete=models.CASCADE, related_name="tasks")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="tasks")
    cadre = models.ForeignKey(
        "people.Cadre", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=16)
    due_date = models.DateField("期限")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField("落实日期", null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip
    evidence_note = models.CharField("佐证说明", max_length=500, blank=True)
    evidence_file = models.FileField("佐证材料", upload_to="groups/evidence/%Y/", blank=True, max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "cadre", "period"], condition=Q(cadre__isnull=False),
                                    name="groups_task_member_unique"),
            models.UniqueConstraint(fields=["measure", "unit", "period"], condition=Q(cadre__isnull=True),
                                    name="groups_task_unit_unique"),
        ]  # fmt: skip
        indexes = [models.Index(fields=["measure", "status", "due_date"], name="groups_task_status")]

    def __str__(self):
        return f"{self.measure_id}:{self.cadre_id or self.unit_id}:{self.period}"
