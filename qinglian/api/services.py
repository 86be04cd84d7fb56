"""Issuing and revoking API tokens for partner-agency systems. The raw token is shown once."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from qinglian.accounts.scopes import has_capability
from qinglian.api.models import ApiToken, hash_token
from qinglian.audit.services import audit_record


@transaction.atomic
def token_issue(*, actor, user, name: str, unit=None, expires_at=None, request=None) -> tuple[ApiToken, str]:
    """Returns the token row and the raw value (not stored; shown to the administrator once)."""
    if actor is not None and not has_capability(actor, "api.tokens.manage"):
        raise PermissionDenied("无权签发接口令牌")
    if not user.is_integration:
        raise ValidationError({"user": "只能为接口账号签发令牌"})
    if not name.strip():
        raise ValidationError({"name": "请填写令牌用途"})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "过期时间必须晚于现在"})
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        name=name.strip(),
        user=user,
        unit=unit,
        key_prefix=raw[:8],
        key_hash=hash_token(raw),
        created_by=actor,
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action="api.token_issue",
        obj=token,
        unit_id=unit.pk if unit else None,
        request=request,
        extra={"user": user.pk},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token: ApiToken, reason: str, request=None) -> ApiToken:
    if not has_capability(actor, "api.tokens.manage"):
        raise PermissionDenied("无权撤销接口令牌")
    if not reason.strip():
        raise ValidationError({"reason": "请填写撤销事由"})
    if token.revoked_at:
        raise ValidationError({"token": "该令牌已撤销"})
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    token.refresh_from_db()
    audit_record(actor=actor, action="api.token_revoke", obj=token, reason=reason, request=request)
    return token
