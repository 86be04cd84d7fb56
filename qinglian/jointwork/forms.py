"""Forms of the joint-work pages: parsing only; the services hold the rules."""

from __future__ import annotations

from django import forms

from qinglian.jointwork.models import Circular, JointReview, MeetingKind, ReviewCandidate

ASSIGNMENT_ROWS = 3


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, (forms.Select, forms.SelectMultiple)):
                f.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(
                f.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput)
            ):
                f.widget.attrs.setdefault("class", "form-control")


def _date(label, required=True):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def _unit_choices(units):
    return [("", "请选择")] + [(u.pk, u.name) for u in units]


class MeetingForm(_Styled):
    kind = forms.ChoiceField(label="会议类型", choices=[("", "请选择")] + MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=200)
    unit = forms.ChoiceField(label="召集单位")
    held_on = _date("召开日期")
    place = forms.CharField(label="地点", max_length=200)
    convener_name = forms.CharField(label="召集人", max_length=64)
    agencies = forms.MultipleChoiceField(
        label="参会成员单位", required=False, widget=forms.CheckboxSelectMultiple
    )
    attendees = forms.CharField(
        label="参会人员", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一人：姓名 职务（如“钱某 审计局局长”）",
    )  # fmt: skip

    def __init__(self, *args, units=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _unit_choices(units)
        self.fields["agencies"].choices = [(a.pk, a.name) for a in agencies]

    def attendee_rows(self) -> list[tuple[str, str]]:
        rows = []
        for line in (self.cleaned_data.get("attendees") or "").splitlines():
            parts = line.strip().split(None, 1)
            if parts:
                rows.append((parts[0], parts[1] if len(parts) > 1 else ""))
        return rows


class CaseForm(_Styled):
    summary = forms.CharField(label="研究事项", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    cadre = forms.ChoiceField(label="涉及干部（可选）", required=False)
    clue_number = forms.CharField(label="问题线索编号（可选）", max_length=32, required=False)
    subject_unit = forms.ChoiceField(label="涉及单位（可选）", required=False)

    def __init__(self, *args, cadres=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].choices = [("", "—")] + [(c.pk, f"{c.name}（{c.unit.name}）") for c in cadres]
        self.fields["subject_unit"].choices = [("", "—")] + [(u.pk, u.name) for u in units]


class DecisionForm(_Styled):
    text = forms.CharField(label="议定事项", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(u.pk, u.name) for u in owners]
        for i in range(1, ASSIGNMENT_ROWS + 1):
            self.fields[f"task_{i}"] = forms.CharField(label=f"交办任务{i}", max_length=200, required=False)
            self.fields[f"owner_{i}"] = forms.ChoiceField(
                label=f"责任单位{i}", choices=choices, required=False
            )
            self.fields[f"due_{i}"] = _date(f"完成时限{i}", required=False)
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs.setdefault("class", "form-select")
            else:
                f.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        for i in range(1, ASSIGNMENT_ROWS + 1):
            if data.get(f"task_{i}") and not data.get(f"owner_{i}"):
                self.add_error(f"owner_{i}", "请选择责任单位")
            if data.get(f"task_{i}") and not data.get(f"due_{i}"):
                self.add_error(f"due_{i}", "请填写完成时限")
        return data


class FollowUpForm(_Styled):
    assignment = forms.ChoiceField(label="交办任务")
    note = forms.CharField(label="跟踪督办情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, assignments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].choices = [(a.pk, a.title) for a in assignments]


class ReviewForm(_Styled):
    title = forms.CharField(label="事由", max_length=200, help_text="如：2026年第四季度科级干部提拔联审")
    purpose = forms.ChoiceField(label="用途", choices=[("", "请选择")] + JointReview.Purpose.choices)
    unit = forms.ChoiceField(label="提请单位")
    meeting = forms.ChoiceField(label="联审会议（可选）", required=False)
    candidates = forms.CharField(
        label="候选人", widget=forms.Textarea(attrs={"rows": 5}), max_length=20000,
        help_text="每行一人：身份证号（系统不保存完整号码）",
    )  # fmt: skip

    def __init__(self, *args, units=(), meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _unit_choices(units)
        self.fields["meeting"].choices = [("", "—")] + [
            (m.pk, f"{m.held_on:%Y-%m-%d} {m.title}") for m in meetings
        ]


class DecideForm(_Styled):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="联审决定", choices=[("", "请选择")] + ReviewCandidate.Decision.choices
    )
    reason = forms.CharField(label="理由", max_length=1000, required=False)
    decided_by_name = forms.CharField(label="决定人", max_length=64)


class CircularForm(_Styled):
    audience = forms.ChoiceField(label="报送对象", choices=Circular.Audience.choices)
    unit = forms.ChoiceField(label="发文单位")
    period_start = _date("起始日期")
    period_end = _date("截止日期")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _unit_choices(units)


class ScheduleForm(_Styled):
    kind = forms.ChoiceField(label="会议类型", choices=[(MeetingKind.QUARTERLY, MeetingKind.QUARTERLY.label),
                                                       (MeetingKind.HALF_YEARLY, MeetingKind.HALF_YEARLY.label)])  # fmt: skip
    unit = forms.ChoiceField(label="召集单位")
    months = forms.MultipleChoiceField(label="召开月份", choices=[(m, f"{m}月") for m in range(1, 13)],
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip
    day = forms.IntegerField(label="当月截止日", min_value=1, max_value=28, initial=25)
    lead_days = forms.IntegerField(label="提前生成待办天数", min_value=1, max_value=90, initial=15)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _unit_choices(units)
