"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from qinglian.testing.access import Route


def _user():
    from qinglian.accounts.models import User

    return User.objects.order_by("pk")[0]


def _case(tree, unit):
    from django.utils import timezone

    from qinglian.appointments.models import STAGE_ORDER, AppointmentCase, Stage

    case = AppointmentCase.objects.create(unit=unit, post_title="矩阵", post_level="section", reason="矩阵",
                                          created_by=_user(), created_at=timezone.now())  # fmt: skip
    Stage.objects.bulk_create(Stage(case=case, kind=k, position=i) for i, k in enumerate(STAGE_ORDER, 1))
    return case


def _stage(tree, unit):
    return _case(tree, unit).stages.get(kind="motion").pk


def _candidate(tree, unit):
    from django.utils import timezone

    from qinglian.appointments.models import Candidate
    from qinglian.core.tests.test_access_matrix import _cadre

    return Candidate.objects.create(case=_case(tree, unit), cadre=_cadre(tree, unit), added_by=_user(),
                                    added_at=timezone.now()).pk  # fmt: skip


def _document(tree, unit):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from qinglian.appointments.models import StageDocument

    doc = StageDocument(stage=_case(tree, unit).stages.get(kind="motion"), name="矩阵.pdf", content_type="application/pdf",
                        size=8, sha256="0" * 64, uploaded_by=_user(), uploaded_at=timezone.now())  # fmt: skip
    doc.file.save("m.bin", ContentFile(b"%PDF-1.4"), save=False)
    doc.save()
    return doc.pk


def _review(tree, unit):
    from django.utils import timezone

    from qinglian.appointments.models import AnnualReview

    return AnnualReview.objects.create(unit=unit, year=2025 + AnnualReview.objects.count(), reported_on=timezone.localdate(),
                                       report_summary="矩阵", participants=10, created_by=_user(),
                                       created_at=timezone.now()).pk  # fmt: skip


OBJECTS: dict = {
    "appointment_case": lambda tree, unit: _case(tree, unit).pk,
    "appointment_stage": _stage,
    "appointment_candidate": _candidate,
    "appointment_document": _document,
    "appointment_review": _review,
}

ROUTES: dict = {
    "appointments:cases": Route("/appointments/"),
    "appointments:case_new": Route("/appointments/new/"),
    "appointments:case": Route("/appointments/{obj}/", obj="appointment_case"),
    "appointments:case_cancel": Route("/appointments/{obj}/cancel/", method="POST", obj="appointment_case"),
    "appointments:candidate_add": Route(
        "/appointments/{obj}/candidates/", method="POST", obj="appointment_case"
    ),
    "appointments:opinion_request": Route(
        "/appointments/{obj}/opinion/", method="POST", obj="appointment_case"
    ),
    "appointments:candidate_withdraw": Route(
        "/appointments/candidates/{obj}/withdraw/", method="POST", obj="appointment_candidate"
    ),
    "appointments:file_review": Route(
        "/appointments/candidates/{obj}/file-review/", method="POST", obj="appointment_candidate"
    ),
    "appointments:complaint_new": Route(
        "/appointments/candidates/{obj}/complaints/", method="POST", obj="appointment_candidate"
    ),
    "appointments:stage_record": Route("/appointments/stages/{obj}/", method="POST", obj="appointment_stage"),
    "appointments:stage_close": Route(
        "/appointments/stages/{obj}/close/", method="POST", obj="appointment_stage"
    ),
    "appointments:document_upload": Route(
        "/appointments/stages/{obj}/documents/", method="POST", obj="appointment_stage"
    ),
    "appointments:document": Route("/appointments/documents/{obj}/", obj="appointment_document"),
    "appointments:reviews": Route("/appointments/reviews/"),
    "appointments:review_new": Route("/appointments/reviews/new/"),
    "appointments:review": Route("/appointments/reviews/{obj}/", obj="appointment_review"),
    "appointments:review_result": Route(
        "/appointments/reviews/{obj}/results/", method="POST", obj="appointment_review"
    ),
    "appointments:review_feedback": Route(
        "/appointments/reviews/{obj}/feedback/", method="POST", obj="appointment_review"
    ),
}
