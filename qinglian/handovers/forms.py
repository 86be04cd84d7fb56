from __future__ import annotations

from django import forms

from qinglian.handovers.models import AuditFinding, DepartureReason, HandoverItem


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(f.widget, forms.RadioSelect | forms.HiddenInput | forms.CheckboxInput):
                f.widget.attrs.setdefault("class", "form-control")
            elif isinstance(f.widget, forms.CheckboxInput):
                f.widget.attrs.setdefault("class", "form-check-input")


def _date(label: str, **kw):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kw
    )


def _area(label: str, max_length: int, rows: int = 3, **kw):
    return forms.CharField(
        label=label, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows}), **kw
    )


class CaseForm(_Styled):
    reason = forms.ChoiceField(label="离任原因", choices=DepartureReason.choices)
    departed_on = _date("离任日期")
    successor = forms.TypedChoiceField(label="接任人（本单位干部）", coerce=int, required=False, empty_value=None,
                                       choices=())  # fmt: skip
    successor_name = forms.CharField(
        label="接任人姓名（未在本单位登记时填写）", max_length=32, required=False
    )
    audit_required = forms.BooleanField(label="须进行离任审计", required=False, initial=True)
    discipline_unit = forms.CharField(label="纪委监委：责任单位代码", max_length=64)
    discipline_person = forms.CharField(label="纪委监委：责任人", max_length=32)
    organisation_unit = forms.CharField(label="组织部：责任单位代码", max_length=64)
    organisation_person = forms.CharField(label="组织部：责任人", max_length=32)
    audit_unit = forms.CharField(label="审计机关：责任单位代码", max_length=64)
    audit_person = forms.CharField(label="审计机关：责任人", max_length=32)

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].choices = [("", "—")] + [(c.pk, f"{c.name}（{c.post_title or '—'}）")
                                                          for c in colleagues]  # fmt: skip


class ItemForm(_Styled):
    status = forms.ChoiceField(label="交接状态", choices=HandoverItem.Status.choices)
    handed_over = _area("交接内容（已交接的必填）", 5000, 3, required=False)
    remark = forms.CharField(label="备注（不涉及的写明理由）", max_length=500, required=False)


class PartForm(_Styled):
    person = forms.CharField(label="责任人", max_length=32)
    duty = _area("职责", 500, 2)
    due_on = _date("完成期限")
    done_on = _date("完成日期（完成后填写）", required=False)
    result = _area("履职情况（完成后填写）", 1000, 2, required=False)


class SignForm(_Styled):
    signer_name = forms.CharField(label="签收人（接任人姓名）", max_length=32)
    signed_on = _date("签收日期")
    note = forms.CharField(label="签收意见", max_length=500, required=False)


class CloseForm(_Styled):
    note = forms.CharField(label="办结意见", max_length=500, required=False)


class ChecklistForm(_Styled):
    items = forms.CharField(
        label="交接事项（每行一项：事项名称｜交接要求）",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
    )
    reason = forms.CharField(label="修改理由", max_length=255)

    def cleaned_items(self) -> list[dict]:
        out = []
        for line in self.cleaned_data["items"].splitlines():
            if not line.strip():
                continue
            title, _, guidance = line.replace("|", "｜").partition("｜")
            out.append({"title": title.strip(), "guidance": guidance.strip()})
        return out


class AuditForm(_Styled):
    auditor_unit = forms.CharField(label="审计机关（单位代码）", max_length=64)
    started_on = _date("进点日期")
    reported_on = _date("报告日期（出具报告后填写）", required=False)
    report_number = forms.CharField(label="审计报告文号", max_length=64, required=False)
    conclusion = _area("审计结论", 10000, 4, required=False)


class FindingForm(_Styled):
    subject = forms.ChoiceField(label="涉及对象", choices=AuditFinding.Subject.choices)
    category = forms.ChoiceField(label="问题类别", choices=AuditFinding.Category.choices)
    description = _area("问题描述", 5000, 3)
    amount = forms.CharField(label="涉及金额（元）", max_length=20, required=False)


class HearForm(_Styled):
    explanation = _area("说明（被审计单位意见或本人说明；本人未作说明的写明情况）", 5000, 3)
    heard_on = _date("听取说明日期")


class DecideForm(_Styled):
    confirm = forms.TypedChoiceField(label="认定结果", coerce=lambda v: v == "yes",
                                     choices=[("yes", "认定（单位问题记入单位档案；本人问题移送纪委审核）"),
                                              ("no", "不予认定")])  # fmt: skip
    decider_name = forms.CharField(label="认定人（姓名或会议）", max_length=100)
    note = forms.CharField(label="认定意见", max_length=500)
