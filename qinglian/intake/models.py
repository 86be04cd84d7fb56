"""Reports (信访举报) and problem clues (问题线索).

A report is what came in, from whichever channel; a clue is what the commission registers about
named cadres or units and disposes of. Everything a reporter wrote is sealed (see `sealing.py`):
the content with the report's own content key, the reporter's identity with a second key of its
own, so that reading the content never reveals who wrote it, and a report forwarded away can be
destroyed by discarding its keys. Workflow lives in `services`; these are tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    WEB = "web", "网络举报"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    PHONE = "phone", "电话（12388）"
    SMS = "sms", "短信"
    LIAISON = "liaison", "联络站信息"
    INSPECTION = "inspection", "巡察移交"
    AUDIT = "audit", "审计移交"
    AGENCY = "agency", "其他机关移送"
    FROM_HIGHER = "from_higher", "上级纪委转交"
    FROM_LOWER = "from_lower", "下级纪委报送"


class ProblemType(models.TextChoices):
    POLITICAL = "political", "违反政治纪律"
    ORGANISATIONAL = "organisational", "违反组织纪律"
    INTEGRITY = "integrity", "违反廉洁纪律"
    MASSES = "masses", "违反群众纪律"
    WORK = "work", "违反工作纪律"
    LIFE = "life", "违反生活纪律"
    FOUR_WINDS = "four_winds", "四风问题"
    BUSINESS_RELATIONS = "business_relations", "亲清政商关系问题"
    ADMIN_POWER = "admin_power", "行政权力运行问题"
    PETTY_CORRUPTION = "petty_corruption", "群众身边腐败和作风问题"
    NOT_DISCIPLINE = "not_discipline", "非纪检监察业务（诉求、建议等）"
    OTHER = "other", "其他"


class ManagementLevel(models.TextChoices):
    UNKNOWN = "unknown", "待确定"
    SAME = "same", "本级管理"
    HIGHER = "higher", "上级管理（应转送上级）"
    LOWER = "lower", "下级管理（应转送下级）"
    OWN_HEAD = "own_head", "反映本级纪委监委主要负责人"


class Report(models.Model):
    """One report as received (信访举报件)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "已收到（待登记）"
        REGISTERED = "registered", "已登记（待分流）"
        REPEAT = "repeat", "重复件（存查）"
        FORWARDED = "forwarded", "已转送"
        RESTRICTED = "restricted", "限制访问（待转送上级）"
        CLUE = "clue", "已作为问题线索办理"
        REFERRED = "referred", "已按“三办”办理"
        CLOSED = "closed", "已办结"

    class Nature(models.TextChoices):
        ACCUSATION = "accusation", "检举控告"
        PETITION = "petition", "信访诉求"
        APPEAL = "appeal", "申诉"

    number = models.CharField("编号", max_length=32, unique=True)
    channel = models.CharField("来源渠道", max_length=16, choices=Channel.choices)
    nature = models.CharField("性质", max_length=16, choices=Nature.choices, default=Nature.ACCUSATION)
    received_at = models.DateTimeField("收到时间")
    receiving_unit = models.ForeignKey(
        "people.Unit", verbose_name="受理机关", on_delete=models.PROTECT, related_name="+",
        help_text="收到并登记本件的纪委监委或乡镇纪委；决定谁能看到本件",
    )  # fmt: skip
    real_name = models.BooleanField("实名举报", default=False)
    # Sealed: see sealing.py. Each key is a Fernet key wrapped with the field key; '' once destroyed.
    content_key = models.TextField(blank=True, editable=False)
    content = models.TextField("内容（密文）", blank=True, editable=False)
    identity_key = models.TextField(blank=True, editable=False)
    identity = models.TextField("举报人信息（密文）", blank=True, editable=False)
    # For repeat detection without decrypting: keyed hash of the reported person's normalised name,
    # and a MinHash signature of the (keyed-hashed) text shingles.
    subject_name_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    similarity_signature = models.BinaryField(null=True, blank=True, editable=False)
    problem_type = models.CharField(
        "问题类别", max_length=32, choices=ProblemType.choices, default=ProblemType.OTHER
    )
    management_level = models.CharField(
        "管理权限", max_length=16, choices=ManagementLevel.choices, default=ManagementLevel.UNKNOWN
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RECEIVED)
    status_changed_at = models.DateTimeField("状态时间")
    restricted = models.BooleanField(
        "限制访问", default=False, help_text="反映本级纪委主要负责人：仅信访室可见"
    )
    destroyed_at = models.DateTimeField("内容销毁时间", null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name="重复于", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats"
    )
    # Public channel: the receipt code is shown once; only its keyed hash is kept.
    receipt_code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    front_reference = models.CharField("外网前置编号", max_length=64, null=True, blank=True, unique=True)
    source_agency = models.ForeignKey(
        "people.Unit",
        verbose_name="移送机关",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_reference = models.CharField("来文编号/来源说明", max_length=100, blank=True)
    acknowledged_at = models.DateTimeField("告知受理时间", null=True, blank=True)
    result_notified_at = models.DateTimeField("反馈结果时间", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    registered_at = models.DateTimeField("登记时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "信访举报件"
        verbose_name_plural = "信访举报件"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["receiving_unit", "status", "-received_at"], name="intake_report_unit_status"
            ),
            models.Index(fields=["received_at"], name="intake_report_received"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None


class ReportAttachment(models.Model):
    """A file given with a report, encrypted with the report's content key."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="intake/%Y/%m/", max_length=255)
    name = models.CharField("文件名", max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    cleaned_at = models.DateTimeField("元数据清除时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "举报附件"
        verbose_name_plural = "举报附件"
        ordering = ["id"]

    def __str__(self):
        return self.name


class ReportMessage(models.Model):
    """A message between staff and the reporter (through the receipt code), sealed like the content."""

    class Direction(models.TextChoices):
        TO_REPORTER = "to_reporter", "工作人员→举报人"
        FROM_REPORTER = "from_reporter", "举报人→工作人员"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=16, choices=Direction.choices)
    body = models.TextField("内容（密文）", editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField("送达外网时间", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.report_id}:{self.get_direction_display()}"


class ReportSubject(models.Model):
    """Who a report is about, as matched to the registry by staff (never shown to the reporter)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="subjects")
    cadre = models.ForeignKey(
        "people.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    matched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "cadre"], name="intake_report_subject_unique",
                                    condition=Q(cadre__isnull=False)),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.report_id}→{self.cadre_id or self.unit_id}"


class RepeatDecision(models.Model):
    """A staff decision on a proposed repeat: a repeat (logged, linked) or new facts (handled)."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="repeat_decision")
    earlier = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    is_repeat = models.BooleanField("属重复件")
    note = models.CharField("说明", max_length=255, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    def __str__(self):
        return f"{self.report_id}≈{self.earlier_id}"


class Forwarding(models.Model):
    """A report sent to a higher or lower commission (转送), within 5 working days."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "转送上级"
        LOWER = "lower", "转送下级"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="forwardings")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    to_unit = models.ForeignKey(
        "people.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_body = models.CharField("接收机关", max_length=100)
    reason = models.CharField("转送理由", max_length=255)
    forwarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    forwarded_at = models.DateTimeField()
    content_destroyed = models.BooleanField("转送后已销毁内容", default=False)

    def __str__(self):
        return f"{self.report_id}→{self.to_body}"


class Clue(models.Model):
    """A problem clue about one or more cadres or units, disposed of by collective decision."""

    class Source(models.TextChoices):
        REPORT = "report", "信访举报"
        INSPECTION = "inspection", "巡察发现"
        AUDIT = "audit", "审计发现"
        SUPERVISION = "supervision", "日常监督发现"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        REGISTERED = "registered", "已登记（待分办）"
        ASSIGNED = "assigned", "已分办（待集体研究处置）"
        INQUIRY = "inquiry", "谈话函询"
        VERIFICATION = "verification", "初步核实"
        HELD = "held", "暂存待查"
        CASE_OPENED = "case_opened", "已立案（移交审查调查）"
        CLOSED = "closed", "已办结"

    number = models.CharField("线索编号", max_length=32, unique=True)
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="clues")
    source_reference = models.CharField("来源说明", max_length=100, blank=True)
    unit = models.ForeignKey(
        "people.Unit", verbose_name="涉及单位", on_delete=models.PROTECT, related_name="+",
        help_text="决定数据范围：监督该单位的机构可见",
    )  # fmt: skip
    owner_unit = models.ForeignKey(
        "people.Unit", verbose_name="承办机构", on_delete=models.PROTECT, related_name="+",
        help_text="承办本线索的纪委监委、派驻纪检监察组或乡镇纪委",
    )  # fmt: skip
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    summary = models.TextField("问题摘要（密文）", editable=False)
    problem_type = models.CharField("问题类别", max_length=32, choices=ProblemType.choices)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.REGISTERED)
    status_changed_at = models.DateTimeField("状态时间")
    hold_review_on = models.DateField("暂存复查日期", null=True, blank=True)
    outcome = models.CharField("办理结果", max_length=32, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField("登记时间")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "问题线索"
        verbose_name_plural = "问题线索"
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"], name="intake_clue_unit_status")]

    def __str__(self):
        return self.number


class ClueSubject(models.Model):
    """A cadre (or a unit) a clue is about, with the archive entries the clue put on their files."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="subjects")
    cadre = models.ForeignKey(
        "people.Cadre", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("people.Unit", on_delete=models.PROTECT, related_name="+")
    allegation_entry = models.ForeignKey(
        "archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_entry = models.ForeignKey(
        "archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    heads_lower_committee = models.BooleanField(
        "下级党委（党组）主要负责人", default=False, help_text="处置须报上一级审批"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clue", "cadre"], name="intake_clue_subject_unique",
                                    condition=Q(cadre__isnull=False)),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.clue_id}:{self.cadre_id or self.unit_id}"


class ClueEvent(models.Model):
    """One step of a clue's life: the state machine writes one row per transition."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.clue_id}:{self.action}"


class Recusal(models.Model):
    """A member of staff kept away from a clue (connected to a reported person)."""

    class Kind(models.TextChoices):
        DECLARED = "declared", "本人申请回避"
        DETECTED = "detected", "系统发现关联"
        ORDERED = "ordered", "决定回避"

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.CharField("回避理由", max_length=255)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clue", "user"], name="intake_recusal_unique")]

    def __str__(self):
        return f"{self.clue_id}:{self.user_id}"


class Disposal(models.Model):
    """A collective decision on how to dispose of a clue (处置意见), approved one level up where needed."""

    class Method(models.TextChoices):
        INQUIRY = "inquiry", "谈话函询"
        VERIFICATION = "verification", "初步核实"
        HOLD = "hold", "暂存待查"
        CLOSE = "close", "予以了结"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"

    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="disposals")
    method = models.CharField("处置方式", max_length=16, choices=Method.choices)
    meeting = models.CharField("集体研究会议", max_length=100)
    meeting_on = models.DateField("会议日期")
    members = models.CharField("参会人员", max_length=255)
    decision = models.TextField("研究意见")
    hold_review_on = models.DateField("复查日期", null=True, blank=True)
    close_reason = models.CharField("了结理由", max_length=255, blank=True)
    needs_higher_approval = models.BooleanField("须报上一级审批", default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.CharField("审批意见", max_length=255, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]

    def __str__(self):
        return f"{self.clue_id}:{self.get_method_display()}"


class Inquiry(models.Model):
    """谈话函询 of one subject: a talk record, or an inquiry letter answered in 15 working days."""

    class Form(models.TextChoices):
        TALK = "talk", "谈话"
        LETTER = "letter", "函询"

    class Outcome(models.TextChoices):
        UNFOUNDED = "unfounded", "反映不属实，予以了结"
        MINOR = "minor", "问题轻微，予以处理"
        DENIED = "denied", "拒不承认与事实不符"

    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="inquiries")
    subject = models.ForeignKey(ClueSubject, on_delete=models.PROTECT, related_name="inquiries")
    disposal = models.ForeignKey(Disposal, on_delete=models.PROTECT, related_name="inquiries")
    form = models.CharField("方式", max_length=8, choices=Form.choices)
    round = models.PositiveSmallIntegerField("次数", default=1)
    summary = models.TextField("脱敏问题摘要（密文）", blank=True, editable=False)
    summary_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    summary_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")  # fmt: skip
    summary_reviewed_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    sent_on = models.DateField("发函/谈话日期", null=True, blank=True)
    reply_due = models.DateField("回复期限", null=True, blank=True)
    replied_on = models.DateField("回复日期", null=True, blank=True)
    reply = models.TextField("回复/谈话内容（密文）", blank=True, editable=False)
    countersigned_by = models.CharField("党组织主要负责人签字", max_length=64, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, blank=True)
    handling_kind = models.CharField("处理方式（档案记录类型）", max_length=64, blank=True)
    pending_entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")  # fmt: skip
    result_entry = models.ForeignKey("archive.ArchiveEntry", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.clue_id}:{self.get_form_display()}{self.round}"


