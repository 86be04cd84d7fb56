"""Role gates at the entry point: one decorator for views, one permission class for the API."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from qinglian.accounts.scopes import has_capability


def capability_required(*capabilities: str):
    """The signed-in user must hold every one of `capabilities`; otherwise 403.

    403 (not 404) because the existence of a page is not secret; objects outside the user's
    scope answer 404 from the `access_*` helpers.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not all(has_capability(request.user, c) for c in capabilities):
                raise PermissionDenied("您的角色无权访问此页面")
            return view(request, *args, **kwargs)

        wrapper.required_capabilities = capabilities
        return wrapper

    return decorator
