"""Tables of the matching app (大数据比对, issue 10; ARCHITECTURE.md §2).

A run (`MatchRun`) links cadres and relatives to registry persons (`PersonLink`, written by the
linkage engine) and applies the conflict-of-interest rules (`RunHit`). Rows of a run are written
while the run is not current; the `MatchingState` pointer switches to it at the end, in one
transaction, so a run that fails midway leaves the previous results in place.

What outlives runs: reviewers' decisions on links (`LinkDecision`, passed to the engine on every
run) and hits as warnings (`Hit`: one per rule and key, with its life new → acknowledged →
handled / dismissed and its to-do; closed by a run that no longer finds it, never deleted). A hit is a proposal; a fact reaches the archive only as an
`external.*` entry written when a reviewer confirms the hit.

Registry rows are referred to by their ids (`registry_person_id`, and inside the evidence chain
`{"table", "id", "snapshot", "row"}`): the registries app owns them, and a superseded snapshot is
deleted there while the evidence chain keeps the snapshot and row it was read from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MatchRun(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", "全量比对"
        INCREMENTAL = "incremental", "增量比对"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.FULL)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    base = models.ForeignKey("self", verbose_name="增量基准", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")  # fmt: skip
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    stage = models.CharField("当前步骤", max_length=64, blank=True)
    inputs = models.JSONField("输入（数据快照等）", default=dict, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    counts = models.JSONField("计数", default=dict, blank=True)
    timing = models.JSONField("耗时（秒）", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    created_at = models.DateTimeField("提交时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "比对运行"
        verbose_name_plural = "比对运行"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"比对运行 {self.pk}"


class MatchingState(models.Model):
    """One row (pk=1): the run whose links and hits are current."""

    current_run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    switched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"当前比对运行 {self.current_run_id}"


class Subject(models.TextChoices):
    CADRE = "cadre", "干部本人"
    RELATIVE = "relative", "亲属"


class PersonLink(models.Model):
    """A scored link between a cadre or relative and a registry person, in one run."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", "自动采信（达到置信度）"
        UNCERTAIN = "uncertain", "待人工确认"
        CONFIRMED = "confirmed", "已人工确认"
        REJECTED = "rejected", "已人工否定"

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="links")
    subject = models.CharField("对象", max_length=16, choices=Subject.choices)
    cadre = models.ForeignKey("people.Cadre", on_delete=models.CASCADE, related_name="+")
    relative = models.ForeignKey("people.Relative", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")  # fmt: skip
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    registry_person_id = models.BigIntegerField("外部数据人员编号")
    score = models.FloatField("匹配得分")
    method = models.CharField("匹配方式", max_length=32)
    evidence = models.TextField("匹配依据")
    status = models.CharField("状态", max_length=16, choices=Status.choices)

    class Meta:
        verbose_name = "人员关联"
        verbose_name_plural = "人员关联"
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "subject", "cadre", "relative", "registry_person_id"],
                                    name="matching_link_once_per_run"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["run", "status"]),
            models.Index(fields=["run", "cadre"]),
            models.Index(fields=["run", "registry_person_id"]),
        ]

    def __str__(self):
        return f"{self.subject}:{self.subject_id} ~ {self.registry_person_id}"

    @property
    def subject_id(self) -> int:
        return self.relative_id if self.subject == Subject.RELATIVE else self.cadre_id


class LinkDecision(models.Model):
    """A reviewer's confirm or reject of a link, remembered across runs and passed to the engine."""

    class Decision(models.TextChoices):
        CONFIRM = "confirm", "确认是同一人"
        REJECT = "reject", "否定（不是同一人）"

    subject = models.CharField("对象", max_length=16, choices=Subject.choices)
    subject_id = models.BigIntegerField("对象编号")
    registry_person_id = models.BigIntegerField("外部数据人员编号")
    cadre = models.ForeignKey("people.Cadre", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField("决定", max_length=8, choices=Decision.choices)
    reason = models.TextField("理由")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("决定时间")

    class Meta:
        verbose_name = "关联确认"
        verbose_name_plural = "关联确认"
        constraints = [
            models.UniqueConstraint(fields=["subject", "subject_id", "registry_person_id"],
                                    name="matching_decision_once"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.subject}:{self.subject_id} ~ {self.registry_person_id} {self.decision}"


class SectorMapping(models.Model):
    """Editable: which GB/T 4754 industry codes belong to which field (Unit.sector)."""

    industry_prefix = models.CharField("行业代码（前缀）", max_length=5,
                                       help_text="GB/T 4754 门类字母（如 E）或大类/中类/小类数字代码前缀（如 47、4710）")  # fmt: skip
    sector = models.CharField("业务领域", max_length=64, help_text="与单位的“行业”一致，如：住房城乡建设")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    updated_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "行业与业务领域对照"
        verbose_name_plural = "行业与业务领域对照"
        ordering = ["industry_prefix", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["industry_prefix", "sector"], name="matching_sector_once")
        ]

    def __str__(self):
        return f"{self.industry_prefix} → {self.sector}"


class UnitRegion(models.Model):
    """Editable: the administrative division code (GB/T 2260 prefix) a unit governs, for the
    retired-cadre rule's "former jurisdiction". A unit without one takes its nearest ancestor's."""

    unit = models.OneToOneField("people.Unit", on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField("行政区划代码（前缀）", max_length=6)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    updated_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "单位管辖区域"
        verbose_name_plural = "单位管辖区域"

    def __str__(self):
        return f"{self.unit_id} {self.region_code}"


class RunHit(models.Model):
    """What one run's rules found (the hit's evidence as of that run)."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="hits")
    rule = models.CharField("规则", max_length=64)
    key = models.CharField("去重键", max_length=160)
    cadre = models.ForeignKey("people.Cadre", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    explanation = models.TextField("说明")
    evidence = models.JSONField("证据链")

    class Meta:
        verbose_name = "比对命中（运行内）"
        verbose_name_plural = "比对命中（运行内）"
        constraints = [models.UniqueConstraint(fields=["run", "rule", "key"], name="matching_runhit_once")]
        indexes = [models.Index(fields=["run", "cadre"])]

    def __str__(self):
        return f"{self.rule} {self.key}"


class Hit(models.Model):
    """A rule hit as a warning: a proposal with a life of its own (mirrors archive.Warning)."""

    class Status(models.TextChoices):
        NEW = "new", "新线索"
        ACKNOWLEDGED = "acknowledged", "已签收"
        HANDLED = "handled", "已核实（已转入档案待审核）"
        DISMISSED = "dismissed", "已排除"
        CLOSED = "closed", "已自动关闭（证据已不存在）"

    rule = models.CharField("规则", max_length=64, db_index=True)
    key = models.CharField("去重键", max_length=160)
    cadre = models.ForeignKey("people.Cadre", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    params = models.JSONField("规则参数（首次命中时）", default=dict)
    explanation = models.TextField("说明")
    evidence = models.JSONField("证据链（最近一次命中）")
    first_run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(MatchRun, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField("产生时间")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.NEW)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")  # fmt: skip
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_note = models.TextField("处置说明/排除理由", blank=True)
    workitem_id = models.BigIntegerField("待办编号", null=True, blank=True)
    entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="档案记录")  # fmt: skip

    class Meta:
        verbose_name = "比对线索"
        verbose_name_plural = "比对线索"
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="matching_hit_once_per_key")]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["last_run"])]

    def __str__(self):
        return f"{self.rule} {self.key}"
