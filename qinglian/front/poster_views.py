"""码上举报 — printable posters with a QR code that opens the public report page with a unit
preselected (by an opaque code, never a database id). Staff pages of the core."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from qinglian.accounts.decorators import capability_required
from qinglian.accounts.scopes import scope
from qinglian.core.pagination import paginate
from qinglian.people.access import access_unit
from qinglian.people.models import Unit, UnitKind

POSTER_KINDS = (UnitKind.DISCIPLINE_COMMISSION, UnitKind.TOWNSHIP_COMMITTEE, UnitKind.TOWNSHIP,
                UnitKind.VILLAGE)  # fmt: skip


@capability_required("intake.register")
def poster_list(request):
    units = (
        Unit.objects.filter(
            scope(request.user, "intake.register").units_q(), kind__in=POSTER_KINDS, is_active=True
        )
        .select_related("parent")
        .order_by("path")
    )
    page = paginate(request, units)
    return render(request, "front/poster_list.html", {"title": "码上举报二维码", "page": page})


def public_report_url(request, code: str) -> str:
    path = reverse("front:report") + "?" + urlencode({"u": code})
    base = settings.QINGLIAN_PUBLIC_BASE_URL.rstrip("/")
    if base:  # the public front's own address: its report page is at the root
        return f"{base}/?{urlencode({'u': code})}"
    return request.build_absolute_uri(path)


@capability_required("intake.register")
def poster(request, unit_id: int):
    from qinglian.intake.public_sync import unit_code_remember

    unit = access_unit(request.user, unit_id, capability="intake.register")
    code = unit_code_remember(unit)
    if settings.MODE == "core" and not settings.QINGLIAN_FRONT_URL:  # all-in-one: the page knows it at once
        from qinglian.intake.public_sync import exchange_local

        exchange_local()
    url = public_report_url(request, code)
    qr = segno.make(url, error="m")
    ctx = {"title": f"码上举报 · {unit.name}", "unit": unit, "url": url,
           "qr": qr.svg_data_uri(scale=8, border=2, dark="#000")}  # fmt: skip
    return render(request, "front/poster.html", ctx)
