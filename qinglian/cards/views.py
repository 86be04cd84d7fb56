"""Pages of reminder cards: batches for staff, the card by its QR link for the recipient."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability, scope
from qinglian.audit.services import audit_record
from qinglian.cards import services, sms
from qinglian.cards.access import access_batch, access_card, access_follow_up, access_print
from qinglian.cards.forms import BatchForm, CheckForm, DecideForm, HearForm, ItemForm, ReasonForm, ReportForm
from qinglian.cards.models import Card, CardBatch
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.people.models import Unit, UnitKind


def _issuing_body(user) -> Unit | None:
    """The party committee in whose name cards go out: the jurisdiction the user's scope is anchored at."""
    s = scope(user, "cards.manage")
    paths = sorted(s._minimal_prefixes(), key=len)
    if not paths:
        return None
    jurisdiction = Unit.objects.filter(path=paths[0]).first()
    committee = (
        Unit.objects.filter(parent=jurisdiction, kind=UnitKind.PARTY_COMMITTEE).first()
        if jurisdiction
        else None
    )
    return committee or jurisdiction


@capability_required("cards.view")
def batch_list(request):
    in_scope = scope(request.user, "cards.view").units_q("cards__unit__")
    batches = (
        CardBatch.objects.filter(in_scope).annotate(n=Count("cards", filter=in_scope)).select_related("scope_unit")
        .distinct().order_by("-year", "-quarter", "-id")
    )  # fmt: skip
    page = paginate(request, batches)
    counts = services.quarter_counts(viewer=request.user)
    return render(request, "cards/batches.html", {"page": page, "counts": counts,
                  "can_manage": has_capability(request.user, "cards.manage")})  # fmt: skip