class Verification(models.Model):
    """初步核实 of a clue: plan, findings, report, outcome."""

    class Outcome(models.TextChoices):
        CASE_OPENED = "case_opened", "立案审查调查"
        HANDLING = "handling", "予以组织处理/谈话提醒等"
        CLOSED = "closed", "予以了结"
        UNFOUNDED = "unfounded", "反映不实，澄清正名"

    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="verifications")
    disposal = models.ForeignKey(Disposal, on_delete=models.PROTECT, related_name="verifications")
    plan = models.TextField("核实方案（密文）", blank=True, editable=False)
    findings = models.TextField("核实情况（密文）", blank=True, editable=False)
    report = models.TextField("初核报告（密文）", blank=True, editable=False)
    opened_on = models.DateField("开始日期")
    closed_on = models.DateField("结束日期", null=True, blank=True)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.clue_id}:初核"


class Clarification(models.Model):
    """澄清正名: how, to whom and when a falsely reported cadre's name was cleared."""

    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="clarifications")
    subject = models.ForeignKey(ClueSubject, on_delete=models.PROTECT, related_name="clarifications")
    method = models.CharField("方式", max_length=100, help_text="如：在一定范围内通报、当面澄清、书面说明")
    audience = models.CharField("范围/对象", max_length=255)
    held_on = models.DateField("日期")
    entry = models.ForeignKey("archive.ArchiveEntry", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self):
        return f"{self.clue_id}:澄清正名"


