"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from qinglian.testing.access import Route


def _run():
    from django.utils import timezone

    from qinglian.matching.models import MatchingState, MatchRun

    state = MatchingState.objects.filter(pk=1).select_related("current_run").first()
    if state and state.current_run:
        return state.current_run
    run = MatchRun.objects.create(status="succeeded", created_at=timezone.now())
    MatchingState.objects.update_or_create(pk=1, defaults={"current_run": run, "switched_at": timezone.now()})
    return run


def _registry(unit):
    """A company whose legal representative is linked (current run) to a cadre of `unit`."""
    from datetime import date

    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.core.tests.test_access_matrix import _cadre
    from qinglian.matching.models import PersonLink
    from qinglian.registries.models import Company, CompanyRole, RegistryPerson, Snapshot, Source

    user = User.objects.order_by("pk")[0]
    source, _ = Source.objects.get_or_create(
        name="矩阵企业登记", defaults={"kind": "company", "created_by": user}
    )
    snap = Snapshot.objects.filter(source=source).first() or Snapshot.objects.create(
        source=source, data_date=date(2026, 1, 1), status="current", file_format="csv", filename="m.csv",
        sha256="0" * 64, imported_by=user, imported_at=timezone.now())  # fmt: skip
    cadre = _cadre(None, unit)
    person = RegistryPerson.objects.create(snapshot=snap, row_number=1, name=cadre.name)
    company = Company.objects.create(snapshot=snap, row_number=1, name=f"{unit.name}矩阵公司", credit_code="")
    CompanyRole.objects.create(snapshot=snap, row_number=1, person=person, company=company, role="legal_rep")
    link = PersonLink.objects.create(run=_run(), subject="cadre", cadre=cadre, unit=unit, registry_person_id=person.pk,
                                     score=0.7, method="name", evidence="姓名相同", status="uncertain")  # fmt: skip
    return cadre, company, link


def _hit(tree, unit):
    from django.utils import timezone

    from qinglian.core.tests.test_access_matrix import _cadre
    from qinglian.matching.models import Hit

    run = _run()
    cadre = _cadre(tree, unit)
    return Hit.objects.create(rule="matching.business", key=f"matrix:{cadre.pk}", cadre=cadre, unit=unit,
                              explanation="矩阵", evidence=[], first_run=run, last_run=run,
                              raised_at=timezone.now()).pk  # fmt: skip


OBJECTS: dict = {
    "match_hit": _hit,
    "match_link": lambda tree, unit: _registry(unit)[2].pk,
    "match_company": lambda tree, unit: _registry(unit)[1].pk,
    "match_cadre": lambda tree, unit: _registry(unit)[0].pk,
}
ROUTES: dict = {
    "matching:hits": Route("/matching/"),
    "matching:hit": Route("/matching/hits/{obj}/", obj="match_hit"),
    "matching:hit_act": Route("/matching/hits/{obj}/acknowledge/", method="POST", obj="match_hit"),
    "matching:review": Route("/matching/review/"),
    "matching:link": Route("/matching/links/{obj}/", obj="match_link"),
    "matching:person_graph": Route("/matching/graph/cadre/{obj}/", obj="match_cadre"),
    "matching:company_graph": Route("/matching/graph/company/{obj}/", obj="match_company"),
    "matching:runs": Route("/matching/runs/"),
    "matching:run_new": Route("/matching/runs/new/", method="POST"),
    "matching:run": Route("/matching/runs/999999/", foreign=True),
    "matching:sectors": Route("/matching/sectors/"),
    "matching:regions": Route("/matching/regions/"),
}
