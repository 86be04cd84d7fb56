"""Tables of the taskforce app (see ARCHITECTURE.md §2): the "8+X" task force's member agencies.

The other task-force apps (`jointwork`, `projects`) refer to `Agency`; the rest of this app
(agency accounts, sharing rules, monthly reports) builds on it.
"""

from django.conf import settings
from django.db import models


class Agency(models.Model):
    """A member agency of the task force (工作专班成员单位): the organisation department leads; the
    discipline commission, veteran-cadre bureau, HR and social security, women's federation, youth
    league and audit are the "8"; courts, procuratorate, police, petitions bureau... are the "X"."""

    class Tier(models.TextChoices):
        CORE = "core", "“8”成员单位"
        EXTRA = "extra", "“X”成员单位"

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    tier = models.CharField("类别", max_length=10, choices=Tier.choices, default=Tier.CORE)
    unit = models.ForeignKey(
        "people.Unit",
        verbose_name="对应单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="taskforce_agencies",
    )
    is_lead = models.BooleanField("牵头单位", default=False)
    active = models.BooleanField("在册", default=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    # Sharing rules (编辑仅限牵头单位, every change audited): the row types whose items this agency
    # may read, and the aggregates it may see. Codes, not foreign keys: a rule stays readable in
    # the audit trail after a row type is retired.
    shared_row_types = models.JSONField("可查阅的信息类型", default=list, blank=True)
    shared_aggregates = models.JSONField("可查阅的汇总数据", default=list, blank=True)

    class Meta:
        verbose_name = "专班成员单位"
        verbose_name_plural = "专班成员单位"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_lead"], condition=models.Q(is_lead=True), name="taskforce_one_lead_agency"
            )
        ]

    def __str__(self):
        return self.name


class AgencyMember(models.Model):
    """A user account of a member agency (role `taskforce_agency`), human or integration (API)."""

    agency = models.ForeignKey(
        Agency, verbose_name="成员单位", on_delete=models.PROTECT, related_name="members"
    )
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.PROTECT,
                                related_name="taskforce_membership")  # fmt: skip
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField("关联时间")

    class Meta:
        verbose_name = "成员单位账号"
        verbose_name_plural = "成员单位账号"
        ordering = ["agency_id", "id"]

    def __str__(self):
        return f"{self.agency} · {self.user}"


class RowType(models.Model):
    """A type of row in the monthly report (月报表信息类型), mapped to an archive `external.*` kind.

    `counts=False` marks information-only types (being a party to a civil case, having filed a
    petition): filed for reference, never held against the cadre."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60, unique=True)
    kind_code = models.CharField("档案记录类型", max_length=64)
    counts = models.BooleanField("可作为对干部的负面信息", default=True)
    active = models.BooleanField("启用", default=True)
    order = models.PositiveSmallIntegerField("排序", default=100)

    class Meta:
        verbose_name = "月报表信息类型"
        verbose_name_plural = "月报表信息类型"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class MonthlyReport(models.Model):
    """One agency's monthly report for one month (a later one for the same month supplements it)."""

    class Channel(models.TextChoices):
        EXCEL = "excel", "Excel 上传"
        API = "api", "接口报送"

    agency = models.ForeignKey(
        Agency, verbose_name="成员单位", on_delete=models.PROTECT, related_name="reports"
    )
    month = models.DateField("所属月份")  # the first day of the month
    channel = models.CharField("报送方式", max_length=8, choices=Channel.choices)
    filename = models.CharField("文件名", max_length=255, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    submitted_at = models.DateTimeField("报送时间")
    deadline = models.DateField("报送期限")
    late = models.BooleanField("逾期报送", default=False)
    rows = models.PositiveIntegerField("行数", default=0)
    created = models.PositiveIntegerField("新建记录", default=0)
    unchanged = models.PositiveIntegerField("重复未新建", default=0)
    counted = models.PositiveIntegerField("可计入的条数", default=0)

    class Meta:
        verbose_name = "月报表"
        verbose_name_plural = "月报表"
        ordering = ["-month", "agency__order", "-id"]
        indexes = [models.Index(fields=["month", "agency"], name="taskforce_report_month_idx")]

    def __str__(self):
        return f"{self.agency.name} {self.month:%Y年%m月}月报表"


class ReportItem(models.Model):
    """One row of a report, filed as an archive entry (pending review until a reviewer accepts it)."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.PROTECT, related_name="items")
    row_number = models.PositiveIntegerField("行号")
    row_type = models.ForeignKey(RowType, verbose_name="信息类型", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Cadre", verbose_name="干部", on_delete=models.PROTECT, related_name="+"
    )
    entry = models.ForeignKey("archive.ArchiveEntry", verbose_name="档案记录", on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip

    class Meta:
        verbose_name = "月报表条目"
        verbose_name_plural = "月报表条目"
        ordering = ["report_id", "row_number"]
        indexes = [models.Index(fields=["row_type", "report"], name="taskforce_item_type_idx")]

    def __str__(self):
        return f"{self.report} 第{self.row_number}行"


class MissingReport(models.Model):
    """A report not received by the deadline: the agency's to-do (closed when the report arrives)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    month = models.DateField("所属月份")
    workitem = models.ForeignKey("workitems.WorkItem", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "月报表缺报"
        verbose_name_plural = "月报表缺报"
        constraints = [models.UniqueConstraint(fields=["agency", "month"], name="taskforce_missing_once")]

    def __str__(self):
        return f"{self.agency} {self.month:%Y-%m} 未报送"
