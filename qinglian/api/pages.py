"""Pages for administrators: API tokens (list, issue, revoke)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from qinglian.accounts.decorators import capability_required
from qinglian.api import services
from qinglian.api.forms import TokenIssueForm
from qinglian.api.models import ApiToken
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate
from qinglian.people.selectors import unit_list


@capability_required("api.tokens.manage")
def token_list(request):
    tokens = ApiToken.objects.select_related("user", "unit", "created_by").order_by("-created_at")
    form = TokenIssueForm(request.POST or None, units=unit_list(viewer=request.user))
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _, raw = services.token_issue(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "令牌已签发。请立即复制保存，离开本页后将无法再次查看。")
            form = TokenIssueForm(units=unit_list(viewer=request.user))
    return render(
        request,
        "api/token_list.html",
        {
            "title": "接口令牌",
            "page": paginate(request, tokens),
            "form": form,
            "raw_token": raw,
            "now": timezone.now(),
        },
        status=form_status(request, form),
    )


@require_POST
@capability_required("api.tokens.manage")
def token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id)
    try:
        services.token_revoke(
            actor=request.user, token=token, reason=request.POST.get("reason", ""), request=request
        )
        messages.success(request, f"令牌“{token.name}”已撤销。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("api_tokens:list")
