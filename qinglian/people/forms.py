from django import forms

from qinglian.people.models import Unit, UnitKind, UnitLevel


class UnitFilterForm(forms.Form):
    q = forms.CharField(label="名称或代码", required=False)
    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *UnitKind.choices], required=False)
    level = forms.ChoiceField(label="层级", choices=[("", "全部层级"), *UnitLevel.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    code = forms.RegexField(
        label="单位代码",
        max_length=32,
        regex=r"^[A-Za-z0-9_-]+$",
        error_messages={"invalid": "单位代码只能包含字母、数字、下划线和短横线"},
    )
    kind = forms.ChoiceField(label="单位类型", choices=UnitKind.choices)
    level = forms.ChoiceField(label="层级", choices=UnitLevel.choices)
    sector = forms.CharField(label="行业", max_length=64, required=False)
    parent = forms.ModelChoiceField(label="上级单位", queryset=Unit.objects.none())
    supervisor = forms.ModelChoiceField(
        label="监督主体", queryset=Unit.objects.none(), required=False, help_text="派驻纪检监察组或乡镇纪委"
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units
        self.fields["supervisor"].queryset = units.filter(
            kind__in=["stationed_group", "township_committee", "discipline_commission"]
        )
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