@capability_required("cards.manage")
@require_http_methods(["GET", "POST"])
def batch_new(request):
    body = _issuing_body(request.user)
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and body is not None:
        d = form.cleaned_data
        try:
            scope_unit = body.parent if body.kind == UnitKind.PARTY_COMMITTEE else body
            batch = services.batch_create(
                actor=request.user, year=d["year"], quarter=d["quarter"], issuing_body=body, scope_unit=scope_unit,
                recipient_types=d["recipient_types"], report_days=d["report_days"], request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已生成{batch.cards.count()}张提醒卡草稿，请检查个性问题清单后发放")
            return redirect("cards:batch", batch_id=batch.pk)
    return render(
        request, "cards/batch_new.html", {"form": form, "body": body}, status=form_status(request, form)
    )


@capability_required("cards.view")
def batch_detail(request, batch_id: int):
    batch = access_batch(request.user, batch_id)
    s = scope(request.user, "cards.view")
    cards = (
        batch.cards.filter(s.units_q("unit__")).select_related("cadre", "unit")
        .annotate(n_items=Count("items"), n_individual=Count("items", filter=Q(items__kind="individual")))
        .order_by("unit__path", "cadre__name", "pk")
    )  # fmt: skip
    page = paginate(request, cards)
    prints = batch.prints.filter(s.units_q("unit__")).select_related("unit").order_by("unit__path")
    return render(request, "cards/batch.html", {"batch": batch, "page": page, "prints": prints,
                  "can_manage": scope(request.user, "cards.manage").contains(batch.scope_unit)})  # fmt: skip


@capability_required("cards.manage")
@require_POST
def batch_issue(request, batch_id: int):
    batch = access_batch(request.user, batch_id, "cards.manage")
    try:
        services.batch_issue(actor=request.user, batch=batch, request=request)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已发放；打印件正在后台生成")
    return redirect("cards:batch", batch_id=batch.pk)


@capability_required("cards.view")
def print_download(request, print_id: int):
    p = access_print(request.user, print_id)
    audit_record(
        actor=request.user, action="cards.print_download", obj=p.batch, unit_id=p.unit_id, request=request
    )
    return FileResponse(p.file.open("rb"), as_attachment=True, filename=f"提醒卡-{p.unit.name}.pdf")


def _card_page(request, card, *, forms=None, status=200):
    items = list(card.items.all())
    can_manage = scope(request.user, "cards.manage").contains(card.unit)
    can_check = scope(request.user, "cards.check").contains(card.unit)
    can_decide = scope(request.user, "cards.decide").contains(card.unit)
    forms = forms or {}
    ctx = {
        "card": card, "items": items, "can_manage": can_manage, "can_check": can_check, "can_decide": can_decide,
        "item_form": forms.get("item") or ItemForm(), "revoke_form": forms.get("revoke") or ReasonForm(),
        "check_form": forms.get("check") or CheckForm(items=items), "hear_form": forms.get("hear") or HearForm(),
        "decide_form": forms.get("decide") or DecideForm(), "follow_ups": card.follow_ups.select_related("decided_by"),
        "link": services.card_token(card) if card.status not in ("draft", "revoked") else "",
    }  # fmt: skip
    ctx["check_rows"] = [
        (i, ctx["check_form"][f"item_{i.pk}"], ctx["check_form"][f"note_{i.pk}"]) for i in items
    ]
    return render(request, "cards/card.html", ctx, status=status)


@capability_required("cards.view")
def card_detail(request, card_id: int):
    card = access_card(request.user, card_id)
    audit_record(actor=request.user, action="cards.view", obj=card, person_id=card.cadre_id, request=request)
    return _card_page(request, card)


@capability_required("cards.manage")
@require_POST
def card_action(request, card_id: int, action: str):
    card = access_card(request.user, card_id, "cards.manage")
    form = ItemForm(request.POST) if action == "add" else ReasonForm(request.POST)
    try:
        if action == "add" and form.is_valid():
            services.item_add(actor=request.user, card=card, text=form.cleaned_data["text"], request=request)
        elif action == "remove":
            item = card.items.filter(
                pk=request.POST.get("item") if str(request.POST.get("item", "")).isdigit() else 0
            ).first()
            if item is None:
                raise ValidationError({"text": "事项不存在"})
            services.item_remove(actor=request.user, item=item, request=request)
            return redirect("cards:card", card_id=card.pk)
        elif action == "revoke" and form.is_valid():
            services.card_revoke(
                actor=request.user, card=card, reason=form.cleaned_data["reason"], request=request
            )
        else:
            return _card_page(
                request, card, forms={"item" if action == "add" else "revoke": form}, status=400
            )
    except ValidationError as exc:
        add_service_errors(form, exc, rename={"reason": "reason", "text": "text"})
        return _card_page(request, card, forms={"item" if action == "add" else "revoke": form}, status=400)
    messages.success(request, "已保存")
    return redirect("cards:card", card_id=card.pk)


@capability_required("cards.check")
@require_POST
def card_check(request, card_id: int):
    card = access_card(request.user, card_id, "cards.check")
    items = list(card.items.all())
    form = CheckForm(request.POST, items=items)
    if form.is_valid():
        try:
            follow_up = services.card_check(
                actor=request.user, card=card, results=form.results(), request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "已登记检查结果"
                + ("；有未落实事项，已提出下一步措施建议，待听取本人说明后决定" if follow_up else ""),
            )
            return redirect("cards:card", card_id=card.pk)
    card.refresh_from_db()
    return _card_page(request, card, forms={"check": form}, status=400)


@capability_required("cards.check")
@require_POST
def follow_up_hear(request, follow_up_id: int):
    f = access_follow_up(request.user, follow_up_id, "cards.check")
    form = HearForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_hear(actor=request.user, follow_up=f, explanation=form.cleaned_data["explanation"],
                                    heard_on=form.cleaned_data["heard_on"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已记录本人说明")
            return redirect("cards:card", card_id=f.card_id)
    return _card_page(request, f.card, forms={"hear": form}, status=400)


@capability_required("cards.decide")
@require_POST
def follow_up_decide(request, follow_up_id: int):
    f = access_follow_up(request.user, follow_up_id, "cards.decide")
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_decide(actor=request.user, follow_up=f, apply=form.cleaned_data["decision"] == "apply",
                                      note=form.cleaned_data["note"], request=request)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已作出决定")
            return redirect("cards:card", card_id=f.card_id)
    return _card_page(request, f.card, forms={"decide": form}, status=400)


# --- the recipient ------------------------------------------------------------------------------


def _open(request, token):
    try:
        return services.card_from_token(token), None
    except services.LinkInvalid as exc:
        return None, str(exc)


@require_http_methods(["GET", "POST"])
def card_open(request, token: str):
    """The card by its QR link: anyone holding the link reads it; only the recipient, signed in,
    acknowledges it and reports on it."""
    card, problem = _open(request, token)
    if card is None:
        return render(request, "cards/open_invalid.html", {"problem": problem}, status=410)
    is_owner = request.user.is_authenticated and card.cadre.user_id == request.user.pk
    items = list(card.items.all())
    form = ReportForm(request.POST or None, items=items)
    sms_state = {"usable": not is_owner and sms.can_use(card), "sent": False, "error": ""}
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("sms_send", "sms_verify") and sms_state["usable"]:
        # The recipient without an account at hand: a code to the phone on file instead of signing in.
        try:
            if action == "sms_send":
                sms.code_send(card=card, request=request)
                sms_state["sent"] = True
            else:
                sms.code_acknowledge(card=card, code=request.POST.get("code", ""), request=request)
                messages.success(request, "已签收（短信验证码）")
                return redirect("cards:open", token=token)
        except ValidationError as exc:
            sms_state["error"] = "；".join(exc.messages)
            sms_state["sent"] = action == "sms_verify"
        form = ReportForm(None, items=items)
        rows = [(i, form[f"item_{i.pk}"]) for i in items]
        return render(request, "cards/open.html", {"card": card, "rows": rows, "is_owner": is_owner, "form": form,
                      "token": token, "sms": sms_state, "tail": sms.mobile_on_file(card)[-4:]},
                      status=400 if sms_state["error"] else 200)  # fmt: skip
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            if request.POST.get("action") == "acknowledge":
                services.card_acknowledge(user=request.user, card=card, request=request)
                messages.success(request, "已签收")
                if request.POST.get("back") == "self":  # signed from the cadre's own page: back there
                    return redirect("cards:self")
                return redirect("cards:open", token=token)
            if form.is_valid():
                services.card_report(user=request.user, card=card, reports=form.reports(), request=request)
                messages.success(request, "已提交本季度落实情况报告")
                return redirect("cards:open", token=token)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            add_service_errors(form, exc)
    rows = [(i, form[f"item_{i.pk}"]) for i in items]
    return render(request, "cards/open.html", {"card": card, "rows": rows, "is_owner": is_owner, "form": form,
                  "token": token, "sms": sms_state, "tail": sms.mobile_on_file(card)[-4:]},
                  status=form_status(request, form))  # fmt: skip


@capability_required("cards.own")
def my_cards(request):
    cards = (
        Card.objects.filter(cadre__user=request.user).exclude(status__in=[Card.Status.DRAFT, Card.Status.REVOKED])
        .select_related("batch", "unit").order_by("-batch__year", "-batch__quarter")
    )  # fmt: skip
    rows = [(c, services.card_token(c)) for c in cards[:40]]
    return render(request, "cards/mine.html", {"rows": rows})
