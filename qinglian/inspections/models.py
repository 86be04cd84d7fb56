"""Tables of the inspections app (巡察, seed 004; ARCHITECTURE.md §2).

Plans (five-year, annual, the city's imported plan) list targets; rounds of an annual plan send
teams to targets; findings are tied to indicators and units, become rectification items (three
gates) and, where a person is concerned, clues in intake. Inspectors come from two pools (组长库,
人才库) and are rated, seconded, bound by commitment letters and supervised themselves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class PlanKind(models.TextChoices):
    FIVE_YEAR = "five_year", "五年巡察规划"
    ANNUAL = "annual", "年度巡察计划"
    CITY = "city", "上级（市委）巡察计划（导入）"


class Plan(models.Model):
    kind = models.CharField("类型", max_length=16, choices=PlanKind.choices)
    title = models.CharField("名称", max_length=120)
    owner_unit = models.ForeignKey(
        "people.Unit", verbose_name="制定机关（行政区）", on_delete=models.PROTECT, related_name="+"
    )
    start_year = models.PositiveSmallIntegerField("起始年度")
    end_year = models.PositiveSmallIntegerField("截止年度")
    parent = models.ForeignKey(
        "self",
        verbose_name="所属五年规划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    source_file = models.CharField("导入文件", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "巡察规划/计划"
        verbose_name_plural = "巡察规划/计划"
        ordering = ["-start_year", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="insp_plan_years")
        ]

    def __str__(self):
        return self.title


class PlanTarget(models.Model):
    """A unit planned for inspection in a year, in an order (轮次顺序) that aligns across levels."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        "people.Unit", verbose_name="巡察对象", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("计划年度")
    order = models.PositiveSmallIntegerField("轮次顺序", default=1)
    upgraded = models.BooleanField("提级巡察（纳入上级规划）", default=False)

    class Meta:
        ordering = ["year", "order", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit", "year"], name="insp_plan_target_once")]

    def __str__(self):
        return f"PlanTarget #{self.pk}"


class RoundKind(models.TextChoices):
    REGULAR = "regular", "常规巡察"
    SPECIAL = "special", "专项巡察"
    MOBILE = "mobile", "机动巡察"
    CROSS = "cross", "交叉巡察"
    UPGRADED = "upgraded", "提级巡察"


class Round(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "筹备中"
        ASSIGNED = "assigned", "已分组"
        ONGOING = "ongoing", "进驻中"
        FEEDBACK = "feedback", "已反馈（整改中）"
        CLOSED = "closed", "已结束"

    plan = models.ForeignKey(Plan, verbose_name="年度计划", on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField("轮次")
    title = models.CharField("名称", max_length=120)
    kind = models.CharField("巡察类型", max_length=16, choices=RoundKind.choices)
    organiser = models.ForeignKey(
        "people.Unit", verbose_name="组织机关", on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField("进驻日期")
    end_date = models.DateField("结束日期")
    feedback_date = models.DateField("反馈日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PLANNED)
    previous = models.ForeignKey(
        "self", verbose_name="上一轮", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "巡察轮次"
        verbose_name_plural = "巡察轮次"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="insp_round_dates")
        ]

    def __str__(self):
        return self.title


class Unification(models.TextChoices):
    """ "六统一" of a cross-inspection round (seed 004)."""

    DEPLOYMENT = "deployment", "工作统一部署"
    TARGETS = "targets", "对象统一确定"
    TRAINING = "training", "人员统一培训"
    TIME_LIMITS = "time_limits", "时限统一掌控"
    REPORTING = "reporting", "汇报统一听取"
    RESULTS = "results", "成果统一运用"


class RoundUnification(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="unifications")
    item = models.CharField("事项", max_length=16, choices=Unification.choices)
    done_on = models.DateField("完成日期")
    note = models.CharField("说明", max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["round", "item"]
        constraints = [models.UniqueConstraint(fields=["round", "item"], name="insp_unification_once")]

    def __str__(self):
        return f"RoundUnification #{self.pk}"


# --- inspectors -----------------------------------------------------------------------------------


class Pool(models.TextChoices):
    LEADER = "leader", "组长库"
    TALENT = "talent", "人才库"


class Inspector(models.Model):
    """A cadre in one of the two pools (两库)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在库"
        REMOVED = "removed", "已出库"

    cadre = models.ForeignKey("people.Cadre", verbose_name="干部", on_delete=models.PROTECT, related_name="+")
    pool = models.CharField("库别", max_length=8, choices=Pool.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="系统账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ACTIVE)
    entered_on = models.DateField("入库日期")
    entry_reason = models.CharField("入库理由", max_length=500)
    removed_on = models.DateField("出库日期", null=True, blank=True)
    removal_reason = models.CharField("出库理由", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "巡察干部"
        verbose_name_plural = "巡察干部"
        ordering = ["pool", "cadre__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "pool"], condition=Q(status="active"), name="insp_inspector_once_active"
            )
        ]

    def __str__(self):
        return f"{self.cadre.name}（{self.get_pool_display()}）"


class InspectorRating(models.Model):
    class Grade(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        GOOD = "good", "称职"
        FAIR = "fair", "基本称职"
        POOR = "poor", "不称职"

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="ratings")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="ratings")
    grade = models.CharField("评定", max_length=12, choices=Grade.choices)
    comment = models.CharField("评语", max_length=500)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField()

    class Meta:
        ordering = ["-rated_at"]
        constraints = [models.UniqueConstraint(fields=["inspector", "round"], name="insp_rating_once")]

    def __str__(self):
        return f"InspectorRating #{self.pk}"


class Secondment(models.Model):
    """抽调: by default one year (seed 004: 明确巡察干部抽调期限一年)."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="secondments")
    from_unit = models.ForeignKey(
        "people.Unit", verbose_name="派出单位", on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField("抽调开始")
    end_date = models.DateField("抽调结束")
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="insp_secondment_dates"
            )
        ]

    def __str__(self):
        return f"Secondment #{self.pk}"


class CommitmentLetter(models.Model):
    class Kind(models.TextChoices):
        CONFIDENTIALITY = "confidentiality", "巡察工作保密承诺书"
        DILIGENCE = "diligence", "履职尽责承诺书"

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    signed_on = models.DateField("签署日期")
    document = models.ForeignKey("documents.Document", null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-signed_on"]

    def __str__(self):
        return f"CommitmentLetter #{self.pk}"


class InspectorSupervision(models.Model):
    """A supervision record about an inspector (作风监督员, 纪律作风检查)."""

    class Kind(models.TextChoices):
        PRAISE = "praise", "表现突出"
        REMINDER = "reminder", "提醒纠正"
        VIOLATION = "violation", "违反纪律作风（另行处理）"
        CHECK = "check", "检查情况"

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="supervision")
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    text = models.CharField("情况", max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"InspectorSupervision #{self.pk}"


# --- teams and assignment --------------------------------------------------------------------------


class Team(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField("组名", max_length=60)
    home_county = models.ForeignKey(
        "people.Unit",
        verbose_name="抽调自（县/市/区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_load = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["round", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="insp_team_name_once")]

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", "组长"
        DEPUTY = "deputy", "副组长"
        MEMBER = "member", "组员"
        LIAISON = "liaison", "联络员"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("职责", max_length=8, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["team", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "inspector"], name="insp_member_once")]

    def __str__(self):
        return f"TeamMember #{self.pk}"


class RoundTarget(models.Model):
    class Source(models.TextChoices):
        NONE = "", "未分配"
        SOLVER = "solver", "自动分配（CP-SAT）"
        MANUAL = "manual", "人工调整"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        "people.Unit", verbose_name="巡察对象", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets")
    source = models.CharField("分配方式", max_length=8, choices=Source.choices, blank=True, default="")
    explanation = models.TextField("分配理由", blank=True)
    override_reason = models.CharField("调整理由", max_length=500, blank=True)

    class Meta:
        ordering = ["round", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="insp_round_target_once")]

    def __str__(self):
        return f"RoundTarget #{self.pk}"


class AssignmentRun(models.Model):
    class Status(models.TextChoices):
        OPTIMAL = "optimal", "已求得最优解"
        FEASIBLE = "feasible", "可行解（未证明最优）"
        INFEASIBLE = "infeasible", "无可行方案"
        UNKNOWN = "unknown", "超时未求解"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=12, choices=Status.choices)
    max_load = models.PositiveIntegerField("单组最多对象数", null=True)
    changes = models.PositiveIntegerField("较上一轮变化数", null=True)
    seconds = models.FloatField("求解用时（秒）", default=0)
    problems = models.JSONField("不能满足的约束", default=list)
    summary = models.TextField("说明", blank=True)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    run_at = models.DateTimeField()

    class Meta:
        ordering = ["-run_at", "-id"]

    def __str__(self):
        return f"AssignmentRun #{self.pk}"


class Recusal(models.Model):
    """A conflict between an inspector and a target (回避), found from structured data or declared."""

    class Reason(models.TextChoices):
        POST = "post", "曾在该单位任职"
        RELATIVE = "relative", "亲属在该单位工作"
        OWN_UNIT = "own_unit", "本人所在单位"
        OWN_COUNTY = "own_county", "本人所在县（市、区）"
        DECLARED = "declared", "本人申报/其他"

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="recusals")
    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="recusals")
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField("回避情形", max_length=12, choices=Reason.choices)
    detail = models.CharField("依据", max_length=255)

    class Meta:
        ordering = ["round", "inspector", "unit"]

    def __str__(self):
        return f"Recusal #{self.pk}"


# --- indicators ---------------------------------------------------------------------------------


class Indicator(models.Model):
    """A node of the political-inspection indicator tree (三级指标)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField("层级")
    code = models.CharField("编号", max_length=16, unique=True)
    title = models.CharField("指标", max_length=255)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "巡察指标"
        verbose_name_plural = "巡察指标"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="insp_indicator_level")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Focus(models.TextChoices):
    GENERAL = "general", "一般"
    SENSITIVE = "sensitive", "社会关注度高的敏感单位"
    SECOND_TIER = "second_tier", "职级不高权力较大的二级单位"
    SPECIAL_FUNDS = "special_funds", "专项资金使用量大的单位"


class KeyPoint(models.Model):
    """What to look at under an indicator for a kind of unit (分层分类确定监督重点)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="key_points")
    unit_kind = models.CharField("单位类型", max_length=32, blank=True, help_text="空：所有类型")
    focus = models.CharField("重点类别", max_length=16, choices=Focus.choices, default=Focus.GENERAL)
    text = models.CharField("监督重点", max_length=500)

    class Meta:
        ordering = ["indicator__code", "unit_kind", "id"]

    def __str__(self):
        return f"KeyPoint #{self.pk}"


# --- findings and rectification ------------------------------------------------------------------


class Finding(models.Model):
    class Status(models.TextChoices):
        RECORDED = "recorded", "已记录"
        CONFIRMED = "confirmed", "已反馈确认（转整改）"
        HANDED_OVER = "handed_over", "已移交线索"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="findings")
    unit = models.ForeignKey(
        "people.Unit", verbose_name="被巡察单位", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        "people.Cadre",
        verbose_name="涉及人员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField("问题")
    source = models.CharField("来源", max_length=100, blank=True, help_text="如：述职述廉报告雷同比对")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECORDED)
    clue = models.ForeignKey("intake.Clue", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        "intake.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    decided_by = models.CharField("确认人", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "巡察发现问题"
        verbose_name_plural = "巡察发现问题"
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return self.text[:40]


class Category(models.TextChoices):
    """四字诀 (seed 004)."""

    CORRECT = "correct", "纠（纠正）"
    CLEAN_UP = "clean_up", "清（清理）"
    ACCOUNT = "account", "问（问责）"
    BUILD = "build", "建（建章立制）"


class Rectification(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待启动"
        STARTED = "started", "已启动"
        ADVANCING = "advancing", "推进中"
        ACCEPTED = "accepted", "已验收（销号）"

    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="rectification")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="rectifications")
    owner_unit = models.ForeignKey("people.Unit", verbose_name="整改责任单位", on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    problem = models.TextField("问题")
    plan = models.TextField("整改措施", blank=True)
    category = models.CharField("四字诀", max_length=12, choices=Category.choices)
    deadline = models.DateField("整改期限")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    status_changed_at = models.DateTimeField()
    closing_entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")  # fmt: skip
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="insp_rect_status_due")]

    def __str__(self):
        return self.problem[:40]


