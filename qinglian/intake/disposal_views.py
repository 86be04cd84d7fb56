"""Pages of clue disposal: the panel on the clue detail page (an htmx fragment), the same panel as
a page of its own, and one POST route per action. Thin: access_clue, a form, a service.

Role gate at the entry: `intake.view` (every route fetches the clue through `access_clue`, which
applies the data scope and recusals, 404 otherwise); each action's service then checks the
capability it needs (`intake.handle`, `intake.approve`, ...) and answers 403 without it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability
from qinglian.core.forms import add_service_errors
from qinglian.intake import disposal
from qinglian.intake import disposal_forms as f
from qinglian.intake import documents as intake_documents
from qinglian.intake.access import access_clue


def _detail_url(clue) -> str:
    """The clue's detail page (desk) when it exists, else the disposal page."""
    try:
        return reverse("intake:clue_detail", args=[clue.pk])
    except NoReverseMatch:
        return reverse("intake:clue_disposal", args=[clue.pk])


def _inquiry_forms(i, state) -> list:
    """(action, form, button) for what may be done next on one inquiry."""
    initial = {"inquiry": i.pk}
    today = timezone.localdate()
    out = []
    if i.can_review:
        out.append(
            ("review", f.ReviewForm(uid=i.pk, initial=initial), "审核通过（摘要不含可识别举报人的信息）")
        )
    if not state["can_handle"] or i.outcome:
        return out
    if i.form == "talk" and not i.replied_on:
        out.append(("talk", f.TalkForm(uid=i.pk, initial=initial | {"held_on": today}), "保存谈话记录"))
    elif i.form == "letter" and not i.document_id:
        out.append(
            ("summary", f.SummaryForm(uid=i.pk, initial=initial | {"summary": i.summary_text}), "保存摘要")
        )
        if i.summary_reviewed_by_id:
            prefix = intake_documents.default_prefix(state["clue"].owner_unit)
            out.append(
                (
                    "letter",
                    f.LetterForm(uid=i.pk, initial=initial | {"number_prefix": prefix}),
                    "生成函询通知书",
                )
            )
    elif i.form == "letter" and not i.sent_on:
        out.append(("send", f.SendForm(uid=i.pk, initial=initial | {"sent_on": today}), "登记发函"))
    elif i.form == "letter" and not i.replied_on:
        out.append(("reply", f.ReplyForm(uid=i.pk, initial=initial | {"replied_on": today}), "登记回复"))
    if i.replied_on:
        out.append(
            ("conclude", f.ConcludeForm(uid=i.pk, initial=initial | {"clear_held_on": today}), "登记结果")
        )
    return out


def _context(request, clue, **extra) -> dict:
    state = disposal.panel_state(clue, request.user)
    today = timezone.localdate()
    handle, approve, referral = state["can_handle"], state["can_approve"], state["referral"]
    for i in state["inquiries"]:
        i.forms = _inquiry_forms(i, state)
    forms = {
        "propose": handle and state["methods"] and f.ProposeForm(methods=state["methods"],
                                                                 initial={"meeting_on": today}),
        "decide": state["may_approve_pending"] and f.DecideForm(initial={"disposal": state["pending"].pk}),
        "inquiry_start": handle and state["startable"] and f.InquiryStartForm(subjects=state["startable"]),
        "verify": handle and state["open_verification"] and f.VerificationForm(initial={
            "plan": state["open_verification"].plan_text, "findings": state["open_verification"].findings_text,
            "report": state["open_verification"].report_text}),
        "verify_conclude": handle and state["open_verification"]
        and f.VerificationConcludeForm(initial={"clear_held_on": today}),
        "reopen": handle and clue.status == "held" and f.HoldReopenForm(),
        "clarify": handle and state["clearable"] and f.ClarificationForm(subjects=state["clearable"],
                                                                         initial={"held_on": today}),
        "refer": state["can_refer"] and f.ReferForm(),
        "find": approve and referral is not None and referral.finding == "pending"
        and referral.referred_by_id != request.user.pk and f.FindForm(),
        "unseal_request": handle and referral is not None and referral.finding == "false_accusation"
        and not referral.unseal_requested_by_id and f.UnsealRequestForm(),
        "unseal_approve": approve and referral is not None and referral.unseal_requested_by_id
        and not referral.unseal_approved_by_id and not state["is_requester"] and f.UnsealApproveForm(),
        "identity": referral is not None and referral.unseal_approved_by_id
        and (state["is_requester"] or has_capability(request.user, "sealed.reporter_identity"))
        and f.IdentityForm(),
        "notify": state["can_notify"] and f.ResultNotifyForm(),
    }  # fmt: skip
    return state | {"forms": forms, "today": today, "title": f"线索处置 · {clue.number}"} | extra


