from django import forms
from django.urls import reverse_lazy

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


class UnitPickerInput(forms.TextInput):
    """The visible half of the unit type-ahead: asks `people:unit_pick` for matching units in the
    viewer's scope while the user types (htmx); people/unit_picker.js puts the chosen id into the
    hidden `unit` field. Without JavaScript the typed name or code is resolved on submit."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "placeholder": "单位名称或代码",
                "autocomplete": "off",
                "hx-get": reverse_lazy("people:unit_pick"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "next [data-unit-pick-results]",
                "hx-sync": "this:replace",
                **(attrs or {}),
            }
        )


class CadreFilterForm(forms.Form):
    q = forms.CharField(
        label="检索",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": "姓名、拼音或首字母、身份证号后4-6位、单位"}),
    )
    # The unit filter is a type-ahead, not a <select> of every unit in scope (11,004 options for a
    # province took ~20 ms of every page, bench/people_list.py): `unit` is the chosen id (hidden),
    # `unit_name` what the user typed; the page renders only the chosen unit.
    unit = forms.ModelChoiceField(
        label="单位（含下级）",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "所选单位不存在或不在您的查看范围内"},
    )
    unit_name = forms.CharField(
        label="单位（含下级）", required=False, max_length=100, widget=UnitPickerInput
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
        if "unit" not in self.errors:
            self._clean_unit(data)
        return data

    def _clean_unit(self, data: dict) -> None:
        """The hidden id wins while the visible text still names that unit; otherwise (no
        JavaScript, or the text was edited) the typed name or code must name one unit in scope."""
        unit, name = data.get("unit"), (data.get("unit_name") or "").strip()
        if unit is not None and name and name not in (unit.name, unit.code):
            unit = None
        if unit is None and name:
            unit = self._unit_from_name(name)
        data["unit"] = unit
        if unit is not None:  # show the chosen unit's full name, carry its id to the next request
            self.data = self.data.copy()
            self.data["unit"], self.data["unit_name"] = str(unit.pk), unit.name

    def _unit_from_name(self, name: str) -> Unit | None:
        from qinglian.people.selectors import units_matching

        matches = units_matching(self.fields["unit"].queryset, name, limit=6)
        exact = [u for u in matches if u.exact == 0]
        if len(exact) == 1 or len(matches) == 1:
            return exact[0] if exact else matches[0]
        if len(exact) > 1:
            codes = "、".join(f"{u.code}（{u.parent.name if u.parent else '—'}）" for u in exact[:5])
            self.add_error("unit_name", f"有多个单位名为“{name}”，请改为输入单位代码：{codes}")
        elif matches:
            names = "、".join(u.name for u in matches[:5])
            self.add_error(
                "unit_name",
                f"有多个单位名称包含“{name}”（如{names}），请输入完整名称或单位代码",
            )
        else:
            self.add_error("unit_name", f"您的查看范围内没有名称包含“{name}”的单位")
        return None


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
