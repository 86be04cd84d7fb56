"""Two-factor sign-in for roles that read sealed or personal-matters data."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from qinglian.accounts.roles import ROLES
from qinglian.accounts.scopes import active_roles

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/public/", "/healthz", "/api/")


def requires_2fa(user) -> bool:
    return any(ROLES[r].requires_2fa for r in active_roles(user))


class TwoFactorRequiredMiddleware:
    """A user whose roles read sealed data must have passed a TOTP check in this session.

    The API authenticates by token (agency systems) or by the same verified session; its own
    authentication class applies the same rule, so it is exempt here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_2FA
            and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not user.is_verified()
            and requires_2fa(user)
        ):
            return redirect(
                f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
