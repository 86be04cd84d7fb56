"""Test helpers: a cadre with an account, and a submitted report built without the page."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from qinglian.declarations.models import Declaration, Item

_n = {"n": 0}


def cadre_in(unit, name: str = "申报人", **fields):
    from qinglian.core.idnumber import DEMO_REGION, make, parse
    from qinglian.people.cadre_services import cadre_create
    from qinglian.people.models import Cadre

    n = Cadre.objects.count() + 500
    data = {"name": name, "id_number": parse(make(DEMO_REGION, date(1975, 3, 3), n)), "unit": unit,
            "post_level": "deputy_division", "gender": "male" if n % 2 else "female",
            "birth_date": date(1975, 3, 3), **fields}  # fmt: skip
    return cadre_create(actor=None, data=data)


def submitted_declaration(unit, *, cadre=None, year: int = 2025, items=None) -> Declaration:
    cadre = cadre or cadre_in(unit)
    now = timezone.now()
    version = (Declaration.objects.filter(cadre=cadre, version__isnull=False).count()) + 1
    d = Declaration.objects.create(cadre=cadre, kind="annual" if version == 1 else "change", year=year,
                                   status="submitted", version=version, created_at=now, updated_at=now,
                                   submitted_at=now)  # fmt: skip
    rows = items if items is not None else [
        ("real_estate", {"owner": "self", "address": "甲县城关镇幸福路1号3栋201室", "use": "residential",
                         "area": "98.50", "share": "100", "acquired_on": "2015-06-01"}),
    ]  # fmt: skip
    for i, (kind, data) in enumerate(rows, 1):
        Item.objects.create(declaration=d, kind=kind, position=i, data=data)
    return d
