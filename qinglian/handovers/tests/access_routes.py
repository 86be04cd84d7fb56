"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from qinglian.testing.access import Route


def _case(tree, unit, *, audit: bool = False):
    from datetime import date

    from qinglian.core.idnumber import DEMO_REGION, make, parse
    from qinglian.handovers import services
    from qinglian.people.cadre_services import cadre_create
    from qinglian.people.models import Cadre

    n = Cadre.objects.count() + 1
    cadre = cadre_create(actor=None, data={
        "name": f"离任{n}", "id_number": parse(make(DEMO_REGION, date(1970, 1, 1), n)), "unit": unit,
        "post_level": "staff", "gender": "male" if n % 2 else "female", "birth_date": date(1970, 1, 1),
        "is_top_leader": True, "post_title": "局长",
    })  # fmt: skip
    parts = {b: {"unit": unit, "person": "经办人"} for b in ("discipline", "organisation", "audit")}
    case = services.case_open(actor=None, departing=cadre, successor_name="接任人", departed_on=date(2026, 1, 5),
                              reason="transfer", parts=parts)  # fmt: skip
    if audit:
        services.departure_audit_save(actor=None, case=case, auditor_unit=unit, started_on=date(2026, 2, 1))
    return case


def _finding(tree, unit):
    from qinglian.handovers import services

    case = _case(tree, unit, audit=True)
    return services.finding_record(
        actor=None, case=case, subject="unit", category="finance", description="矩阵"
    ).pk


OBJECTS: dict = {
    "handover": lambda tree, unit: _case(tree, unit).pk,
    "handover_item": lambda tree, unit: _case(tree, unit).items.first().pk,
    "handover_part": lambda tree, unit: _case(tree, unit).parts.get(body="discipline").pk,
    "handover_finding": _finding,
}

ROUTES: dict = {
    "handovers:cases": Route("/handovers/"),
    "handovers:case_new": Route("/handovers/new/"),
    "handovers:checklist": Route("/handovers/checklist/"),
    "handovers:checklist_edit": Route("/handovers/checklist/edit/"),
    "handovers:case": Route("/handovers/cases/{obj}/", obj="handover"),
    "handovers:case_sign": Route("/handovers/cases/{obj}/sign/", method="POST", obj="handover"),
    "handovers:case_close": Route("/handovers/cases/{obj}/close/", method="POST", obj="handover"),
    "handovers:case_document": Route("/handovers/cases/{obj}/document/", method="POST", obj="handover"),
    "handovers:item_update": Route("/handovers/items/{obj}/", method="POST", obj="handover_item"),
    "handovers:part_update": Route("/handovers/parts/{obj}/", method="POST", obj="handover_part"),
    "handovers:audits": Route("/handovers/audits/"),
    "handovers:audit": Route("/handovers/audits/{obj}/", obj="handover"),
    "handovers:audit_save": Route("/handovers/audits/{obj}/save/", method="POST", obj="handover"),
    "handovers:finding_new": Route("/handovers/audits/{obj}/findings/", method="POST", obj="handover"),
    "handovers:finding_hear": Route("/handovers/findings/{obj}/hear/", method="POST", obj="handover_finding"),
    "handovers:finding_decide": Route(
        "/handovers/findings/{obj}/decide/", method="POST", obj="handover_finding"
    ),
    "handovers:mine": Route("/handovers/mine/"),
    "handovers:my_case": Route("/handovers/mine/999999/", foreign=True),
}
