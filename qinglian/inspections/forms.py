"""Forms of the inspections pages: input parsing only; the rules live in the services."""

from __future__ import annotations

from django import forms

from qinglian.inspections.models import (
    Category,
    CommitmentLetter,
    Indicator,
    InspectorRating,
    InspectorSupervision,
    MonthlyRecord,
    PlanKind,
    Pool,
    RoundKind,
    TeamMember,
    Unification,
)
from qinglian.intake.models import ProblemType
from qinglian.people.models import Unit

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=PlanKind.choices)
    title = forms.CharField(label="名称", max_length=120)
    start_year = forms.IntegerField(label="起始年度", min_value=2000, max_value=2100)
    parent = forms.ModelChoiceField(label="所属五年规划（年度计划填写）", queryset=None, required=False)

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = plans


class TargetsForm(forms.Form):
    rows = forms.CharField(
        label="巡察对象", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每行一个：单位代码,年度[,轮次顺序][,提级]，如 A-D1,2026,1",
    )  # fmt: skip


class RoundForm(forms.Form):
    plan = forms.ModelChoiceField(label="年度计划", queryset=None)
    number = forms.IntegerField(label="轮次", min_value=1, max_value=50)
    kind = forms.ChoiceField(label="巡察类型", choices=RoundKind.choices)
    start_date = forms.DateField(label="进驻日期", widget=DATE)
    end_date = forms.DateField(label="结束日期", widget=DATE)
    targets = forms.CharField(
        label="巡察对象（单位代码，每行一个）", widget=forms.Textarea(attrs={"rows": 4})
    )
    previous = forms.ModelChoiceField(label="上一轮（交叉巡察对照）", queryset=None, required=False)

    def __init__(self, *args, plans=None, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["previous"].queryset = rounds


def parse_codes(text: str) -> tuple[list[Unit], list[str]]:
    codes = [
        c.strip()
        for line in (text or "").splitlines()
        for c in line.replace("，", ",").split(",")
        if c.strip()
    ]
    found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found], [c for c in codes if c not in found]


class TeamForm(forms.Form):
    name = forms.CharField(label="组名", max_length=60)
    leader = forms.ModelChoiceField(label="组长（组长库）", queryset=None)
    members = forms.ModelMultipleChoiceField(label="组员", queryset=None, required=False)

    def __init__(self, *args, inspectors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = inspectors.filter(pool=Pool.LEADER)
        self.fields["members"].queryset = inspectors

    def members_with_roles(self) -> list:
        d = self.cleaned_data
        out = [(d["leader"], TeamMember.Role.LEADER)]
        out += [(i, TeamMember.Role.MEMBER) for i in d["members"] if i != d["leader"]]
        return out


class OverrideForm(forms.Form):
    team = forms.ModelChoiceField(label="改由", queryset=None)
    reason = forms.CharField(label="调整理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class UnificationForm(forms.Form):
    item = forms.ChoiceField(label="事项", choices=Unification.choices)
    done_on = forms.DateField(label="完成日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=500)


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(label="被巡察单位", queryset=None)
    indicator = forms.ModelChoiceField(
        label="指标", queryset=Indicator.objects.filter(active=True), required=False
    )
    cadre = forms.ModelChoiceField(label="涉及人员（如有）", queryset=None, required=False)
    text = forms.CharField(label="问题", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.CharField(label="来源", max_length=100, required=False)

    def __init__(self, *args, units=None, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["cadre"].queryset = cadres


class ConfirmForm(forms.Form):
    decided_by = forms.CharField(label="确认人（具名）", max_length=64)
    category = forms.ChoiceField(label="整改类别（四字诀）", choices=Category.choices)
    plan = forms.CharField(
        label="整改措施（可由责任单位填写）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class HandoverForm(forms.Form):
    problem_type = forms.ChoiceField(label="问题类别", choices=ProblemType.choices)


class PlanTextForm(forms.Form):
    plan = forms.CharField(label="整改措施", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class GateForm(forms.Form):
    evidence = forms.CharField(
        label="佐证材料说明", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_file = forms.FileField(label="佐证材料（可选）", required=False)


class MonthlyForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型", choices=[c for c in MonthlyRecord.Kind.choices if c[0] != "circular"]
    )
    held_on = forms.DateField(label="日期", widget=DATE)
    text = forms.CharField(label="内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class InspectorForm(forms.Form):
    cadre = forms.ModelChoiceField(label="干部", queryset=None)
    pool = forms.ChoiceField(label="库别", choices=Pool.choices)
    reason = forms.CharField(label="入库理由", max_length=500)

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=500)


class RatingForm(forms.Form):
    round = forms.ModelChoiceField(label="轮次", queryset=None)
    grade = forms.ChoiceField(label="评定", choices=InspectorRating.Grade.choices)
    comment = forms.CharField(label="评语", max_length=500)

    def __init__(self, *args, rounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds


class SupervisionForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=InspectorSupervision.Kind.choices)
    text = forms.CharField(label="情况", max_length=1000)


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(label="承诺书", choices=CommitmentLetter.Kind.choices)


class IndicatorForm(forms.Form):
    code = forms.CharField(label="编号", max_length=16, help_text="如 3.2.1；上级编号决定层级")
    title = forms.CharField(label="指标", max_length=255)
    parent = forms.ModelChoiceField(
        label="上级指标", queryset=Indicator.objects.filter(level__lt=3), required=False
    )
    key_points = forms.CharField(
        label="监督重点", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一条：单位类型代码|重点类别|内容，如 township|general|乡村振兴政策落实；单位类型留空表示所有类型",
    )  # fmt: skip

    def clean_key_points(self):
        from qinglian.inspections.models import Focus

        out = []
        for i, line in enumerate((self.cleaned_data["key_points"] or "").splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3 or parts[1] not in Focus.values or not parts[2]:
                raise forms.ValidationError(
                    f"第{i}行格式应为 单位类型代码|重点类别|内容（重点类别：{'、'.join(Focus.values)}）"
                )
            out.append({"unit_kind": parts[0], "focus": parts[1], "text": parts[2]})
        return out