class AccusationReferral(models.Model):
    """A report found untrue, examined for 诬告陷害 (deliberate) as opposed to 错告 (honest mistake)."""

    class Finding(models.TextChoices):
        PENDING = "pending", "待认定"
        FALSE_ACCUSATION = "false_accusation", "诬告陷害"
        HONEST_MISTAKE = "honest_mistake", "错告（不予追究）"

    clue = models.ForeignKey(Clue, on_delete=models.PROTECT, related_name="accusation_referrals")
    reason = models.TextField("移送理由")
    finding = models.CharField(max_length=20, choices=Finding.choices, default=Finding.PENDING)
    finding_note = models.CharField("认定说明", max_length=255, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField()
    unseal_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")  # fmt: skip
    unseal_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")  # fmt: skip
    unseal_approved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.clue_id}:{self.get_finding_display()}"


class Referral(models.Model):
    """三办 for problems that are not discipline matters: 领办, 转办 (问题转办单), 督办."""

    class Mode(models.TextChoices):
        LEAD = "lead", "领办"
        REFER = "refer", "转办"
        SUPERVISE = "supervise", "督办"

    class Status(models.TextChoices):
        OPEN = "open", "办理中"
        REPLIED = "replied", "已回复"
        CLOSED = "closed", "已办结（已告知反映人）"

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="referrals")
    mode = models.CharField("方式", max_length=16, choices=Mode.choices)
    department = models.ForeignKey(
        "people.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+"
    )
    matter = models.TextField("转办事项")
    reply_due = models.DateField("回复期限")
    document = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField("办理回复", blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reporter_informed_at = models.DateTimeField(null=True, blank=True)
    informed_how = models.CharField("告知方式", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.report_id}:{self.get_mode_display()}"


class PetitionExtension(models.Model):
    """The one extension of a petition's handling period (信访工作条例 2022: 60 days, +30 with notice)."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="petition_extension")
    previous_due = models.DateField("原办理期限")
    new_due = models.DateField("延长后期限")
    notice = models.TextField("延期告知内容")
    extended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    extended_at = models.DateTimeField()

    def __str__(self):
        return f"{self.report_id}:延期至{self.new_due}"


class RecommendationLetter(models.Model):
    """纪检监察建议书 to a unit, with a rectification deadline and the unit's report."""

    class Status(models.TextChoices):
        ISSUED = "issued", "已发出（待整改）"
        REPORTED = "reported", "已报送整改情况"
        ACCEPTED = "accepted", "整改已验收"
        RETURNED = "returned", "整改情况退回"

    clue = models.ForeignKey(Clue, null=True, blank=True, on_delete=models.PROTECT, related_name="letters")
    unit = models.ForeignKey(
        "people.Unit", verbose_name="被建议单位", on_delete=models.PROTECT, related_name="+"
    )
    issuing_unit = models.ForeignKey("people.Unit", verbose_name="发出机关", on_delete=models.PROTECT,
                                     related_name="+")  # fmt: skip
    problems = models.TextField("存在问题")
    recommendations = models.TextField("监察建议")
    rectification_due = models.DateField("整改期限")
    document = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ISSUED)
    rectification_report = models.TextField("整改情况报告", blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField("验收意见", max_length=255, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.unit_id}:建议书"


class SimilarityBand(models.Model):
    """One LSH band of a report's MinHash signature: reports sharing a band are repeat candidates."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
    value = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["value"], name="intake_band_value")]

    def __str__(self):
        return f"{self.report_id}:{self.value}"


class NumberCounter(models.Model):
    """The last number given per series and year (报告、线索编号), locked while allocating."""

    series = models.CharField(max_length=16)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="intake_counter_unique")]

    def __str__(self):
        return f"{self.series}{self.year}:{self.last}"
