"""Forms of the integrity-opinion pages. Business rules live in qinglian/archive/opinions.py."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from qinglian.archive.models import OpinionCandidate, OpinionRequest
from qinglian.archive.opinions import candidates_from_excel, candidates_from_text
from qinglian.core.excel import FileRejected


class OpinionRequestForm(forms.Form):
    title = forms.CharField(
        label="事由", max_length=200, help_text="如：2026年第四季度科级干部提拔",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    purpose = forms.ChoiceField(
        label="用途",
        choices=OpinionRequest.Purpose.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    as_of = forms.DateField(
        label="基准日期", widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
        help_text="按该日期判断影响期（默认今天）",
    )  # fmt: skip
    cadres = forms.ModelMultipleChoiceField(
        label="从本范围干部中选择", queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )  # fmt: skip
    id_numbers = forms.CharField(
        label="粘贴身份证号", required=False, help_text="每行一个身份证号；系统不保存完整号码",
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control font-monospace"}),
    )  # fmt: skip
    excel = forms.FileField(
        label="或上传 Excel 名单", required=False, help_text="使用模板：姓名、身份证号两列",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )  # fmt: skip

    def __init__(self, *args, cadres=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("as_of", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres
        self.fields["cadres"].label_from_instance = lambda c: f"{c.name}（{c.unit.name}{c.post_title}）"

    def clean(self):
        cleaned = super().clean()
        candidates: list = [c.pk for c in cleaned.get("cadres") or []]
        candidates += candidates_from_text(cleaned.get("id_numbers", ""))
        upload = cleaned.get("excel")
        if upload:
            try:
                candidates += candidates_from_excel(upload.read())
            except (ValidationError, FileRejected) as exc:
                messages = (
                    exc.message_dict.get("candidates", exc.messages)
                    if isinstance(exc, ValidationError)
                    else [str(exc)]
                )
                raise ValidationError({"excel": messages}) from None
        if not candidates:
            raise ValidationError("请选择干部、粘贴身份证号或上传 Excel 名单（至少一名候选人）")
        cleaned["candidates"] = candidates
        return cleaned


class ReviewForm(forms.Form):
    """One verdict, reason and dissent per candidate; fields named verdict_<pos>, reason_<pos>, dissent_<pos>."""

    def __init__(self, *args, candidates: list[OpinionCandidate], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for c in candidates:
            self.fields[f"verdict_{c.position}"] = forms.ChoiceField(
                label="意见", choices=OpinionCandidate.Verdict.choices, initial=c.verdict,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )  # fmt: skip
            self.fields[f"reason_{c.position}"] = forms.CharField(
                label="改变初判的理由", required=False, max_length=1000, initial=c.change_reason,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )  # fmt: skip
            self.fields[f"dissent_{c.position}"] = forms.CharField(
                label="不同意见", required=False, max_length=2000, initial=c.dissent,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )  # fmt: skip

    def rows(self):
        return [
            (c, self[f"verdict_{c.position}"], self[f"reason_{c.position}"], self[f"dissent_{c.position}"])
            for c in self.candidates
        ]

    def changes(self) -> dict:
        return {
            c.position: (
                self.cleaned_data[f"verdict_{c.position}"],
                self.cleaned_data[f"reason_{c.position}"],
            )
            for c in self.candidates
        }

    def dissents(self) -> dict:
        return {c.position: self.cleaned_data[f"dissent_{c.position}"] for c in self.candidates}


class ApproveForm(forms.Form):
    approver_name = forms.CharField(
        label="签发领导", max_length=64, widget=forms.TextInput(attrs={"class": "form-control"})
    )
