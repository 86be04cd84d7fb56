"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from qinglian.testing.access import Route


def _agency(tree, unit):
    from qinglian.taskforce.models import Agency

    n = Agency.objects.count() + 1
    return Agency.objects.create(code=f"matrix{n}", name=f"矩阵成员单位{n}", unit=unit, order=900 + n).pk


def _member(tree, unit):
    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.taskforce.models import AgencyMember

    agency_id = _agency(tree, unit)
    n = User.objects.count() + 1
    user = User.objects.create_user(username=f"matrix_tf{n}", password="pw-test-123456")
    return f"{agency_id}/members/{AgencyMember.objects.create(agency_id=agency_id, user=user, linked_at=timezone.now()).pk}"


def _token(tree, unit):
    from qinglian.taskforce.services import agency_token_issue

    agency_id = _agency(tree, unit)
    from qinglian.taskforce.models import Agency

    token, _ = agency_token_issue(actor=None, agency=Agency.objects.get(pk=agency_id), name="矩阵")
    return f"{agency_id}/tokens/{token.pk}"


def _row_type(tree, unit):
    from qinglian.taskforce.models import RowType

    n = RowType.objects.count() + 1
    return RowType.objects.create(code=f"matrix{n}", name=f"矩阵类型{n}", kind_code="external.other").pk


def _report(tree, unit):
    from datetime import date

    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.taskforce.models import Agency, MonthlyReport

    agency = Agency.objects.get(pk=_agency(tree, unit))
    return MonthlyReport.objects.create(agency=agency, month=date(2026, 10, 1), channel="excel",
                                        submitted_by=User.objects.order_by("pk")[0], submitted_at=timezone.now(),
                                        deadline=date(2026, 11, 10)).pk  # fmt: skip


OBJECTS = {"tf_agency": _agency, "tf_member": _member, "tf_token": _token, "tf_row_type": _row_type,
           "tf_report": _report}  # fmt: skip

ROUTES = {
    "taskforce:agencies": Route("/task-force/agencies/"),
    "taskforce:agency_new": Route("/task-force/agencies/new/"),
    "taskforce:agency": Route("/task-force/agencies/{obj}/", obj="tf_agency"),
    "taskforce:agency_sharing": Route("/task-force/agencies/{obj}/sharing/", method="POST", obj="tf_agency"),
    "taskforce:agency_member_link": Route(
        "/task-force/agencies/{obj}/members/", method="POST", obj="tf_agency"
    ),
    "taskforce:agency_member_unlink": Route(
        "/task-force/agencies/{obj}/unlink/", method="POST", obj="tf_member"
    ),
    "taskforce:agency_token_new": Route("/task-force/agencies/{obj}/tokens/", method="POST", obj="tf_agency"),
    "taskforce:agency_token_revoke": Route(
        "/task-force/agencies/{obj}/revoke/", method="POST", obj="tf_token"
    ),
    "taskforce:row_types": Route("/task-force/row-types/"),
    "taskforce:row_type_new": Route("/task-force/row-types/new/"),
    "taskforce:row_type": Route("/task-force/row-types/{obj}/save/", method="POST", obj="tf_row_type"),
    "taskforce:reports": Route("/task-force/reports/"),
    "taskforce:template": Route("/task-force/reports/template.xlsx"),
    "taskforce:upload": Route("/task-force/reports/upload/"),
    "taskforce:report": Route("/task-force/reports/{obj}/", obj="tf_report"),
    "taskforce:shared": Route("/task-force/shared/"),
    "taskforce:aggregates": Route("/task-force/aggregates/"),
}
