"""Validation of cadre and relative data, shared by the web forms, the Excel import and the API,
so that a row is accepted or refused for the same reasons whichever way it arrives."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from qinglian.core.idnumber import IdNumberError, parse
from qinglian.people.models import (
    CadreStatus,
    Education,
    EmploymentType,
    Gender,
    ManagingBody,
    PostLevel,
    Rank,
    Relation,
    RelativeSource,
    Unit,
)

FLAGS = [
    "is_leadership_member",
    "is_top_leader",
    "is_key_post",
    "is_law_enforcement",
    "is_judicial",
    "is_dual_role",
]


def _styled(form: forms.Form) -> None:
    for f in form.fields.values():
        if isinstance(f.widget, forms.CheckboxInput):
            f.widget.attrs["class"] = "form-check-input"
        elif isinstance(f.widget, forms.Select):
            f.widget.attrs["class"] = "form-select"
        else:
            f.widget.attrs["class"] = "form-control"


class PastDateField(forms.DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        kwargs.setdefault("error_messages", {"invalid": "日期格式应为 YYYY-MM-DD"})
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天")


class IdNumberField(forms.CharField):
    """Cleans to a parsed `IdNumber` (or None); every kind of error has its own message."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if len(value) > 40:
            raise forms.ValidationError("身份证号过长", code="length")
        try:
            return parse(value)
        except IdNumberError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None


class CadreFieldsForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=32)
    id_number = IdNumberField(label="身份证号", error_messages={"required": "身份证号必填"})
    gender = forms.ChoiceField(
        label="性别", choices=Gender.choices, required=False, help_text="留空则按身份证号"
    )
    birth_date = PastDateField(label="出生日期", required=False, help_text="留空则按身份证号")
    ethnicity = forms.CharField(label="民族", max_length=16, required=False)
    party_member = forms.BooleanField(label="中共党员", required=False)
    party_join_date = PastDateField(label="入党时间", required=False)
    education = forms.ChoiceField(label="学历", choices=[("", "—"), *Education.choices], required=False)
    post_title = forms.CharField(label="职务", max_length=100, required=False)
    post_level = forms.ChoiceField(label="职务层级", choices=PostLevel.choices)
    rank = forms.ChoiceField(label="职级", choices=Rank.choices, required=False)
    is_leadership_member = forms.BooleanField(label="班子成员", required=False)
    is_top_leader = forms.BooleanField(label="一把手", required=False)
    is_key_post = forms.BooleanField(label="人财物关键岗位", required=False)
    is_law_enforcement = forms.BooleanField(label="执法岗位", required=False)
    is_judicial = forms.BooleanField(label="司法岗位", required=False)
    is_dual_role = forms.BooleanField(label="一肩挑", required=False)
    managing_body = forms.ChoiceField(label="管理权限", choices=ManagingBody.choices, required=False)
    employment_type = forms.ChoiceField(label="人员类别", choices=EmploymentType.choices, required=False)
    status = forms.ChoiceField(label="状态", choices=CadreStatus.choices, required=False)
    status_date = PastDateField(label="状态变更日期", required=False)
    post_start_date = PastDateField(label="现职任职时间", required=False)
    phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9+\-() ]{5,20}$",
        required=False,
        error_messages={"invalid": "电话号码格式不正确"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)

    def clean(self):
        data = super().clean()
        parsed = data.get("id_number")
        data["review_note"] = ""
        if parsed is not None:
            data["gender"] = data.get("gender") or parsed.gender
            if data["gender"] != parsed.gender:
                self.add_error("gender", "性别与身份证号不一致")
            entered = data.get("birth_date")
            if entered and entered != parsed.birth_date:
                # Personnel files sometimes legitimately record another date: flag, do not refuse.
                data["review_note"] = (
                    f"录入的出生日期 {entered:%Y-%m-%d} 与身份证号不一致（{parsed.birth_date:%Y-%m-%d}），待核实"
                )
            data["birth_date"] = entered or parsed.birth_date
        if data.get("party_join_date") and not data.get("party_member"):
            self.add_error("party_join_date", "非党员不应填写入党时间")
        if (
            data.get("party_join_date")
            and data.get("birth_date")
            and data["party_join_date"] <= data["birth_date"]
        ):
            self.add_error("party_join_date", "入党时间不能早于出生日期")
        if data.get("status") in ("retired", "left", "transferred", "deceased") and not data.get(
            "status_date"
        ):
            self.add_error("status_date", "状态为退休、离任、调出或去世时，请填写状态变更日期")
        for key, default in (
            ("rank", "none"),
            ("managing_body", "county"),
            ("employment_type", "civil_servant"),
            ("status", "serving"),
            ("ethnicity", "汉族"),
        ):
            data[key] = data.get(key) or default
        return data


def row_validator(form_class: type[forms.Form], **kwargs):
    """Validate many rows (an import) with the same rules and messages as `form_class`, for a
    fraction of the cost: building a Django form deep-copies every field (choices, widgets), which
    takes longer than cleaning the row. Returns `validate(data) -> form`, which rebinds one form
    instance to `data`; read its errors / cleaned_data before the next call (each call makes a new
    cleaned_data dict, so a kept reference stays valid). The fields are never modified here."""
    form = form_class(data={}, **kwargs)

    def validate(data: dict) -> forms.Form:
        form.data = data
        form._errors = None  # Django re-runs full_clean() on the next .errors / .is_valid()
        return form

    return validate


class CadreForm(CadreFieldsForm):
    """The web form: the unit is chosen from the units in the user's scope."""

    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none())

    field_order = ["name", "id_number", "unit"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["unit"].widget.attrs["class"] = "form-select"
        self.order_fields(self.field_order)


class RelativeForm(forms.Form):
    relation = forms.ChoiceField(label="关系", choices=Relation.choices)
    name = forms.CharField(label="姓名", max_length=32)
    id_number = IdNumberField(label="身份证号", required=False)
    birth_date = PastDateField(label="出生日期", required=False)
    employer_unit = forms.ModelChoiceField(
        label="工作单位（本辖区单位）", queryset=Unit.objects.none(), required=False
    )
    employer_credit_code = forms.RegexField(
        label="工作单位统一社会信用代码",
        regex=r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
        required=False,
        error_messages={"invalid": "统一社会信用代码应为18位（数字和大写字母，不含I、O、Z、S、V）"},
    )
    employer_name = forms.CharField(label="工作单位名称", max_length=100, required=False)
    job = forms.CharField(label="职务/职业", max_length=100, required=False)
    abroad = forms.BooleanField(label="在国（境）外", required=False)
    emigrated = forms.BooleanField(label="已移居国（境）外", required=False)
    source = forms.ChoiceField(label="来源", choices=RelativeSource.choices)
    source_date = PastDateField(label="来源日期", required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer_unit"].queryset = units if units is not None else Unit.objects.none()
        _styled(self)

    def clean(self):
        data = super().clean()
        parsed = data.get("id_number")
        if parsed is not None:
            data["birth_date"] = data.get("birth_date") or parsed.birth_date
        if data.get("employer_credit_code") and not data.get("employer_name"):
            self.add_error("employer_name", "填写统一社会信用代码时请同时填写单位名称")
        return data
