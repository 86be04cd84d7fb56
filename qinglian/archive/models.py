"""The spine: one file per person (一人一档), and one per unit (政治生态档案).

Entries are never edited or deleted. A correction, a revocation (a sanction overturned on appeal)
or the end of a pending state is a new entry that points at the old one; a misfiled entry is voided
with approval (it leaves the file, and survives only in the audit trail). Outside facts wait for a
reviewer before they count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from qinglian.archive.kinds import COLOUR_LABELS


class EntryKind(models.Model):
    code = models.CharField("代码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=64)
    colour = models.CharField("颜色", max_length=8, choices=list(COLOUR_LABELS.items()))
    graded = models.BooleanField("计入等次", default=False)
    effect = models.CharField("对廉洁意见的影响", max_length=16, default="none")
    restrictions = models.JSONField("限制事项", default=list, blank=True)
    period = models.CharField("影响期计算方式", max_length=16, default="none")
    rule = models.CharField("规则代码", max_length=64, blank=True)
    sealed = models.BooleanField("密封", default=False)
    needs_decision = models.BooleanField("需要决定人", default=False)
    needs_document = models.BooleanField("需要决定文书", default=False)
    needs_review = models.BooleanField("需审核后生效", default=False)
    creators = models.JSONField("可录入的权限", default=list, blank=True)
    closes = models.JSONField("结束的待定状态", default=list, blank=True)
    for_units = models.BooleanField("单位记录", default=False)
    builtin = models.BooleanField("内置", default=False)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "记录类型"
        verbose_name_plural = "记录类型"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class ArchiveEntry(models.Model):
    class Sensitivity(models.TextChoices):
        NORMAL = "normal", "一般"
        SEALED = "sealed", "密封（仅纪检角色可见）"

    class Review(models.TextChoices):
        NOT_NEEDED = "not_needed", "无需审核"
        PENDING = "pending", "待审核"
        ACCEPTED = "accepted", "已确认"
        REJECTED = "rejected", "已退回"

    person = models.ForeignKey("people.Cadre", verbose_name="人员", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="archive_entries")  # fmt: skip
    unit = models.ForeignKey("people.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+",
                             help_text="人员记录：记录时所在单位；单位记录：该单位")  # fmt: skip
    kind = models.ForeignKey(EntryKind, verbose_name="类型", on_delete=models.PROTECT, related_name="entries")
    colour = models.CharField("颜色", max_length=8, choices=list(COLOUR_LABELS.items()))
    occurred_on = models.DateField("发生日期")
    effective_on = models.DateField("决定/生效日期")
    influence_end = models.DateField("影响期截止", null=True, blank=True, help_text="为空：无影响期或待结束")
    permanent = models.BooleanField("长期影响", default=False)
    period_months = models.PositiveSmallIntegerField("决定载明的期间（月）", null=True, blank=True,
                                                     help_text="留党察看期限、合并处分期间、组织处理期限等")  # fmt: skip
    period_year = models.PositiveSmallIntegerField("所属年度", null=True, blank=True, help_text="年度考核等")
    summary = models.TextField("事实摘要")
    source_app = models.CharField("来源模块", max_length=32, blank=True)
    source_type = models.CharField("来源对象类型", max_length=64, blank=True)
    source_id = models.CharField("来源对象编号", max_length=64, blank=True)
    source_agency = models.ForeignKey("people.Unit", verbose_name="来源单位", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")  # fmt: skip
    source_reference = models.CharField("来源文号/编号", max_length=100, blank=True)
    decided_by = models.CharField("决定人/决定机关", max_length=100, blank=True)
    decision_document = models.CharField("决定文书文号", max_length=100, blank=True)
    attachment = models.FileField("附件", upload_to="archive/%Y/%m/", blank=True)
    sensitivity = models.CharField(
        "密级", max_length=8, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    review = models.CharField("审核", max_length=12, choices=Review.choices, default=Review.NOT_NEEDED)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=255, blank=True)
    supersedes = models.ForeignKey("self", verbose_name="更正/撤销的记录", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="superseded_by")  # fmt: skip
    closes = models.ForeignKey("self", verbose_name="结束的待定记录", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="closed_by")  # fmt: skip
    revokes = models.BooleanField("撤销（不再计入）", default=False,
                                  help_text="真：本记录撤销所指记录（如申诉后撤销处分）；假：更正并替代")  # fmt: skip
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    recorded_at = models.DateTimeField("录入时间", db_index=True)
    # Written once, when a later entry supersedes, closes or voids this one: state derived from
    # those entries and kept here so that set-based scans need no self-joins. The "as known on"
    # questions use the timestamps, not these flags.
    ended_at = models.DateTimeField("被结束/替代的时间", null=True, blank=True)
    ended_on = models.DateField("被结束/替代的生效日期", null=True, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "档案记录"
        verbose_name_plural = "档案记录"
        ordering = ["-effective_on", "-id"]
        indexes = [
            models.Index(fields=["person", "effective_on"]),
            models.Index(fields=["unit", "effective_on"]),
            # Covering (PostgreSQL): the nightly scan reads the entries of the kinds it needs from
            # this index alone (`scan.counting_table`, the grades), not from most of the table's pages.
            models.Index(
                fields=["kind", "effective_on"],
                name="archive_entry_kind_cover",
                include=["id", "person", "unit", "colour", "influence_end", "permanent", "recorded_at",
                         "voided_at", "ended_at", "review", "reviewed_at"],
            ),  # fmt: skip
            models.Index(fields=["colour", "effective_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(influence_end__isnull=True) | Q(influence_end__gte=models.F("effective_on")),
                name="entry_influence_after_effective",
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"{self.kind.name} {self.effective_on:%Y-%m-%d}"

    @property
    def colour_label(self) -> str:
        return COLOUR_LABELS.get(self.colour, "")

    @property
    def counts(self) -> bool:
        return not self.voided_at and self.review in (self.Review.NOT_NEEDED, self.Review.ACCEPTED)


class EntryVoid(models.Model):
    """A request to void a misfiled entry (wrong person); takes effect when a second person approves."""

    entry = models.OneToOneField(ArchiveEntry, on_delete=models.PROTECT, related_name="void_request")
    reason = models.TextField("作废理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected = models.BooleanField(default=False)

    class Meta:
        verbose_name = "作废申请"
        verbose_name_plural = "作废申请"

    def __str__(self):
        return f"作废申请 #{self.entry_id}"


class PersonGrade(models.Model):
    """The latest computed grade of a person, with the entries that made it (recomputed on write
    and nightly; the scheme is the `archive.grade` rule)."""

    person = models.OneToOneField("people.Cadre", on_delete=models.CASCADE, related_name="archive_grade")
    score = models.DecimalField("分数", max_digits=6, decimal_places=2)
    grade = models.CharField("等次", max_length=8)
    counts = models.JSONField("各颜色计数", default=dict)
    basis = models.JSONField("计分依据（记录编号与分值）", default=list)
    # PostgreSQL only: a hash of the basis (the entries and their points, in any order), so that
    # the nightly scan can tell whose basis changed without rebuilding 500,000 of them.
    fingerprint = models.BigIntegerField("计分依据指纹", null=True, blank=True, editable=False)
    as_of = models.DateField("计算基准日")
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "人员等次"
        verbose_name_plural = "人员等次"
        indexes = [models.Index(fields=["grade"])]

    def __str__(self):
        return f"{self.person_id} {self.grade}"


class Warning(models.Model):
    """An early warning raised by a named rule, with the entries behind it and a life of its own."""

    class Status(models.TextChoices):
        NEW = "new", "新预警"
        ACKNOWLEDGED = "acknowledged", "已签收"
        HANDLED = "handled", "已处置"
        DISMISSED = "dismissed", "已排除"
        CLEARED = "cleared", "已自动解除"

    rule = models.CharField("预警规则", max_length=64, db_index=True)
    person = models.ForeignKey(
        "people.Cadre", null=True, blank=True, on_delete=models.CASCADE, related_name="warnings"
    )
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    key = models.CharField("去重键", max_length=128, help_text="同一规则、同一对象、同一事由只预警一次")
    params = models.JSONField("规则参数（当时）", default=dict)
    entries = models.ManyToManyField(ArchiveEntry, related_name="warnings", blank=True)
    explanation = models.TextField("预警说明")
    raised_on = models.DateField("预警基准日")
    raised_at = models.DateTimeField("产生时间")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.NEW)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")  # fmt: skip
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_note = models.TextField("处置说明/排除理由", blank=True)
    workitem_id = models.BigIntegerField("待办编号", null=True, blank=True)
    # Set when the rule no longer raises the warning (the pending state closed, the period ended...)
    # while nobody had handled or dismissed it: the warning stays, with when and why it cleared.
    closed_at = models.DateTimeField("自动解除时间", null=True, blank=True)
    closed_reason = models.CharField("自动解除原因", max_length=255, blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="warning_once_per_key")]
        indexes = [models.Index(fields=["status", "raised_on"]), models.Index(fields=["unit", "status"])]

    def __str__(self):
        return f"{self.rule} {self.key}"


class OpinionRequest(models.Model):
    """党风廉政意见回复: the organisation department asks; the commission drafts, reviews, approves."""

    class Purpose(models.TextChoices):
        PROMOTION = "promotion", "提拔任用"
        FURTHER_USE = "heavier_use", "进一步使用"
        AWARDS = "awards", "评优评先"
        RANK = "rank", "职级晋升"
        RESERVE = "reserve", "后备干部"
        NOMINATION = "nomination", "代表委员推荐"

    class Status(models.TextChoices):
        DRAFTED = "drafted", "已生成草稿"
        REVIEWED = "reviewed", "已审核待审批"
        ISSUED = "issued", "已签发"

    purpose = models.CharField("用途", max_length=16, choices=Purpose.choices)
    as_of = models.DateField("基准日期")
    title = models.CharField("事由", max_length=200, help_text="如：2026年第四季度科级干部提拔")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requesting_unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFTED)
    drafted_at = models.DateTimeField("草稿生成时间")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    approver_name = models.CharField("签发领导", max_length=64, blank=True)
    issued_at = models.DateTimeField("签发时间", null=True, blank=True)
    document_batch = models.UUIDField("回复函", null=True, blank=True)

    class Meta:
        verbose_name = "廉洁意见征求"
        verbose_name_plural = "廉洁意见征求"
        ordering = ["-drafted_at", "-id"]

    def __str__(self):
        return self.title


class OpinionCandidate(models.Model):
    class Verdict(models.TextChoices):
        CLEAR = "clear", "无影响"
        POSTPONE = "postpone", "暂缓"
        OBJECT = "object", "有影响（不同意）"
        NOT_FOUND = "not_found", "查无此人或不在范围内"

    request = models.ForeignKey(OpinionRequest, on_delete=models.CASCADE, related_name="candidates")
    position = models.PositiveIntegerField("序号")
    cadre = models.ForeignKey(
        "people.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_as = models.CharField("提交的信息", max_length=64, help_text="姓名或脱敏身份证号（不存完整号码）")
    draft_verdict = models.CharField("系统初判", max_length=16, choices=Verdict.choices)
    draft_reasons = models.JSONField("初判理由", default=list)
    verdict = models.CharField("意见", max_length=16, choices=Verdict.choices)
    reasons = models.JSONField("理由", default=list)
    change_reason = models.TextField("改变初判的理由", blank=True)
    dissent = models.TextField("不同意见", blank=True)

    class Meta:
        verbose_name = "意见对象"
        verbose_name_plural = "意见对象"
        ordering = ["request_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="opinion_candidate_position")
        ]

    def __str__(self):
        return f"{self.request_id}-{self.position} {self.verdict}"


class EntryImportJob(models.Model):
    """An Excel import of entries, run by a background task: validated in full, then written in one
    transaction or not at all; the page polls its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        DONE = "done", "已导入"
        REJECTED = "rejected", "未导入（有错误）"
        FAILED = "failed", "系统错误"

    file = models.FileField("文件", upload_to="archive/imports/%Y/%m/")
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("总行数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    unchanged = models.PositiveIntegerField("已存在", default=0)
    message = models.TextField("结果说明", blank=True)
    errors = models.JSONField("错误（前1000条）", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    error_report = models.FileField("错误报告", upload_to="archive/imports/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "档案记录导入任务"
        verbose_name_plural = "档案记录导入任务"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"档案记录导入 {self.filename}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.finished_at else 0)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)
