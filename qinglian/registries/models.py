"""Tables of the registries app: external registries for cross-matching (issue 10, item 1).

A `Source` is one external dataset (an agency's company register, procurement awards, ...); each
import of it is a `Snapshot`. Every accepted file row is kept as a `RawRow` (ID numbers masked,
never in clear) and becomes typed rows that carry their provenance (snapshot, row number).
Only the rows of a source's *current* snapshot are live: a newer snapshot replaces it, and the
superseded snapshot's rows are deleted (its `Snapshot` row stays, with counts, as the record).

These tables hold data about millions of people who are not cadres: ID numbers are encrypted and
matched by the same keyed hash as cadres' and relatives' (qinglian.people.identity.id_fields); the
rows are read only through `selectors`, which audit every query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SourceKind(models.TextChoices):
    COMPANY = "company", "企业登记（法定代表人、股东、高管）"
    PROCUREMENT = "procurement", "政府采购与工程项目中标"
    REAL_ESTATE = "real_estate", "不动产登记"
    VEHICLE = "vehicle", "机动车与交通违法"
    COURT = "court", "法院判决与执行"
    SOCIAL_ORG = "social_org", "社会组织任职"


class Source(models.Model):
    """An external registry (外部数据源) with its agency and the mapping of its file's headers."""

    name = models.CharField("数据源名称", max_length=100, unique=True)
    kind = models.CharField("数据类型", max_length=16, choices=SourceKind.choices)
    agency = models.ForeignKey(
        "taskforce.Agency",
        verbose_name="提供单位（专班成员单位）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_sources",
    )
    agency_name = models.CharField(
        "提供单位名称", max_length=100, blank=True, help_text="非专班成员单位时填写"
    )
    # {"file header": "field"}: extra headers this source's files use for the kind's fields
    # (the kind's standard Chinese headers are always accepted; see registries.schema).
    column_map = models.JSONField("表头对照", default=dict, blank=True)
    note = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "外部数据源"
        verbose_name_plural = "外部数据源"
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name

    @property
    def provider(self) -> str:
        return self.agency.name if self.agency_id else self.agency_name


