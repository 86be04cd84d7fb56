from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import has_capability
from qinglian.core.forms import add_service_errors
from qinglian.core.pagination import paginate, query_without_page
from qinglian.rules import registry, selectors, services
from qinglian.rules.access import access_rule
from qinglian.rules.forms import ParamChangeForm, RuleFilterForm


@capability_required("rules.view")
def rule_list(request):
    form = RuleFilterForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    today = timezone.localdate()
    page = paginate(request, selectors.rule_list(q=q, as_of=today))
    rows = [{"rule": r, "params": selectors.current_params(r)} for r in page.object_list]
    return render(
        request,
        "rules/rule_list.html",
        {
            "title": "规则库",
            "form": form,
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "today": today,
            "unsettled_label": registry.UNSETTLED_LABEL,
        },
    )


@capability_required("rules.view")
def rule_detail(request, code: str):
    rule = access_rule(request.user, code)
    today = timezone.localdate()
    return render(
        request,
        "rules/rule_detail.html",
        {
            "title": rule.name,
            "rule": rule,
            "params": selectors.parameter_history(rule, as_of=today),
            "today": today,
            "can_manage": has_capability(request.user, "rules.manage"),
            "unsettled_label": registry.UNSETTLED_LABEL,
        },
    )


@capability_required("rules.manage")
def param_change(request, code: str, key: str):
    rule = access_rule(request.user, code)
    params = {p["key"]: p for p in selectors.parameter_history(rule, as_of=timezone.localdate())}
    if key not in params:
        raise Http404("参数不存在")
    spec = registry.param_spec(rule.code, key)
    kind = params[key]["kind"]
    bounds = (spec.minimum, spec.maximum) if spec is not None and spec.kind == kind else (None, None)
    form = ParamChangeForm(
        request.POST or None,
        kind=kind,
        minimum=bounds[0],
        maximum=bounds[1],
        initial={"effective_from": timezone.localdate()},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.rule_param_set(
                    actor=request.user,
                    rule=rule,
                    key=key,
                    value=form.cleaned_data["value"],
                    effective_from=form.cleaned_data["effective_from"],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记“{params[key]['label']}”的新取值，历史记录已保留。")
                return redirect("rules:detail", code=rule.code)
        status = 400
    return render(
        request,
        "rules/param_form.html",
        {"title": f"调整参数：{params[key]['label']}", "rule": rule, "param": params[key], "form": form},
        status=status,
    )
