"""Tables of the projects app (see ARCHITECTURE.md §2): the task force's responsibility list
(十廉清单) with its monthly follow-up, year-end evaluation and reverse accountability, and the
special supervision projects (专项监督: "5+N" fields and 小切口) with 选题 → 派单 → 验单.

Workflow lives in `services.py`; statuses change only through its transition functions.
"""

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


# --- responsibility list (十廉清单) -------------------------------------------------------------


class ResponsibilityList(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "执行中"
        EVALUATED = "evaluated", "已年终评价"

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    owner_unit = models.ForeignKey(
        "people.Unit", verbose_name="制定单位", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField("制定时间")
    evaluated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    evaluated_at = models.DateTimeField("评价时间", null=True, blank=True)
    rule_params = models.JSONField("评价时的规则参数", default=dict, blank=True)

    class Meta:
        verbose_name = "十廉清单"
        verbose_name_plural = "十廉清单"
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner_unit", "year"], name="projects_one_list_per_unit_year")
        ]

    def __str__(self):
        return self.title


class ResponsibilityTask(models.Model):
    responsibility_list = models.ForeignKey(
        ResponsibilityList, on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("任务", max_length=200)
    content = models.TextField("任务内容", blank=True)
    lead_unit = models.ForeignKey(
        "people.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="+"
    )
    partner_units = models.ManyToManyField(
        "people.Unit", verbose_name="配合单位", blank=True, related_name="+"
    )
    start_month = models.DateField("起始月份")  # the first day of the first month followed up
    deadline = models.DateField("完成时限")
    expected_evidence = models.CharField("应提供的佐证", max_length=500)
    completed_on = models.DateField("完成日期", null=True, blank=True)  # from the report that says "done"

    class Meta:
        verbose_name = "清单任务"
        verbose_name_plural = "清单任务"
        ordering = ["responsibility_list", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["responsibility_list", "number"], name="projects_task_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class ProgressReport(models.Model):
    """The lead unit's monthly progress report on one task (月度跟进)."""

    class State(models.TextChoices):
        ON_TRACK = "on_track", "按计划推进"
        BEHIND = "behind", "进度滞后"
        DONE = "done", "已完成"

    task = models.ForeignKey(ResponsibilityTask, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField("月份")  # first day of the month reported on
    state = models.CharField("进展", max_length=16, choices=State.choices)
    note = models.TextField("进展情况")
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField("报送时间")
    late = models.BooleanField("逾期报送", default=False)

    class Meta:
        verbose_name = "月度进展"
        verbose_name_plural = "月度进展"
        ordering = ["task", "month"]
        constraints = [
            models.UniqueConstraint(fields=["task", "month"], name="projects_one_report_per_month")
        ]

    def __str__(self):
        return f"{self.task} {self.month:%Y-%m}"


class Evidence(models.Model):
    """A file uploaded as evidence (佐证材料), checked by content and size; on a progress report or
    on a dispatched item's closing report."""

    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    item = models.ForeignKey(
        "DispatchItem", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to="projects/%Y/%m/")
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False, item__isnull=True)
                | models.Q(report__isnull=True, item__isnull=False),
                name="projects_evidence_one_owner",
            )
        ]

    def __str__(self):
        return self.name


class MissingReport(models.Model):
    """A month for which the lead unit did not report in time: the to-do that chases it."""

    task = models.ForeignKey(ResponsibilityTask, on_delete=models.CASCADE, related_name="missing")
    month = models.DateField("月份")
    workitem = models.ForeignKey("workitems.WorkItem", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "month"], name="projects_one_missing_per_month")
        ]

    def __str__(self):
        return f"{self.task} {self.month:%Y-%m}"


class TaskEvaluation(models.Model):
    """Year-end score of one task (its lead unit's performance on it), with the parts of the score."""

    task = models.OneToOneField(ResponsibilityTask, on_delete=models.CASCADE, related_name="evaluation")
    months_due = models.PositiveSmallIntegerField("应报月数")
    months_reported = models.PositiveSmallIntegerField("按时报送月数")
    completed = models.BooleanField("按时完成")
    completed_late = models.BooleanField("逾期完成")
    has_evidence = models.BooleanField("有佐证材料")
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    explanation = models.TextField("计分说明")

    def __str__(self):
        return f"{self.task}: {self.score}"


