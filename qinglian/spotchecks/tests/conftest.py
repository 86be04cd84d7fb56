from __future__ import annotations

import io

import pytest
from openpyxl import Workbook


@pytest.fixture
def reviewer(tree, make_user):
    return make_user("org_supervision", tree.county_a)


@pytest.fixture
def second_reviewer(tree, make_user):
    return make_user("org_supervision", tree.county_a)


@pytest.fixture
def cadre_with_account(tree, make_user):
    """A reporting cadre (副处级) with a self-service account and a submitted report."""
    from qinglian.declarations.tests.factories import cadre_in, submitted_declaration

    def make(unit=None, items=None, name="申报人"):
        unit = unit or tree.dept_a1
        cadre = cadre_in(unit, name=name)
        user = make_user("cadre_self", None, unit=unit)
        cadre.user = user
        cadre.save(update_fields=["user"])
        submitted_declaration(unit, cadre=cadre, items=items)
        return cadre, user

    return make


def xlsx(headers, rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
