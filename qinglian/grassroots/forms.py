"""Forms of the grassroots pages: parsing only; the services hold the rules."""

from __future__ import annotations

from django import forms

from qinglian.grassroots.models import Information, StationMember
from qinglian.grassroots.services import Outcome
from qinglian.intake.models import ProblemType, Referral


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(
                f.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput)
            ):
                f.widget.attrs.setdefault("class", "form-control")


class MultiPhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiPhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultiPhotoInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        if not isinstance(data, (list, tuple)):
            data = [data]
        return [super(MultiPhotoField, self).clean(d, initial) for d in data]


class SubmitForm(_Styled):
    station = forms.ChoiceField(label="联络站")
    category = forms.ChoiceField(label="信息类别", choices=[("", "请选择")] + Information.Category.choices)
    title = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="信息内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    occurred_on = forms.DateField(
        label="发生日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    subject_name = forms.CharField(label="涉及人员/单位", max_length=100, required=False)
    photos = MultiPhotoField(
        label="照片", required=False, help_text="可拍照或从相册选择，最多6张；位置等隐藏信息会自动去除"
    )

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [(s.pk, s.name) for s in stations]
        if len(self.fields["station"].choices) == 1:
            self.fields["station"].initial = self.fields["station"].choices[0][0]


class TriageForm(_Styled):
    outcome = forms.ChoiceField(label="研判结果", choices=Outcome.CHOICES, widget=forms.RadioSelect)
    decided_by = forms.CharField(label="决定人", max_length=64, help_text="作出研判决定的人员姓名")
    note = forms.CharField(
        label="研判意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cadre = forms.IntegerField(label="涉及干部（编号）", required=False, widget=forms.Select)
    subject_unit = forms.IntegerField(label="涉及单位", required=False, widget=forms.Select)
    problem_type = forms.ChoiceField(label="问题类别（转线索时）", choices=ProblemType.choices, initial="other",
                                     required=False)  # fmt: skip
    mode = forms.ChoiceField(label="办理方式（转办时）", choices=Referral.Mode.choices, required=False)
    department = forms.IntegerField(label="责任单位（转办时）", required=False, widget=forms.Select)
    reply_due = forms.DateField(
        label="回复期限（转办时）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, cadres=(), units=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].widget.choices = [("", "（不指定）")] + [
            (c.pk, f"{c.name}（{c.unit.name}）") for c in cadres
        ]
        self.fields["subject_unit"].widget.choices = [("", "（不指定）")] + [(u.pk, u.name) for u in units]
        self.fields["department"].widget.choices = [("", "（请选择）")] + [
            (u.pk, u.name) for u in departments
        ]


class MemberForm(_Styled):
    role = forms.ChoiceField(label="职责", choices=StationMember.Role.choices)
    username = forms.CharField(label="登录账号（用户名）", max_length=150, required=False)
    cadre = forms.IntegerField(label="干部（编号）", required=False, widget=forms.Select)
    name = forms.CharField(label="姓名", max_length=64, required=False)
    phone = forms.CharField(label="联系电话", max_length=32, required=False)


class StationForm(_Styled):
    unit = forms.IntegerField(label="所在村（社区）或单位", widget=forms.Select)
    name = forms.CharField(label="名称", max_length=100, required=False, help_text="留空则按单位名称生成")


class ZoneForm(_Styled):
    name = forms.CharField(label="协作区名称", max_length=100)
    office = forms.IntegerField(label="指导的纪委监委（监督检查室）", widget=forms.Select)


class GroupForm(_Styled):
    name = forms.CharField(label="协作组名称", max_length=100)
    townships = forms.TypedMultipleChoiceField(label="乡镇（街道）", coerce=int, widget=forms.CheckboxSelectMultiple,
                                               error_messages={"required": "请至少选择一个乡镇（街道）",
                                                               "invalid_choice": "所选乡镇（街道）不在可选范围内"})  # fmt: skip


class TaskListForm(_Styled):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    unit = forms.IntegerField(label="单位", widget=forms.Select,
                              help_text="纪委监委、乡镇纪委、派驻组或已设站的村（社区）")  # fmt: skip


class PowerEditForm(_Styled):
    number = forms.IntegerField(label="序号", min_value=1, max_value=999,
                                help_text="填写已有序号即修改该项；填写新序号即增加一项")  # fmt: skip
    area_number = forms.IntegerField(label="领域序号", min_value=1, max_value=99)
    area = forms.CharField(label="领域", max_length=50)
    name = forms.CharField(label="权力事项", max_length=100)
    basis = forms.CharField(label="主要依据与程序", max_length=500, required=False)
    effective_from = forms.DateField(label="施行日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="修订说明", max_length=500)


class DualPostForm(_Styled):
    cadre = forms.IntegerField(label="村（社区）书记（主任）", widget=forms.Select)
    since = forms.DateField(label="任职日期", widget=forms.DateInput(attrs={"type": "date"}))


class TaskForm(_Styled):
    title = forms.CharField(label="自定任务（X）", max_length=200)
    due_date = forms.DateField(label="完成期限", widget=forms.DateInput(attrs={"type": "date"}))


class EvidenceForm(_Styled):
    evidence = forms.CharField(label="完成情况与佐证", max_length=1000)


class AssignForm(_Styled):
    clue = forms.IntegerField(label="线索", widget=forms.Select)
    note = forms.CharField(label="说明", max_length=500, required=False)