class UnitEvaluation(models.Model):
    """Year-end score of a lead unit on the list: the mean of its tasks' scores."""

    responsibility_list = models.ForeignKey(
        ResponsibilityList, on_delete=models.CASCADE, related_name="unit_scores"
    )
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    n_tasks = models.PositiveSmallIntegerField("牵头任务数")
    score = models.DecimalField("得分", max_digits=5, decimal_places=1)
    passed = models.BooleanField("达标")

    class Meta:
        ordering = ["score", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["responsibility_list", "unit"], name="projects_unit_eval_unique")
        ]

    def __str__(self):
        return f"{self.unit_id}: {self.score}"


class AccountabilityProposal(models.Model):
    """Reverse accountability (倒查问责) when a lead unit fails: a proposal with the evaluation's
    evidence; nothing counts against the unit or a person until a named person decides."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待决定"
        HELD = "held", "决定问责"
        DISMISSED = "dismissed", "决定不予问责"

    evaluation = models.ForeignKey(UnitEvaluation, on_delete=models.PROTECT, related_name="proposals")
    cadre = models.ForeignKey("people.Cadre", verbose_name="拟问责责任人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")  # fmt: skip
    reason = models.TextField("问责理由")
    evidence = models.JSONField("评价依据", default=dict)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.CharField("决定人", max_length=100, blank=True)
    decided_by_user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("决定意见", blank=True)
    unit_entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    person_entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "倒查问责建议"
        verbose_name_plural = "倒查问责建议"
        ordering = ["-proposed_at", "-id"]

    def __str__(self):
        return f"倒查问责建议{self.pk}"


# --- special supervision projects (专项监督) ----------------------------------------------------


class Project(models.Model):
    class Kind(models.TextChoices):
        FIVE_N = "five_n", "“5+N”专项监督"
        SMALL_CUT = "small_cut", "“小切口”专项监督"

    class Status(models.TextChoices):
        TOPIC = "topic", "选题"
        DISPATCHED = "dispatched", "派单实施"
        CLOSED = "closed", "验单完成"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    field = models.CharField("监督领域", max_length=60)
    title = models.CharField("选题", max_length=200)
    scope_text = models.TextField("监督范围")
    targets = models.TextField("监督对象（重点单位、岗位、事项、人员、项目、数据）")
    period_start = models.DateField("实施期起")
    period_end = models.DateField("实施期止")
    owner_unit = models.ForeignKey(
        "people.Unit", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.TOPIC)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "专项监督项目"
        verbose_name_plural = "专项监督项目"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner_unit", "-created_at"])]

    def __str__(self):
        return self.title


class DispatchItem(models.Model):
    """One dispatched item (派单): a unit (and a team) to look into something by a deadline."""

    class Status(models.TextChoices):
        DISPATCHED = "dispatched", "已派单"
        REPORTED = "reported", "已报结待验单"
        RETURNED = "returned", "验单退回"
        VERIFIED = "verified", "验单通过"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField("序号")
    unit = models.ForeignKey(
        "people.Unit", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+"
    )
    team = models.CharField("协同力量（巡察组、乡镇纪委等）", max_length=100, blank=True)
    matter = models.TextField("派单事项")
    deadline = models.DateField("办理期限")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DISPATCHED)
    workitem = models.ForeignKey("workitems.WorkItem", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    dispatched_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    dispatched_at = models.DateTimeField()
    result = models.TextField("办理情况", blank=True)
    problems_found = models.PositiveIntegerField("发现问题（个）", default=0)
    problems_rectified = models.PositiveIntegerField("整改问题（个）", default=0)
    money_recovered = models.DecimalField(
        "挽回（追缴）资金（元）", max_digits=14, decimal_places=2, default=0
    )
    people_handled = models.PositiveIntegerField("处理人员（人）", default=0)
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reported_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    times_returned = models.PositiveSmallIntegerField("退回次数", default=0)

    class Meta:
        verbose_name = "派单事项"
        verbose_name_plural = "派单事项"
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="projects_item_number_unique")
        ]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self):
        return f"{self.project.title} 第{self.number}单"


class ItemEvent(models.Model):
    """The history of an item: dispatched, reported, returned (with the reason), verified."""

    item = models.ForeignKey(DispatchItem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=DispatchItem.Status.choices)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.item_id} {self.action}"
