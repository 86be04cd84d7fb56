"""Forms of the projects pages: parsing only; the services hold the rules."""

from __future__ import annotations

from django import forms

from qinglian.accounts.scopes import scope
from qinglian.front.filecheck import ACCEPT
from qinglian.people.models import Unit, UnitKind
from qinglian.projects.models import ProgressReport, Project

FIELD_SUGGESTIONS = [
    "工程建设领域",
    "民生资金领域",
    "国有资产（国有企业）领域",
    "教育医疗领域",
    "生态环保领域",
]


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(f.widget, (forms.RadioSelect, forms.CheckboxInput)):
                f.widget.attrs.setdefault("class", "form-control")


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", "JPG、PNG、PDF、Word（.docx）或文本文件，按内容检查，每个不超过 10 MB，最多 5 个"
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        if not isinstance(data, (list, tuple)):
            data = [data]
        return [super(EvidenceField, self).clean(d, initial) for d in data]


def files_of(cleaned) -> list[tuple[str, bytes, str]]:
    return [(f.name, f.read(), f.content_type or "") for f in cleaned]


def unit_choices(user, capability: str):
    """Units the user may name (no villages: a list's lead units and a project's units are bodies)."""
    return (
        Unit.objects.filter(scope(user, capability).units_q(), is_active=True)
        .exclude(kind=UnitKind.VILLAGE)
        .order_by("path")
    )


class DateInput(forms.DateInput):
    input_type = "date"


class ProjectForm(_Styled):
    kind = forms.ChoiceField(label="类型", choices=Project.Kind.choices)
    field = forms.CharField(label="监督领域", max_length=60, help_text="“5+N”的五大领域之一或自定领域（N）")
    title = forms.CharField(label="选题", max_length=200)
    scope_text = forms.CharField(label="监督范围", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    targets = forms.CharField(label="监督对象（重点单位、岗位、事项、人员、项目、数据）", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    period_start = forms.DateField(label="实施期起", widget=DateInput)
    period_end = forms.DateField(label="实施期止", widget=DateInput)
    owner_unit = forms.ModelChoiceField(label="组织单位", queryset=Unit.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = unit_choices(user, "projects.manage")
        self.fields["field"].widget.attrs["list"] = "field-suggestions"


class DispatchForm(_Styled):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.none())
    team = forms.CharField(label="协同力量（巡察组、乡镇纪委等）", max_length=100, required=False)
    matter = forms.CharField(label="派单事项", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="办理期限", widget=DateInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = unit_choices(user, "projects.manage")


class ItemReportForm(_Styled):
    result = forms.CharField(label="办理情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    problems_found = forms.IntegerField(label="发现问题（个）", min_value=0, max_value=1_000_000, initial=0)
    problems_rectified = forms.IntegerField(
        label="整改问题（个）", min_value=0, max_value=1_000_000, initial=0
    )
    money_recovered = forms.DecimalField(label="挽回（追缴）资金（元）", min_value=0, max_digits=14, decimal_places=2,
                                         initial=0)  # fmt: skip
    people_handled = forms.IntegerField(label="处理人员（人）", min_value=0, max_value=1_000_000, initial=0)
    files = EvidenceField(label="佐证材料")


class VerifyForm(_Styled):
    decision = forms.ChoiceField(label="验单结论", choices=[("pass", "通过"), ("return", "退回")],
                                 widget=forms.RadioSelect)  # fmt: skip
    reason = forms.CharField(label="验单意见/退回理由", max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class ListForm(_Styled):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(
        label="名称", max_length=200, required=False, help_text="留空则为“某年度机关党员干部监督“十廉”清单”"
    )
    owner_unit = forms.ModelChoiceField(label="制定单位", queryset=Unit.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = unit_choices(user, "projects.manage")


class TaskForm(_Styled):
    title = forms.CharField(label="任务", max_length=200)
    content = forms.CharField(
        label="任务内容", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none())
    partner_units = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Unit.objects.none(), required=False
    )
    deadline = forms.DateField(label="完成时限", widget=DateInput)
    expected_evidence = forms.CharField(label="应提供的佐证", max_length=500)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = unit_choices(user, "projects.manage")
        self.fields["lead_unit"].queryset = units
        self.fields["partner_units"].queryset = units
        self.fields["partner_units"].widget.attrs["size"] = 5


class ProgressForm(_Styled):
    month = forms.DateField(label="月份", widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                            input_formats=["%Y-%m", "%Y-%m-%d"])  # fmt: skip
    state = forms.ChoiceField(label="进展", choices=ProgressReport.State.choices)
    note = forms.CharField(label="进展情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    files = EvidenceField(label="佐证材料")


class ProposeForm(_Styled):
    reason = forms.CharField(label="问责理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    cadre = forms.IntegerField(
        label="拟问责责任人（干部编号，可不填）", required=False, widget=forms.HiddenInput
    )


class DecideForm(_Styled):
    decision = forms.ChoiceField(label="决定", choices=[("hold", "予以问责"), ("dismiss", "不予问责")],
                                 widget=forms.RadioSelect)  # fmt: skip
    decided_by = forms.CharField(label="决定人（具名）", max_length=100)
    note = forms.CharField(
        label="决定意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    period_months = forms.IntegerField(
        label="影响期（月，可不填）", min_value=1, max_value=60, required=False
    )
