"""Forms of the disposal panel: each parses one action's input; the services decide the rest."""

from __future__ import annotations

from django import forms

from qinglian.intake import disposal
from qinglian.intake.models import AccusationReferral, Disposal, Inquiry, Verification

DATE = {"type": "date"}


class _Form(forms.Form):
    """Bootstrap classes on every widget."""

    title = ""

    def __init__(self, *args, uid="", **kwargs):
        # Several forms share a page: ids unique per form (and per inquiry), so labels stay right.
        kwargs.setdefault("auto_id", f"id_{type(self).__name__.lower()}{uid}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")


def _text(label, *, max_length=255, required=True, rows=0, help_text=""):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=widget, help_text=help_text
    )


def _date(label, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )


class ProposeForm(_Form):
    title = "提出处置意见（集体研究）"
    method = forms.ChoiceField(label="处置方式", choices=Disposal.Method.choices)
    meeting = _text("集体研究会议", max_length=100, help_text="如：委务会、室务会")
    meeting_on = _date("会议日期")
    members = _text("参会人员")
    decision = _text("研究意见", max_length=2000, rows=3)
    hold_review_on = _date("复查日期（暂存待查）", required=False)
    close_reason = _text("了结理由（予以了结）", required=False)

    def __init__(self, *args, methods=None, **kwargs):
        super().__init__(*args, **kwargs)
        if methods is not None:
            self.fields["method"].choices = [c for c in Disposal.Method.choices if c[0] in methods]


class DecideForm(_Form):
    title = "审批处置意见"
    disposal = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label="审批", choices=[("1", "批准"), ("0", "不批准")], coerce=lambda v: v == "1"
    )
    note = _text("审批意见（不批准时必填）", required=False)


class _InquiryForm(_Form):
    inquiry = forms.IntegerField(widget=forms.HiddenInput)


class InquiryStartForm(_Form):
    title = "开始谈话或函询"
    subject = forms.IntegerField(label="被反映人", widget=forms.Select)
    form = forms.ChoiceField(label="方式", choices=Inquiry.Form.choices)

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].widget.choices = [(s.pk, s.cadre.name) for s in subjects]


class TalkForm(_InquiryForm):
    title = "登记谈话记录"
    held_on = _date("谈话日期")
    record = _text("谈话记录", max_length=10_000, rows=4)


class SummaryForm(_InquiryForm):
    title = "撰写脱敏问题摘要"
    summary = _text(
        "脱敏问题摘要", max_length=3000, rows=4,
        help_text="只写反映的问题，不得含有举报人姓名、电话、单位等可能识别举报人的信息；须经第二人审核",
    )  # fmt: skip


class ReviewForm(_InquiryForm):
    title = "审核脱敏摘要"


class LetterForm(_InquiryForm):
    title = "生成函询通知书"
    number_prefix = _text("发文机关代字", max_length=20, required=False, help_text="如“甲纪函”，留空按默认")


class SendForm(_InquiryForm):
    title = "登记发函"
    sent_on = _date("发函日期")


class ReplyForm(_InquiryForm):
    title = "登记函询回复"
    replied_on = _date("回复日期")
    reply = _text("回复内容", max_length=10_000, rows=4)
    countersigned_by = _text("党组织主要负责人签字", max_length=64)


class _ClearanceFields(_Form):
    clear = forms.BooleanField(label="同时澄清正名", required=False)
    clear_method = _text(
        "澄清方式", max_length=100, required=False, help_text="如：会议通报、当面澄清、书面说明"
    )
    clear_audience = _text("澄清范围/对象", required=False)
    clear_held_on = _date("澄清日期", required=False)

    def clearance(self) -> dict | None:
        d = self.cleaned_data
        if not d.get("clear"):
            return None
        return {"method": d["clear_method"], "audience": d["clear_audience"], "held_on": d["clear_held_on"]}


class ConcludeForm(_ClearanceFields):
    title = "谈话函询结果"
    inquiry = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="结果", choices=Inquiry.Outcome.choices)
    handling_kind = forms.ChoiceField(
        label="处理方式（问题轻微）", required=False, choices=[("", "—"), *disposal.MINOR_HANDLING.items()]
    )
    feedback = _text("书面反馈意见（反映不实）", required=False)


class VerificationForm(_Form):
    title = "核实方案、情况与初核报告"
    plan = _text("核实方案", max_length=10_000, rows=3, required=False)
    findings = _text("核实情况", max_length=10_000, rows=3, required=False)
    report = _text("初核报告", max_length=10_000, rows=3, required=False)


class VerificationConcludeForm(_ClearanceFields):
    title = "初步核实结果"
    outcome = forms.ChoiceField(label="结果", choices=Verification.Outcome.choices)
    handling_kind = forms.ChoiceField(
        label="处理方式", required=False, choices=[("", "—"), *disposal.VERIFICATION_HANDLING.items()]
    )
    period_months = forms.IntegerField(
        label="影响期（月，组织处理）", required=False, min_value=1, max_value=60
    )
    note = _text("说明", required=False)


class HoldReopenForm(_Form):
    title = "启用暂存线索"
    note = _text("启用理由")


class ClarificationForm(_Form):
    title = "澄清正名"
    subject = forms.IntegerField(label="被反映人", widget=forms.Select)
    method = _text("澄清方式", max_length=100, help_text="如：会议通报、当面澄清、书面说明")
    audience = _text("澄清范围/对象")
    held_on = _date("日期")

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].widget.choices = [(s.pk, s.cadre.name) for s in subjects]


class ReferForm(_Form):
    title = "移送诬告陷害问题"
    reason = _text("移送理由", max_length=2000, rows=3)


class FindForm(_Form):
    title = "认定"
    finding = forms.ChoiceField(
        label="认定",
        choices=[c for c in AccusationReferral.Finding.choices if c[0] != AccusationReferral.Finding.PENDING],
    )
    note = _text("认定说明")


class UnsealRequestForm(_Form):
    title = "申请查看举报人身份"
    reason = _text("申请理由", max_length=500)


class UnsealApproveForm(_Form):
    title = "批准查看举报人身份"


class IdentityForm(_Form):
    title = "查看举报人身份"
    reason = _text("查看理由", max_length=500)


class ResultNotifyForm(_Form):
    title = "登记向实名举报人反馈结果"
    how = forms.ChoiceField(label="反馈方式", choices=[(w, w) for w in disposal.RESULT_NOTICE_WAYS])
    note = _text("反馈内容摘要", required=False)
