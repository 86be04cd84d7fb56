"""The task force of the tests: the lead (organisation department), a discipline reviewer, two
agencies with linked accounts (audit bureau, court), an agency account linked to no agency, and
cadres with known ID numbers."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from qinglian.taskforce import services
from qinglian.taskforce.excel import COLUMNS
from qinglian.taskforce.models import Agency


def xlsx(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in COLUMNS])
    for r in rows:
        ws.append([r.get(c.field, "") for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(cadre, row_type="audit_finding", summary="违规发放津贴补贴", occurred_on="2026-10-15", **kw) -> dict:
    return {"id_number": cadre.test_id_number, "name": cadre.name, "row_type": row_type,
            "occurred_on": occurred_on, "summary": summary, **kw}  # fmt: skip


@pytest.fixture
def tf(tree, make_user, make_cadre):
    services.seed_defaults()
    x = SimpleNamespace(tree=tree)
    x.lead = make_user("org_supervision", tree.county_a, username="lead")
    x.reviewer = make_user("discipline_supervision", tree.county_a, username="jiwei")
    x.audit = Agency.objects.get(code="shenji")
    x.court = Agency.objects.get(code="fayuan")
    for agency, unit in ((x.audit, tree.dept_a2), (x.court, tree.dept_a3)):
        services.agency_save(actor=x.lead, agency=agency, code=agency.code, name=agency.name, tier=agency.tier,
                             unit=unit, order=agency.order)  # fmt: skip
    x.audit.refresh_from_db()
    x.court.refresh_from_db()
    x.auditor = make_user("taskforce_agency", None, unit=tree.dept_a2, username="shenji1")
    x.judge = make_user("taskforce_agency", None, unit=tree.dept_a3, username="fayuan1")
    x.stray = make_user("taskforce_agency", None, unit=tree.dept_b1, username="stray")
    services.agency_member_link(actor=x.lead, agency=x.audit, user=x.auditor)
    services.agency_member_link(actor=x.lead, agency=x.court, user=x.judge)
    x.a = make_cadre(tree.dept_a1, "王一")
    x.b = make_cadre(tree.dept_a3, "李二")
    x.c = make_cadre(tree.dept_b1, "赵三")
    return x
