"""Forms of the archive pages. They parse input; the rules live in `archive.services`."""

from __future__ import annotations

from django import forms
from django.conf import settings

from qinglian.archive.kinds import COLOUR_LABELS
from qinglian.archive.models import Warning
from qinglian.archive.selectors import PERIODS

# What an attachment may be, recognised by its first bytes (never by its name or declared type).
MAGIC = {b"%PDF-": "PDF", b"\xff\xd8\xff": "JPEG", b"\x89PNG\r\n\x1a\n": "PNG"}


def _styled(form: forms.Form) -> None:
    for f in form.fields.values():
        if isinstance(f.widget, forms.CheckboxInput):
            f.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(f.widget, forms.Select):
            f.widget.attrs.setdefault("class", "form-select")
        else:
            f.widget.attrs.setdefault("class", "form-control")


def check_attachment(upload) -> None:
    """PDF, JPEG or PNG by content, within the upload limit; raises forms.ValidationError."""
    limit = settings.QINGLIAN_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise forms.ValidationError(f"附件超过大小上限 {limit / 1024 / 1024:.0f} MB")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in MAGIC):
        raise forms.ValidationError("附件只能是 PDF、JPEG 或 PNG 文件（按文件内容识别）")


class TimelineFilterForm(forms.Form):
    colour = forms.ChoiceField(
        label="颜色", required=False, choices=[("", "全部颜色"), *COLOUR_LABELS.items()]
    )
    kind = forms.ChoiceField(label="类型", required=False)
    period = forms.ChoiceField(
        label="时间", required=False, choices=[("", "全部时间"), *((k, v[0]) for k, v in PERIODS.items())]
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类型"), *kinds]
        _styled(self)
        for f in self.fields.values():
            f.widget.attrs["class"] += " form-select-sm"


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="记录类型", error_messages={"invalid_choice": "请选择您有权录入的记录类型"}
    )
    occurred_on = forms.DateField(
        label="发生日期", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写发生日期", "invalid": "日期格式应为 YYYY-MM-DD"},
    )  # fmt: skip
    effective_on = forms.DateField(
        label="决定/生效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="留空则与发生日期相同", error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )  # fmt: skip
    summary = forms.CharField(
        label="事实摘要", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写事实摘要"},
    )  # fmt: skip
    decided_by = forms.CharField(label="决定人/决定机关", max_length=100, required=False)
    decision_document = forms.CharField(label="决定文书文号", max_length=100, required=False,
                                        help_text="处分须有决定文书：填写文号或上传文书")  # fmt: skip
    attachment = forms.FileField(label="决定文书/附件", required=False, help_text="PDF、JPEG 或 PNG")
    period_months = forms.IntegerField(
        label="决定载明的期间（月）", required=False, min_value=1, max_value=120,
        help_text="留党察看期限、合并处分期间、组织处理期限等；没有则留空",
        error_messages={"invalid": "请填写整数月数", "min_value": "期间至少1个月", "max_value": "期间不能超过120个月"},
    )  # fmt: skip
    period_year = forms.IntegerField(
        label="所属年度", required=False, min_value=1990, max_value=2100, help_text="年度考核填写考核年度",
        error_messages={"invalid": "请填写四位年份", "min_value": "年度不正确", "max_value": "年度不正确"},
    )  # fmt: skip
    supersedes = forms.TypedChoiceField(label="更正/撤销的记录", required=False, coerce=int, empty_value=None,
                                        error_messages={"invalid_choice": "所选记录不可更正或已结束"})  # fmt: skip
    revokes = forms.BooleanField(label="撤销所选记录（不再计入，如申诉后撤销处分）", required=False)
    closes = forms.TypedChoiceField(label="结束的待定记录", required=False, coerce=int, empty_value=None,
                                    error_messages={"invalid_choice": "所选记录不可结束或已结束"})  # fmt: skip

    def __init__(self, *args, kinds=(), open_entries=(), for_units=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *((k.code, f"{k.name}（{k.code}）") for k in kinds)]
        choices = [("", "无"), *((e.pk, f"{e.effective_on:%Y-%m-%d} {e.kind.name}") for e in open_entries)]
        self.fields["supersedes"].choices = choices
        self.fields["closes"].choices = choices
        if for_units:
            for name in ("supersedes", "revokes", "closes", "period_months", "period_year"):
                del self.fields[name]
        _styled(self)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_attachment(upload)
        return upload


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "确认"), ("reject", "退回")],
                                 error_messages={"required": "请选择确认或退回", "invalid_choice": "请选择确认或退回"})  # fmt: skip
    note = forms.CharField(label="审核意见", max_length=255, required=False)


class VoidRequestForm(forms.Form):
    reason = forms.CharField(
        label="作废理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：录错人员。作废须由另一名有审批权限的人员批准", error_messages={"required": "请写明作废理由"},
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class VoidDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("reject", "不批准")],
                                 error_messages={"required": "请选择是否批准", "invalid_choice": "请选择是否批准"})  # fmt: skip


class WarningFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *Warning.Status.choices]
    )
    rule = forms.ChoiceField(label="规则", required=False)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "全部规则"), *((r, r) for r in rules)]
        _styled(self)
        for f in self.fields.values():
            f.widget.attrs["class"] += " form-select-sm"


class WarningActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("acknowledge", "签收"), ("handle", "已处置"), ("dismiss", "排除")],
                               error_messages={"required": "请选择操作", "invalid_choice": "请选择操作"})  # fmt: skip
    note = forms.CharField(label="说明", max_length=1000, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）", error_messages={"required": "请选择要导入的文件"},
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )  # fmt: skip
