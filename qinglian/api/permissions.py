from rest_framework.permissions import BasePermission

from qinglian.accounts.scopes import has_capability


def capability(*caps: str):
    """A DRF permission class requiring every capability in `caps` (the API's role gate)."""

    class HasCapability(BasePermission):
        message = "您的角色无权调用此接口"

        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated) and all(
                has_capability(request.user, c) for c in caps
            )

    HasCapability.__name__ = f"HasCapability_{'_'.join(c.replace('.', '_') for c in caps)}"
    return HasCapability