class Snapshot(models.Model):
    """One import of a source (数据快照): a file (CSV, Excel, FollowTheMoney) or an API upload."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        CURRENT = "current", "现行"
        SUPERSEDED = "superseded", "已被新快照替换（行已删除）"
        REJECTED = "rejected", "未导入（文件被拒绝）"
        FAILED = "failed", "导入失败（原快照保留）"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"
        FTM = "ftm", "FollowTheMoney（JSON Lines）"

    source = models.ForeignKey(
        Source, verbose_name="数据源", on_delete=models.PROTECT, related_name="snapshots"
    )
    data_date = models.DateField("数据日期")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    file_format = models.CharField("格式", max_length=8, choices=Format.choices)
    file = models.FileField("文件", upload_to="registries/%Y/%m/", blank=True)
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件哈希", max_length=64)
    encoding = models.CharField("编码", max_length=16, blank=True)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    done_rows = models.PositiveIntegerField("已处理", default=0)
    imported_rows = models.PositiveIntegerField("导入行数", default=0)
    excluded_rows = models.PositiveIntegerField("排除行数", default=0)
    person_count = models.PositiveIntegerField("人员数", default=0)
    company_count = models.PositiveIntegerField("企业数", default=0)
    record_count = models.PositiveIntegerField("记录数", default=0)
    # The first 1000 excluded rows [{row, column, value, reason}]; the full list is the report file.
    excluded = models.JSONField("排除行（前1000条）", default=list, blank=True)
    excluded_report = models.FileField("排除行报告", upload_to="registries/%Y/%m/", blank=True)
    message = models.TextField("结果说明", blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    imported_at = models.DateTimeField("导入完成时间", null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name="替换为", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "数据快照"
        verbose_name_plural = "数据快照"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(status="current"),
                name="registries_one_current_snapshot",
            )
        ]
        indexes = [models.Index(fields=["source", "status"], name="registries_snap_src_status")]

    def __str__(self):
        return f"{self.source} {self.data_date:%Y-%m-%d}"

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return int(self.done_rows * 100 / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)


class RawRow(models.Model):
    """A file row as received (ID numbers masked), for provenance: snapshot + row number."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    row_number = models.PositiveIntegerField("行号")
    data = models.JSONField("原始数据")

    class Meta:
        verbose_name = "原始行"
        verbose_name_plural = "原始行"
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "row_number"], name="registries_raw_row_unique")
        ]

    def __str__(self):
        return f"{self.snapshot_id}#{self.row_number}"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class RegistryPerson(models.Model):
    """A person named in a registry (not a cadre). One per ID number per snapshot; a row without an
    ID number gives a person of its own (never merged by name: that is the linkage's job)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+")
    row_number = models.PositiveIntegerField("首次出现行号")
    name = models.CharField("姓名", max_length=64)
    id_number_enc = models.TextField("身份证号（密文）", blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    id_masked = models.CharField("身份证号（脱敏）", max_length=18, blank=True, editable=False)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    place = models.CharField("县区/住址", max_length=200, blank=True)

    class Meta:
        verbose_name = "登记人员"
        verbose_name_plural = "登记人员"
        indexes = [
            models.Index(fields=["id_number_hash"], name="registries_person_idhash"),
            models.Index(fields=["name", "birth_date"], name="registries_person_name_birth"),
            models.Index(fields=["birth_date"], name="registries_person_birth"),
        ]

    def __str__(self):
        return self.name


class Company(models.Model):
    """An enterprise (or other registered body) in a registry snapshot."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+")
    row_number = models.PositiveIntegerField("首次出现行号")
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    name = models.CharField("企业名称", max_length=200)
    industry_code = models.CharField("行业代码（GB/T 4754）", max_length=5, blank=True)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    address = models.CharField("县区/地址", max_length=200, blank=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        indexes = [
            models.Index(fields=["credit_code"], name="registries_company_code"),
            models.Index(fields=["name"], name="registries_company_name"),
        ]

    def __str__(self):
        return self.name


class CompanyRole(models.Model):
    """A person's role in a company: legal representative, shareholder (share %), manager..."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_rep", "法定代表人"
        SHAREHOLDER = "shareholder", "股东"
        DIRECTOR = "director", "董事"
        SUPERVISOR = "supervisor", "监事"
        MANAGER = "manager", "高级管理人员"

    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+")
    row_number = models.PositiveIntegerField("行号")
    person = models.ForeignKey(RegistryPerson, on_delete=models.DO_NOTHING, related_name="company_roles")
    company = models.ForeignKey(Company, on_delete=models.DO_NOTHING, related_name="roles")
    role = models.CharField("身份", max_length=16, choices=Role.choices)
    title = models.CharField("职务（原文）", max_length=64, blank=True)
    share_pct = models.DecimalField("持股比例%", max_digits=7, decimal_places=4, null=True, blank=True)
    start_date = models.DateField("任职/出资日期", null=True, blank=True)
    end_date = models.DateField("离任/退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "企业任职与出资"
        verbose_name_plural = "企业任职与出资"

    def __str__(self):
        return f"{self.get_role_display()}（第{self.row_number}行）"


class Award(models.Model):
    """A procurement or project award (中标/成交): buyer unit, winner, amount, date."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+")
    row_number = models.PositiveIntegerField("行号")
    buyer_name = models.CharField("采购单位（原文）", max_length=200)
    buyer_unit = models.ForeignKey(
        "people.Unit",
        verbose_name="采购单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,  # filled set-based from BuyerUnitMapping; a unit may be deleted later
    )
    winner = models.ForeignKey(
        Company, verbose_name="中标企业", on_delete=models.DO_NOTHING, related_name="awards"
    )
    project_name = models.CharField("项目名称", max_length=300, blank=True)
    project_number = models.CharField("项目编号", max_length=100, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2)
    award_date = models.DateField("中标日期")

    class Meta:
        verbose_name = "中标记录"
        verbose_name_plural = "中标记录"
        indexes = [
            models.Index(fields=["buyer_name"], name="registries_award_buyer"),
            models.Index(fields=["buyer_unit"], name="registries_award_unit"),
        ]

    def __str__(self):
        return f"{self.buyer_name} {self.award_date}（第{self.row_number}行）"


