"""What the spot checks read from the declarations app (its selectors: the contract of issue 7).

Kept in one place so that the rest of the app does not care how declarations are stored."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet

from qinglian.people.models import Cadre, CadreStatus

# Used only while the declarations app has not shipped `reporters` (default of RULES.md).
_FALLBACK_LEVELS = ("deputy_division", "division", "deputy_bureau", "bureau")


def reporters(on: date) -> QuerySet[Cadre]:
    try:
        from qinglian.declarations.selectors import reporters as _reporters
    except ImportError:
        return Cadre.objects.filter(status=CadreStatus.SERVING, post_level__in=_FALLBACK_LEVELS)
    return _reporters(on)


def latest_submitted(cadre: Cadre, as_of: datetime | None = None):
    try:
        from qinglian.declarations.selectors import latest_submitted as _latest
    except ImportError:
        return None
    return _latest(cadre, as_of)


def declared_items(version) -> list:
    if version is None:
        return []
    from qinglian.declarations.selectors import declared_items as _items

    return list(_items(version))


def version_ref(version) -> str:
    if version is None:
        return ""
    number = getattr(version, "number", None) or getattr(version, "version", None)
    return f"{version.pk}" + (f"（第{number}版）" if number else "")


def latest_submitted_many(cadre_ids) -> dict:
    """cadre_id -> the latest submitted version, items prefetched (a fixed number of queries)."""
    from qinglian.declarations.selectors import latest_submitted_many as _many

    return _many(cadre_ids)
