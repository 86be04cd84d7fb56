from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinglian.accounts import services
from qinglian.accounts.decorators import capability_required
from qinglian.accounts.forms import LoginForm, ReasonForm, RoleAssignForm, TokenForm, UserCreateForm
from qinglian.accounts.middleware import requires_2fa
from qinglian.accounts.models import RoleAssignment, User
from qinglian.accounts.roles import ROLES
from qinglian.accounts.scopes import scope
from qinglian.audit.services import audit_record
from qinglian.core.forms import add_service_errors, form_status
from qinglian.core.pagination import paginate, query_without_page


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": "登录"}


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")
    extra_context = {"title": "修改密码"}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action="user.password_change",
            obj=self.request.user,
            request=self.request,
        )
        messages.success(self.request, "密码已修改。")
        return response


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def profile(request):
    assignments = (
        RoleAssignment.objects.filter(user=request.user).select_related("anchor").order_by("-created_at")
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "title": "我的账号",
            "assignments": assignments,
            "has_device": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "needs_2fa": requires_2fa(request.user),
            "roles": ROLES,
        },
    )


@login_required
def two_factor(request):
    """Verify a TOTP code; on first use, enrol a device (QR code) and confirm it with a code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(
            user=request.user, confirmed=False
        ).first() or TOTPDevice.objects.create(user=request.user, name="手机令牌", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=request.user, action="user.2fa_enrol", obj=request.user, request=request)
            otp_login(request, device)
            audit_record(actor=request.user, action="user.2fa_verify", obj=request.user, request=request)
            return redirect(_safe_next(request))
        form.add_error("token", "验证码不正确或已过期，请查看手机令牌上的最新验证码")
    context = {"title": "双因素认证", "form": form, "enrolling": enrolling, "next": _safe_next(request, "")}
    if enrolling:
        qr = segno.make(device.config_url, error="m")
        # A standalone SVG (with its xmlns): an inline-HTML SVG in a data URI does not render.
        context["qr_data_uri"] = qr.svg_data_uri(scale=4)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)


@capability_required("users.manage")
def user_list(request):
    q = request.GET.get("q", "").strip()
    users = (
        User.objects.select_related("unit")
        .annotate(n_roles=Count("role_assignments", filter=Q(role_assignments__status="active")))
        .order_by("username")
    )
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(unit__name__icontains=q)
        )
    return render(
        request,
        "accounts/user_list.html",
        {
            "title": "用户管理",
            "page": paginate(request, users),
            "q": q,
            "query": query_without_page(request),
        },
    )


def _units_for(user):
    from django.apps import apps

    unit_model = apps.get_model("people", "Unit")
    return unit_model.objects.filter(scope(user, "units.view").units_q(), is_active=True).order_by("path")


@capability_required("users.manage")
def user_create(request):
    form = UserCreateForm(request.POST or None, units=_units_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已创建账号“{user.username}”。")
            return redirect("accounts:user_detail", user_id=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"title": "新建用户", "form": form},
        status=form_status(request, form),
    )


@capability_required("users.manage")
def user_detail(request, user_id: int):
    target = get_object_or_404(User.objects.select_related("unit"), pk=user_id)
    form = RoleAssignForm(request.POST or None, units=_units_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            a = services.role_assign(actor=request.user, user=target, request=request, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if a.status == "pending":
                messages.info(request, "该角色可查阅密封内容，已提交安全保密管理员审批，批准后生效。")
            else:
                messages.success(request, "角色已授予。")
            return redirect("accounts:user_detail", user_id=target.pk)
    assignments = RoleAssignment.objects.filter(user=target).select_related(
        "anchor", "requested_by", "decided_by"
    )
    return render(
        request,
        "accounts/user_detail.html",
        {
            "title": f"用户：{target}",
            "target": target,
            "form": form,
            "assignments": assignments,
            "reason_form": ReasonForm(),
        },
        status=form_status(request, form),
    )


@require_POST
@capability_required("users.manage")
def role_revoke(request, assignment_id: int):
    assignment = get_object_or_404(RoleAssignment, pk=assignment_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.role_revoke(
                actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"], request=request
            )
            messages.success(request, "角色已撤销。")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "撤销角色必须填写事由。")
    return redirect("accounts:user_detail", user_id=assignment.user_id)


@capability_required("grants.approve")
def approvals(request):
    pending = RoleAssignment.objects.filter(status="pending").select_related("user", "anchor", "requested_by")
    return render(
        request, "accounts/approvals.html", {"title": "敏感角色授权审批", "pending": pending, "roles": ROLES}
    )


@require_POST
@capability_required("grants.approve")
def approval_decide(request, assignment_id: int):
    assignment = get_object_or_404(RoleAssignment, pk=assignment_id, status="pending")
    approve = request.POST.get("decision") == "approve"
    try:
        services.role_decide(
            actor=request.user,
            assignment=assignment,
            approve=approve,
            reason=request.POST.get("reason", ""),
            request=request,
        )
        messages.success(request, "已批准。" if approve else "已驳回。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("accounts:approvals")
