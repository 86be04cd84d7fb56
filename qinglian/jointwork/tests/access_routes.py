"""This app's rows of the access matrix (qinglian/core/tests/test_access_matrix.py merges them).

ROUTES: url name -> Route; OBJECTS: object name -> function (tree, unit) giving the URL part of an
object that lives in `unit`."""

from qinglian.testing.access import Route


def _meeting(tree, unit):
    from datetime import date

    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.jointwork.models import Meeting

    return Meeting.objects.create(kind="quarterly", title="矩阵会议", unit=unit, held_on=date(2026, 1, 10), place="矩阵",
                                  convener_name="矩阵", created_by=User.objects.order_by("pk")[0],
                                  created_at=timezone.now()).pk  # fmt: skip


def _review(tree, unit):
    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.archive.models import OpinionRequest
    from qinglian.jointwork.models import JointReview

    user = User.objects.order_by("pk")[0]
    req = OpinionRequest.objects.create(purpose="promotion", as_of=timezone.localdate(), title="矩阵", requested_by=user,
                                        requesting_unit=unit, drafted_at=timezone.now())  # fmt: skip
    return JointReview.objects.create(title="矩阵联审", purpose="promotion", unit=unit, opinion_request=req,
                                      created_by=user, created_at=timezone.now()).pk  # fmt: skip


def _circular(tree, unit):
    from datetime import date

    from django.utils import timezone

    from qinglian.accounts.models import User
    from qinglian.jointwork.models import Circular

    figures = {"unit": unit.name, "start": "2026-01-01", "end": "2026-06-30", "as_of": "2026-07-01",
               "meetings": {"quarterly": 0, "half_yearly": 0, "ad_hoc": 0}, "decisions": 0,
               "assignments": {"total": 0, "done": 0, "done_late": 0, "overdue": 0, "open": 0},
               "reviews": {"total": 0, "agree": 0, "postpone": 0, "disagree": 0, "undecided": 0}, "overdue": []}  # fmt: skip
    return Circular.objects.create(audience="committee", unit=unit, period_start=date(2026, 1, 1),
                                   period_end=date(2026, 6, 30), figures=figures,
                                   created_by=User.objects.order_by("pk")[0], created_at=timezone.now()).pk  # fmt: skip


OBJECTS: dict = {
    "joint_meeting": _meeting,
    "joint_review": _review,
    "joint_circular": _circular,
}
ROUTES: dict = {
    "jointwork:meetings": Route("/joint/meetings/"),
    "jointwork:meeting_new": Route("/joint/meetings/new/"),
    "jointwork:meeting": Route("/joint/meetings/{obj}/", obj="joint_meeting"),
    "jointwork:case_add": Route("/joint/meetings/{obj}/cases/", method="POST", obj="joint_meeting"),
    "jointwork:decision_add": Route("/joint/meetings/{obj}/decisions/", method="POST", obj="joint_meeting"),
    "jointwork:follow_up": Route("/joint/meetings/{obj}/follow-ups/", method="POST", obj="joint_meeting"),
    "jointwork:minutes": Route("/joint/meetings/{obj}/minutes/", method="POST", obj="joint_meeting"),
    "jointwork:reviews": Route("/joint/reviews/"),
    "jointwork:review_new": Route("/joint/reviews/new/"),
    "jointwork:review": Route("/joint/reviews/{obj}/", obj="joint_review"),
    "jointwork:review_decide": Route("/joint/reviews/{obj}/decide/", method="POST", obj="joint_review"),
    "jointwork:circulars": Route("/joint/circulars/"),
    "jointwork:circular": Route("/joint/circulars/{obj}/", obj="joint_circular"),
    "jointwork:schedules": Route("/joint/schedules/"),
}
