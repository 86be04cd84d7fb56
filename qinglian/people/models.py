"""The unit tree of one jurisdiction.

Units are kept as a materialised path (`/1/7/42/`), so that "this unit and everything below it"
is one indexed prefix condition on SQLite and PostgreSQL alike. Moves and renames go through
`people.services` and leave a `UnitChange` row behind.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UnitKind(models.TextChoices):
    JURISDICTION = "jurisdiction", "行政区（市/县）"
    PARTY_COMMITTEE = "party_committee", "党委"
    PARTY_DEPT = "party_dept", "党委工作部门"
    DISCIPLINE_COMMISSION = "discipline_commission", "纪委监委"
    PEOPLES_CONGRESS = "peoples_congress", "人大"
    GOVERNMENT = "government", "政府"
    GOVERNMENT_DEPT = "government_dept", "政府部门"
    CPPCC = "cppcc", "政协"
    COURT = "court", "法院"
    PROCURATORATE = "procuratorate", "检察院"
    MASS_ORG = "mass_org", "群团组织"
    TOWNSHIP = "township", "乡镇/街道"
    VILLAGE = "village", "村/社区"
    SOE = "soe", "国有企业"
    INSTITUTION = "institution", "事业单位"
    STATIONED_GROUP = "stationed_group", "派驻纪检监察组"
    TOWNSHIP_COMMITTEE = "township_committee", "乡镇纪委/街道纪工委"
    OTHER = "other", "其他"


# The kinds of unit that may be another unit's supervising body (its `supervisor`).
SUPERVISING_KINDS = (UnitKind.STATIONED_GROUP, UnitKind.TOWNSHIP_COMMITTEE, UnitKind.DISCIPLINE_COMMISSION)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村级"


class Unit(models.Model):
    name = models.CharField("单位名称", max_length=100)
    code = models.CharField("单位代码", max_length=32, unique=True)
    kind = models.CharField("单位类型", max_length=32, choices=UnitKind.choices)
    level = models.CharField("层级", max_length=16, choices=UnitLevel.choices)
    sector = models.CharField("行业", max_length=64, blank=True, help_text="用于利益冲突规则的行业/领域")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name="监督主体",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_units",
        help_text="对本单位负监督责任的派驻纪检监察组或乡镇纪委（明确指定，不等于上级单位）",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)


class UnitChange(models.Model):
    """History of a unit: creation, renames, moves, supervisor changes, deactivation."""

    class Kind(models.TextChoices):
        CREATED = "created", "设立"
        RENAMED = "renamed", "更名"
        MOVED = "moved", "调整隶属"
        SUPERVISOR = "supervisor", "调整监督主体"
        UPDATED = "updated", "修改信息"
        DEACTIVATED = "deactivated", "撤销"

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField("变更类型", max_length=16, choices=Kind.choices)
    before = models.JSONField("变更前", default=dict)
    after = models.JSONField("变更后", default=dict)
    reason = models.CharField("变更事由", max_length=255, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "单位变更记录"
        verbose_name_plural = "单位变更记录"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.unit} {self.get_kind_display()} {self.changed_at:%Y-%m-%d}"


class PostLevel(models.TextChoices):
    """职务层级. `grouping` below gives 乡科级 / 县处级 / 厅局级."""

    CLERK = "clerk", "办事员级"
    STAFF = "staff", "科员级"
    DEPUTY_SECTION = "deputy_section", "副科级"
    SECTION = "section", "正科级"
    DEPUTY_DIVISION = "deputy_division", "副处级"
    DIVISION = "division", "正处级"
    DEPUTY_BUREAU = "deputy_bureau", "副厅级"
    BUREAU = "bureau", "正厅级"


POST_LEVEL_ORDER = {level.value: i for i, level in enumerate(PostLevel)}
POST_LEVEL_GROUPS = {
    "clerk": "科员及以下",
    "staff": "科员及以下",
    "deputy_section": "乡科级",
    "section": "乡科级",
    "deputy_division": "县处级",
    "division": "县处级",
    "deputy_bureau": "厅局级",
    "bureau": "厅局级",
}


class Rank(models.TextChoices):
    """职级 (公务员职务与职级并行规定 2019)."""

    INSPECTOR_1 = "inspector_1", "一级巡视员"
    INSPECTOR_2 = "inspector_2", "二级巡视员"
    RESEARCHER_1 = "researcher_1", "一级调研员"
    RESEARCHER_2 = "researcher_2", "二级调研员"
    RESEARCHER_3 = "researcher_3", "三级调研员"
    RESEARCHER_4 = "researcher_4", "四级调研员"
    PRINCIPAL_1 = "principal_1", "一级主任科员"
    PRINCIPAL_2 = "principal_2", "二级主任科员"
    PRINCIPAL_3 = "principal_3", "三级主任科员"
    PRINCIPAL_4 = "principal_4", "四级主任科员"
    STAFF_1 = "staff_1", "一级科员"
    STAFF_2 = "staff_2", "二级科员"
    NONE = "none", "无职级"


class ManagingBody(models.TextChoices):
    COUNTY = "county", "县管"
    CITY = "city", "市管"
    PROVINCE = "province", "省管"
    UNIT = "unit", "单位自管"


class EmploymentType(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", "公务员"
    REFERENCE = "reference", "参照公务员法管理"
    INSTITUTION = "institution", "事业编制"
    SOE = "soe", "国有企业"
    CONTRACT = "contract", "编外/聘用"
    VILLAGE = "village", "村（社区）干部"


class CadreStatus(models.TextChoices):
    SERVING = "serving", "在职"
    RETIRED = "retired", "退休"
    LEFT_NOT_RETIRED = "left", "离任未退休"
    TRANSFERRED = "transferred", "调出"
    DECEASED = "deceased", "去世"


class Education(models.TextChoices):
    DOCTORATE = "doctorate", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专/高中"
    BELOW = "below", "初中及以下"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Cadre(models.Model):
    """A supervised person. The ID number is stored encrypted, matched by keyed hash, shown masked."""

    name = models.CharField("姓名", max_length=32)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=16, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number_enc = models.TextField("身份证号（密文）", blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    id_masked = models.CharField("身份证号", max_length=18, blank=True, editable=False)
    id_tail5_hash = models.CharField(max_length=16, blank=True, editable=False)
    id_tail6_hash = models.CharField(max_length=16, blank=True, editable=False)
    review_note = models.CharField(
        "待核实事项",
        max_length=255,
        blank=True,
        help_text="如：录入的出生日期与身份证号不一致（档案可能另有记载）",
    )
    party_member = models.BooleanField("中共党员", default=True)
    party_join_date = models.DateField("入党时间", null=True, blank=True)
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    # No single-column index: the (unit, status) and (unit, post_level, birth_date) indexes lead with it.
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="cadres", db_index=False
    )
    post_title = models.CharField("职务", max_length=100, blank=True)
    post_level = models.CharField(
        "职务层级", max_length=16, choices=PostLevel.choices, default=PostLevel.STAFF
    )
    rank = models.CharField("职级", max_length=16, choices=Rank.choices, default=Rank.NONE)
    is_leadership_member = models.BooleanField("班子成员", default=False)
    is_top_leader = models.BooleanField("一把手", default=False)
    is_key_post = models.BooleanField("人财物关键岗位", default=False)
    is_law_enforcement = models.BooleanField("执法岗位", default=False)
    is_judicial = models.BooleanField("司法岗位", default=False)
    is_dual_role = models.BooleanField("一肩挑", default=False, help_text="村党组织书记兼村委会主任")
    managing_body = models.CharField(
        "管理权限", max_length=16, choices=ManagingBody.choices, default=ManagingBody.COUNTY
    )
    employment_type = models.CharField(
        "人员类别", max_length=16, choices=EmploymentType.choices, default=EmploymentType.CIVIL_SERVANT
    )
    status = models.CharField("状态", max_length=16, choices=CadreStatus.choices, default=CadreStatus.SERVING)
    status_date = models.DateField("状态变更日期", null=True, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="本人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    search_text = models.CharField(
        max_length=255, blank=True, editable=False, help_text="拼音、首字母等检索词"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["unit__path", "name", "id"]
        # Plain B-tree indexes declared here rather than db_index=True / unique=True on the fields:
        # on PostgreSQL those also create a varchar_pattern_ops "_like" index that nothing queries
        # and that every bulk load would have to rebuild. The partial unique index is a separate
        # CREATE UNIQUE INDEX on SQLite too, so people.bulk can drop and rebuild it.
        # Columns only ever compared for equality (hashes) or by prefix (name) use
        # varchar_pattern_ops on PostgreSQL: byte-wise comparison, which sorts several times faster
        # than the database's collation when a bulk load rebuilds the index (bench/people_load.py).
        # (unit, post_level, birth_date): the unit-subtree list narrowed by level and age.
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["unit", "post_level", "birth_date"], name="people_cadre_unit_level_idx"),
            models.Index(fields=["post_level", "status"]),
            models.Index(fields=["birth_date"]),
            models.Index(fields=["name"], name="people_cadre_name_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["id_tail5_hash"], name="people_cadre_tail5_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["id_tail6_hash"], name="people_cadre_tail6_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=models.Q(id_number_hash__isnull=False),
                name="people_cadre_id_hash_unique",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return self.name

    @property
    def post_level_group(self) -> str:
        return POST_LEVEL_GROUPS.get(self.post_level, "")


class CadreSearchToken(models.Model):
    """Prefix-searchable tokens of a cadre's name: the name, pinyin and initials (all readings of the
    surname, so that 单 finds both shan and dan). A B-tree prefix scan on both databases.

    Each token also carries copies of its cadre's name, unit path and status: a name search, within
    the viewer's scope and optionally a unit subtree and a status, is then counted and paged from
    the token index alone, without visiting the wide cadre rows (bench/people_list.py). The copies
    are derived data, written with the tokens by people.cadre_services and people.imports, moved by
    people.services.unit_move, and supplied by the callers of people.bulk.load."""

    # No index of its own: the unique (cadre, token) constraint leads with cadre_id.
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="search_tokens", db_index=False)
    token = models.CharField(max_length=64)
    name = models.CharField(max_length=32, default="")
    unit_path = models.CharField(max_length=255, default="")
    status = models.CharField(max_length=16, default="")

    class Meta:
        verbose_name = "检索词"
        # varchar_pattern_ops: PostgreSQL uses the index for LIKE 'prefix%' under any collation.
        # INCLUDE (PostgreSQL only; SQLite ignores it): the search reads everything from the index.
        indexes = [
            models.Index(
                fields=["token"],
                name="people_token_prefix",
                opclasses=["varchar_pattern_ops"],
                include=["unit_path", "status", "name", "cadre"],
            )
        ]
        constraints = [models.UniqueConstraint(fields=["cadre", "token"], name="people_token_unique")]

    def __str__(self):
        return self.token


class Post(models.Model):
    """A post held over time. A change of post closes the open row and opens a new one."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("职务", max_length=100)
    level = models.CharField("职务层级", max_length=16, choices=PostLevel.choices)
    start_date = models.DateField("任职时间")
    end_date = models.DateField("免职时间", null=True, blank=True)
    note = models.CharField("备注", max_length=255, blank=True)

    class Meta:
        verbose_name = "任职经历"
        verbose_name_plural = "任职经历"
        ordering = ["cadre_id", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="post_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.unit} {self.title}"


class Relation(models.TextChoices):
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    CHILD_SPOUSE = "child_spouse", "子女配偶"
    PARENT = "parent", "父母"
    PARENT_IN_LAW = "parent_in_law", "配偶父母"
    SIBLING = "sibling", "兄弟姐妹"
    SIBLING_SPOUSE = "sibling_spouse", "兄弟姐妹配偶"
    OTHER = "other", "其他"


class RelativeSource(models.TextChoices):
    DECLARED = "declared", "本人申报"
    VERIFIED = "verified", "核查发现"
    REPORTED = "reported", "举报反映"


class Relative(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="relatives")
    relation = models.CharField("关系", max_length=16, choices=Relation.choices)
    name = models.CharField("姓名", max_length=32)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    id_number_enc = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_masked = models.CharField("身份证号", max_length=18, blank=True, editable=False)
    employer_unit = models.ForeignKey(
        Unit,
        verbose_name="工作单位（本辖区）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_credit_code = models.CharField("工作单位统一社会信用代码", max_length=18, blank=True)
    employer_name = models.CharField("工作单位名称", max_length=100, blank=True)
    job = models.CharField("职务/职业", max_length=100, blank=True)
    abroad = models.BooleanField("在国（境）外", default=False)
    emigrated = models.BooleanField("已移居国（境）外", default=False)
    source = models.CharField(
        "来源", max_length=16, choices=RelativeSource.choices, default=RelativeSource.DECLARED
    )
    source_date = models.DateField("来源日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "亲属"
        verbose_name_plural = "亲属"
        ordering = ["cadre_id", "relation", "id"]
        # Explicit indexes: no PostgreSQL "_like" twin (see Cadre.Meta).
        # varchar_pattern_ops: equality only, faster to rebuild (see Cadre.Meta).
        indexes = [
            models.Index(
                fields=["id_number_hash"], name="people_rel_id_hash_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["employer_credit_code"],
                name="people_rel_credit_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.get_relation_display()} {self.name}"

    @property
    def employer_display(self) -> str:
        if self.employer_unit_id:
            return str(self.employer_unit)
        return self.employer_name or "—"


class ImportJob(models.Model):
    """An Excel import: validated in full, then written in one transaction or not at all."""

    class Kind(models.TextChoices):
        UNITS = "units", "单位"
        CADRES = "cadres", "干部"
        POSTS = "posts", "任职经历"
        RELATIVES = "relatives", "亲属"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "处理中"
        DONE = "done", "已导入"
        REJECTED = "rejected", "未导入（有错误）"
        FAILED = "failed", "系统错误"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("总行数", default=0)
    done = models.PositiveIntegerField("已处理", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变化", default=0)
    message = models.TextField("结果说明", blank=True)
    errors = models.JSONField("错误（前1000条）", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    error_report = models.FileField("错误报告", upload_to="imports/%Y/%m/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}导入 {self.filename}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.finished_at else 0)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)
