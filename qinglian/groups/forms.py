"""Forms of the group pages. The rule editor is a table of rows (condition group, field, operator,
value): rows with the same group number are combined with the inner connective, the groups with
the outer one — enough for every default rule, readable by an administrator."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from qinglian.groups import rules

ROWS = 8
_SPLIT = re.compile(r"[、,，;；\s]+")
FIELD_CHOICES = [("", "（不用）")] + [(k, f.label) for k, f in rules.FIELDS.items()]
OP_CHOICES = list(rules.OPERATORS.items())
COMBINE = [("and", "并且（全部满足）"), ("or", "或者（满足其一）")]


def _parse_value(field: rules.Field, op: str, text: str):
    parts = [p for p in _SPLIT.split(text.strip()) if p] if op in {"in", "not_in"} else [text.strip()]
    by_label = {label: code for code, label in field.choices}
    out = []
    for p in parts:
        if field.kind == "int":
            if not p.lstrip("-").isdigit():
                raise ValidationError(f"“{field.label}”须填写整数")
            out.append(int(p))
        elif field.kind == "bool":
            if p not in ("是", "否"):
                raise ValidationError(f"“{field.label}”请填写“是”或“否”")
            out.append(p == "是")
        elif field.kind == "choice":
            code = by_label.get(p, p)
            if code not in dict(field.choices):
                raise ValidationError(f"“{field.label}”没有“{p}”这一选项，可选：{'、'.join(by_label)}")
            out.append(code)
        else:
            out.append(p)
    return out if op in {"in", "not_in"} else out[0]


def _show_value(field: rules.Field, value) -> str:
    labels = dict(field.choices)
    values = value if isinstance(value, list) else [value]
    shown = [("是" if v else "否") if isinstance(v, bool) else labels.get(v, str(v)) for v in values]
    return "、".join(shown)


class GroupForm(forms.Form):
    name = forms.CharField(label="分组名称", max_length=64)
    description = forms.CharField(label="说明", max_length=255, required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)
    outer = forms.ChoiceField(label="条件组之间", choices=COMBINE, initial="and")
    inner = forms.ChoiceField(label="同一组内的条件之间", choices=COMBINE, initial="or")
    reason = forms.CharField(label="修改理由", max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(ROWS):
            self.fields[f"g{i}"] = forms.IntegerField(label="组", min_value=1, max_value=ROWS, required=False,
                                                      initial=i + 1)  # fmt: skip
            self.fields[f"f{i}"] = forms.ChoiceField(label="字段", choices=FIELD_CHOICES, required=False)
            self.fields[f"o{i}"] = forms.ChoiceField(label="比较", choices=OP_CHOICES, required=False)
            self.fields[f"v{i}"] = forms.CharField(label="值", max_length=500, required=False)
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs["class"] = (
                    "form-select form-select-sm" if f.label in ("字段", "比较") else "form-select"
                )
            elif not isinstance(f.widget, forms.CheckboxInput):
                f.widget.attrs["class"] = (
                    "form-control form-control-sm" if f.label in ("组", "值") else "form-control"
                )

    @classmethod
    def initial_for(cls, group) -> dict:
        initial = {"name": group.name, "description": group.description, "active": group.active}
        rule = group.rule or {}
        rows = []
        conditions = rule.get("conditions", [])
        nested = [c for c in conditions if "conditions" in c]
        if nested:
            initial["inner"] = nested[0]["combine"]
        initial["outer"] = rule.get("combine", "and")
        for number, cond in enumerate(conditions, 1):
            for c in cond["conditions"] if "conditions" in cond else [cond]:
                rows.append((number, c))
        for i, (number, c) in enumerate(rows[:ROWS]):
            field = rules.FIELDS[c["field"]]
            initial |= {
                f"g{i}": number,
                f"f{i}": c["field"],
                f"o{i}": c["op"],
                f"v{i}": _show_value(field, c["value"]),
            }
        return initial

    def rows(self):
        return [(self[f"g{i}"], self[f"f{i}"], self[f"o{i}"], self[f"v{i}"]) for i in range(ROWS)]

    def clean(self):
        data = super().clean()
        groups: dict[int, list] = {}
        for i in range(ROWS):
            name = data.get(f"f{i}")
            if not name:
                continue
            field, op = rules.FIELDS[name], data.get(f"o{i}") or "eq"
            try:
                value = _parse_value(field, op, data.get(f"v{i}") or "")
            except ValidationError as exc:
                self.add_error(f"v{i}", exc)
                continue
            groups.setdefault(data.get(f"g{i}") or i + 1, []).append(
                {"field": name, "op": op, "value": value}
            )
        if self.errors:
            return data
        conditions = [
            rows[0] if len(rows) == 1 else {"combine": data["inner"], "conditions": rows}
            for _, rows in sorted(groups.items())
        ]
        data["rule"] = {"combine": data["outer"], "conditions": conditions} if conditions else {}
        return data


class NewGroupForm(GroupForm):
    code = forms.CharField(label="代码", max_length=32, help_text="英文字母、数字和下划线，如 village_heads")
    field_order = ["code", "name"]


class ManualForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("include", "手工加入"), ("exclude", "手工移出")], widget=forms.HiddenInput
    )
    cadre = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="理由", max_length=255)


class ManualEndForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=255)


class TasksCompleteForm(forms.Form):
    tasks = forms.TypedMultipleChoiceField(label="已落实的人员", coerce=int, choices=())
    done_on = forms.DateField(
        label="落实日期", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    note = forms.CharField(label="落实情况说明", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))  # fmt: skip
    file = forms.FileField(label="佐证材料（PDF或图片，不超过10MB）", required=False,
                           widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png"}))  # fmt: skip

    def __init__(self, *args, open_tasks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].choices = [(t.pk, str(t.pk)) for t in open_tasks]

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if not f:
            return f
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError("佐证材料不能超过10MB")
        head = f.read(8)
        f.seek(0)
        if not (
            head.startswith(b"%PDF-")
            or head.startswith(b"\xff\xd8\xff")
            or head.startswith(b"\x89PNG\r\n\x1a\n")
        ):
            raise forms.ValidationError("佐证材料只能是PDF、JPEG或PNG文件（按文件内容判断）")
        return f
