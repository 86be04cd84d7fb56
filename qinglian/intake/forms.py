"""Forms of the intake desk: parse input only; the services validate the rules and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from qinglian.accounts.scopes import scope
from qinglian.intake.channels import CHANNEL_FIELDS
from qinglian.intake.models import Channel, Clue, Forwarding, ManagementLevel, ProblemType, Report
from qinglian.people.models import Unit, UnitKind

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"})
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
RECEIVING_KINDS = (UnitKind.DISCIPLINE_COMMISSION, UnitKind.TOWNSHIP_COMMITTEE)


def _blank(choices, label="全部"):
    return [("", label), *choices]


class ReportFilterForm(forms.Form):
    q = forms.CharField(label="编号", required=False, max_length=40,
                        widget=forms.TextInput(attrs={**TEXT, "placeholder": "编号或编号末几位"}))  # fmt: skip
    channel = forms.ChoiceField(label="渠道", required=False, choices=_blank(Channel.choices),
                                widget=forms.Select(attrs=SELECT))  # fmt: skip
    status = forms.ChoiceField(label="状态", required=False, choices=_blank(Report.Status.choices),
                               widget=forms.Select(attrs=SELECT))  # fmt: skip
    problem_type = forms.ChoiceField(label="问题类别", required=False, choices=_blank(ProblemType.choices),
                                     widget=forms.Select(attrs=SELECT))  # fmt: skip
    date_from = forms.DateField(label="收到日期自", required=False, widget=DATE)
    date_to = forms.DateField(label="至", required=False, widget=DATE)


class ClueFilterForm(forms.Form):
    q = forms.CharField(label="线索编号", required=False, max_length=40,
                        widget=forms.TextInput(attrs={**TEXT, "placeholder": "编号或编号末几位"}))  # fmt: skip
    status = forms.ChoiceField(label="状态", required=False, choices=_blank(Clue.Status.choices),
                               widget=forms.Select(attrs=SELECT))  # fmt: skip
    problem_type = forms.ChoiceField(label="问题类别", required=False, choices=_blank(ProblemType.choices),
                                     widget=forms.Select(attrs=SELECT))  # fmt: skip
    source = forms.ChoiceField(label="来源", required=False, choices=_blank(Clue.Source.choices),
                               widget=forms.Select(attrs=SELECT))  # fmt: skip
    date_from = forms.DateField(label="登记日期自", required=False, widget=DATE)
    date_to = forms.DateField(label="至", required=False, widget=DATE)
    mine = forms.BooleanField(label="仅看我承办的", required=False,
                              widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))  # fmt: skip


def receiving_units(user):
    """The bodies in whose name the user may register reports (commissions, township committees)."""
    return Unit.objects.filter(scope(user, "intake.register").units_q(), kind__in=RECEIVING_KINDS,
                               is_active=True).order_by("path")  # fmt: skip


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReportEntryForm(forms.Form):
    """One form for every staff channel; CHANNEL_FIELDS says what the channel adds."""

    receiving_unit = forms.ModelChoiceField(label="受理机关", queryset=Unit.objects.none(),
                                            widget=forms.Select(attrs=SELECT))  # fmt: skip
    received_at = forms.DateTimeField(
        label="收到时间", widget=forms.DateTimeInput(attrs={**TEXT, "type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )  # fmt: skip
    nature = forms.ChoiceField(label="性质", choices=Report.Nature.choices, widget=forms.Select(attrs=SELECT))
    problem_type = forms.ChoiceField(label="问题类别", choices=ProblemType.choices, initial=ProblemType.OTHER,
                                     widget=forms.Select(attrs=SELECT))  # fmt: skip
    subject_name = forms.CharField(label="被反映人姓名", required=False, max_length=100,
                                   widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    subject_unit = forms.CharField(label="被反映人单位", required=False, max_length=100,
                                   widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    subject_post = forms.CharField(label="被反映人职务", required=False, max_length=100,
                                   widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    facts = forms.CharField(label="反映的主要问题", max_length=10_000,
                            widget=forms.Textarea(attrs={**TEXT, "rows": 6}))  # fmt: skip
    when = forms.CharField(
        label="发生时间", required=False, max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    where = forms.CharField(
        label="发生地点", required=False, max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    reporter_name = forms.CharField(label="举报人姓名", required=False, max_length=100,
                                    widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    reporter_unit = forms.CharField(label="举报人单位", required=False, max_length=100,
                                    widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    reporter_phone = forms.CharField(label="联系电话", required=False, max_length=100,
                                     widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    reporter_address = forms.CharField(label="联系地址", required=False, max_length=100,
                                       widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    source_agency = forms.ModelChoiceField(label="来源机关", required=False, queryset=Unit.objects.none(),
                                           widget=forms.Select(attrs=SELECT))  # fmt: skip
    source_reference = forms.CharField(label="来源说明", required=False, max_length=100,
                                       widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    files = MultipleFileField(label="附件", required=False)

    def __init__(self, *args, channel: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        spec = CHANNEL_FIELDS[channel]
        self.spec = spec
        units = receiving_units(user)
        self.fields["receiving_unit"].queryset = units
        if user.unit_id and units.filter(pk=user.unit_id).exists():
            self.fields["receiving_unit"].initial = user.unit_id
        self.fields["received_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        ref = self.fields["source_reference"]
        ref.label, ref.required = spec.reference_label, spec.reference_required
        self.fields["files"].label = spec.files_label
        self.fields["files"].required = spec.files_required
        if spec.agency_label:
            agency = self.fields["source_agency"]
            agency.label, agency.required = spec.agency_label, spec.agency_required
            kinds = {
                Channel.LIAISON: (UnitKind.VILLAGE,),
                Channel.FROM_HIGHER: RECEIVING_KINDS,
                Channel.FROM_LOWER: RECEIVING_KINDS,
            }.get(channel)
            agencies = Unit.objects.filter(is_active=True)
            if kinds:
                agencies = agencies.filter(kind__in=kinds)
            if channel == Channel.LIAISON:
                agencies = agencies.filter(scope(user, "intake.register").units_q())
            else:
                agencies = agencies.exclude(kind__in=(UnitKind.VILLAGE,))
            agency.queryset = agencies.order_by("path")
        else:
            del self.fields["source_agency"]
        if not spec.identity:
            for name in ("reporter_name", "reporter_unit", "reporter_phone", "reporter_address"):
                del self.fields[name]

    def content(self) -> dict:
        d = self.cleaned_data
        return {
            k: d.get(k, "")
            for k in ("subject_name", "subject_unit", "subject_post", "facts", "when", "where")
        }

    def identity(self) -> dict | None:
        if not self.spec.identity:
            return None
        d = self.cleaned_data
        return {k: d.get(f"reporter_{k}", "") for k in ("name", "unit", "phone", "address")}


class SmsImportForm(forms.Form):
    receiving_unit = forms.ModelChoiceField(label="受理机关", queryset=Unit.objects.none(),
                                            widget=forms.Select(attrs=SELECT))  # fmt: skip
    file = forms.FileField(
        label="短信登记表（.xlsx）", widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiving_unit"].queryset = receiving_units(user)


class AcceptForm(forms.Form):
    problem_type = forms.ChoiceField(
        label="问题类别", choices=ProblemType.choices, widget=forms.Select(attrs=SELECT)
    )
    nature = forms.ChoiceField(label="性质", choices=Report.Nature.choices, widget=forms.Select(attrs=SELECT))


class ClassifyForm(forms.Form):
    problem_type = forms.ChoiceField(
        label="问题类别", choices=ProblemType.choices, widget=forms.Select(attrs=SELECT)
    )
    management_level = forms.ChoiceField(label="管理权限", choices=ManagementLevel.choices,
                                         widget=forms.Select(attrs=SELECT))  # fmt: skip


class ForwardForm(forms.Form):
    direction = forms.ChoiceField(label="转送方向", choices=Forwarding.Direction.choices,
                                  widget=forms.Select(attrs=SELECT))  # fmt: skip
    to_body = forms.CharField(label="接收机关", max_length=100,
                              widget=forms.TextInput(attrs={**TEXT, "placeholder": "接收机关，如：某市纪委监委", "aria-label": "接收机关"}))  # fmt: skip
    reason = forms.CharField(label="转送理由", max_length=255,
                             widget=forms.TextInput(attrs={**TEXT, "placeholder": "转送理由，如：被反映人系市管干部", "aria-label": "转送理由"}))  # fmt: skip


class RevealForm(forms.Form):
    reason = forms.CharField(label="查看理由", max_length=500,
                             widget=forms.TextInput(attrs={**TEXT, "placeholder": "如：需电话联系举报人核实情况"}))  # fmt: skip


class MessageForm(forms.Form):
    body = forms.CharField(
        label="给举报人的留言", max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )


class AcknowledgeForm(forms.Form):
    method = forms.CharField(label="告知方式", max_length=100,
                             widget=forms.TextInput(attrs={**TEXT, "placeholder": "如：电话告知、书面告知"}))  # fmt: skip


class RepeatDecideForm(forms.Form):
    earlier = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("repeat", "属重复件"), ("new", "有新的问题")])
    note = forms.CharField(label="说明", required=False, max_length=255)


class SubjectMatchForm(forms.Form):
    cadre = forms.IntegerField(widget=forms.HiddenInput)


class ClueRegisterForm(forms.Form):
    summary = forms.CharField(
        label="问题摘要", max_length=10_000, widget=forms.Textarea(attrs={**TEXT, "rows": 4})
    )
    problem_type = forms.ChoiceField(
        label="问题类别", choices=ProblemType.choices, widget=forms.Select(attrs=SELECT)
    )
    cadres = forms.ModelMultipleChoiceField(label="被反映人", required=False, queryset=None,
                                            widget=forms.CheckboxSelectMultiple)  # fmt: skip
    heads = forms.ModelMultipleChoiceField(label="其中系下级党委（党组）主要负责人的", required=False, queryset=None,
                                           widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres
        self.fields["heads"].queryset = cadres


class FindingClueForm(ClueRegisterForm):
    source = forms.ChoiceField(label="来源", widget=forms.Select(attrs=SELECT), choices=[
        (v, label) for v, label in Clue.Source.choices if v != Clue.Source.REPORT])  # fmt: skip
    source_reference = forms.CharField(label="来源说明（巡察组/审计报告文号等）", max_length=100,
                                       widget=forms.TextInput(attrs=TEXT))  # fmt: skip


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="承办人", queryset=None, widget=forms.Select(attrs=SELECT))
    note = forms.CharField(
        label="分办意见", required=False, max_length=255, widget=forms.TextInput(attrs=TEXT)
    )

    def __init__(self, *args, candidates, **kwargs):
        from qinglian.accounts.models import User

        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(pk__in=[u.pk for u in candidates]).order_by(
            "username"
        )


class RecusalForm(forms.Form):
    reason = forms.CharField(label="回避理由", max_length=255,
                             widget=forms.TextInput(attrs={**TEXT, "placeholder": "如：与被反映人系同学关系"}))  # fmt: skip