@capability_required("intake.view")
def clue_disposal_panel(request, clue_id):
    clue = access_clue(request.user, clue_id, request)
    return render(request, "intake/disposal_panel.html", _context(request, clue))


@capability_required("intake.view")
def clue_disposal_page(request, clue_id):
    clue = access_clue(request.user, clue_id, request)
    return render(request, "intake/disposal_page.html", _context(request, clue))


# --- actions --------------------------------------------------------------------------------------


def _one(queryset, pk):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404("对象不存在")
    return obj


def _inquiry(clue, d):
    return _one(clue.inquiries.all(), d["inquiry"])


def _subject(clue, pk):
    return _one(clue.subjects.filter(cadre__isnull=False).select_related("cadre"), pk)


def _verification(clue):
    v = clue.verifications.filter(outcome="").first()
    if v is None:
        raise ValidationError("没有进行中的初步核实")
    return v


def _referral(clue):
    referral = clue.accusation_referrals.first()
    if referral is None:
        raise Http404("尚未移送")
    return referral


def _propose(request, clue, d):
    disposal.disposal_propose(actor=request.user, clue=clue, request=request, **d)
    return "处置意见已提交，待领导审批。"


def _decide(request, clue, d):
    item = _one(clue.disposals.all(), d["disposal"])
    disposal.disposal_decide(
        actor=request.user, disposal=item, approve=d["approve"], note=d["note"], request=request
    )
    return "已批准处置意见。" if d["approve"] else "已退回处置意见。"


def _start(request, clue, d):
    disposal.inquiry_start(
        actor=request.user, clue=clue, subject=_subject(clue, d["subject"]), form=d["form"], request=request
    )
    return "已开始谈话函询。"


def _talk(request, clue, d):
    disposal.inquiry_talk_record(actor=request.user, inquiry=_inquiry(clue, d), held_on=d["held_on"],
                                 record=d["record"], request=request)  # fmt: skip
    return "谈话记录已登记。"


def _summary(request, clue, d):
    disposal.inquiry_summary_write(actor=request.user, inquiry=_inquiry(clue, d), summary=d["summary"],
                                   request=request)  # fmt: skip
    return "脱敏摘要已保存，待第二人审核。"


def _review(request, clue, d):
    disposal.inquiry_summary_review(actor=request.user, inquiry=_inquiry(clue, d), request=request)
    return "脱敏摘要已审核。"


def _letter(request, clue, d):
    docs = disposal.inquiry_letter_generate(actor=request.user, inquiry=_inquiry(clue, d),
                                            number_prefix=d["number_prefix"], request=request)  # fmt: skip
    return f"已生成函询通知书（{docs[0].number}）。"


def _send(request, clue, d):
    inquiry = disposal.inquiry_send(actor=request.user, inquiry=_inquiry(clue, d), sent_on=d["sent_on"],
                                    request=request)  # fmt: skip
    return f"已登记发函，回复期限为{inquiry.reply_due:%Y年%m月%d日}。"


def _reply(request, clue, d):
    disposal.inquiry_reply_record(actor=request.user, inquiry=_inquiry(clue, d), replied_on=d["replied_on"],
                                  reply=d["reply"], countersigned_by=d["countersigned_by"], request=request)  # fmt: skip
    return "函询回复已登记。"


def _conclude(request, clue, d, form):
    disposal.inquiry_conclude(actor=request.user, inquiry=_inquiry(clue, d), outcome=d["outcome"],
                              feedback=d["feedback"], handling_kind=d["handling_kind"], clearance=form.clearance(),
                              request=request)  # fmt: skip
    return "谈话函询结果已登记。"


def _verify(request, clue, d):
    disposal.verification_update(actor=request.user, verification=_verification(clue), request=request,
                                 **{k: v for k, v in d.items() if v})  # fmt: skip
    return "已保存。"


def _verify_conclude(request, clue, d, form):
    disposal.verification_conclude(actor=request.user, verification=_verification(clue), outcome=d["outcome"],
                                   handling_kind=d["handling_kind"], period_months=d["period_months"], note=d["note"],
                                   clearance=form.clearance(), request=request)  # fmt: skip
    return "初步核实结果已登记。"


