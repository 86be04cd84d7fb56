from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions

from qinglian.accounts.middleware import requires_2fa
from qinglian.api.models import ApiToken, hash_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ql_...` — a revocable token tied to an integration user and a unit."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确")
        try:
            token = ApiToken.objects.select_related("user", "unit").get(key_hash=hash_token(header[1]))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed("令牌无效") from None
        now = timezone.now()
        if token.revoked_at or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌已撤销或过期")
        if not token.last_used_at or (now - token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.user.api_token = token
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with the same two-factor rule as the pages."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if settings.REQUIRE_2FA and requires_2fa(user) and not user.is_verified():
            raise exceptions.PermissionDenied("请先完成双因素认证")
        return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes `ApiTokenAuthentication` (a bearer token)."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix=ApiTokenAuthentication.keyword)


class VerifiedSessionScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes `VerifiedSessionAuthentication` (the signed-in session)."""

    target_class = VerifiedSessionAuthentication
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
