"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from qinglian.testing.access import Route


def _check(tree, unit):
    from django.utils import timezone

    from qinglian.declarations.tests.factories import cadre_in
    from qinglian.spotchecks.models import SpotCheck

    cadre = cadre_in(unit, name="矩阵核查")
    return SpotCheck.objects.create(cadre=cadre, unit=unit, kind="promotion", reason="矩阵",
                                    created_at=timezone.now()).pk  # fmt: skip


def _round(tree, unit):
    from decimal import Decimal

    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.spotchecks.models import SampleRound

    now = timezone.now()
    return SampleRound.objects.create(year=2026, scope_unit=unit, ratio=Decimal("0.1"), seed="0" * 32, seeded_at=now,
                                      drawn_by=User.objects.order_by("pk")[0], drawn_at=now).pk  # fmt: skip


def _request(tree, unit):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.spotchecks.models import AgencyRequest

    n = AgencyRequest.objects.count() + 1
    req = AgencyRequest(agency="real_estate", number=f"矩阵-{n}", reason="矩阵", issuing_unit=unit,
                        created_by=User.objects.order_by("pk")[0], created_at=timezone.now())  # fmt: skip
    req.file.save(f"m{n}.xlsx", ContentFile(b"encrypted"), save=False)
    req.save()
    return req.pk


OBJECTS: dict = {"spot_check": _check, "spot_round": _round, "spot_request": _request}
ROUTES: dict = {
    "spotchecks:home": Route("/spot-checks/"),
    "spotchecks:check": Route("/spot-checks/checks/{obj}/", obj="spot_check"),
    "spotchecks:check_compare": Route("/spot-checks/checks/{obj}/compare/", method="POST", obj="spot_check"),
    "spotchecks:check_decide": Route("/spot-checks/checks/{obj}/decide/", method="POST", obj="spot_check"),
    "spotchecks:check_cancel": Route("/spot-checks/checks/{obj}/cancel/", method="POST", obj="spot_check"),
    "spotchecks:targeted_new": Route("/spot-checks/targeted/new/"),
    "spotchecks:targeted_from_opinion": Route("/spot-checks/targeted/from-opinion/", method="POST"),
    "spotchecks:rounds": Route("/spot-checks/rounds/"),
    "spotchecks:round_new": Route("/spot-checks/rounds/new/", method="POST"),
    "spotchecks:round": Route("/spot-checks/rounds/{obj}/", obj="spot_round"),
    "spotchecks:round_redraw": Route("/spot-checks/rounds/{obj}/redraw/", method="POST", obj="spot_round"),
    "spotchecks:requests": Route("/spot-checks/requests/"),
    "spotchecks:request_new": Route("/spot-checks/requests/new/"),
    "spotchecks:request": Route("/spot-checks/requests/{obj}/", obj="spot_request"),
    "spotchecks:request_file": Route("/spot-checks/requests/{obj}/file/", obj="spot_request"),
    "spotchecks:request_import": Route(
        "/spot-checks/requests/{obj}/import/", method="POST", obj="spot_request"
    ),
    "spotchecks:template": Route("/spot-checks/templates/real_estate/"),
    "spotchecks:mine": Route("/spot-checks/mine/"),
    "spotchecks:explain": Route("/spot-checks/mine/999999/", foreign=True),
}
