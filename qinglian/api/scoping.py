"""A token may narrow its user's scope to one unit subtree; every API read applies this."""

from __future__ import annotations

from django.db.models import Q

from qinglian.accounts.scopes import scope


def api_units_q(request, capability: str, prefix: str = "") -> Q:
    q = scope(request.user, capability).units_q(prefix)
    token = getattr(request, "auth", None)
    if token is not None and getattr(token, "unit_id", None):
        q &= Q(**{f"{prefix}path__startswith": token.unit.path})
    return q
