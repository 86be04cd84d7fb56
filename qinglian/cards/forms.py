from __future__ import annotations

from django import forms
from django.utils import timezone

from qinglian.cards.models import CardItem, RecipientType


class BatchForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=[(1, "第一季度"), (2, "第二季度"), (3, "第三季度"),
                                                                      (4, "第四季度")])  # fmt: skip
    recipient_types = forms.MultipleChoiceField(label="发放对象", choices=RecipientType.choices,
                                                widget=forms.CheckboxSelectMultiple)  # fmt: skip
    report_days = forms.IntegerField(label="季末报告期（天）", min_value=1, max_value=60, initial=15)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1
        self.fields["recipient_types"].initial = [RecipientType.TOP_LEADER, RecipientType.LEADERSHIP]
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs["class"] = "form-select"
            elif not isinstance(f.widget, forms.CheckboxSelectMultiple):
                f.widget.attrs["class"] = "form-control"


class ItemForm(forms.Form):
    text = forms.CharField(
        label="个性问题", max_length=255, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由", max_length=255, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class ReportForm(forms.Form):
    """One textarea per item of the card."""

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=item.text, max_length=2000, required=False,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )  # fmt: skip

    def reports(self) -> dict[int, str]:
        return {int(k[5:]): v for k, v in self.cleaned_data.items() if k.startswith("item_")}


class CheckForm(forms.Form):
    CHOICES = [(c, label) for c, label in CardItem.Check.choices if c]

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=self.CHOICES,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label="检查意见",
                max_length=255,
                required=False,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def results(self) -> dict[int, tuple[str, str]]:
        d = self.cleaned_data
        return {int(k[5:]): (v, d.get(f"note_{k[5:]}", "")) for k, v in d.items() if k.startswith("item_")}


class HearForm(forms.Form):
    explanation = forms.CharField(label="本人说明", max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))  # fmt: skip
    heard_on = forms.DateField(
        label="听取说明日期", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("apply", "决定采取"), ("dismiss", "不予采取")], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label="决定理由", max_length=255, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class TalkForm(forms.Form):
    kind = forms.ChoiceField(label="谈话类型", choices=[("reminder", "提醒谈话"), ("admonishment", "诫勉谈话"),
                             ("integrity", "廉政谈话"), ("pre_appointment", "任前廉政谈话"), ("collective", "集体廉政谈话")])  # fmt: skip
    held_on = forms.DateField(label="谈话日期", widget=forms.DateInput(attrs={"type": "date"}))
    talker = forms.CharField(label="谈话人", max_length=64)
    place = forms.CharField(label="地点", max_length=100, required=False)
    summary = forms.CharField(label="谈话内容摘要", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up = forms.CharField(
        label="后续跟踪", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_by = forms.CharField(
        label="决定人或机关（提醒谈话、诫勉须填写，计入档案）", max_length=64, required=False
    )
    participants = forms.TypedMultipleChoiceField(
        label="谈话对象", coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )
    absent = forms.TypedMultipleChoiceField(label="未到场", coerce=int, choices=(), required=False,
                                            widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(c.pk, f"{c.name}（{c.unit.name}{c.post_title}）") for c in candidates]
        self.fields["participants"].choices = choices
        self.fields["absent"].choices = choices
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs["class"] = "form-select"
            elif not isinstance(f.widget, forms.CheckboxSelectMultiple):
                f.widget.attrs["class"] = "form-control"


class EducationForm(forms.Form):
    kind = forms.ChoiceField(label="形式", choices=[("session", "警示教育大会"), ("film", "观看警示教育片"),
                             ("trial", "旁听庭审"), ("visit", "参观廉政教育基地")])  # fmt: skip
    title = forms.CharField(label="名称", max_length=100)
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=100, required=False)
    unit = forms.IntegerField(label="参加单位", widget=forms.Select)
    who = forms.ChoiceField(label="参加人员", choices=[("leaders", "领导班子成员"), ("all", "全体在职干部")])

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = [(u.pk, u.name) for u in units]
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
