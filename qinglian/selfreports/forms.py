from __future__ import annotations

from django import forms
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.people.models import Cadre, Unit
from qinglian.selfreports.models import ReportKind

CAP = "inspections.reports"
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={**TEXT, "accept": ".docx,.pdf,.txt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def units_in_scope(user):
    return Unit.objects.filter(scope(user, CAP).units_q(), is_active=True).order_by("path")


class UploadForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), widget=forms.Select(attrs=SELECT),
                                  help_text="材料所属干部所在的单位（含下属单位）")  # fmt: skip
    kind = forms.ChoiceField(label="材料类型", choices=ReportKind.choices, widget=forms.Select(attrs=SELECT))
    year = forms.IntegerField(label="年度", required=False, min_value=1980, max_value=2100,
                              widget=forms.NumberInput(attrs=TEXT),
                              help_text="文件名中写有年度（如“2023”）的，以文件名为准")  # fmt: skip
    cadre_name = forms.CharField(label="干部姓名", required=False, max_length=32, widget=forms.TextInput(attrs=TEXT),
                                 help_text="填写后，所选文件都属于这名干部；不填则按文件名中的姓名对应")  # fmt: skip
    files = MultipleFileField(label="文件（可多选：.docx、.pdf、.txt）")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_scope(user)
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean(self):
        data = super().clean()
        name = (data.get("cadre_name") or "").strip()
        data["cadre"] = None
        unit = data.get("unit")
        if name and unit is not None:
            found = list(
                Cadre.objects.filter(name=name, unit__path__startswith=unit.path).select_related("unit")[:2]
            )
            if not found:
                self.add_error("cadre_name", f"{unit.name}没有名为“{name}”的干部")
            elif len(found) > 1:
                self.add_error("cadre_name", f"{unit.name}有多名干部名为“{name}”，请选择其所在的具体单位")
            else:
                data["cadre"] = found[0]
        return data


class RunForm(forms.Form):
    scope_unit = forms.ModelChoiceField(label="比对范围", queryset=Unit.objects.none(),
                                        widget=forms.Select(attrs=SELECT), help_text="该单位及其下属单位的全部材料")  # fmt: skip
    year_from = forms.IntegerField(label="起始年度", required=False, min_value=1980, max_value=2100,
                                   widget=forms.NumberInput(attrs=TEXT))  # fmt: skip
    year_to = forms.IntegerField(label="截止年度", required=False, min_value=1980, max_value=2100,
                                 widget=forms.NumberInput(attrs=TEXT))  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_unit"].queryset = units_in_scope(user)


class FindingForm(forms.Form):
    round = forms.ModelChoiceField(label="巡察轮次", queryset=None, widget=forms.Select(attrs=SELECT),
                                   help_text="该干部所在单位是其巡察对象的、尚未结束的轮次")  # fmt: skip
    side = forms.ChoiceField(label="涉及干部", widget=forms.RadioSelect)
    text = forms.CharField(label="问题", max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3}))

    def __init__(self, *args, pair=None, **kwargs):
        super().__init__(*args, **kwargs)
        from qinglian.inspections.models import Round

        units = [pair.report_a.unit, pair.report_b.unit]
        prefixes = {u.path[:i] for u in units for i in range(1, len(u.path) + 1)}
        self.fields["round"].queryset = (
            Round.objects.exclude(status=Round.Status.CLOSED)
            .filter(targets__unit__path__in=prefixes)
            .distinct()
            .order_by("-start_date", "-id")
        )
        a, b = pair.report_a, pair.report_b
        self.fields["side"].choices = [
            ("a", f"{a.cadre.name}（{a.year}年，{a.unit.name}）"),
            ("b", f"{b.cadre.name}（{b.year}年，{b.unit.name}）"),
        ]
