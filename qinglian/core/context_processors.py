from django.conf import settings

from qinglian.core.navigation import navigation_for


def shell(request):
    """What every page's frame needs: the navigation the user may see, the demo banner."""
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "two_factor_waived": not settings.REQUIRE_2FA,
        "nav_sections": navigation_for(user, request) if user is not None and user.is_authenticated else [],
    }
