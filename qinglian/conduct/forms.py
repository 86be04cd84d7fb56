from __future__ import annotations

from django import forms

from qinglian.conduct.models import FamilyEvent, ListKind, Visit


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(f.widget, forms.RadioSelect | forms.HiddenInput):
                f.widget.attrs.setdefault("class", "form-control")


def _date(label: str, **kw):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kw
    )


def _area(label: str, max_length: int, rows: int = 3, **kw):
    return forms.CharField(
        label=label, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows}), **kw
    )


class ListForm(_Styled):
    items = forms.CharField(
        label="清单条目（每行一条）", widget=forms.Textarea(attrs={"rows": 16}), max_length=20000
    )
    reason = forms.CharField(label="修改理由", max_length=255)

    def cleaned_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class ObserverForm(_Styled):
    name = forms.CharField(label="姓名", max_length=32)
    background = forms.CharField(label="身份", max_length=100, help_text="如：退休干部、原县财政局副局长")
    phone = forms.CharField(label="联系电话", max_length=32, required=False)
    appointed_on = _date("聘任日期")


class VisitForm(_Styled):
    kind = forms.ChoiceField(label="方式", choices=Visit.Kind.choices)
    unit_code = forms.CharField(label="被走访单位代码（未选择干部时填写）", max_length=64, required=False)
    observer = forms.TypedChoiceField(label="作风观察员（观察员走访时选择）", coerce=int, required=False,
                                      empty_value=None, choices=())  # fmt: skip
    visited_on = _date("走访日期")
    visitors = forms.CharField(label="走访人员", max_length=200)
    place = forms.CharField(label="地点", max_length=200, required=False)
    findings = _area("了解到的情况", 5000, 4)
    suggestions = _area("意见建议", 5000, 3, required=False)

    def __init__(self, *args, observers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observer"].choices = [("", "—")] + [
            (o.pk, f"{o.name}（{o.background}）") for o in observers
        ]


class RegistrationForm(_Styled):
    community = forms.CharField(label="报到社区（小区）", max_length=100)
    branch = forms.CharField(label="社区（小区）党组织", max_length=100, required=False)
    registered_on = _date("报到日期")


class ActivityForm(_Styled):
    held_on = _date("活动日期")
    description = forms.CharField(label="活动内容", max_length=500)


class BriefingForm(_Styled):
    recipient = forms.CharField(label="接收家属", max_length=50, help_text="如：配偶 李某")
    red_lines = _area("岗位廉政红线（每行一条，结合干部岗位填写）", 5000, 5)
    handed_on = _date("交底日期")
    handed_by = forms.CharField(label="交底人", max_length=100)


class FindingForm(_Styled):
    item = forms.ChoiceField(label="负面清单条目", choices=())
    occurred_on = _date("发生日期")
    facts = _area("问题事实", 5000, 4)
    source = forms.CharField(
        label="发现途径", max_length=100, required=False, help_text="如：家访、社区反映、明察暗访"
    )

    def __init__(self, *args, lists=None, **kwargs):
        super().__init__(*args, **kwargs)
        groups = []
        for kind in (ListKind.LEADER_NEGATIVE, ListKind.FAMILY_NEGATIVE):
            version = (lists or {}).get(kind)
            if version is not None:
                groups.append((version.get_kind_display(),
                               [(f"{kind}:{n}", f"{n}. {text}") for n, text in enumerate(version.items, 1)]))  # fmt: skip
        self.fields["item"].choices = [("", "—")] + groups

    def list_item(self) -> tuple[str, int]:
        kind, number = self.cleaned_data["item"].split(":")
        return kind, int(number)


class HearForm(_Styled):
    explanation = _area("本人说明（本人未作说明的，写明情况）", 5000, 3)
    heard_on = _date("听取说明日期")


class DecideForm(_Styled):
    decision = forms.ChoiceField(label="认定", choices=[("confirm", "认定（记入廉政档案，黄点）"), ("dismiss", "不予认定")],
                                 widget=forms.RadioSelect)  # fmt: skip
    decider_name = forms.CharField(label="认定人（姓名或会议）", max_length=100)
    note = forms.CharField(label="认定意见", max_length=500)


class FamilyEventForm(_Styled):
    kind = forms.ChoiceField(label="事项", choices=FamilyEvent.Kind.choices)
    subject = forms.CharField(label="当事人及关系", max_length=100, help_text="如：儿子 张某某 结婚")
    event_date = _date("举办日期")
    venue = forms.CharField(label="举办地点", max_length=200)
    tables = forms.IntegerField(label="宴席桌数", min_value=0, max_value=100000)
    guests = forms.IntegerField(label="邀请人数", min_value=0, max_value=100000)
    cars = forms.IntegerField(label="使用车辆数", min_value=0, max_value=100000)
    payer = forms.ChoiceField(label="费用承担", choices=FamilyEvent.Payer.choices)
    payer_note = forms.CharField(label="费用说明（选择“其他”时必填）", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("tables", "guests", "cars"):
            self.fields[key].widget.attrs["inputmode"] = "numeric"
