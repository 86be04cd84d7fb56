"""Writes on users, roles and grants. Audited; sealed-read roles need a second approver."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.models import RoleAssignment, ScopeGrant, User
from qinglian.accounts.roles import ROLES, ScopeKind
from qinglian.accounts.scopes import forget, has_capability
from qinglian.audit.services import audit_record


def _sync_groups(user: User) -> None:
    """Mirror active roles as Django group membership (for the admin and reports)."""
    codes = set(
        RoleAssignment.objects.filter(RoleAssignment.active_q(), user=user).values_list("role", flat=True)
    )
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    user.groups.set([groups[c] for c in codes if c in groups])
    forget(user)


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    display_name: str,
    unit=None,
    password: str | None = None,
    phone: str = "",
    is_integration: bool = False,
    request=None,
) -> User:
    if actor is not None and not has_capability(actor, "users.manage"):
        raise PermissionDenied("无权创建用户")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"账号“{username}”已存在"})
    user = User(
        username=username, display_name=display_name, unit=unit, phone=phone, is_integration=is_integration
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor, action="user.create", obj=user, unit_id=unit.pk if unit else None, request=request
    )
    return user


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool, reason: str, request=None) -> User:
    if not reason.strip():
        raise ValidationError({"reason": "请填写启用或停用账号的事由"})
    if actor.pk == user.pk and not active:
        raise ValidationError({"user": "不能停用自己的账号"})
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.refresh_from_db()
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        obj=user,
        reason=reason,
        request=request,
    )
    return user


@transaction.atomic
def role_assign(
    *, actor, user: User, role: str, anchor=None, reason: str = "", valid_until=None, request=None
) -> RoleAssignment:
    """Give `user` a role anchored at a unit. A role that reads sealed data waits for approval."""
    if role not in ROLES:
        raise ValidationError({"role": "未知角色"})
    spec = ROLES[role]
    if actor is not None and not has_capability(actor, "users.manage"):
        raise PermissionDenied("无权授予角色")
    if spec.scope in (ScopeKind.SUBTREE, ScopeKind.UNIT, ScopeKind.SUPERVISED) and anchor is None:
        raise ValidationError({"anchor": f"角色“{spec.name}”必须指定范围单位"})
    if spec.scope == ScopeKind.SUPERVISED and anchor.kind != "stationed_group":
        raise ValidationError({"anchor": "派驻纪检监察组角色的范围单位必须是派驻组本身"})
    if spec.reads_sealed:
        if actor is not None and actor.pk == user.pk:
            raise PermissionDenied("不能为自己申请可查阅密封内容的角色")
        if not reason.strip():
            raise ValidationError({"reason": "授予可查阅密封内容的角色必须填写事由"})
    if RoleAssignment.objects.filter(
        user=user, role=role, anchor=anchor, status__in=["active", "pending"]
    ).exists():
        raise ValidationError({"role": "该用户已有（或正在申请）相同的角色和范围"})
    assignment = RoleAssignment.objects.create(
        user=user,
        role=role,
        anchor=anchor,
        reason=reason,
        valid_until=valid_until,
        requested_by=actor,
        status=RoleAssignment.Status.PENDING
        if spec.reads_sealed and actor is not None
        else RoleAssignment.Status.ACTIVE,
    )
    audit_record(
        actor=actor,
        action="role.request" if assignment.status == "pending" else "role.assign",
        obj=assignment,
        unit_id=anchor.pk if anchor else None,
        reason=reason,
        request=request,
        extra={"user": user.pk, "role": role},
    )
    _sync_groups(user)
    return assignment


@transaction.atomic
def role_decide(
    *, actor, assignment: RoleAssignment, approve: bool, reason: str = "", request=None
) -> RoleAssignment:
    """The second approver (a security officer, neither the requester nor the grantee) decides."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not has_capability(actor, "grants.approve"):
        raise PermissionDenied("无权审批敏感角色授权")
    if assignment.status != RoleAssignment.Status.PENDING:
        raise ValidationError({"status": "该授权申请已处理"})
    if actor.pk in (assignment.requested_by_id, assignment.user_id):
        raise PermissionDenied("申请人或被授权人本人不能审批该授权")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "驳回时请填写理由"})
    assignment.status = RoleAssignment.Status.ACTIVE if approve else RoleAssignment.Status.REJECTED
    assignment.decided_by = actor
    assignment.decided_at = timezone.now()
    if approve:
        assignment.valid_from = assignment.decided_at
    assignment.save(update_fields=["status", "decided_by", "decided_at", "valid_from"])
    audit_record(
        actor=actor,
        action="role.approve" if approve else "role.reject",
        obj=assignment,
        reason=reason,
        request=request,
        extra={"user": assignment.user_id, "role": assignment.role},
    )
    _sync_groups(assignment.user)
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment, reason: str, request=None) -> RoleAssignment:
    if not has_capability(actor, "users.manage") and not has_capability(actor, "grants.approve"):
        raise PermissionDenied("无权撤销角色")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销事由"})
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status not in (RoleAssignment.Status.ACTIVE, RoleAssignment.Status.PENDING):
        raise ValidationError({"status": "该授权已失效"})
    assignment.status = RoleAssignment.Status.REVOKED
    assignment.decided_by = actor
    assignment.decided_at = timezone.now()
    assignment.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=assignment,
        reason=reason,
        request=request,
        extra={"user": assignment.user_id, "role": assignment.role},
    )
    _sync_groups(assignment.user)
    return assignment


@transaction.atomic
def scope_grant(
    *,
    actor,
    user: User,
    role: str,
    unit,
    valid_from,
    valid_until,
    reason: str,
    source: str = "",
    include_subtree: bool = True,
    request=None,
) -> ScopeGrant:
    """A time-boxed grant (e.g. an inspection team's targets for the duration of its round)."""
    if ROLES.get(role) is None or ROLES[role].scope != ScopeKind.GRANT:
        raise ValidationError({"role": "只有按授权范围工作的角色（如巡察组）可以获得临时授权"})
    if valid_until <= valid_from:
        raise ValidationError({"valid_until": "失效时间必须晚于生效时间"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写授权事由"})
    grant = ScopeGrant.objects.create(
        user=user,
        role=role,
        unit=unit,
        include_subtree=include_subtree,
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason,
        source=source,
        granted_by=actor,
    )
    audit_record(
        actor=actor,
        action="scope.grant",
        obj=grant,
        unit_id=unit.pk,
        reason=reason,
        request=request,
        extra={"user": user.pk, "role": role, "until": valid_until.isoformat()},
    )
    forget(user)
    return grant