class BuyerUnitMapping(models.Model):
    """Editable: which of our units a buyer name in the procurement data means (采购单位对照)."""

    buyer_name = models.CharField("采购单位名称", max_length=200, unique=True)
    unit = models.ForeignKey(
        "people.Unit", verbose_name="对应单位", on_delete=models.CASCADE, related_name="+"
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "采购单位对照"
        verbose_name_plural = "采购单位对照"
        ordering = ["buyer_name"]

    def __str__(self):
        return f"{self.buyer_name} → {self.unit}"


class PropertyRecord(models.Model):
    """A real-estate registration (不动产登记) of a person."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+")
    row_number = models.PositiveIntegerField("行号")
    person = models.ForeignKey(RegistryPerson, on_delete=models.DO_NOTHING, related_name="properties")
    address = models.CharField("不动产坐落", max_length=300)
    certificate_number = models.CharField("不动产权证号", max_length=100, blank=True)
    area = models.DecimalField("面积（㎡）", max_digits=12, decimal_places=2, null=True, blank=True)
    usage = models.CharField("用途", max_length=50, blank=True)
    registered_date = models.DateField("登记日期", null=True, blank=True)

    class Meta:
        verbose_name = "不动产登记"
        verbose_name_plural = "不动产登记"

    def __str__(self):
        return f"不动产（第{self.row_number}行）"


class VehicleRecord(models.Model):
    """A vehicle registration or traffic offence (机动车登记 / 交通违法): `offence_type` is blank
    for a plain registration."""

    class Offence(models.TextChoices):
        DRUNK_DRIVING = "drunk", "醉驾"
        DRINK_DRIVING = "drink", "酒驾"
        OTHER = "other", "其他交通违法"

    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+")
    row_number = models.PositiveIntegerField("行号")
    person = models.ForeignKey(RegistryPerson, on_delete=models.DO_NOTHING, related_name="vehicle_records")
    plate = models.CharField("号牌号码", max_length=16, blank=True)
    vehicle_type = models.CharField("车辆类型", max_length=50, blank=True)
    offence_type = models.CharField("违法类型", max_length=8, choices=Offence.choices, blank=True)
    offence_text = models.CharField("违法行为（原文）", max_length=200, blank=True)
    record_date = models.DateField("日期（登记/违法）")
    decision_number = models.CharField("决定书编号", max_length=100, blank=True)
    authority = models.CharField("处理机关", max_length=100, blank=True)

    class Meta:
        verbose_name = "机动车与交通违法记录"
        verbose_name_plural = "机动车与交通违法记录"

    def __str__(self):
        return f"{self.get_offence_type_display() or '机动车登记'}（第{self.row_number}行）"


class CourtRecord(models.Model):
    """A court judgment or an enforcement / dishonest-debtor list entry (裁判文书、被执行人、失信)."""

    class Kind(models.TextChoices):
        JUDGMENT = "judgment", "裁判文书"
        ENFORCEMENT = "enforcement", "被执行人"
        DISHONEST = "dishonest", "失信被执行人"

    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+")
    row_number = models.PositiveIntegerField("行号")
    person = models.ForeignKey(RegistryPerson, on_delete=models.DO_NOTHING, related_name="court_records")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    case_number = models.CharField("案号", max_length=100)
    court = models.CharField("法院", max_length=100)
    cause = models.CharField("案由/罪名", max_length=200, blank=True)
    party_role = models.CharField("当事人地位", max_length=50, blank=True)
    record_date = models.DateField("日期（判决/立案）", null=True, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "法院判决与执行"
        verbose_name_plural = "法院判决与执行"

    def __str__(self):
        return f"{self.case_number}"


class SocialOrgPost(models.Model):
    """A post in a social organisation (社会组织任职: associations, foundations...)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.DO_NOTHING, related_name="+")
    row_number = models.PositiveIntegerField("行号")
    person = models.ForeignKey(RegistryPerson, on_delete=models.DO_NOTHING, related_name="social_posts")
    org_name = models.CharField("社会组织名称", max_length=200)
    org_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    post = models.CharField("职务", max_length=64)
    start_date = models.DateField("任职日期", null=True, blank=True)
    end_date = models.DateField("离任日期", null=True, blank=True)

    class Meta:
        verbose_name = "社会组织任职"
        verbose_name_plural = "社会组织任职"

    def __str__(self):
        return f"{self.org_name} {self.post}"
