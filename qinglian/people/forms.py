from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from qinglian.people.models import (
    SUPERVISING_KINDS,
    CadreStatus,
    EmploymentType,
    PostLevel,
    Rank,
    Unit,
    UnitKind,
    UnitLevel,
)


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
        self.fields["supervisor"].queryset = units.filter(kind__in=SUPERVISING_KINDS)
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"


class UnitSelect(forms.Select):
    """A <select> of units rendered in Python. Django's Select renders one template per option
    (about 0.3 ms each): with the thousands of units of a city or province tree, that alone took
    longer than the rest of the cadre list page. Same markup and attributes, values escaped."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {"" if v is None else str(v) for v in self.format_value(value)} or {""}
        parts = [f"<select{flatatt(attrs)}>"]
        for key, label in self.choices:
            key = "" if key is None else str(key)
            mark = " selected" if key in selected else ""
            parts.append(f'<option value="{escape(key)}"{mark}>{escape(label)}</option>')
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class _UnitChoices(forms.models.ModelChoiceIterator):
    """(pk, name) straight from the database: no model instance per unit."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class UnitChoiceField(forms.ModelChoiceField):
    """Choose a unit among many: validates like ModelChoiceField (one query), renders fast."""

    iterator = _UnitChoices
    widget = UnitSelect


class CadreFilterForm(forms.Form):
    q = forms.CharField(
        label="检索",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "姓名、拼音或首字母、身份证号后4-6位、单位"}),
    )
    unit = UnitChoiceField(
        label="单位（含下级）", queryset=Unit.objects.none(), required=False, empty_label="全部单位"
    )
    post_level = forms.ChoiceField(
        label="职务层级", choices=[("", "全部层级"), *PostLevel.choices], required=False
    )
    rank = forms.ChoiceField(label="职级", choices=[("", "全部职级"), *Rank.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *CadreStatus.choices], required=False)
    employment_type = forms.ChoiceField(
        label="人员类别", choices=[("", "全部类别"), *EmploymentType.choices], required=False
    )
    min_age = forms.IntegerField(
        label="年龄≥",
        required=False,
        min_value=16,
        max_value=100,
        error_messages={
            "min_value": "年龄不能小于16",
            "max_value": "年龄不能大于100",
            "invalid": "年龄应为整数",
        },
    )
    max_age = forms.IntegerField(
        label="年龄≤",
        required=False,
        min_value=16,
        max_value=100,
        error_messages={
            "min_value": "年龄不能小于16",
            "max_value": "年龄不能大于100",
            "invalid": "年龄应为整数",
        },
    )
    is_leadership_member = forms.BooleanField(label="班子成员", required=False)
    is_top_leader = forms.BooleanField(label="一把手", required=False)
    is_key_post = forms.BooleanField(label="关键岗位", required=False)
    is_dual_role = forms.BooleanField(label="一肩挑", required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["min_age"].widget.attrs["placeholder"] = "年龄≥"
        self.fields["max_age"].widget.attrs["placeholder"] = "年龄≤"
        for f in self.fields.values():
            if isinstance(f.widget, forms.CheckboxInput):
                f.widget.attrs["class"] = "form-check-input"
            else:
                f.widget.attrs["class"] = (
                    "form-select" if isinstance(f.widget, forms.Select) else "form-control"
                )

    def clean(self):
        data = super().clean()
        if data.get("min_age") and data.get("max_age") and data["min_age"] > data["max_age"]:
            self.add_error("max_age", "年龄上限不能小于下限")
        return data


class UnitMoveForm(forms.Form):
    parent = forms.ModelChoiceField(label="新的上级单位", queryset=Unit.objects.none())
    reason = forms.CharField(
        label="调整事由", max_length=255, help_text="如：区划调整、机构改革（将记入变更记录）"
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units if units is not None else Unit.objects.none()
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"