def _reopen(request, clue, d):
    disposal.hold_reopen(actor=request.user, clue=clue, note=d["note"], request=request)
    return "线索已启用，请重新集体研究处置。"


def _clarify(request, clue, d):
    disposal.clarification_record(actor=request.user, clue=clue, subject=_subject(clue, d["subject"]),
                                  method=d["method"], audience=d["audience"], held_on=d["held_on"], request=request)  # fmt: skip
    return "已澄清正名，并记入廉政档案。"


def _refer(request, clue, d):
    disposal.accusation_refer(actor=request.user, clue=clue, reason=d["reason"], request=request)
    return "已移送。"


def _find(request, clue, d):
    disposal.accusation_find(actor=request.user, referral=_referral(clue), finding=d["finding"], note=d["note"],
                             request=request)  # fmt: skip
    return "已作出认定。"


def _unseal_request(request, clue, d):
    disposal.accusation_unseal_request(actor=request.user, referral=_referral(clue), reason=d["reason"],
                                       request=request)  # fmt: skip
    return "已申请，待领导批准。"


def _unseal_approve(request, clue, d):
    disposal.accusation_unseal_approve(actor=request.user, referral=_referral(clue), request=request)
    return "已批准。"


def _notify(request, clue, d):
    if clue.report is None:
        raise Http404("本线索不是来自信访举报")
    disposal.report_result_notify(actor=request.user, report=clue.report, how=d["how"], note=d["note"],
                                  request=request)  # fmt: skip
    return "已登记反馈。"


# action -> (form, handler, whether the handler takes the form)
ACTIONS = {
    "propose": (f.ProposeForm, _propose, False),
    "decide": (f.DecideForm, _decide, False),
    "inquiry-start": (f.InquiryStartForm, _start, False),
    "talk": (f.TalkForm, _talk, False),
    "summary": (f.SummaryForm, _summary, False),
    "review": (f.ReviewForm, _review, False),
    "letter": (f.LetterForm, _letter, False),
    "send": (f.SendForm, _send, False),
    "reply": (f.ReplyForm, _reply, False),
    "conclude": (f.ConcludeForm, _conclude, True),
    "verify": (f.VerificationForm, _verify, False),
    "verify-conclude": (f.VerificationConcludeForm, _verify_conclude, True),
    "reopen": (f.HoldReopenForm, _reopen, False),
    "clarify": (f.ClarificationForm, _clarify, False),
    "refer": (f.ReferForm, _refer, False),
    "find": (f.FindForm, _find, False),
    "unseal-request": (f.UnsealRequestForm, _unseal_request, False),
    "unseal-approve": (f.UnsealApproveForm, _unseal_approve, False),
    "notify": (f.ResultNotifyForm, _notify, False),
}


def _form_kwargs(action, clue) -> dict:
    if action in ("inquiry-start", "clarify"):
        return {"subjects": [s for s in clue.subjects.select_related("cadre") if s.cadre_id]}
    return {}


@require_POST
@capability_required("intake.view")
def clue_disposal_act(request, clue_id, action):
    clue = access_clue(request.user, clue_id, request)
    if action == "identity":
        return _identity(request, clue)
    if action not in ACTIONS:
        raise Http404("未知的操作")
    form_class, handler, wants_form = ACTIONS[action]
    form = form_class(request.POST, **_form_kwargs(action, clue))
    if form.is_valid():
        try:
            args = (request, clue, form.cleaned_data) + ((form,) if wants_form else ())
            message = handler(*args)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, message)
            if request.POST.get("back") == "page":
                return redirect("intake:clue_disposal", clue_id=clue.pk)
            return redirect(_detail_url(clue))
    context = _context(request, clue, error_form=form, error_action=action)
    return render(request, "intake/disposal_page.html", context, status=400)


def _identity(request, clue):
    """The reporter's identity for an approved false-accusation referral (requester only)."""
    form = f.IdentityForm(request.POST)
    identity = None
    if form.is_valid():
        try:
            identity = disposal.accusation_identity(actor=request.user, referral=_referral(clue),
                                                    reason=form.cleaned_data["reason"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
    if identity is None:
        context = _context(request, clue, error_form=form, error_action="identity")
        return render(request, "intake/disposal_page.html", context, status=400)
    response = render(request, "intake/disposal_page.html", _context(request, clue, identity=identity))
    response["Cache-Control"] = "no-store"
    return response
