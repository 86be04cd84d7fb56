"""Tables of the handovers app (离任交接, seed 001): the departure handover of a top leader.

A case names the departing cadre, the unit and the successor; it carries the checklist version it
was opened with (the six handover items by default), the part of each supervising body (纪委,
组织部, 审计: who, what, done when), the departure audit (离任审计) and its findings, and the
successor's sign-off. All cases together are the departure database (离任信息数据库).

Nothing here counts against anyone by itself: an audit finding reaches a file only after the
audited side was heard and a named person decided (see services.finding_decide).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ChecklistVersion(models.Model):
    """One saved version of the handover checklist. Cases point at the version they were opened
    with, so an old case keeps the list it used when the checklist changes."""

    number = models.PositiveIntegerField("版本号", unique=True)
    items = models.JSONField("交接事项", default=list)  # [{"title": ..., "guidance": ...}]
    reason = models.CharField("修改理由", max_length=255)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "交接事项清单版本"
        ordering = ["-number"]

    def __str__(self):
        return f"交接事项清单第{self.number}版"


class DepartureReason(models.TextChoices):
    TRANSFER = "transfer", "调任、交流"
    PROMOTION = "promotion", "提拔"
    RETIREMENT = "retirement", "退休"
    REMOVAL = "removal", "免职、辞职"
    OTHER = "other", "其他"


class HandoverCase(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "交接中"
        SIGNED = "signed", "接任人已签收"
        CLOSED = "closed", "已办结"

    number = models.CharField("编号", max_length=32, unique=True)
    departing = models.ForeignKey(
        "people.Cadre", verbose_name="离任干部", on_delete=models.PROTECT, related_name="+"
    )
    departing_name = models.CharField("离任干部姓名", max_length=32)
    departing_post = models.CharField("离任职务", max_length=100)
    unit = models.ForeignKey(
        "people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="handover_cases"
    )
    successor = models.ForeignKey(
        "people.Cadre",
        verbose_name="接任人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    successor_name = models.CharField("接任人姓名", max_length=32)
    reason = models.CharField("离任原因", max_length=16, choices=DepartureReason.choices)
    departed_on = models.DateField("离任日期")
    due_on = models.DateField("交接期限")
    checklist = models.ForeignKey(
        ChecklistVersion, verbose_name="交接事项清单", on_delete=models.PROTECT, related_name="+"
    )
    audit_required = models.BooleanField("须进行离任审计", default=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField()
    signer_name = models.CharField("签收人", max_length=32, blank=True)
    signed_on = models.DateField("签收日期", null=True, blank=True)
    sign_note = models.CharField("签收意见", max_length=500, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.CharField("办结意见", max_length=500, blank=True)
    search_text = models.CharField(max_length=500, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "离任交接"
        ordering = ["-departed_on", "-id"]
        indexes = [models.Index(fields=["departed_on", "id"], name="handover_case_departed")]

    def __str__(self):
        return f"{self.number} {self.departing_name}"


class HandoverItem(models.Model):
    """One item of the case's checklist: what was handed over, and whether it is done."""

    class Status(models.TextChoices):
        OPEN = "open", "未完成"
        DONE = "done", "已交接"
        NOT_APPLICABLE = "na", "不涉及"

    case = models.ForeignKey(HandoverCase, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("序号")
    title = models.CharField("交接事项", max_length=255)
    guidance = models.CharField("交接要求", max_length=500, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    handed_over = models.TextField("交接内容", blank=True)
    remark = models.CharField("备注", max_length=500, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "交接事项"
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "position"], name="handover_item_position")]

    def __str__(self):
        return f"{self.position}. {self.title}"


class Body(models.TextChoices):
    DISCIPLINE = "discipline", "纪委监委"
    ORGANISATION = "organisation", "组织部"
    AUDIT = "audit", "审计机关"


class HandoverPart(models.Model):
    """The part of one supervising body in the case: who, what, by when, done when (seed 001 asks
    for the duties of discipline, organisation and audit to be defined, not left vague)."""

    case = models.ForeignKey(HandoverCase, on_delete=models.CASCADE, related_name="parts")
    body = models.CharField("监督主体", max_length=16, choices=Body.choices)
    unit = models.ForeignKey(
        "people.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    person = models.CharField("责任人", max_length=32)
    duty = models.CharField("职责", max_length=500)
    due_on = models.DateField("完成期限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    result = models.CharField("履职情况", max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "监督主体职责"
        ordering = ["case", "body"]
        constraints = [models.UniqueConstraint(fields=["case", "body"], name="handover_part_body")]

    def __str__(self):
        return f"{self.get_body_display()}：{self.person}"


class DepartureAudit(models.Model):
    """The departure audit (离任审计, 经济责任审计) of the case, carried out by the audit agency."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "审计中"
        REPORTED = "reported", "已出具审计报告"

    case = models.OneToOneField(HandoverCase, on_delete=models.CASCADE, related_name="audit")
    auditor_unit = models.ForeignKey(
        "people.Unit", verbose_name="审计机关", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_on = models.DateField("进点日期")
    reported_on = models.DateField("报告日期", null=True, blank=True)
    report_number = models.CharField("审计报告文号", max_length=64, blank=True)
    conclusion = models.TextField("审计结论", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "离任审计"

    def __str__(self):
        return f"离任审计（{self.case_id}）"


class AuditFinding(models.Model):
    """A finding of the departure audit, about the unit or about the departing cadre."""

    class Subject(models.TextChoices):
        UNIT = "unit", "单位"
        PERSON = "person", "离任干部本人"

    class Category(models.TextChoices):
        FINANCE = "finance", "财务收支"
        ASSETS = "assets", "国有资产"
        PROJECTS = "projects", "工程项目与合同"
        DECISIONS = "decisions", "重大经济事项决策"
        DEBT = "debt", "债务"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        RECORDED = "recorded", "已登记"
        HEARD = "heard", "已听取说明"
        CONFIRMED = "confirmed", "已认定"
        DISMISSED = "dismissed", "不予认定"

    case = models.ForeignKey(HandoverCase, on_delete=models.CASCADE, related_name="findings")
    subject = models.CharField("涉及对象", max_length=8, choices=Subject.choices)
    category = models.CharField("问题类别", max_length=12, choices=Category.choices)
    description = models.TextField("问题描述")
    amount = models.DecimalField("涉及金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.RECORDED)
    explanation = models.TextField("说明（被审计单位意见或本人说明）", blank=True)
    heard_on = models.DateField("听取说明日期", null=True, blank=True)
    decider_name = models.CharField("认定人", max_length=100, blank=True)
    decision_note = models.CharField("认定意见", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    entry = models.ForeignKey(
        "archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "离任审计发现问题"
        ordering = ["case", "id"]

    def __str__(self):
        return f"{self.get_category_display()}：{self.description[:20]}"
