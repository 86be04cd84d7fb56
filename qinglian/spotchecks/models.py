"""Spot checks of personal-matters reports (个人有关事项报告抽查核实).

A `SampleRound` is one yearly random draw: its seed is generated and stored (and audited) before the
list exists, so the list can be recomputed from the seed; a redraw supersedes a round with a reason.
A `SpotCheck` is the check of one cadre (random, promotion candidate, named in a complaint): it
collects the agencies' returns, is compared against the cadre's submitted declaration, waits for
the cadre's explanation where anything differs, and ends with a named reviewer's decision, which
is what reaches the cadre's file (`declaration.omission` / `declaration.concealment`).

The comparison's items hold declaration details: they are sealed (org_supervision and the cadre).
What other modules see is `selectors.check_status`: the state and a summary without details.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SampleRound(models.Model):
    class Status(models.TextChoices):
        DRAWN = "drawn", "有效"
        SUPERSEDED = "superseded", "已重新抽取（作废）"

    year = models.PositiveIntegerField("抽查年度")
    scope_unit = models.ForeignKey(
        "people.Unit", verbose_name="抽查范围", on_delete=models.PROTECT, related_name="+"
    )
    ratio = models.DecimalField("抽查比例", max_digits=5, decimal_places=4)
    ratio_basis = models.CharField("比例依据", max_length=255, blank=True)
    seed = models.CharField("随机种子", max_length=64)
    seeded_at = models.DateTimeField("种子生成时间")
    population = models.PositiveIntegerField("应报告人数", default=0)
    population_digest = models.CharField("名单摘要", max_length=64, blank=True)
    sample_size = models.PositiveIntegerField("抽中人数", default=0)
    sample_digest = models.CharField("抽中名单摘要", max_length=64, blank=True)
    strata = models.PositiveIntegerField("分层（单位）数", default=0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAWN)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    redraw_reason = models.CharField("重新抽取理由", max_length=500, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField("抽取时间")

    class Meta:
        verbose_name = "随机抽查批次"
        ordering = ["-year", "-id"]

    def __str__(self):
        return f"{self.year}年度随机抽查（{self.scope_unit_id}）"


class SpotCheck(models.Model):
    class Kind(models.TextChoices):
        RANDOM = "random", "随机抽查"
        PROMOTION = "promotion", "提拔人选核查（凡提必核）"
        COMPLAINT = "complaint", "信访举报核查"
        OTHER = "other", "其他重点核查"

    class Status(models.TextChoices):
        OPEN = "open", "待比对"
        EXPLAINING = "explaining", "待本人说明"
        EXPLAINED = "explained", "已说明（待认定）"
        DECIDED = "decided", "已认定"
        CANCELLED = "cancelled", "已撤销"

    class Result(models.TextChoices):
        CONSISTENT = "consistent", "如实报告（一致）"
        OMISSION = "omission", "漏报"
        CONCEALMENT = "concealment", "瞒报"

    cadre = models.ForeignKey("people.Cadre", verbose_name="核查对象", on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    unit = models.ForeignKey("people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("核查类型", max_length=12, choices=Kind.choices)
    round = models.ForeignKey(
        SampleRound, null=True, blank=True, on_delete=models.PROTECT, related_name="checks"
    )
    reason = models.CharField("核查事由", max_length=500)
    source = models.CharField("来源", max_length=100, blank=True, help_text="如 appointments:12、opinion:5")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    declaration_ref = models.CharField("所比对的报告版本", max_length=64, blank=True)
    compared_at = models.DateTimeField("比对时间", null=True, blank=True)
    proposed = models.CharField("系统建议", max_length=12, choices=Result.choices, blank=True)
    explanation = models.TextField("本人说明", blank=True)
    explain_due = models.DateField("说明期限", null=True, blank=True)
    explained_at = models.DateTimeField("说明时间", null=True, blank=True)
    result = models.CharField("认定结果", max_length=12, choices=Result.choices, blank=True)
    handling = models.JSONField("处理方式", default=list, blank=True)
    decider_name = models.CharField("认定人", max_length=100, blank=True)
    decision_note = models.CharField("认定意见", max_length=1000, blank=True)
    change_reason = models.CharField("改变系统建议的理由", max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)
    entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    cancel_reason = models.CharField("撤销理由", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField("发起时间")

    class Meta:
        verbose_name = "个人有关事项核查"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["cadre", "created_at"], name="spot_check_cadre"),
            models.Index(fields=["status", "created_at"], name="spot_check_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"],
                condition=models.Q(status__in=["open", "explaining", "explained"]),
                name="spot_check_one_open_per_cadre",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}:{self.cadre_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.EXPLAINING, self.Status.EXPLAINED)


class Agency(models.TextChoices):
    REAL_ESTATE = "real_estate", "不动产登记机构"
    MARKET = "market", "市场监督管理部门"
    EXIT_ENTRY = "exit_entry", "公安出入境管理部门"
    FINANCE = "finance", "银行、证券、保险机构"


class AgencyRequest(models.Model):
    """A verification package sent to one agency (encrypted .xlsx; the password is never stored)."""

    agency = models.CharField("查询机构", max_length=16, choices=Agency.choices)
    number = models.CharField("函号", max_length=32, unique=True)
    reason = models.CharField("查询事由", max_length=500)
    issuing_unit = models.ForeignKey("people.Unit", verbose_name="发函单位", on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    checks = models.ManyToManyField(SpotCheck, through="RequestLine", related_name="requests")
    file = models.FileField(upload_to="spotchecks/requests/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    returned_at = models.DateTimeField("回复导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "查询委托函"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.number


class RequestLine(models.Model):
    request = models.ForeignKey(AgencyRequest, on_delete=models.CASCADE, related_name="lines")
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("查核编号", max_length=24)

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "spot_check"], name="spot_line_unique_check"),
            models.UniqueConstraint(fields=["request", "code"], name="spot_line_unique_code"),
        ]

    def __str__(self):
        return self.code


class AgencyReturn(models.Model):
    request = models.ForeignKey(AgencyRequest, on_delete=models.PROTECT, related_name="returns")
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()

    class Meta:
        verbose_name = "查询结果回复"
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return self.filename


class ReturnedItem(models.Model):
    """One item an agency reported for a checked cadre (sealed)."""

    agency_return = models.ForeignKey(AgencyReturn, on_delete=models.CASCADE, related_name="items")
    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="returned_items")
    kind = models.CharField(max_length=24)
    key = models.JSONField(default=dict)
    values = models.JSONField(default=dict)
    label = models.CharField(max_length=255, blank=True)
    row = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["spot_check", "kind", "id"]

    def __str__(self):
        return f"{self.kind}:{self.spot_check_id}"


class ComparedItem(models.Model):
    """One line of the comparison: a declared item, a returned item, or both matched (sealed)."""

    class Outcome(models.TextChoices):
        CONSISTENT = "consistent", "一致"
        OMISSION = "omission", "漏报"
        CONCEALMENT = "concealment", "瞒报"
        DECLARED_ONLY = "declared_only", "已报告、查询无结果（待核实）"

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="compared_items")
    kind = models.CharField("事项", max_length=24)
    declared = models.JSONField(null=True, blank=True)
    returned = models.JSONField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    explanation = models.CharField("比对说明", max_length=500)
    rule = models.CharField("依据", max_length=255, blank=True)

    class Meta:
        ordering = ["spot_check", "id"]

    def __str__(self):
        return f"{self.kind}:{self.outcome}"