class Gate(models.TextChoices):
    START = "start", "启动关"
    ADVANCE = "advance", "推进关"
    ACCEPT = "accept", "验收关"


class GatePass(models.Model):
    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="gates")
    gate = models.CharField("关口", max_length=8, choices=Gate.choices)
    evidence = models.TextField("佐证材料说明")
    evidence_file = models.FileField("佐证材料", upload_to="inspections/evidence/%Y/%m/", blank=True)
    passed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    passed_at = models.DateTimeField()

    class Meta:
        ordering = ["passed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["rectification", "gate"], name="insp_gate_once")]

    def __str__(self):
        return f"GatePass #{self.pk}"


class MonthlyRecord(models.Model):
    """一月一轮督导、一月一次整改推进会、一月一期整改督查通报 (seed 004)."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", "月度督导"
        MEETING = "meeting", "整改推进会"
        CIRCULAR = "circular", "整改督查通报"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    organiser = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    month = models.DateField("月份（月初）")
    held_on = models.DateField("日期")
    text = models.TextField("内容")
    overdue_count = models.PositiveIntegerField(default=0)
    document = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organiser", "month"],
                condition=Q(kind="circular"),
                name="insp_one_circular_a_month",
            )
        ]

    def __str__(self):
        return f"MonthlyRecord #{self.pk}"
